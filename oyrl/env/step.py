"""One dialogue step: the simulated user reacts to a judged reply, and the reward design scores it.

The environments (``ConversationEnv.step``) and the Stackelberg planner's simulated futures
(``oyrl.policies.stackelberg``) both step a conversation with ``dialogue_step``, so the planner
anticipates exactly the step the environment takes: the same termination, truncation, outcome and
reward for the same user state, reply and random stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oyrl.reasoning.block import Declared
from oyrl.rewards.design import RewardDesign
from oyrl.rewards.terms import StepContext
from oyrl.types import Outcome, RequestTruth, ResponseFeatures
from oyrl.users.base import Reaction
from oyrl.users.scripted import ScriptedUser


@dataclass(slots=True)  # not frozen: built every step (planner rollouts too), frozen ones build slowly
class StepResult:
    """What one assistant turn led to.

    Attributes:
        reaction: the user's act, words and (terminal act) outcome.
        turn: assistant turns taken, this one included.
        terminated: the user's act ended the conversation.
        truncated: the turn limit ended it (never together with ``terminated``).
        outcome: the conversation's outcome when it ended (``unresolved`` at the turn limit), else None.
        reward: the design's reward for this step (0.0 when no design was given).
        terms: each term's weighted contribution to ``reward`` (empty when no design was given).
    """

    reaction: Reaction
    turn: int
    terminated: bool
    truncated: bool
    outcome: Outcome | None
    reward: float
    terms: dict[str, float]


def dialogue_step(
    user: ScriptedUser,
    features: ResponseFeatures,
    turn: int,
    max_turns: int,
    design: RewardDesign | None,
    rng: np.random.Generator,
    declared: Declared | None = None,
    truth: RequestTruth | None = None,
) -> StepResult:
    """The user reacts to a reply with ``features`` (changing ``user`` in place), then the step is scored.

    Args:
        user: the simulated user, in its state before the reply.
        features: the judged reply.
        turn: assistant turns taken before this one.
        max_turns: the turn limit: the conversation is truncated when this turn reaches it.
        design: scores the step from its ``StepContext`` (ground truth included); None skips
            scoring (a planner that values futures by another objective need not pay for it).
        rng: the user's randomness (the env's ``np_random``, or a planner's stream).
        declared, truth: the reply's declared assessment and the user's own ask, for the reward terms
            that check a declaration (``StepContext``); None where there is none (StrategyEnv, planners).
    """
    trust, distress, frustration = user.trust, user.distress, user.frustration
    reaction = user.react(features, rng)
    turn += 1
    terminated = reaction.act.terminal
    truncated = not terminated and turn >= max_turns
    outcome = reaction.outcome if terminated else (Outcome.UNRESOLVED if truncated else None)
    if design is None:
        return StepResult(reaction, turn, terminated, truncated, outcome, 0.0, {})
    ctx = StepContext(
        features,
        reaction.act,
        outcome,
        user.user_type,
        user.trust - trust,
        user.distress - distress,
        user.frustration - frustration,
        turn - 1,
        declared,
        truth,
    )
    reward, terms = design(ctx)
    return StepResult(reaction, turn, terminated, truncated, outcome, reward, terms)
