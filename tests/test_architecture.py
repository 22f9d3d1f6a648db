"""The package structure holds: imports run one way, modules and functions stay small.

``docs/architecture.md`` draws the layers. A module may import from its own layer or a lower one;
an import that reaches up (a simulator importing the environments, a judge importing a trainer)
fails here with the line that does it. Imports under ``if TYPE_CHECKING:`` count too: a type that
points up is a dependency that points up.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "oyrl"

#: Lowest first. A name is a package (``oyrl.judges``: every module in it) or a module.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("oyrl.types", "oyrl.errors", "oyrl.schema", "oyrl.text", "oyrl.resources", "oyrl.progress", "oyrl._moved",
     "oyrl.backends"),
    ("oyrl.users", "oyrl.cues", "oyrl.strategies", "oyrl.metrics", "oyrl.config", "oyrl.reasoning"),
    ("oyrl.judges",),
    ("oyrl.scenarios", "oyrl.rewards", "oyrl.ladders"),
    ("oyrl.env",),
    ("oyrl",),  # the package's __init__: registers the envs, exports the public names
    ("oyrl.policies", "oyrl.writer"),
    ("oyrl.simulate", "oyrl.tinybase"),
    ("oyrl.train", "oyrl.llm", "oyrl.sb3", "oyrl.compare", "oyrl.preference"),
    ("oyrl.eval", "oyrl.integrations"),
    ("oyrl.cli", "oyrl.__main__"),
)
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    """The layer of a module: that of the longest layer name it is or lies under."""
    best, found = -1, None
    for i, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best:
                best, found = len(name), i
    if found is None:
        raise AssertionError(f"{module} is in no layer of tests/test_architecture.py: add it")
    return found


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported oyrl module) of every import in a file; ``from oyrl import x`` names the
    submodule ``oyrl.x`` when there is one, else the package."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "oyrl"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "oyrl":
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                is_module = (PACKAGE.parent / (sub.replace(".", "/") + ".py")).exists() or (
                    PACKAGE.parent / sub.replace(".", "/")
                ).is_dir()
                found.append((node.lineno, sub if is_module else node.module))
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_is_in_a_layer():
    for path in SOURCES:
        _layer(_module_name(path))


def test_imports_run_one_way():
    upward = []
    for path in SOURCES:
        here = _module_name(path)
        for line, target in _imports(path):
            if _layer(target) > _layer(here) and not target.startswith(here + "."):
                upward.append(f"{path.relative_to(ROOT)}:{line}: {here} imports {target}")
    assert not upward, "imports that reach up a layer:\n" + "\n".join(upward)


def test_the_layering_check_catches_an_upward_import(tmp_path):
    """The rule itself: a judge importing the LLM trainer is reported."""
    fake = PACKAGE / "judges" / "_fake_upward.py"
    source = "from oyrl.llm.trainer import LLMTrainer\n"
    assert _layer(_module_name(fake)) < _layer("oyrl.llm.trainer")
    (tmp_path / "x.py").write_text(source)
    assert _imports(tmp_path / "x.py") == [(1, "oyrl.llm.trainer")]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_stay_small(path):
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_MODULE_LINES, f"{path.name}: {text.count(chr(10))} lines"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path.name}: functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_moved_import_paths_still_work_with_a_warning():
    import importlib
    import sys

    import oyrl  # noqa: F401  (installs the aliases)
    from oyrl._moved import MOVED

    for old, new in MOVED.items():
        sys.modules.pop(old, None)
        with pytest.warns(DeprecationWarning, match=f"{old} has moved to {new}"):
            module = importlib.import_module(old)
        assert module is importlib.import_module(new)
    with pytest.warns(DeprecationWarning, match="oyrl.train.SB3Policy has moved"):
        from oyrl.train import SB3Policy
    from oyrl.sb3 import SB3Policy as current

    assert SB3Policy is current
    with pytest.warns(DeprecationWarning, match="oyrl.judges.request_harm has moved"):
        from oyrl.judges import request_harm
    assert request_harm("how do I kill a Python process?") < 0.5
