"""Strategy-level (Stable-Baselines3) experiments: ``kind: sb3``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, NonNegativeInt, model_validator

from oyrl.config.base import ConfigModel, ConstraintSpec, EnvSpec, HeldOutSpec


class AlgoSpec(ConfigModel):
    """A Stable-Baselines3 algorithm and its hyperparameters (SB3's names and meanings)."""

    name: Literal["ppo", "a2c", "dqn"] = "ppo"
    """SB3 algorithm."""
    learning_rate: float = Field(3e-4, gt=0)
    """Adam learning rate (constant)."""
    gamma: float = Field(0.99, gt=0, le=1)
    """Discount factor per assistant turn."""
    n_steps: int = Field(256, ge=1)
    """PPO/A2C: steps per environment per rollout. Every algorithm also logs training-episode
    statistics and updates the Lagrange multiplier once per ``n_steps * n_envs`` steps."""
    batch_size: int = Field(256, ge=1)
    """PPO/DQN: minibatch size."""
    n_epochs: int = Field(10, ge=1)
    """PPO: passes over each rollout."""
    gae_lambda: float = Field(0.95, ge=0, le=1)
    """PPO/A2C: GAE lambda."""
    clip_range: float = Field(0.2, gt=0)
    """PPO: ratio clip epsilon."""
    ent_coef: float = Field(0.01, ge=0)
    """PPO/A2C: entropy bonus coefficient."""
    buffer_size: int = Field(100_000, ge=1)
    """DQN: replay buffer size."""
    exploration_fraction: float = Field(0.2, gt=0, le=1)
    """DQN: fraction of training over which epsilon decays."""
    net_arch: list[int] = [64, 64]
    """Hidden layer sizes of the policy (and value) network."""
    device: str = "cpu"
    """Torch device; networks this small run fastest on a CPU."""
    threads: int = Field(1, ge=1)
    """Torch CPU threads of the training process (``torch.set_num_threads``): more only add
    synchronisation to these tiny networks, and parallel runs would oversubscribe the cores."""


class EvalSpec(HeldOutSpec):
    """Held-out evaluation of a strategy-level run."""

    every_steps: int = Field(20_000, ge=1)
    """Evaluate (and maybe save the best model) every this many environment steps."""


class ExperimentConfig(ConfigModel):
    """A strategy-level (Stable-Baselines3) experiment."""

    name: str = Field(min_length=1)
    """Run-name prefix; runs are ``<name>/<env>__<design>__<algo>__seed<k>``."""
    kind: Literal["sb3"] = "sb3"
    """Experiment kind."""
    env: EnvSpec = EnvSpec()
    reward: str = "constructive"
    """Reward design: a built-in name or a YAML path (in a config file, relative to that file)."""
    algo: AlgoSpec = AlgoSpec()
    total_steps: int = Field(200_000, ge=1)
    """Environment steps per run (summed over parallel environments)."""
    n_envs: int = Field(8, ge=1)
    """Parallel environments per run (a DummyVecEnv: the envs are cheap)."""
    seeds: list[NonNegativeInt] = Field([0], min_length=1)
    """One run per seed."""
    eval: EvalSpec = EvalSpec()
    constraint: ConstraintSpec | None = None
    """Optional Lagrangian harm constraint."""
    log_dir: str = "runs"
    """Where runs write TensorBoard logs and models."""

    @model_validator(mode="after")
    def _seeds_valid(self) -> ExperimentConfig:
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"seeds must be distinct, got {self.seeds}")
        held_out = self.eval.seeds
        for seed in self.seeds:
            envs = self.env_seeds(seed)
            if envs.start < held_out.stop and held_out.start < envs.stop:
                raise ValueError(
                    f"run seed {seed} resets its training envs with seeds {envs.start}..{envs.stop - 1}, "
                    f"overlapping the held-out seeds {held_out.start}..{held_out.stop - 1}; "
                    "use a smaller seed or move eval.seed"
                )
        return self

    # ---- derived values --------------------------------------------------------------------------

    def env_seeds(self, seed: int) -> range:
        """First-reset seeds of a run's ``n_envs`` training environments.

        Blocks of ``n_envs`` per run seed, so runs never share a user stream (SB3's default,
        ``seed + i``, would give run 1's first env the users of run 0's second).
        """
        return range(seed * self.n_envs, (seed + 1) * self.n_envs)
