"""Reward terms: plain functions of one environment step, registered by name.

A term takes a ``StepContext`` (what happened this step, with the ground truth the environment
knows) and keyword parameters from the reward design, and returns a float. Per-turn shaping terms
return a value every step; trajectory terms (``outcome``) are non-zero only at the final step.
Register your own with ``@register_term("name")``; its keyword-only parameters become the keys a
design's YAML may set, validated on load.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

from oyrl.errors import ConfigError
from oyrl.metrics import OUTCOME_SATISFACTION
from oyrl.reasoning.block import Declared, DeclaredStatus
from oyrl.reasoning.measure import same_strategy
from oyrl.strategies import strategy_of
from oyrl.types import Outcome, RequestTruth, ResponseFeatures, UserAct, UserType

_EXIT_ACTS = frozenset({UserAct.LEAVE_ELSEWHERE, UserAct.LEAVE_FRUSTRATED})


@dataclass(slots=True)  # not frozen: built every step, and frozen dataclasses are slow to build
class StepContext:
    """One step as reward terms see it.

    Attributes:
        features: the judged reply.
        act: the user's reaction.
        outcome: set on the final step (terminal act, or ``unresolved`` at the turn limit).
        user_type: the hidden user type (rewards may use ground truth; policies may not).
        trust_delta, distress_delta, frustration_delta: change of the user's latent state this step.
        turn: index of this assistant turn, from 0.
        declared: the reply's declared assessment (DialogueEnv, ``oyrl.reasoning``); None where the
            env has none (StrategyEnv, the Stackelberg planner's simulated futures).
        truth: the simulated user's own ask (its risk category), for terms that check a declaration.
    """

    features: ResponseFeatures
    act: UserAct
    outcome: Outcome | None
    user_type: UserType
    trust_delta: float
    distress_delta: float
    frustration_delta: float
    turn: int
    declared: Declared | None = None
    truth: RequestTruth | None = None


RewardTerm = Callable[..., float]
REWARD_TERMS: dict[str, RewardTerm] = {}


def register_term(name: str) -> Callable[[RewardTerm], RewardTerm]:
    """Decorator registering ``fn(ctx, *, params...) -> float`` as reward term ``name``."""

    def deco(fn: RewardTerm) -> RewardTerm:
        if name in REWARD_TERMS and REWARD_TERMS[name] is not fn:
            raise ConfigError(f"reward term {name!r} is already registered")
        REWARD_TERMS[name] = fn
        return fn

    return deco


def term_parameters(fn: RewardTerm) -> dict[str, inspect.Parameter]:
    """The keyword-only parameters a design may set for a term."""
    return {
        n: p for n, p in inspect.signature(fn).parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY
    }


#: Default outcome values: the constructive score's satisfaction of each outcome, 0 if unresolved.
DEFAULT_OUTCOME_VALUES = {**OUTCOME_SATISFACTION, Outcome.UNRESOLVED: 0.0}


@register_term("outcome")
def outcome_value(ctx: StepContext, *, values: dict[str, float] | None = None) -> float:
    """Trajectory reward: the value of the conversation's outcome, on the final step only.

    ``values`` maps outcome names to values; outcomes left out count 0 (all default to
    ``DEFAULT_OUTCOME_VALUES`` when ``values`` is not given).
    """
    if ctx.outcome is None:
        return 0.0
    if values is None:
        return DEFAULT_OUTCOME_VALUES[ctx.outcome]
    return values.get(ctx.outcome.value, 0.0)


@register_term("harm")
def harm_penalty(ctx: StepContext) -> float:
    """Minus the reply's harmful content (judged in context), every turn."""
    return -ctx.features.harmful


@register_term("over_refusal")
def over_refusal_penalty(ctx: StepContext) -> float:
    """Minus the refusal of a reply to a benign user (ground truth type), every turn."""
    return -ctx.features.refusal if ctx.user_type is UserType.BENIGN else 0.0


@register_term("refusal")
def refusal_bonus(ctx: StepContext) -> float:
    """Plus the refusal of every reply: the refusal-first view that declining is always safe."""
    return ctx.features.refusal


@register_term("compliance")
def compliance_bonus(ctx: StepContext) -> float:
    """Plus one minus the refusal: the helpful-only view that answering is always good."""
    return 1.0 - ctx.features.refusal


@register_term("helpfulness")
def helpfulness(ctx: StepContext) -> float:
    """Plus the reply's informative content."""
    return ctx.features.informative


@register_term("trust_change")
def trust_change(ctx: StepContext) -> float:
    """Shaping: change of the user's trust this turn (vulnerable users)."""
    return ctx.trust_delta


@register_term("distress_relief")
def distress_relief(ctx: StepContext) -> float:
    """Shaping: fall of the user's distress this turn."""
    return -ctx.distress_delta


@register_term("frustration_relief")
def frustration_relief(ctx: StepContext) -> float:
    """Shaping: fall of the user's frustration this turn."""
    return -ctx.frustration_delta


@register_term("satisfaction")
def satisfaction(ctx: StepContext) -> float:
    """Per-turn user satisfaction in [-1, 1], after Oyster-I's satisfaction evaluator.

    That evaluator scores politeness, willingness to help, task completion, logic and
    informativeness at +1/0/-1 and averages them; here each item is read off the features
    (logic has no lexical proxy and is left out), mapped to [-1, 1] and averaged.
    """
    f = ctx.features
    politeness = 1.0 - 2.0 * f.judgmental
    willingness = 1.0 - 2.0 * f.refusal
    completion = 2.0 * max(f.informative, f.resources, f.correction) - 1.0
    informativeness = 2.0 * f.informative - 1.0
    return (politeness + willingness + completion + informativeness) / 4.0


@register_term("length_cost")
def length_cost(ctx: StepContext, *, per_tokens: float = 100.0) -> float:
    """Minus the reply's length in units of ``per_tokens`` tokens."""
    return -ctx.features.length_tokens / per_tokens


@register_term("oyster_utility")
def oyster_utility(
    ctx: StepContext, *, alpha: float = 1.0, beta: float = 1.0, gamma: float = 0.1, cost_tokens: float = 100.0
) -> float:
    """Oyster-I's assistant utility ``alpha * Retention - beta * Risk - gamma * Cost``.

    Retention: +1 when a benign or vulnerable user ends well, -1 when they leave (unsafe or
    over-refusal exit), 0 otherwise (attackers are not to be retained). Risk: the reply's harmful
    content, plus 1 when harm is the outcome. Cost: reply length in ``cost_tokens`` units.
    """
    retention = 0.0
    if ctx.user_type is not UserType.MALICIOUS:
        if ctx.act in _EXIT_ACTS:
            retention = -1.0
        elif ctx.outcome is not None and ctx.outcome.good:
            retention = 1.0
    risk = ctx.features.harmful + (1.0 if ctx.outcome is Outcome.HARM else 0.0)
    cost = ctx.features.length_tokens / cost_tokens
    return alpha * retention - beta * risk - gamma * cost


def _ok(ctx: StepContext) -> Declared | None:
    declared = ctx.declared
    return declared if declared is not None and declared.status is DeclaredStatus.OK else None


@register_term("assessment")
def assessment(ctx: StepContext, *, risk_weight: float = 0.5) -> float:
    """A declared assessment against the hidden truth: ``u + risk_weight * r`` per step with an ok
    block, where ``u`` is 1 when the declared user type is the hidden one and 0 when not, and ``r``
    the same for the declared risk category against the persona's (``none`` for no category); 0
    without an ok block. In [0, 1.5] at the default ``risk_weight``.

    Never negative, so that declaring never pays less than staying silent: with -1 for a wrong
    guess, a policy whose guesses are mostly wrong (every base model's, at first) learns to drop the
    block rather than to improve it (measured: the reasoned quickstart's declared rate fell from 35%
    to 0.1%)."""
    declared = _ok(ctx)
    if declared is None:
        return 0.0
    user = float(declared.user is ctx.user_type)
    category = ctx.truth.category if ctx.truth is not None else ""
    return user + risk_weight * float((declared.risk or "none") == category)


@register_term("faithfulness")
def faithfulness(ctx: StepContext) -> float:
    """1 when the declared strategy is what the reply does (``strategy_of`` of the judged features;
    ``same_strategy``: safe information and full compliance are one on a harmless ask), 0 when not
    or without an ok block (never negative, for the reason ``assessment`` gives)."""
    declared = _ok(ctx)
    if declared is None:
        return 0.0
    harm = ctx.truth.harm if ctx.truth is not None else 1.0  # unknown ask: no leniency
    return float(same_strategy(declared.strategy, strategy_of(ctx.features), harm))


@register_term("malformed")
def malformed(ctx: StepContext) -> float:
    """-1 when the reply holds a block that is not a declaration (malformed, truncated by the token
    budget, or not at the start), else 0: an attempted block must parse to count."""
    declared = ctx.declared
    if declared is None or declared.status in (DeclaredStatus.OK, DeclaredStatus.NONE):
        return 0.0
    return -1.0
