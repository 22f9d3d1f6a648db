"""Token-level policy-gradient losses for LLM policies: GRPO, PPO with GAE, entropy, KL estimators.

Every per-token tensor is ``(N, T)`` and aligned with ``RolloutBatch.input_ids``: entry ``[i, t]``
is about token ``t`` of episode ``i`` (its log-probability given tokens ``< t``, its reward, its
value...). ``mask`` is the action mask: True exactly on the tokens the policy sampled. User turns,
chat-template headers and padding are excluded by ``torch.where`` before any arithmetic, so what
sits under them (even ``inf``) never changes a loss or its gradient.

Variants are looked up by name in ``LOSSES``, ``ADVANTAGES`` and ``KL_ESTIMATORS`` (an algorithm,
``oyrl.config.LLM_ALGORITHMS``, names its loss and advantage estimator). Their hyperparameters are
the experiment's ``LLMAlgoSpec``, where each is documented.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

from oyrl.config import KL_ESTIMATOR_DEFAULTS, LLMAlgoSpec


def masked_mean(x: Tensor, mask: Tensor) -> Tensor:
    """Mean of ``x`` over the True entries of ``mask`` (0 when there are none); any shape."""
    return torch.where(mask, x, 0.0).sum() / mask.sum().clamp(min=1)


def masked_whiten(x: Tensor, mask: Tensor, eps: float = 1e-8) -> Tensor:
    """``(x - mean) / std`` over the masked entries, 0 elsewhere (CleanRL's ``norm_adv``)."""
    mean = masked_mean(x, mask)
    std = masked_mean((x - mean) ** 2, mask).sqrt()
    return torch.where(mask, (x - mean) / (std + eps), 0.0)


# ---- KL estimators (Schulman 2020, "Approximating KL divergence") --------------------------------
# Tokens are sampled from the policy p; r = q(x)/p(x) with q the reference. Each estimator's mean
# estimates KL(p || q); they differ in bias and variance.
def kl_k1(logprobs: Tensor, ref_logprobs: Tensor) -> Tensor:
    """k1 = -log r: unbiased, high variance, negative on some tokens."""
    return logprobs - ref_logprobs


def kl_k2(logprobs: Tensor, ref_logprobs: Tensor) -> Tensor:
    """k2 = (log r)^2 / 2: biased, low variance, >= 0."""
    return 0.5 * (ref_logprobs - logprobs) ** 2


def kl_k3(logprobs: Tensor, ref_logprobs: Tensor) -> Tensor:
    """k3 = (r - 1) - log r: unbiased, low variance, >= 0 (since log r <= r - 1)."""
    log_r = ref_logprobs - logprobs
    return torch.expm1(log_r) - log_r


KL_ESTIMATORS: dict[str, Callable[[Tensor, Tensor], Tensor]] = {"k1": kl_k1, "k2": kl_k2, "k3": kl_k3}


# ---- advantages ------------------------------------------------------------------------------
def group_advantages(returns: Tensor, group_ids: Tensor, scale: bool = True, eps: float = 1e-4) -> Tensor:
    """GRPO advantage (Shao et al. 2024, eq. 3): each return normalised within its group.

    ``A_i = (R_i - mean_g(R)) / (std_g(R) + eps)`` with the unbiased std, as TRL computes it. A group
    whose returns are all equal (or has one member) gets advantage 0: nothing to prefer.

    Args:
        returns: ``(N,)`` episode returns.
        group_ids: ``(N,)`` group of each episode (episodes sharing a scenario seed).
        scale: divide by the group std; False gives Dr. GRPO's mean-only centring (Liu et al. 2025).
        eps: added to the std so zero-variance groups do not divide by zero.

    Returns:
        ``(N,)`` advantages.
    """
    _, g = torch.unique(group_ids, return_inverse=True)
    count = torch.bincount(g).to(returns.dtype)
    mean = torch.zeros_like(count).index_add_(0, g, returns) / count
    centred = returns - mean[g]
    if not scale:
        return centred
    var = torch.zeros_like(count).index_add_(0, g, centred**2) / (count - 1).clamp(min=1)
    return centred / (var.sqrt()[g] + eps)


def gae(rewards: Tensor, values: Tensor, mask: Tensor, gamma: float = 1.0, lam: float = 0.95) -> tuple[Tensor, Tensor]:
    """Generalised advantage estimation (Schulman et al. 2016) over the policy's tokens.

    The time steps of row ``i`` are its action tokens in order; tokens in between (the user's reply,
    template headers) are not steps, so the last token of assistant turn k bootstraps from the
    value of the first token of turn k+1. Rewards sit on action tokens (each turn's reward on its
    last token). The last action token is terminal: episodes end at a terminal outcome or at the
    env's turn limit, which is scored as the ``unresolved`` outcome, so nothing is bootstrapped.

    Args:
        rewards, values: ``(N, T)``; only masked entries are read.
        mask: ``(N, T)`` bool action mask.
        gamma, lam: discount and GAE lambda, per token.

    Returns:
        ``(advantages, returns)``, each ``(N, T)``, 0 off the mask; ``returns = advantages + values``.
    """
    adv = torch.zeros_like(values)
    last_gae = torch.zeros_like(values[:, 0])
    next_value = torch.zeros_like(values[:, 0])  # V after the last action token: terminal, 0
    for t in reversed(range(values.shape[1])):
        m = mask[:, t]
        delta = rewards[:, t] + gamma * next_value - values[:, t]  # delta_t = r_t + g V_{t+1} - V_t
        gae_t = delta + gamma * lam * last_gae  # A_t = delta_t + g lam A_{t+1}
        adv[:, t] = torch.where(m, gae_t, 0.0)
        last_gae = torch.where(m, gae_t, last_gae)  # non-action tokens pass the recursion through
        next_value = torch.where(m, values[:, t], next_value)
    return adv, torch.where(mask, adv + values, 0.0)


@dataclass
class AdvantageInputs:
    """What an advantage estimator reads; per-token tensors are ``(N, T)`` aligned with ``input_ids``."""

    rewards: Tensor
    """The shaped rewards on action tokens (env, constraint penalty, in-reward KL), 0 elsewhere."""
    mask: Tensor
    """Bool action mask."""
    group_ids: Tensor
    """``(N,)`` group of each episode (episodes sharing a scenario seed)."""
    values: Tensor | None = None
    """The critic's values at rollout time (algorithms with a value head)."""


def group_estimator(x: AdvantageInputs, algo: LLMAlgoSpec) -> tuple[Tensor, Tensor | None]:
    """GRPO: each episode's return against its group's (``group_advantages``), on every one of its
    tokens; no returns (there is no critic to fit)."""
    adv = group_advantages(x.rewards.sum(-1), x.group_ids, scale=algo.scale_advantages)
    return torch.where(x.mask, adv[:, None], 0.0), None


def gae_estimator(x: AdvantageInputs, algo: LLMAlgoSpec) -> tuple[Tensor, Tensor | None]:
    """PPO: ``gae`` over the policy's tokens with the critic's values, whitened over the batch's
    tokens (CleanRL's ``norm_adv``); the returns are the critic's targets."""
    assert x.values is not None, "gae_estimator needs the value head's values (LLMAlgorithm.value_head)"
    adv, returns = gae(x.rewards, x.values, x.mask, algo.gamma, algo.gae_lambda)
    return masked_whiten(adv, x.mask), returns


#: ``LLMAlgorithm.advantages`` -> estimator: ``(inputs, algo) -> (advantages, returns or None)``.
ADVANTAGES: dict[str, Callable[[AdvantageInputs, LLMAlgoSpec], tuple[Tensor, Tensor | None]]] = {
    "group": group_estimator, "gae": gae_estimator,
}


# ---- losses ----------------------------------------------------------------------------------
@dataclass
class LossInputs:
    """Per-token tensors of one minibatch, each ``(N, T)`` aligned with ``input_ids``.

    ``advantages`` is per token: GRPO broadcasts each episode's advantage over its tokens
    (``group_advantages(...)[:, None]``), PPO uses ``gae``. Optional fields are needed only by the
    parts that use them (reference: in-loss KL; values/old_values/returns: PPO; entropy: bonus).
    """

    logprobs: Tensor
    old_logprobs: Tensor
    advantages: Tensor
    mask: Tensor
    ref_logprobs: Tensor | None = None
    values: Tensor | None = None
    old_values: Tensor | None = None
    returns: Tensor | None = None
    entropy: Tensor | None = None


def grpo_loss(
    x: LossInputs, algo: LLMAlgoSpec, kl_coef: float = 0.0, kl_estimator: str = KL_ESTIMATOR_DEFAULTS["loss"]
) -> tuple[Tensor, dict[str, Tensor]]:
    """GRPO objective (Shao et al. 2024, eq. 3), averaged over tokens (DAPO's token-level mean).

    Args:
        x: the minibatch's per-token tensors.
        algo: the hyperparameters read here (``clip_eps``, ``ent_coef``), documented on ``LLMAlgoSpec``.
        kl_coef: beta of the in-loss KL penalty (used when ``x.ref_logprobs`` is given).
        kl_estimator: key of ``KL_ESTIMATORS`` for that penalty.

    Returns:
        ``(loss, stats)``: scalar loss to minimise and detached diagnostics named by TensorBoard tag.
    """
    m = x.mask
    log_ratio = torch.where(m, x.logprobs - x.old_logprobs, 0.0)  # masked first: exp never sees junk
    ratio = log_ratio.exp()  # rho_t = pi(a_t|s_t) / pi_old(a_t|s_t)
    clipped = ratio.clamp(1 - algo.clip_eps, 1 + algo.clip_eps)
    # L^CLIP = E_t[min(rho_t A, clip(rho_t, 1-eps, 1+eps) A)]; minimise its negative.
    policy_loss = masked_mean(-torch.min(ratio * x.advantages, clipped * x.advantages), m)
    loss = policy_loss
    stats = {
        "policy/loss": policy_loss,
        "policy/clipfrac": masked_mean(((ratio - 1).abs() > algo.clip_eps).float(), m),
        "policy/approx_kl": masked_mean((ratio - 1) - log_ratio, m),  # k3 of KL(old || new), as CleanRL
    }
    if x.ref_logprobs is not None:  # + beta * D_KL(pi || pi_ref), estimated per token
        # Off the mask the policy is compared with itself: KL 0 there, and gradients stay finite.
        ref = torch.where(m, x.ref_logprobs, x.logprobs)
        kl = masked_mean(KL_ESTIMATORS[kl_estimator](x.logprobs, ref), m)
        loss = loss + kl_coef * kl
        stats["kl/in_loss"] = kl  # under the current policy; kl/mean is the rollout's
    if x.entropy is not None:  # entropy bonus: - c_ent * H[pi]
        entropy = masked_mean(x.entropy, m)
        loss = loss - algo.ent_coef * entropy
        stats["policy/entropy"] = entropy
    return loss, {k: v.detach() for k, v in stats.items()}


def value_loss(
    values: Tensor, old_values: Tensor, returns: Tensor, mask: Tensor, clip: float | None
) -> tuple[Tensor, Tensor]:
    """Clipped value loss (OpenAI baselines' PPO2; CleanRL ``clip_vloss``) and its clip fraction.

    ``L^V = 1/2 max((V - R)^2, (V_old + clip(V - V_old, -c, c) - R)^2)``, masked mean over tokens.
    """
    unclipped = (values - returns) ** 2
    if clip is None:
        return 0.5 * masked_mean(unclipped, mask), torch.zeros(())
    v_clipped = old_values + (values - old_values).clamp(-clip, clip)
    clipfrac = masked_mean(((values - old_values).abs() > clip).float(), mask)
    return 0.5 * masked_mean(torch.max(unclipped, (v_clipped - returns) ** 2), mask), clipfrac


def ppo_loss(
    x: LossInputs, algo: LLMAlgoSpec, kl_coef: float = 0.0, kl_estimator: str = KL_ESTIMATOR_DEFAULTS["loss"]
) -> tuple[Tensor, dict[str, Tensor]]:
    """PPO (Schulman et al. 2017, eq. 9): ``L^CLIP - c_1 L^V + c_2 H``, per token, with GAE advantages.

    The policy part (clipped surrogate, optional in-loss KL and entropy) is GRPO's; PPO adds the
    critic, its loss clipped by ``algo.vf_clip`` and weighted by ``algo.vf_coef``. ``x.advantages`` and
    ``x.returns`` come from ``gae``; ``x.values`` are the value head's current predictions,
    ``x.old_values`` those made at rollout time.
    """
    assert x.values is not None and x.old_values is not None and x.returns is not None, (
        "ppo_loss needs values, old_values and returns in LossInputs (run the value head and gae)"
    )
    loss, stats = grpo_loss(x, algo, kl_coef, kl_estimator)
    v_loss, v_clipfrac = value_loss(x.values, x.old_values, x.returns, x.mask, algo.vf_clip)
    stats.update({"value/loss": v_loss.detach(), "value/clipfrac": v_clipfrac.detach()})
    return loss + algo.vf_coef * v_loss, stats


#: ``LLMAlgorithm.loss`` -> loss: ``(inputs, algo, kl_coef, kl_estimator) -> (loss, stats)``.
LOSSES: dict[str, Callable[..., tuple[Tensor, dict[str, Tensor]]]] = {"grpo": grpo_loss, "ppo": ppo_loss}
