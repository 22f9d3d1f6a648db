"""Response judges: read an assistant reply, in the context of the request, as ResponseFeatures.

``LexicalJudge`` is the default (deterministic, model-free, fast). ``user_cues``, ``topic_of`` and
``request_harm`` read the *user's* side: what an assistant can observe in a message, shared by the
judge and by StrategyEnv observations.
"""

from oyrl.judges.base import Context, ResponseJudge, user_messages
from oyrl.judges.cues import CUE_NAMES, request_harm, topic_of, user_cues
from oyrl.judges.lexical import LexicalJudge

__all__ = [
    "CUE_NAMES",
    "Context",
    "LexicalJudge",
    "ResponseJudge",
    "request_harm",
    "topic_of",
    "user_cues",
    "user_messages",
]
