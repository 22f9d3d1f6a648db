"""ScriptedUser: the default simulated user, a parametric latent-state reaction model.

Each reply is judged into ResponseFeatures; the user's hidden state moves by the amounts in
``ReactionParams`` (see ``oyrl/users/params.py`` for sources and which values are assumptions), and
the next act is sampled from a softmax over act logits (vulnerable users), or from the
probabilities below (benign users and attackers). The model is built to show the phenomena the
constructive-safety research is about, and ``tests/test_phenomena.py`` checks each of them:

* a hard refusal raises a distressed user's distress and frustration, hence repeats, escalation and
  unsafe exits; empathy with concrete resources builds trust, hence accepted help;
* compliance with an attacker's ask hands over harm; refusals cost the attacker patience, and it
  escalates through Strata levels, rephrases, backtracks or pushes back before giving up;
* refusing a benign user frustrates them until they leave; informative answers meet their need.

Hot path: StrategyEnv calls ``react`` tens of thousands of times per second, so state is plain
floats and sampling uses one uniform draw per decision.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from oyrl.types import Outcome, RefusalKind, ResponseFeatures, UserAct, UserType
from oyrl.users.base import Reaction
from oyrl.users.persona import UserPersona

#: The outcome each terminal act ends a conversation with (non-terminal acts have none).
OUTCOME_OF_ACT = {
    UserAct.ACCEPT_HELP: Outcome.SAFE_RESOLUTION,
    UserAct.THANK_AND_LEAVE: Outcome.TASK_SUCCESS,
    UserAct.LEAVE_FRUSTRATED: Outcome.OVER_REFUSAL_EXIT,
    UserAct.LEAVE_ELSEWHERE: Outcome.UNSAFE_EXIT,
    UserAct.GIVE_UP: Outcome.ATTACK_REPELLED,
    UserAct.OBTAIN: Outcome.HARM,
}
_SENSITIVE_ACTS = (
    UserAct.ACCEPT_HELP,
    UserAct.LEAVE_ELSEWHERE,
    UserAct.REPEAT,
    UserAct.ESCALATE,
    UserAct.DISCLOSE,
    UserAct.CALM_DOWN,
)
_ATTACK_ACTS = (UserAct.ESCALATE, UserAct.REPHRASE, UserAct.BACKTRACK, UserAct.PUSH_BACK)
#: The acts ``react`` can return for each user type (the opening, ``open``, is not a reaction).
REACTION_ACTS: dict[UserType, tuple[UserAct, ...]] = {
    UserType.SENSITIVE: (*_SENSITIVE_ACTS, UserAct.OBTAIN),
    UserType.BENIGN: (UserAct.THANK_AND_LEAVE, UserAct.LEAVE_FRUSTRATED, UserAct.FOLLOW_UP, UserAct.REPHRASE),
    UserType.MALICIOUS: (*_ATTACK_ACTS, UserAct.FOLLOW_UP, UserAct.GIVE_UP, UserAct.OBTAIN),
}


def _clip(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


def _pick(items: tuple, rng: np.random.Generator):
    return items[int(rng.random() * len(items))]


class ScriptedUser:
    """A simulated user drawn from one persona of a scenario pack.

    Hidden state (all in [0, 1] except ``level``): ``distress``, ``trust``, ``frustration``,
    ``patience`` (attackers), ``level`` (attacker's current Strata level, 1-3), ``disclosed``.

    Args:
        persona: the persona (type, initial ranges, banks, reaction parameters): a pack's
            ``CompiledPersona``, or anything with the fields of ``oyrl.users.persona.UserPersona``.
    """

    def __init__(self, persona: UserPersona):
        self.persona = persona
        self.spec = persona.spec
        self.user_type: UserType = persona.spec.type
        self.params = persona.params
        self._slots: dict[str, str] = {}
        self.distress = self.trust = self.frustration = self.patience = 0.0
        self.level = 1
        self.disclosed = False
        self.turns = 0
        self._last_template = ""

    # ---- episode ---------------------------------------------------------------------------
    def start(self, rng: np.random.Generator) -> str:
        """Draw slot values and the initial latent state; return the opening message."""
        init = self.spec.initial
        self._slots = {k: _pick(v, rng) for k, v in self.persona.slots.items()}
        self.distress = init.distress[0] + rng.random() * (init.distress[1] - init.distress[0])
        self.trust = init.trust[0] + rng.random() * (init.trust[1] - init.trust[0])
        self.frustration = init.frustration[0] + rng.random() * (init.frustration[1] - init.frustration[0])
        self.patience = init.patience[0] + rng.random() * (init.patience[1] - init.patience[0])
        self.level = self.spec.start_level
        self.disclosed = False  # indirect personas reveal their risk here; others add detail
        self.turns = 0
        self._last_template = ""
        return self._say(UserAct.OPEN, rng)

    def clone(self) -> ScriptedUser:
        """An independent copy in the same state (persona, slot values, latent state, last template).

        For planners that simulate a user's reaction to candidate replies (``StackelbergPlanner``) and
        for forked conversations (``ConversationEnv.fork``): reacting on the copy leaves this user
        untouched. The persona is shared (it is immutable); subclasses copy their own mutable state.
        """
        twin = type(self).__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin._slots = dict(self._slots)
        return twin

    def hidden_state(self) -> dict[str, Any]:
        """The latent state (never observed; for analysis and metrics)."""
        if self.user_type is UserType.MALICIOUS:
            return {
                "distress": self.distress,
                "trust": self.trust,
                "frustration": self.frustration,
                "patience": self.patience,
                "attack_level": self.level,
            }
        return {"distress": self.distress, "trust": self.trust, "frustration": self.frustration}

    def react(self, features: ResponseFeatures, rng: np.random.Generator) -> Reaction:
        """Update the latent state from a judged reply and sample the next act."""
        act = self._next_act(features, rng)
        return Reaction(act, self._say(act, rng), OUTCOME_OF_ACT.get(act))

    def _next_act(self, features: ResponseFeatures, rng: np.random.Generator) -> UserAct:
        """The reaction model alone: update the latent state and sample the act (no words).

        Split from ``react`` so a model-written user (``oyrl.users.llm``) reuses the exact state
        update and random draws, and writes its own words for the act.
        """
        self.turns += 1
        if self.user_type is UserType.SENSITIVE:
            return self._react_sensitive(features, rng)
        if self.user_type is UserType.BENIGN:
            return self._react_benign(features, rng)
        return self._react_malicious(features, rng)

    # ---- text --------------------------------------------------------------------------------
    def _say(self, act: UserAct, rng: np.random.Generator) -> str:
        if self.user_type is UserType.MALICIOUS and act in (UserAct.OPEN, UserAct.REPHRASE, UserAct.ESCALATE):
            bank = self.persona.tactics[self.level]
        else:
            bank = self.persona.banks[act]
        template = _pick(bank, rng)
        if template == self._last_template and len(bank) > 1:  # users rarely repeat verbatim
            template = bank[(bank.index(template) + 1) % len(bank)]
        self._last_template = template
        return template.format_map(self._slots)

    # ---- reaction models ---------------------------------------------------------------------
    def _harm_taken(self, harmful: float, per_unit: float, rng: np.random.Generator) -> bool:
        # Below the threshold a reply is not actionable enough to be used (ASSUMPTION, see params).
        return harmful >= self.params.harm_threshold and rng.random() < per_unit * harmful

    def _react_sensitive(self, f: ResponseFeatures, rng: np.random.Generator) -> UserAct:
        p = self.params
        if self._harm_taken(f.harmful, p.harm_uptake, rng):
            return UserAct.OBTAIN
        hard = 1.0 if f.refusal_kind is RefusalKind.HARD else 0.0
        soft = 1.0 if f.refusal_kind is RefusalKind.SOFT else 0.0
        belief = f.correction if self.spec.false_belief else 0.0
        before = self.distress
        self.distress = _clip(
            self.distress
            - p.empathy_distress_relief * f.empathy
            - p.resources_distress_relief * f.resources * self.trust
            - p.engagement_distress_relief * f.engagement
            - p.correction_distress_relief * belief
            + p.hard_refusal_distress_gain * hard
            + p.judgmental_distress_gain * f.judgmental
            + p.harmful_distress_gain * f.harmful
        )
        self.trust = _clip(
            self.trust
            + p.empathy_trust_gain * f.empathy
            + p.engagement_trust_gain * f.engagement
            - p.hard_refusal_trust_loss * hard
            - p.soft_refusal_trust_loss * soft * (1.0 - f.empathy)
            - p.judgmental_trust_loss * f.judgmental
        )
        support = max(f.empathy, f.resources, f.informative, belief)
        self.frustration = _clip(
            self.frustration
            + p.refusal_frustration_gain * f.refusal * (1.0 - f.empathy)
            + p.unhelpful_frustration_gain * (1.0 - support)
            - p.helpful_frustration_relief * support
        )
        relief = before - self.distress
        logits = (
            p.accept_base_logit + p.accept_resources_logit * f.resources
            + p.accept_trust_logit * self.trust + p.accept_distress_logit * self.distress,
            p.leave_base_logit + p.leave_hard_refusal_logit * hard
            + p.leave_frustration_logit * self.frustration + p.leave_distress_logit * self.distress,
            p.repeat_refusal_logit * f.refusal - f.empathy,
            p.escalate_distress_logit * (self.distress - 0.5 + 4.0 * max(0.0, -relief)),
            p.disclose_trust_logit * self.trust - 0.5 if not self.disclosed else -math.inf,
            p.calm_relief_logit * (8.0 * max(0.0, relief) - 1.0),
        )
        act = _SENSITIVE_ACTS[_softmax_sample(logits, rng)]
        if act is UserAct.DISCLOSE:
            self.disclosed = True
        return act

    def _react_benign(self, f: ResponseFeatures, rng: np.random.Generator) -> UserAct:
        p = self.params
        helped = max(f.informative, f.correction if self.spec.false_belief else 0.0)
        self.frustration = _clip(
            self.frustration
            + p.refusal_frustration_gain * f.refusal
            + p.judgmental_frustration_gain * f.judgmental
            + p.unhelpful_frustration_gain * (1.0 - helped)
            - p.helpful_frustration_relief * helped
        )
        if rng.random() < p.success_per_informative * helped * (1.0 - f.refusal):
            return UserAct.THANK_AND_LEAVE
        if rng.random() < p.over_refusal_leave_base * (f.refusal + 1.0 - helped) + (
            p.over_refusal_leave_per_frustration * self.frustration * f.refusal
        ):
            return UserAct.LEAVE_FRUSTRATED
        return UserAct.FOLLOW_UP if helped >= 0.3 and f.refusal < 0.5 else UserAct.REPHRASE

    def _react_malicious(self, f: ResponseFeatures, rng: np.random.Generator) -> UserAct:
        p = self.params
        if self._harm_taken(f.harmful, p.obtain_per_harmful, rng):
            return UserAct.OBTAIN
        refused = f.refusal >= 0.3
        self.patience -= p.refusal_patience_cost * f.refusal if refused else p.partial_patience_cost
        if self.patience <= 0.0:
            return UserAct.GIVE_UP
        if not refused:
            return UserAct.FOLLOW_UP  # pushes the partial answer toward specifics
        weights = (
            p.escalate_weight if self.level < 3 else p.escalate_weight * 0.5,
            p.rephrase_weight,
            p.backtrack_weight,
            p.push_back_weight * (1.0 + p.judgmental_push_back_logit * f.judgmental),
        )
        act = _ATTACK_ACTS[_weighted_sample(weights, rng)]
        if act is UserAct.ESCALATE:
            self.level = min(3, self.level + 1)
        return act


def _softmax_sample(logits: tuple[float, ...], rng: np.random.Generator) -> int:
    top = max(logits)
    return _weighted_sample(tuple(math.exp(x - top) for x in logits), rng)


def _weighted_sample(weights: tuple[float, ...], rng: np.random.Generator) -> int:
    u = rng.random() * sum(weights)
    for i, w in enumerate(weights):
        u -= w
        if u < 0.0:
            return i
    return len(weights) - 1
