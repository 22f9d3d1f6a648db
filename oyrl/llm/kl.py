"""KL control against the reference (base) model: the coefficient beta, fixed or adaptive.

The same controllers serve both places a KL penalty can go:

- in the reward (Ziegler et al. 2019; InstructGPT): ``r_t <- r_t - beta * KL_t`` on every policy
  token, before GAE (``penalize_rewards``);
- in the loss (GRPO, Shao et al. 2024): ``loss += beta * mean_t KL_t`` (``kl_coef`` of the losses).

A trainer using both keeps one controller for each. Controllers are picked by ``kl.controller``
from ``KL_CONTROLLERS``, built from the config's ``KLSpec`` (where their settings are documented),
and checkpoint through ``state_dict`` / ``load_state_dict``.
"""

from __future__ import annotations

from typing import Any, Protocol

import torch
from torch import Tensor

from oyrl.config import KL_ESTIMATOR_DEFAULTS, KLSpec
from oyrl.errors import ConfigError
from oyrl.llm.losses import KL_ESTIMATORS


class KLController(Protocol):
    """What a trainer needs from a KL coefficient."""

    value: float

    @classmethod
    def from_spec(cls, spec: KLSpec) -> KLController:
        """The controller of a config's ``kl`` block."""
        ...

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

    @classmethod
    def from_spec(cls, spec: KLSpec) -> FixedKLController:
        """beta = ``kl.coef``."""
        return cls(spec.coef)

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
        target: KL to hold, in the unit of what ``update`` is fed (the trainer feeds the token mean
            of k3: nats per policy token).
        horizon: samples over which beta can change by the clip's 20%; Ziegler et al. use 10,000.
    """

    def __init__(self, coef: float, target: float | None, horizon: int):
        if target is None:
            raise ConfigError("kl controller 'adaptive' needs a target KL (kl.target, nats per policy token)")
        if target <= 0 or horizon <= 0:
            raise ConfigError(f"adaptive KL: target and horizon must be positive, got target={target}, horizon={horizon}")
        self.value, self.target, self.horizon = float(coef), float(target), int(horizon)

    @classmethod
    def from_spec(cls, spec: KLSpec) -> AdaptiveKLController:
        """beta starts at ``kl.coef`` and follows ``kl.target`` over ``kl.horizon`` episodes."""
        return cls(spec.coef, spec.target, spec.horizon)

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


#: ``kl.controller`` -> controller class.
KL_CONTROLLERS: dict[str, type[FixedKLController | AdaptiveKLController]] = {
    "fixed": FixedKLController, "adaptive": AdaptiveKLController,
}


def make_kl_controller(spec: KLSpec) -> KLController:
    """The controller ``spec.controller`` names in ``KL_CONTROLLERS``, with ``spec``'s settings."""
    return KL_CONTROLLERS[spec.controller].from_spec(spec)


def penalize_rewards(
    rewards: Tensor, logprobs: Tensor, ref_logprobs: Tensor, mask: Tensor, coef: float,
    estimator: str = KL_ESTIMATOR_DEFAULTS["reward"],
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
