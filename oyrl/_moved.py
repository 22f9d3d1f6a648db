"""Import paths that moved when the packages were split by product (issue 13).

Each old module path keeps working for one release: importing it warns (``DeprecationWarning``)
and gives the module at its new path, the same object (``oyrl.train.sb3`` is ``oyrl.sb3.runner``).
The finder is installed by ``import oyrl``; remove an entry when its release has passed.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings
from types import ModuleType

#: Old module path -> new module path.
MOVED: dict[str, str] = {
    "oyrl.judges.cues": "oyrl.cues.reader",
    "oyrl.judges.cue_lexicon": "oyrl.cues.lexicon",
    "oyrl.judges.harm_lexicon": "oyrl.cues.harm_lexicon",
    "oyrl.judges.harm_contexts": "oyrl.cues.harm_contexts",
    "oyrl.judges.gating": "oyrl.text.gating",
    "oyrl.policies.grammar": "oyrl.writer.grammar",
    "oyrl.policies.phrases": "oyrl.writer.phrases",
    "oyrl.policies.phrases_topics": "oyrl.writer.phrases_topics",
    "oyrl.policies.tiny_base": "oyrl.tinybase.build",
    "oyrl.policies.corpus": "oyrl.tinybase.corpus",
    "oyrl.train.trainer": "oyrl.llm.trainer",
    "oyrl.train.losses": "oyrl.llm.losses",
    "oyrl.train.kl": "oyrl.llm.kl",
    "oyrl.train.models": "oyrl.llm.models",
    "oyrl.train.rollout": "oyrl.llm.rollout",
    "oyrl.train.scoring": "oyrl.llm.scoring",
    "oyrl.train.checkpoint": "oyrl.llm.checkpoint",
    "oyrl.train.logger": "oyrl.llm.logger",
    "oyrl.train.sb3": "oyrl.sb3.runner",
    "oyrl.train.callbacks": "oyrl.sb3.callbacks",
    "oyrl.train.lagrangian": "oyrl.sb3.lagrangian",
    "oyrl.train.compare": "oyrl.compare.grid",
    "oyrl.train.summary": "oyrl.compare.summary",
}


def warn_moved(old: str, new: str) -> None:
    """The one deprecation message of a moved path."""
    warnings.warn(
        f"{old} has moved to {new}; the old path will be removed in the next release",
        DeprecationWarning,
        stacklevel=3,
    )


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the old paths of ``MOVED`` and loads them as the module at the new path."""

    def find_spec(self, fullname: str, path: object = None, target: object = None):
        if fullname not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warn_moved(spec.name, MOVED[spec.name])
        return importlib.import_module(MOVED[spec.name])

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module at the new path is already executed."""


def install() -> None:
    """Put the alias finder at the end of ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _Alias) for f in sys.meta_path):
        sys.meta_path.append(_Alias())
