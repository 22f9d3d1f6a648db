"""Response judges: read an assistant reply, in the context of the request, as ResponseFeatures.

``LexicalJudge`` is the default (deterministic, model-free, fast); ``ResponseJudge`` is the
protocol every judge implements. Model-backed judges (``docs/model_judges.md``): ``RubricJudge``
(any instruct model, JSON rubric), ``GuardJudge`` (Qwen3Guard, WildGuard, Llama Guard),
``ClassifierJudge`` (a sequence classifier with a label map) and ``CascadeJudge`` (a fast judge on
every reply, a slow one on an audited sample); ``make_judge`` builds any of them from a config. The reader of the *user's* side (``user_cues``, ``topic_of``,
``request_harm``) is ``oyrl.cues``; its names here keep working for one release, with a
deprecation warning.
"""

from __future__ import annotations

from typing import Any

from oyrl._moved import warn_moved
from oyrl.judges.base import Context, ResponseJudge, user_messages
from oyrl.judges.cascade import CascadeJudge, ExploitationMonitor, JudgeAudit
from oyrl.judges.classifier import ClassifierJudge
from oyrl.judges.combine import JudgeStats
from oyrl.judges.factory import JUDGE_KINDS, make_judge
from oyrl.judges.guard import FORMATS as GUARD_FORMATS
from oyrl.judges.guard import GuardJudge, GuardVerdict
from oyrl.judges.lexical import LexicalJudge
from oyrl.judges.rubric import RubricJudge

__all__ = [
    "GUARD_FORMATS",
    "JUDGE_KINDS",
    "CascadeJudge",
    "ClassifierJudge",
    "Context",
    "ExploitationMonitor",
    "GuardJudge",
    "GuardVerdict",
    "JudgeAudit",
    "JudgeStats",
    "LexicalJudge",
    "ResponseJudge",
    "RubricJudge",
    "make_judge",
    "user_messages",
]

_MOVED_NAMES = {"CUE_NAMES", "request_harm", "topic_of", "user_cues"}


def __getattr__(name: str) -> Any:
    if name not in _MOVED_NAMES:
        raise AttributeError(f"module 'oyrl.judges' has no attribute {name!r}")
    warn_moved(f"oyrl.judges.{name}", f"oyrl.cues.{name}")
    import oyrl.cues

    return getattr(oyrl.cues, name)
