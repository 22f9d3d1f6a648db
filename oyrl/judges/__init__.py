"""Response judges: read an assistant reply, in the context of the request, as ResponseFeatures.

``LexicalJudge`` is the default (deterministic, model-free, fast); ``ResponseJudge`` is the
protocol every judge implements. The reader of the *user's* side (``user_cues``, ``topic_of``,
``request_harm``) is ``oyrl.cues``; its names here keep working for one release, with a
deprecation warning.
"""

from __future__ import annotations

from typing import Any

from oyrl._moved import warn_moved
from oyrl.judges.base import Context, ResponseJudge, user_messages
from oyrl.judges.lexical import LexicalJudge

__all__ = ["Context", "LexicalJudge", "ResponseJudge", "user_messages"]

_MOVED_NAMES = {"CUE_NAMES", "request_harm", "topic_of", "user_cues"}


def __getattr__(name: str) -> Any:
    if name not in _MOVED_NAMES:
        raise AttributeError(f"module 'oyrl.judges' has no attribute {name!r}")
    warn_moved(f"oyrl.judges.{name}", f"oyrl.cues.{name}")
    import oyrl.cues

    return getattr(oyrl.cues, name)
