"""The user-simulator protocol: what an environment needs from a simulated user.

The scripted latent-state user (``ScriptedUser``) is the default; an LLM-backed user implements the
same three calls. Simulators are never trained: they are part of the environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from oyrl.types import Outcome, ResponseFeatures, UserAct, UserType


@dataclass(frozen=True, slots=True)
class Reaction:
    """The user's move after an assistant reply.

    Attributes:
        act: what the user does.
        text: what the user says ("" after a terminal act that says nothing).
        outcome: the conversation's outcome when ``act`` is terminal, else None.
    """

    act: UserAct
    text: str
    outcome: Outcome | None = None


@runtime_checkable
class UserSimulator(Protocol):
    """A simulated user with a hidden type; all randomness comes from the ``rng`` passed in."""

    user_type: UserType

    def start(self, rng: np.random.Generator) -> str:
        """Draw this episode's hidden state and return the opening message."""
        ...

    def react(self, features: ResponseFeatures, rng: np.random.Generator) -> Reaction:
        """Update the hidden state from the judged reply and return the next move."""
        ...

    def hidden_state(self) -> dict[str, Any]:
        """The latent state, for analysis (goes to ``info``, never to observations)."""
        ...
