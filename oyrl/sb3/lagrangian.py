"""Lagrangian harm constraint for Stable-Baselines3 runs: a VecEnv wrapper that pays the penalty
and a callback that updates the multiplier (``oyrl.train.constraint`` has the method and its source).
"""

from __future__ import annotations

import numpy as np
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.vec_env import VecEnv, VecEnvWrapper
from stable_baselines3.common.vec_env.base_vec_env import VecEnvStepReturn

from oyrl.config import ConstraintSpec
from oyrl.train.constraint import HarmMultiplier
from oyrl.types import Outcome


class HarmPenaltyVecEnv(VecEnvWrapper):
    """Subtract ``lambda * penalty`` from the final reward of every episode that ends in harm.

    Counts finished and harmful episodes between multiplier updates; ``update_multiplier`` turns
    the counts into a harm rate and takes one dual-ascent step. ``info["reward_terms"]`` is left
    alone, so ``reward/...`` tags keep showing the design's own reward.

    Args:
        venv: the training VecEnv (its infos carry ``outcome`` on each episode's last step).
        spec: epsilon, initial multiplier, step size and penalty scale.
    """

    def __init__(self, venv: VecEnv, spec: ConstraintSpec):
        super().__init__(venv)
        self.lagrange = HarmMultiplier(spec)

    @property
    def multiplier(self) -> float:
        """The current lambda."""
        return self.lagrange.value

    def reset(self) -> np.ndarray:
        return self.venv.reset()

    def step_wait(self) -> VecEnvStepReturn:
        obs, rewards, dones, infos = self.venv.step_wait()
        for i in np.flatnonzero(dones):
            rewards[i] -= self.lagrange.observe(infos[i].get("outcome") is Outcome.HARM)
        return obs, rewards, dones, infos

    def update_multiplier(self) -> float | None:
        """One dual-ascent step (``HarmMultiplier.update``); the harm rate, or None without episodes."""
        return self.lagrange.update()


class LagrangianCallback(BaseCallback):
    """Update the multiplier every ``window`` environment steps (at rollout ends) and log it.

    PPO and A2C end a rollout every ``n_steps * n_envs`` steps, the natural ``window``; DQN's
    rollouts are ``train_freq`` steps, too few episodes for a harm rate, so the same window of
    steps is used for every algorithm. Tags: ``constraint/harm_rate`` (of the training episodes in
    the window) and ``constraint/lambda`` (after the update).
    """

    def __init__(self, wrapper: HarmPenaltyVecEnv, window: int):
        super().__init__()
        self.wrapper, self.window = wrapper, window
        self._last_update = 0

    def _on_training_start(self) -> None:
        self.logger.record("constraint/lambda", self.wrapper.multiplier)
        self.logger.dump(self.num_timesteps)

    def _on_step(self) -> bool:
        return True

    def _on_rollout_end(self) -> None:
        if self.num_timesteps - self._last_update < self.window:
            return
        harm_rate = self.wrapper.update_multiplier()
        if harm_rate is None:
            return
        self._last_update = self.num_timesteps
        self.logger.record("constraint/harm_rate", harm_rate)
        self.logger.record("constraint/lambda", self.wrapper.multiplier)
        self.logger.dump(self.num_timesteps)
