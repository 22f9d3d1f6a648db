"""StrategyEnv: the assistant picks a response strategy instead of writing text.

It skips text generation and judging (the chosen strategy's feature profile goes straight to the
simulated user), so SB3 agents train in seconds on a CPU and reward designs can be compared before
any GPU hour is spent. Observations hold only what an assistant could see.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from gymnasium import spaces

from oyrl.env.base import ConversationEnv
from oyrl.cues import CUE_NAMES, user_cues
from oyrl.strategies import STRATEGIES, Strategy, strategy_features
from oyrl.types import ResponseFeatures
from oyrl.users.base import Reaction

N_CUES = len(CUE_NAMES)
N_STRATEGIES = len(STRATEGIES)
_BRACKETED = tuple(f"[{s.value}]" for s in STRATEGIES)

#: Names of the observation vector's entries, in order.
OBSERVATION_NAMES: tuple[str, ...] = (
    *(f"last_{c}" for c in CUE_NAMES),  # cues in the user's latest message
    *(f"max_{c}" for c in CUE_NAMES),  # strongest cue in any user message so far
    "turn_fraction",  # assistant turns taken / max_turns
    *(f"prev_{s.value}" for s in STRATEGIES),  # one-hot of the assistant's previous strategy
)


@lru_cache(maxsize=65536)
def _cue_vector(text: str) -> np.ndarray:
    """Cues of a user message as a read-only float32 vector (users repeat templates: cache them)."""
    vec = np.asarray(user_cues(text), dtype=np.float32)
    vec.flags.writeable = False
    return vec


#: Wording quality is drawn from this many levels in [0.85, 1]; a finite set lets the feature
#: profiles be built once and reused (StrategyEnv's throughput target is 20,000 steps/s).
QUALITY_LEVELS = 16


@lru_cache(maxsize=65536)
def _profile(action: int, ask_harm: float, level: int) -> ResponseFeatures:
    quality = 0.85 + 0.15 * level / (QUALITY_LEVELS - 1)
    return strategy_features(STRATEGIES[action], ask_harm, quality)


def reply_features(action: int, ask_harm: float, level: int) -> ResponseFeatures:
    """Features StrategyEnv gives strategy ``action`` to a user whose ask has harm ``ask_harm``
    (``RequestTruth.harm``), at wording-quality level ``level`` of ``QUALITY_LEVELS`` (quality
    ``0.85 + 0.15 * level / (QUALITY_LEVELS - 1)``). The Stackelberg planner models replies with it.
    """
    return _profile(action, round(ask_harm, 2), level)


def sample_reply_features(action: int, ask_harm: float, rng: np.random.Generator) -> ResponseFeatures:
    """``reply_features`` at a wording-quality level drawn from ``rng`` (one uniform draw): the
    features StrategyEnv gives strategy ``action``, and the planner's model of them."""
    return _profile(action, round(ask_harm, 2), int(rng.random() * QUALITY_LEVELS))


class StrategyEnv(ConversationEnv[np.ndarray, int]):
    """A conversation where each action is one of the response strategies.

    Observation: ``float32`` vector of shape ``(2 * len(CUE_NAMES) + 1 + len(STRATEGIES),)`` in
    [0, 1], named by ``OBSERVATION_NAMES``: lexical cues of the user's last message and the maximum
    of each cue over the conversation (``oyrl.cues.reader``), the turn fraction, and the previous
    strategy one-hot. Never the hidden user type or state (those are in ``info``).

    Action: ``Discrete(len(STRATEGIES))``, an index into ``oyrl.strategies.STRATEGIES``.

    Each reply's wording quality is drawn from ``U(0.85, 1)`` (``env.np_random``) to model varied
    phrasing of the same strategy (in ``QUALITY_LEVELS`` steps). The harm of the request, which
    decides how harmful compliance is and whether empathic support declines, is the simulated
    user's own (``env.truth``, the persona's ``ask_harm``), as DialogueEnv's judge takes it: so
    StrategyEnv is DialogueEnv with writing and judging replaced by the judge's typical reading,
    and the two interfaces agree (``tests/test_strategy_agreement.py``). The observation still
    reads only the text, as an assistant would. Other arguments: see ``ConversationEnv``.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.observation_space = spaces.Box(0.0, 1.0, shape=(len(OBSERVATION_NAMES),), dtype=np.float32)
        self.action_space = spaces.Discrete(N_STRATEGIES)
        self._max_cues = np.zeros(N_CUES, dtype=np.float32)
        self._prev = -1
        self._user_text = ""
        self._log: list[str] = []

    def _start(self, opening: str) -> None:
        self._max_cues = _cue_vector(opening).copy()
        self._prev = -1
        self._user_text = opening
        self._log = [f"User: {opening}"]

    def _fork_into(self, twin: ConversationEnv) -> None:
        twin._max_cues, twin._log = self._max_cues.copy(), list(self._log)

    def _features(self, action: int) -> tuple[ResponseFeatures, str]:
        # Plain ints are the hot path (Discrete.contains costs more than the rest of a step).
        if not (action.__class__ is int and 0 <= action < N_STRATEGIES) and not self.action_space.contains(action):
            raise TypeError(
                f"StrategyEnv action must be an int in [0, {N_STRATEGIES}) (a strategy index), got {action!r}"
            )
        self._prev = int(action)
        # The request's harm as DialogueEnv's judge takes it: the simulated user's own ask.
        return sample_reply_features(self._prev, self.truth.harm, self.np_random), _BRACKETED[self._prev]

    def _record(self, reply: str, user_text: str, info: dict[str, Any]) -> None:
        self._log.append(f"Assistant: {reply}")
        if user_text:
            self._user_text = user_text
            self._log.append(f"User: {user_text}")
            np.maximum(self._max_cues, _cue_vector(user_text), out=self._max_cues)
        info["strategy"] = STRATEGIES[self._prev]
        info["user_text"] = user_text

    def _observe(self, reaction: Reaction | None) -> np.ndarray:
        obs = np.zeros(len(OBSERVATION_NAMES), dtype=np.float32)
        obs[:N_CUES] = _cue_vector(self._user_text)
        obs[N_CUES : 2 * N_CUES] = self._max_cues
        obs[2 * N_CUES] = min(1.0, self.turn / self.max_turns)
        if self._prev >= 0:
            obs[2 * N_CUES + 1 + self._prev] = 1.0
        return obs

    def transcript(self) -> str:
        """The conversation with strategy names in place of assistant text."""
        return "\n".join(self._log)


def strategy_index(strategy: Strategy | str) -> int:
    """The action index of a strategy (name or enum)."""
    return STRATEGIES.index(Strategy(strategy))
