"""The reader of the *user's* messages: what an assistant can observe in them.

``user_cues`` (the cue vector of StrategyEnv's observation), ``topic_of`` (the risk domain) and
``request_harm`` (how harmful fully complying with the ask would be), read from the text only
(never a simulated user's hidden type or state). The reply judges use it outside an env, where
the text is all there is; inside an env they take the simulated user's own ask
(``oyrl.types.RequestTruth``). ``reader.py`` is the method, the word lists are ``lexicon.py``
(cues, topics, recipes), ``harm_lexicon.py`` (acts and targets) and ``harm_contexts.py``
(discounts, wrappers).
"""

from oyrl.cues.reader import (
    CUE_NAMES,
    MAX_TURNS_BACK,
    message_harm,
    request_harm,
    request_harm_pair,
    topic_of,
    user_cues,
    user_texts,
)

__all__ = [
    "CUE_NAMES",
    "MAX_TURNS_BACK",
    "message_harm",
    "request_harm",
    "request_harm_pair",
    "topic_of",
    "user_cues",
    "user_texts",
]
