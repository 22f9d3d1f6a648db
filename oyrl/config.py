"""Experiment configs: one typed, validated schema, loaded from YAML with ``key=value`` overrides.

Every field is documented once, here, next to its definition. Unknown keys are errors naming the
key and the closest valid one. Values derived from others are computed in ``ExperimentConfig``'s
properties, nowhere else.

    oyrl train experiments/sb3_constructive.yaml algo.learning_rate=1e-3 seeds=[0,1,2]
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, ValidationError, model_validator

from oyrl.errors import ConfigError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_attribute_docstrings=True)


class EnvSpec(_Strict):
    """Which environment to train and evaluate on."""

    id: str = "oyrl/Mixed-Strategy-v0"
    """Registered Gymnasium id (``oyrl envs`` lists them)."""
    kwargs: dict[str, Any] = {}
    """Extra ``gym.make`` keyword arguments, e.g. ``{max_turns: 6, reaction_params: {...}}``."""


class AlgoSpec(_Strict):
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


class EvalSpec(_Strict):
    """Held-out evaluation: the same for every run, so designs are judged alike."""

    episodes: int = Field(1000, ge=1)
    """Episodes per evaluation."""
    every_steps: int = Field(20_000, ge=1)
    """Evaluate (and maybe save the best model) every this many environment steps."""
    seed: int = 1_000_000
    """First evaluation seed; training environments never reset with seeds in
    ``[seed, seed + episodes)``."""


class ConstraintSpec(_Strict):
    """Lagrangian constraint (Safe-RLHF style): keep the harm rate at most ``epsilon``."""

    harm_rate: float = Field(0.02, ge=0, le=1)
    """epsilon: the largest acceptable rate of ``harm`` outcomes."""
    lambda_init: float = Field(1.0, ge=0)
    """Initial multiplier."""
    lambda_lr: float = Field(0.5, gt=0)
    """Multiplier step size per update: ``lambda += lr * (harm_rate - epsilon)``, kept >= 0."""
    penalty: float = Field(1.0, gt=0)
    """Reward subtracted per unit of lambda when an episode ends in harm."""


class ExperimentConfig(_Strict):
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
        held_out = range(self.eval.seed, self.eval.seed + self.eval.episodes)
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


# ---- loading with overrides ----------------------------------------------------------------------


def _field_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    out = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        out.append(path)
        ann = field.annotation
        for cand in (ann, *getattr(ann, "__args__", ())):
            if isinstance(cand, type) and issubclass(cand, BaseModel):
                out.extend(_field_paths(cand, f"{path}."))
    return out


def _unknown_key(key: str, model: type[BaseModel]) -> ConfigError:
    paths = _field_paths(model)
    hint = difflib.get_close_matches(key, paths, n=1, cutoff=0.6)
    return ConfigError(f"unknown key {key!r}" + (f"; did you mean {hint[0]!r}?" if hint else ""))


def apply_overrides(raw: dict[str, Any], overrides: list[str], model: type[BaseModel]) -> dict[str, Any]:
    """Set ``a.b.c=value`` overrides (values parsed as YAML) on a raw config mapping."""
    paths = set(_field_paths(model))
    for item in overrides:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(f"override {item!r}: expected key=value, e.g. algo.learning_rate=1e-3")
        if key not in paths and not any(key.startswith(f"{p}.") for p in paths if p.endswith("kwargs")):
            raise _unknown_key(key, model)
        try:
            parsed = yaml.safe_load(value)
        except yaml.YAMLError:
            raise ConfigError(f"override {item!r}: the value is not valid YAML") from None
        node = raw
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"override {item!r}: {part} is not a mapping")
        node[parts[-1]] = parsed
    return raw


def validate(raw: dict[str, Any], model: type[BaseModel], source: str) -> Any:
    """Validate a raw mapping; errors name the source, the key path and the value."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            raise ConfigError(f"{source}: {_unknown_key(key, model)}") from None
        msg = err["msg"].removeprefix("Value error, ")
        if not key:  # a whole-config check: its message names the fields, the input is everything
            raise ConfigError(f"{source}: {msg}") from None
        raise ConfigError(f"{source}: {key}: {msg}, got {err.get('input')!r}") from None


def read_yaml(path: str | Path) -> dict[str, Any]:
    """A YAML mapping from a file, with one-line errors."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: YAML syntax error: {str(exc).splitlines()[0]}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of config keys, got {type(raw).__name__}")
    return raw


def load_experiment(path: str | Path, overrides: list[str] = ()) -> ExperimentConfig:
    """Load an experiment config, apply ``key=value`` overrides and validate."""
    raw = read_yaml(path)
    design = raw.get("reward")
    if isinstance(design, str) and design.endswith((".yaml", ".yml")):
        # Made absolute, so the run's saved config.yaml works from anywhere; overrides stay as typed.
        raw["reward"] = str((Path(path).parent / design).resolve())
    raw = apply_overrides(raw, list(overrides), ExperimentConfig)
    return validate(raw, ExperimentConfig, str(path))
