"""Losses, advantages, KL estimators and KL control against values computed by hand on tiny tensors."""

from __future__ import annotations

import math
from typing import get_args

import pytest
import torch

from oyrl.config import LLM_ALGORITHMS, KLSpec, LLMAlgoSpec
from oyrl.errors import ConfigError
from oyrl.llm.kl import KL_CONTROLLERS, AdaptiveKLController, FixedKLController, make_kl_controller, penalize_rewards
from oyrl.llm.losses import (
    ADVANTAGES,
    KL_ESTIMATORS,
    LOSSES,
    AdvantageInputs,
    LossInputs,
    gae,
    group_advantages,
    grpo_loss,
    masked_mean,
    masked_whiten,
    ppo_loss,
)

torch.set_num_threads(1)
T = torch.tensor


# ---- advantages --------------------------------------------------------------------------------
def test_group_advantages_normalise_within_groups_and_zero_std_groups_get_zero():
    returns = T([1.0, 2.0, 3.0, 5.0, 5.0, 0.5])
    groups = T([7, 7, 7, 3, 3, 9])  # any ids; group 3 has zero std, group 9 a single member
    adv = group_advantages(returns, groups)
    # group 7: mean 2, unbiased std sqrt(((-1)^2 + 0 + 1^2) / 2) = 1
    expected = T([-1 / (1 + 1e-4), 0.0, 1 / (1 + 1e-4), 0.0, 0.0, 0.0])
    torch.testing.assert_close(adv, expected)
    # Dr. GRPO: centring only
    torch.testing.assert_close(group_advantages(returns, groups, scale=False), T([-1.0, 0.0, 1.0, 0.0, 0.0, 0.0]))


def test_gae_over_policy_tokens_with_constant_value_matches_hand_computation():
    # Row 0: [pad, a, a, user, user, a, a]; turn rewards 1 and 2 on each turn's last action token.
    mask = T([[0, 1, 1, 0, 0, 1, 1], [0, 0, 0, 0, 0, 0, 0]]).bool()
    rewards = T([[0, 0, 1.0, 0, 0, 0, 2.0], [0.0] * 7])
    values = torch.where(mask, 0.5, 100.0)  # constant V = 0.5 on steps; junk off them is ignored
    adv, ret = gae(rewards, values, mask, gamma=0.9, lam=0.8)
    # Steps s0..s3 = positions 1, 2, 5, 6; r = (0, 1, 0, 2); V(after s3) = 0 (terminal).
    # deltas: d3 = 2 - .5 = 1.5; d2 = .9*.5 - .5 = -.05; d1 = 1 + .45 - .5 = .95; d0 = -.05
    # A3 = 1.5; A2 = -.05 + .72*1.5 = 1.03; A1 = .95 + .72*1.03 = 1.6916; A0 = -.05 + .72*1.6916
    a = [1.5, 1.03, 1.6916, -0.05 + 0.72 * 1.6916][::-1]
    torch.testing.assert_close(adv, T([[0, a[0], a[1], 0, 0, a[2], a[3]], [0.0] * 7]))
    torch.testing.assert_close(ret, torch.where(mask, adv + 0.5, 0.0))


def test_gae_with_gamma_and_lambda_one_is_reward_to_go_minus_value():
    # As SB3's test_gae: with gamma = lambda = 1, A_t = (sum of future rewards) - V_t.
    mask = T([[1, 1, 0, 1, 1, 1]]).bool()
    rewards = T([[0, 1.0, 0, 0, 0, -3.0]])
    values = torch.full((1, 6), 2.0)
    adv, ret = gae(rewards, values, mask, gamma=1.0, lam=1.0)
    to_go = T([[-2.0, -2.0, 0.0, -3.0, -3.0, -3.0]])
    torch.testing.assert_close(adv, torch.where(mask, to_go - 2.0, 0.0))
    torch.testing.assert_close(ret, torch.where(mask, to_go, 0.0))


def test_advantage_estimators_of_the_registry_by_hand():
    """``group``: each episode's return against its group's, on each of its tokens; ``gae``: GAE
    whitened over the batch's tokens, with the critic's targets as returns."""
    mask = T([[0, 1, 1], [1, 1, 0], [0, 0, 1], [1, 0, 1]]).bool()
    rewards = T([[0, 0, 1.0], [0, 3.0, 0], [0, 0, 2.0], [0, 0, 0.0]])
    x = AdvantageInputs(rewards, mask, group_ids=T([0, 0, 1, 1]), values=torch.full((4, 3), 0.5))
    adv, returns = ADVANTAGES["group"](x, LLMAlgoSpec(scale_advantages=False))
    # returns 1, 3 (group 0: mean 2) and 2, 0 (group 1: mean 1)
    torch.testing.assert_close(adv, torch.where(mask, T([-1.0, 1.0, 1.0, -1.0])[:, None], 0.0))
    assert returns is None
    algo = LLMAlgoSpec(name="ppo", group_size=1, gamma=0.9, gae_lambda=0.8)
    adv, returns = ADVANTAGES["gae"](x, algo)
    raw, expected_returns = gae(rewards, x.values, mask, 0.9, 0.8)
    torch.testing.assert_close(adv, masked_whiten(raw, mask))
    torch.testing.assert_close(returns, expected_returns)


def test_every_algorithm_names_a_registered_loss_and_advantage_estimator():
    for name, algorithm in LLM_ALGORITHMS.items():
        assert algorithm.loss in LOSSES and algorithm.advantages in ADVANTAGES, name
        assert algorithm.value_head == (algorithm.advantages == "gae"), name  # GAE needs the critic's values


# ---- policy and value losses -------------------------------------------------------------------
def _inputs(**kw):
    """Two rows; ratios 1.5 and 0.5 (advantage 2) and 1.1 (advantage -1) on the action tokens."""
    mask = T([[0, 1, 1, 0], [0, 1, 0, 0]]).bool()
    old = torch.full((2, 4), -1.0)
    new = old + torch.log(T([[1.0, 1.5, 0.5, 1.0], [1.0, 1.1, 1.0, 1.0]]))
    adv = T([[2.0] * 4, [-1.0] * 4])
    return LossInputs(logprobs=new, old_logprobs=old, advantages=adv, mask=mask, **kw)


def test_grpo_loss_clipped_objective_by_hand():
    loss, stats = grpo_loss(_inputs(), LLMAlgoSpec(clip_eps=0.2))
    # min(1.5*2, 1.2*2) = 2.4; min(.5*2, .8*2) = 1.0; min(1.1*-1, 1.1*-1) = -1.1; mean over 3 tokens
    torch.testing.assert_close(loss, T(-(2.4 + 1.0 - 1.1) / 3))
    torch.testing.assert_close(stats["policy/clipfrac"], T(2 / 3))


def test_grpo_loss_adds_kl_and_entropy_terms():
    x = _inputs(ref_logprobs=torch.full((2, 4), -1.0), entropy=torch.full((2, 4), 3.0))
    base, _ = grpo_loss(_inputs(), LLMAlgoSpec())
    loss, stats = grpo_loss(x, LLMAlgoSpec(ent_coef=0.01), kl_coef=0.5, kl_estimator="k1")
    # k1 = logp - ref = log(ratio) on each action token
    kl = (math.log(1.5) + math.log(0.5) + math.log(1.1)) / 3
    torch.testing.assert_close(loss, base + 0.5 * kl - 0.01 * 3.0)
    torch.testing.assert_close(stats["kl/in_loss"], T(kl))


def test_ppo_loss_clipped_value_loss_by_hand():
    vals, old_vals = T([[0, 1.5, 0.9, 0], [0, 0, 0, 0.0]]), T([[0, 1.0, 1.0, 0], [0, 0, 0, 0.0]])
    rets = T([[0, 2.0, 1.0, 0], [0, 0, 0, 0.0]])
    x = _inputs(values=vals, old_values=old_vals, returns=rets)
    x.mask = T([[0, 1, 1, 0], [0, 0, 0, 0]]).bool()
    loss, stats = ppo_loss(x, LLMAlgoSpec(name="ppo", clip_eps=0.2, vf_clip=0.2, vf_coef=0.5))
    # token 1: max((1.5-2)^2, (1.2-2)^2) = .64; token 2: max((.9-1)^2, (.9-1)^2) = .01; 1/2 mean
    torch.testing.assert_close(stats["value/loss"], T(0.5 * (0.64 + 0.01) / 2))
    torch.testing.assert_close(stats["value/clipfrac"], T(0.5))
    policy = -(2.4 + 1.0) / 2
    torch.testing.assert_close(loss, T(policy + 0.5 * stats["value/loss"].item()))


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_masked_tokens_never_change_loss_or_gradient(name):
    def run(junk: float):
        x = _inputs(ref_logprobs=torch.full((2, 4), -2.0), entropy=torch.ones(2, 4),
                    values=torch.ones(2, 4), old_values=torch.ones(2, 4), returns=torch.ones(2, 4))
        off = ~x.mask
        for f in ("logprobs", "old_logprobs", "ref_logprobs", "entropy", "values", "advantages"):
            setattr(x, f, torch.where(off, junk, getattr(x, f)))
        x.logprobs = x.logprobs.clone().requires_grad_(True)
        loss, _ = LOSSES[name](x, LLMAlgoSpec(ent_coef=0.1), kl_coef=0.3)
        loss.backward()
        return loss.detach(), x.logprobs.grad

    ref_loss, ref_grad = run(0.0)
    for junk in (-40.0, 35.0, 1e4):
        loss, grad = run(junk)
        torch.testing.assert_close(loss, ref_loss)
        torch.testing.assert_close(grad, ref_grad)
        assert torch.isfinite(grad).all()


# ---- KL estimators -----------------------------------------------------------------------------
def test_kl_estimators_by_hand():
    p, q = torch.log(T([0.5, 0.2])), torch.log(T([0.25, 0.4]))  # r = q/p = (0.5, 2)
    torch.testing.assert_close(KL_ESTIMATORS["k1"](p, q), T([math.log(2), math.log(0.5)]))
    torch.testing.assert_close(KL_ESTIMATORS["k2"](p, q), T([0.5 * math.log(0.5) ** 2, 0.5 * math.log(2) ** 2]))
    torch.testing.assert_close(KL_ESTIMATORS["k3"](p, q), T([0.5 - 1 - math.log(0.5), 2 - 1 - math.log(2)]))


def test_k1_and_k3_are_unbiased_for_the_exact_kl():
    # Expectation under p of each estimator, summed exactly over a categorical distribution.
    p = torch.softmax(T([0.3, -1.0, 2.0, 0.1], dtype=torch.float64), 0)
    q = torch.softmax(T([1.0, 0.5, -0.2, 0.0], dtype=torch.float64), 0)
    exact = (p * (p.log() - q.log())).sum()
    for name in ("k1", "k3"):
        torch.testing.assert_close((p * KL_ESTIMATORS[name](p.log(), q.log())).sum(), exact)


def test_k3_nonnegative_and_all_estimators_zero_on_equal_logprobs():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(1000, generator=g) * 3, torch.randn(1000, generator=g) * 3
    assert (KL_ESTIMATORS["k3"](a, b) >= 0).all() and (KL_ESTIMATORS["k2"](a, b) >= 0).all()
    for fn in KL_ESTIMATORS.values():
        assert torch.equal(fn(a, a), torch.zeros_like(a))


# ---- token helpers -----------------------------------------------------------------------------
# ---- KL control --------------------------------------------------------------------------------
def test_adaptive_kl_controller_update_and_checkpoint():
    ctl = AdaptiveKLController(coef=0.1, target=6.0, horizon=10_000)
    # KL 9 -> error 9/6 - 1 = 0.5, clipped to 0.2: beta *= 1 + 0.2 * 1000 / 10000
    assert ctl.update(9.0, n_steps=1000) == pytest.approx(0.1 * 1.02)
    # KL 5.4 -> error -0.1: beta *= 1 - 0.1 * 0.1
    assert ctl.update(5.4, n_steps=1000) == pytest.approx(0.1 * 1.02 * 0.99)
    twin = AdaptiveKLController(coef=1.0, target=1.0, horizon=1)
    twin.load_state_dict(ctl.state_dict())
    assert twin.state_dict() == ctl.state_dict() and twin.update(0.0, 500) == ctl.update(0.0, 500)


def test_fixed_controller_and_factory():
    fixed = make_kl_controller(KLSpec(coef=0.05))
    assert isinstance(fixed, FixedKLController) and fixed.update(100.0, 10) == 0.05
    adaptive = make_kl_controller(KLSpec(controller="adaptive", coef=0.05, target=6.0, horizon=500))
    assert isinstance(adaptive, AdaptiveKLController) and (adaptive.target, adaptive.horizon) == (6.0, 500)
    with pytest.raises(ConfigError, match="target"):
        AdaptiveKLController(0.05, target=None, horizon=10)


def test_kl_controllers_are_built_through_their_registry(monkeypatch):
    """``make_kl_controller`` looks the name up in ``KL_CONTROLLERS`` (one entry each, no if-chain),
    and the config offers exactly the registered names."""
    assert set(KL_CONTROLLERS) == set(get_args(KLSpec.model_fields["controller"].annotation))

    class Recorder(FixedKLController):
        pass

    monkeypatch.setitem(KL_CONTROLLERS, "fixed", Recorder)
    assert type(make_kl_controller(KLSpec(coef=0.3))) is Recorder


def test_penalize_rewards_subtracts_beta_kl_on_policy_tokens_only():
    mask = T([[0, 1, 1]]).bool()
    rewards = T([[0.0, 0.0, 1.0]])
    lp, ref = T([[-9.0, -1.0, -2.0]]), T([[-1.0, -1.5, -1.0]])
    out, kl = penalize_rewards(rewards, lp, ref, mask, coef=0.1, estimator="k1")
    torch.testing.assert_close(kl, T([[0.0, 0.5, -1.0]]))
    torch.testing.assert_close(out, T([[0.0, -0.05, 1.1]]))


def test_masked_mean_ignores_what_the_mask_hides():
    x = T([[1.0, 3.0, float("inf")]])
    torch.testing.assert_close(masked_mean(x, T([[1, 1, 0]]).bool()), T(2.0))
    assert masked_mean(x, T([[0, 0, 0]]).bool()) == 0.0
