"""KL control against the reference (base) model: the coefficient beta, fixed or adaptive.

The same controllers serve both places a KL penalty can go:

- in the reward (Ziegler et al. 2019; InstructGPT): ``r_t <- r_t - beta * KL_t`` on every policy
  token, before GAE (``penalize_rewards``);
- in the loss (GRPO, Shao et al. 2024): ``loss += beta * mean_t KL_t`` (``kl_coef`` of the losses).

A trainer using both keeps one controller for each. Controllers are picked by name from
``KL_CONTROLLERS`` and checkpoint through ``state_dict`` / ``load_state_dict``.
"""

from __future__ import annotations

from typing import Any, Protocol

import torch
from torch import Tensor

from oyrl.errors import ConfigError
from oyrl.llm.losses import KL_ESTIMATORS


class KLController(Protocol):
    """What a trainer needs from a KL coefficient."""

    value: float

    def update(self, current_kl: float, n_steps: int) -> float:
        """Feed the KL measured over ``n_steps`` samples; return the coefficient to use next."""
        ...

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume (for checkpoints)."""
        ...

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore from ``state_dict()``."""
        ...


class FixedKLController:
    """A constant coefficient.

    Args:
        coef: beta.
    """

    def __init__(self, coef: float):
        self.value = float(coef)

    def update(self, current_kl: float, n_steps: int) -> float:
        """Leave beta unchanged."""
        return self.value

    def state_dict(self) -> dict[str, Any]:
        """``{"value": beta}``."""
        return {"value": self.value}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore beta."""
        self.value = float(state["value"])


class AdaptiveKLController:
    """Proportional control of beta towards a target KL (Ziegler et al. 2019, section 2.2).

    ``e = clip(KL / target - 1, -0.2, 0.2)``; ``beta <- beta * (1 + e * n_steps / horizon)``: beta
    grows while the policy drifts further than ``target`` nats from the reference and shrinks while it
    stays closer, by at most 20% per ``horizon`` samples (the clip bounds one noisy batch's effect).

    Args:
        coef: initial beta.
        target: KL (nats per episode or per token, as measured by the trainer) to hold.
        horizon: samples over which beta can change by the clip's 20%; Ziegler et al. use 10,000.
    """

    def __init__(self, coef: float, target: float, horizon: int = 10_000):
        if target <= 0 or horizon <= 0:
            raise ConfigError(f"adaptive KL: target and horizon must be positive, got target={target}, horizon={horizon}")
        self.value, self.target, self.horizon = float(coef), float(target), int(horizon)

    def update(self, current_kl: float, n_steps: int) -> float:
        """One control step after a batch of ``n_steps`` samples whose mean KL was ``current_kl``."""
        error = min(max(current_kl / self.target - 1.0, -0.2), 0.2)  # e_t, clipped proportional error
        self.value *= 1.0 + error * n_steps / self.horizon  # beta_{t+1} = beta_t (1 + K_beta e_t)
        return self.value

    def state_dict(self) -> dict[str, Any]:
        """beta with the settings it was tuned under."""
        return {"value": self.value, "target": self.target, "horizon": self.horizon}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore beta, target and horizon."""
        self.value, self.target, self.horizon = float(state["value"]), float(state["target"]), int(state["horizon"])


KL_CONTROLLERS = {"fixed": FixedKLController, "adaptive": AdaptiveKLController}


def make_kl_controller(kind: str, coef: float, target: float | None = None, horizon: int = 10_000) -> KLController:
    """A controller from ``KL_CONTROLLERS`` by name (``target`` is required for ``"adaptive"``)."""
    if kind not in KL_CONTROLLERS:
        raise ConfigError(f"kl controller: unknown kind {kind!r}; choose one of {sorted(KL_CONTROLLERS)}")
    if kind == "fixed":
        return FixedKLController(coef)
    if target is None:
        raise ConfigError("kl controller 'adaptive' needs a target KL (e.g. target=6.0, Ziegler et al. 2019)")
    return AdaptiveKLController(coef, target, horizon)


def penalize_rewards(
    rewards: Tensor, logprobs: Tensor, ref_logprobs: Tensor, mask: Tensor, coef: float, estimator: str = "k1"
) -> tuple[Tensor, Tensor]:
    """The in-reward KL penalty: ``r_t - beta * KL_t`` on every policy token.

    k1 (``log pi - log pi_ref``) is the classic choice here (Ziegler et al. 2019): its sum over an
    episode is an unbiased estimate of the sequence KL, which is what the return then pays.

    Args:
        rewards: ``(N, T)`` environment rewards on action tokens.
        logprobs: ``(N, T)`` the policy's (sampling) log-probabilities.
        ref_logprobs: ``(N, T)`` the reference model's, on the same tokens.
        mask: ``(N, T)`` bool action mask.
        coef: beta (``controller.value``).
        estimator: key of ``KL_ESTIMATORS``.

    Returns:
        ``(penalised rewards, per-token KL)``, both ``(N, T)`` and 0 off the mask.
    """
    kl = torch.where(mask, KL_ESTIMATORS[estimator](logprobs, ref_logprobs), 0.0)
    return rewards - coef * kl, kl
