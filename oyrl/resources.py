"""Where the built-in scenario packs and reward designs live, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

from oyrl.errors import ConfigError, PackError

_PACKAGE = Path(__file__).resolve().parent


def data_dir(kind: str) -> Path:
    """The folder of built-in ``envs`` or ``rewards``.

    A wheel carries them as ``oyrl/_data/<kind>``; a source checkout (editable install) has them
    at the top of the repository, beside the package.
    """
    for candidate in (_PACKAGE / "_data" / kind, _PACKAGE.parent / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"oyrl's built-in {kind}/ folder is missing from the installation")


def _builtin(kind: str, name: str) -> Path | None:
    path = data_dir(kind) / f"{name.removesuffix('.yaml')}.yaml"
    return path if path.is_file() else None


def _known(kind: str) -> str:
    return ", ".join(sorted(p.stem for p in data_dir(kind).glob("*.yaml")))


def builtin_pack_path(name: str) -> Path:
    """Path of the built-in scenario pack ``name`` (e.g. ``"crisis_support"``)."""
    path = _builtin("envs", name)
    if path is None:
        raise PackError(f"no pack file {name!r} and no built-in pack of that name (built-ins: {_known('envs')})")
    return path


def builtin_design_path(name: str) -> Path:
    """Path of the built-in reward design ``name`` (e.g. ``"constructive"``)."""
    path = _builtin("rewards", name)
    if path is None:
        raise ConfigError(f"unknown reward design {name!r}: not a file and not a built-in ({_known('rewards')})")
    return path
