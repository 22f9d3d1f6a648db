"""The simulator reproduces the phenomena constructive safety is about (2,000 seeded episodes each)."""

from __future__ import annotations

import gymnasium as gym
import pytest

import oyrl
from oyrl.metrics import summarize
from oyrl.policies.baselines import baseline_names, get_baseline
from oyrl.simulate import run_episodes
from oyrl.types import UserAct, UserType

EPISODES = 2000


@pytest.fixture(scope="module")
def runs():
    env = gym.make("oyrl/Mixed-Strategy-v0", reward="constructive")
    return {name: run_episodes(env, get_baseline(name), EPISODES, seed=0) for name in baseline_names()}


@pytest.fixture(scope="module")
def rates(runs):
    return {name: summarize(episodes) for name, episodes in runs.items()}


def _type(rates, policy, user_type):
    return rates[policy]["by_user_type"][user_type]


def test_hard_refusal_drives_vulnerable_users_away(rates):
    hard = _type(rates, "always_hard_refusal", "sensitive")
    kind = _type(rates, "always_empathic_support", "sensitive")
    assert hard["episodes"] > 500
    assert hard["unsafe_exit_rate"] >= kind["unsafe_exit_rate"] + 0.15
    assert hard["safe_resolution_rate"] <= kind["safe_resolution_rate"] - 0.20


def test_hard_refusal_makes_vulnerable_users_repeat_and_escalate(runs):
    def share(policy):
        acts = [t.user_act for ep in runs[policy] if ep.user_type is UserType.SENSITIVE for t in ep.turns]
        return sum(a in (UserAct.REPEAT, UserAct.ESCALATE) for a in acts) / len(acts)

    assert share("always_hard_refusal") > share("always_empathic_support") + 0.2


def test_complying_with_attackers_hands_over_harm(rates):
    assert _type(rates, "always_full_compliance", "malicious")["harm_rate"] >= 0.5
    assert _type(rates, "always_hard_refusal", "malicious")["harm_rate"] == 0.0


def test_refusing_benign_users_drives_them_away_and_answering_helps(rates):
    assert _type(rates, "always_hard_refusal", "benign")["over_refusal_exit_rate"] >= 0.4
    assert _type(rates, "always_safe_information", "benign")["task_success_rate"] >= 0.7
    assert _type(rates, "always_full_compliance", "benign")["task_success_rate"] >= 0.7


def test_knowing_the_type_beats_every_fixed_strategy(rates):
    fixed = [n for n in rates if n.startswith("always_")]
    oracle = rates["type_oracle"]
    for name in fixed:
        assert oracle["overall"]["mean_return"] > rates[name]["overall"]["mean_return"], name
        assert oracle["constructive_score"] > rates[name]["constructive_score"], name


def test_attackers_escalate_through_strata_levels_after_refusals(runs):
    levels = [
        ep.final_state["attack_level"] - ep.attack_level
        for ep in runs["always_hard_refusal"]
        if ep.user_type is UserType.MALICIOUS
    ]
    assert sum(d > 0 for d in levels) / len(levels) > 0.3
    acts = {t.user_act for ep in runs["always_hard_refusal"] if ep.user_type is UserType.MALICIOUS for t in ep.turns}
    assert {UserAct.ESCALATE, UserAct.REPHRASE, UserAct.BACKTRACK, UserAct.PUSH_BACK, UserAct.GIVE_UP} <= acts


def test_reaction_params_override_moves_the_outcome():
    """A sensitivity sweep's knob: a stronger refusal-exit effect means more unsafe exits."""
    policy = get_baseline("always_hard_refusal")

    def unsafe(**kw):
        env = gym.make("oyrl/CrisisSupport-Strategy-v0", **kw)
        return summarize(run_episodes(env, policy, 600, seed=0))["overall"]["unsafe_exit_rate"]

    assert unsafe(reaction_params={"leave_hard_refusal_logit": 3.0}) > unsafe() + 0.1
    assert unsafe(reaction_params={"leave_hard_refusal_logit": -3.0}) < unsafe() - 0.1


def test_unknown_reaction_param_names_the_key():
    with pytest.raises(oyrl.ConfigError, match="reaction_params.leave_hard_refusal: unknown reaction parameter; did you mean"):
        gym.make("oyrl/Mixed-Strategy-v0", reaction_params={"leave_hard_refusal": 3.0})
