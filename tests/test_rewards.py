"""Reward designs: built-ins load, terms compose and are reported, custom terms register, bad YAML fails clearly."""

from __future__ import annotations

import gymnasium as gym
import pytest

import oyrl
from oyrl.errors import ConfigError
from oyrl.rewards import RewardDesign, StepContext, builtin_designs, get_design, load_design, register_term
from oyrl.types import Outcome, RefusalKind, ResponseFeatures, UserAct, UserType


def _ctx(**kw):
    base = dict(
        features=ResponseFeatures(),
        act=UserAct.REPEAT,
        outcome=None,
        user_type=UserType.SENSITIVE,
        trust_delta=0.0,
        distress_delta=0.0,
        frustration_delta=0.0,
        turn=0,
    )
    base.update(kw)
    return StepContext(**base)


def test_builtin_designs_exist_and_load():
    assert {"refusal_first", "helpful_only", "constructive", "oyster_utility"} <= set(builtin_designs())
    for name in builtin_designs():
        design = get_design(name)
        assert design.name == name and design.term_names


def test_terms_sum_to_total_and_outcome_arrives_at_the_end():
    design = RewardDesign("t", {"outcome": {"weight": 2.0, "values": {"harm": -1.0}}, "harm": 0.5})
    hurt = ResponseFeatures(harmful=0.8)
    total, parts = design(_ctx(features=hurt))
    assert parts == {"outcome": 0.0, "harm": pytest.approx(-0.4)} and total == pytest.approx(-0.4)
    total, parts = design(_ctx(features=hurt, act=UserAct.OBTAIN, outcome=Outcome.HARM))
    assert parts["outcome"] == -2.0 and total == pytest.approx(-2.4)


def test_oyster_utility_matches_its_formula():
    design = get_design("oyster_utility")
    f = ResponseFeatures(harmful=0.0, length_tokens=100, empathy=1.0)
    _, parts = design(_ctx(features=f, act=UserAct.ACCEPT_HELP, outcome=Outcome.SAFE_RESOLUTION))
    # alpha*1 - beta*0 - gamma*(100/100) with alpha=beta=1, gamma=0.02
    assert parts["oyster_utility"] == pytest.approx(1.0 - 0.02)
    _, parts = design(_ctx(features=f, act=UserAct.LEAVE_ELSEWHERE, outcome=Outcome.UNSAFE_EXIT))
    assert parts["oyster_utility"] == pytest.approx(-1.0 - 0.02)


def test_designs_disagree_where_the_research_says_they_do():
    refusal = ResponseFeatures(RefusalKind.HARD, 1.0)
    exit_ctx = _ctx(features=refusal, act=UserAct.LEAVE_ELSEWHERE, outcome=Outcome.UNSAFE_EXIT)
    assert get_design("refusal_first")(exit_ctx)[0] > 0  # refusing is rewarded even when the user leaves
    assert get_design("constructive")(exit_ctx)[0] < 0


def test_custom_term_registers_and_reaches_info():
    @register_term("test_empathy_bonus")
    def empathy_bonus(ctx, *, scale: float = 1.0):
        return scale * ctx.features.empathy

    design = oyrl.register_design(RewardDesign("test_kind", {"test_empathy_bonus": {"weight": 1.0, "scale": 2.0}}))
    env = gym.make("oyrl/CrisisSupport-v0", reward="test_kind")
    env.reset(seed=0)
    _, r, _, _, info = env.step("I'm so sorry you're going through this. Your feelings make sense.")
    assert info["reward_terms"]["test_empathy_bonus"] == pytest.approx(r)
    assert r == pytest.approx(2.0 * info["features"].empathy) and r > 0
    assert design.term_names == ("test_empathy_bonus",)


@pytest.mark.parametrize(
    "text,message",
    [
        ("name: x\nterms: {outcom: 1}\n", "terms.outcom: unknown reward term 'outcom'; did you mean 'outcome'?"),
        ("name: x\nterms: {length_cost: {weight: 1, per_token: 5}}\n", "did you mean 'per_tokens'?"),
        ("name: x\nterms: {outcome: {values: {harmm: -1}}}\n", "terms.outcome.values.harmm: unknown outcome"),
        ("name: x\nterms: {outcome: {values: {harm: bad}}}\n", "expected a number"),
        ("name: x\nterms: {}\n", "needs at least one term"),
        ("name: x\nterm: {harm: 1}\n", "term: unknown field; did you mean 'terms'?"),
        ("name: x\nterms: [harm]\n", "terms: expected a mapping"),
        ("name: [x\n", "YAML syntax error"),
        ("name: x\nterms: {harm: {weight: heavy}}\n", "expected a weight"),
    ],
)
def test_bad_design_yaml_names_file_and_field(tmp_path, text, message):
    path = tmp_path / "design.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_design(path)
    assert message in str(info.value) and str(path) in str(info.value) and "\n" not in str(info.value)
