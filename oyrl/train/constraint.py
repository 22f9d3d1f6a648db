"""The Lagrange multiplier of the harm constraint, shared by the SB3 and the LLM trainers.

Constrained problem: maximise the design's return subject to ``P(outcome = harm) <= epsilon``.
Its Lagrangian relaxation ``max_pi min_{lambda >= 0} J(pi) - lambda * (harm_rate(pi) - epsilon)``
is solved by alternating policy updates on the penalised reward with dual ascent on lambda, the
Lagrangian method of Safe RLHF (Dai et al., ICLR 2024), with its learned cost model replaced by
the simulator's ground-truth ``harm`` outcome and lambda updated directly (not in log space):

    r'_T = r_T - lambda * penalty           on the last step of an episode that ends in harm
    lambda <- max(0, lambda + lambda_lr * (harm_rate - epsilon))    after each rollout
"""

from __future__ import annotations

from typing import Any

from oyrl.config import ConstraintSpec


class HarmMultiplier:
    """lambda, and the episode counts of the current rollout that its next update reads.

    Args:
        spec: epsilon, initial multiplier, step size and penalty scale.
    """

    def __init__(self, spec: ConstraintSpec):
        self.spec = spec
        self.value = spec.lambda_init
        self._episodes = 0
        self._harms = 0

    def observe(self, harmful: bool) -> float:
        """Count a finished episode; returns the reward to subtract from its last step."""
        self._episodes += 1
        self._harms += harmful
        return self.value * self.spec.penalty if harmful else 0.0

    def update(self) -> float | None:
        """One dual-ascent step from the episodes observed since the last call.

        Returns:
            The harm rate those episodes had, or ``None`` (and no update) if none finished.
        """
        if self._episodes == 0:
            return None
        harm_rate = self._harms / self._episodes
        self.value = max(0.0, self.value + self.spec.lambda_lr * (harm_rate - self.spec.harm_rate))
        self._episodes = self._harms = 0
        return harm_rate

    def state_dict(self) -> dict[str, Any]:
        """lambda (counts are per rollout and empty between rollouts)."""
        return {"value": self.value}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore lambda."""
        self.value = float(state["value"])
