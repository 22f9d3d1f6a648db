"""What every trainer shares: DESIGN.md's TensorBoard scalars from finished episodes (``tags.py``),
the Lagrangian harm constraint (``constraint.py``) and run names (``naming.py``). The trainers themselves are products of
their own: ``oyrl.llm`` (GRPO/PPO of language models), ``oyrl.sb3`` (Stable-Baselines3 on
StrategyEnvs) and ``oyrl.compare`` (reward designs x seeds).

``oyrl.train.SB3Policy``, ``evaluate_policy``, ``run_name`` and ``train_run`` (now in ``oyrl.sb3``)
keep working for one release, with a deprecation warning.
"""

from __future__ import annotations

import importlib
from typing import Any

from oyrl._moved import warn_moved

_MOVED_NAMES = {"SB3Policy", "evaluate_policy", "run_name", "train_run"}


def __getattr__(name: str) -> Any:
    if name not in _MOVED_NAMES:
        raise AttributeError(f"module 'oyrl.train' has no attribute {name!r}")
    warn_moved(f"oyrl.train.{name}", f"oyrl.sb3.{name}")
    return getattr(importlib.import_module("oyrl.sb3"), name)
