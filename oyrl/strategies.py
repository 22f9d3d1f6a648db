"""The response strategies of StrategyEnv and the features a reply of each strategy has.

Strategies follow the response types of Oyster-I's safety evaluator (hard refusal; soft refusal
with reasons, guidance and alternatives; a full answer that avoids the risk; a full answer that
corrects a false belief), plus empathic support (ESConv's affirmation, reflection and questions),
a clarifying question and full compliance, so every baseline the research contrasts exists.

``strategy_features`` is the bridge between the two action interfaces: StrategyEnv feeds these
profiles to the simulated user, DialogueEnv feeds what the judge reads in the text. The profiles are
the judge's typical reading of a reply of that strategy (``tests/test_strategy_agreement.py`` keeps
the two in step), so a text policy writing one strategy gets the outcome rates of that strategy.
They were re-measured when the judge learned to read real prose (informative counts specific
words, declines include objections): the response grammar's soft refusals carry little substance.
"""

from __future__ import annotations

from enum import Enum

from oyrl.types import HARMFUL_ASK, RefusalKind, ResponseFeatures


class Strategy(str, Enum):
    """A response strategy (the Discrete actions of StrategyEnv, in this order)."""

    HARD_REFUSAL = "hard_refusal"
    SOFT_REFUSAL = "soft_refusal"
    EMPATHIC_SUPPORT = "empathic_support"
    SAFE_INFORMATION = "safe_information"
    FULL_COMPLIANCE = "full_compliance"
    CLARIFYING_QUESTION = "clarifying_question"
    CORRECTION = "correction"


STRATEGIES: tuple[Strategy, ...] = tuple(Strategy)

__all__ = ["HARMFUL_ASK", "PROFILE_HARMS", "STRATEGIES", "Strategy", "strategy_features", "strategy_of"]


def strategy_features(
    strategy: Strategy, ask_harm: float, quality: float = 1.0
) -> ResponseFeatures:
    """Features of a reply of ``strategy`` to a request whose full answer would deliver ``ask_harm``.

    Args:
        strategy: the response strategy.
        ask_harm: harm in [0, 1] that full compliance with the request delivers (in the envs the
            simulated user's own, ``RequestTruth.harm``): a nurse's dosing question is low, a
            synthesis route for an attacker high.
        quality: in [0, 1], scales the constructive qualities (empathy, resources, information,
            engagement) to model varied wording; StrategyEnv draws it per reply.
    """
    q = quality
    risky = ask_harm >= HARMFUL_ASK
    if strategy is Strategy.HARD_REFUSAL:
        return ResponseFeatures(RefusalKind.HARD, 1.0, judgmental=0.3, length_tokens=15)
    if strategy is Strategy.SOFT_REFUSAL:
        return ResponseFeatures(
            RefusalKind.SOFT, 0.7, empathy=0.58 * q, resources=0.5 * q, informative=0.16 * q,
            engagement=0.5 * q, length_tokens=70,
        )
    if strategy is Strategy.EMPATHIC_SUPPORT:
        # Withholding a harmful ask while pointing to help is a soft refusal. The judge reads the
        # response grammar's such replies as soft refusals of about 0.5 (attackers: 86% soft, mean
        # 0.46 with the 14% it reads as no refusal); 0.5 gives the text env's attack outcomes.
        kind, refusal = (RefusalKind.SOFT, 0.5) if risky else (RefusalKind.NONE, 0.0)
        return ResponseFeatures(
            kind, refusal, empathy=0.98 * q, resources=0.78 * q, informative=0.13 * q,
            engagement=0.8 * q, length_tokens=90,
        )
    if strategy is Strategy.SAFE_INFORMATION:
        return ResponseFeatures(
            empathy=0.2 * q, resources=0.2 * q, harmful=0.15 * ask_harm, informative=0.8 * q,
            engagement=0.3 * q, length_tokens=110,
        )
    if strategy is Strategy.FULL_COMPLIANCE:
        return ResponseFeatures(harmful=ask_harm, informative=1.0 * q, engagement=0.1, length_tokens=130)
    if strategy is Strategy.CLARIFYING_QUESTION:
        return ResponseFeatures(empathy=0.3 * q, informative=0.02 * q, engagement=1.0 * q, length_tokens=30)
    if strategy is Strategy.CORRECTION:
        return ResponseFeatures(
            empathy=0.35 * q, resources=0.18 * q, informative=0.5 * q, correction=0.9 * q,
            engagement=0.3 * q, length_tokens=80,
        )
    raise ValueError(f"unknown strategy {strategy!r}")


#: The ask harms whose profiles ``strategy_of`` compares a reply with: a harmless ask, a mild one
#: and a severe one (``strategy_features`` depends on the harm only through ``harmful`` and, for
#: empathic support, whether the ask is harmful), so every profile a strategy can have is near one.
PROFILE_HARMS = (0.0, 0.2, 0.5, 0.9)
#: What a disagreeing ``refusal_kind`` adds to the distance: as much as one score fully off, so the
#: kind of decline counts without outvoting every score.
KIND_MISMATCH = 1.0
# (strategy, refusal kind, scores) of every profile, the scores unpacked once: DialogueEnv maps
# every reply it steps.
_PROFILES = tuple(
    (s, p.refusal_kind, tuple(getattr(p, k) for k in ResponseFeatures.SCORES))
    for s in STRATEGIES for p in (strategy_features(s, h) for h in PROFILE_HARMS)
)


def strategy_of(features: ResponseFeatures) -> Strategy:
    """The strategy whose profile is nearest to what a reply does (its judged features).

    The inverse of ``strategy_features``: the L1 distance over the scores of
    ``ResponseFeatures.SCORES`` plus ``KIND_MISMATCH`` when the refusal kinds differ, to each
    strategy's profile at each harm of ``PROFILE_HARMS`` (quality 1); ties go to the earlier strategy
    in ``STRATEGIES``. Deterministic, and exact on the profiles themselves (``tests/test_reasoning.py``).

    Nearest profile rather than ordered rules: the profiles are already the judge's typical reading
    of each strategy's replies (module docstring), so they are the one calibrated description of the
    seven strategies, and the mapping moves with them when they are re-measured. Length is left out:
    it separates nothing the scores do not, and it varies most with wording.

    Known limit (``docs/reasoning.md`` has the measured table): the judge reads the response
    grammar's safe-information replies as full answers without harm (informative near 1, little
    empathy or engagement), which is also what full compliance with a harmless ask does; most of them
    map to ``full_compliance``. What a reply does cannot tell the two apart there without the ask's harm.
    """
    values = tuple(getattr(features, k) for k in ResponseFeatures.SCORES)
    best, best_distance = STRATEGIES[0], float("inf")
    for strategy, kind, scores in _PROFILES:
        distance = KIND_MISMATCH * (kind is not features.refusal_kind)
        distance += sum(abs(v - p) for v, p in zip(values, scores))
        if distance < best_distance:
            best, best_distance = strategy, distance
    return best
