"""Training: Stable-Baselines3 runs on Strategy environments (``oyrl.train.sb3``), reward-design
comparisons over them (``oyrl.train.compare``), and the LLM rollout engine and losses.

The SB3 names below load on first use, so importing another ``oyrl.train`` module does not pay
for importing Stable-Baselines3.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "SB3Policy": "oyrl.train.sb3",
    "evaluate_policy": "oyrl.train.sb3",
    "run_name": "oyrl.train.sb3",
    "train_run": "oyrl.train.sb3",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'oyrl.train' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
