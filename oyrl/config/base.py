"""What every experiment config shares: the strict base model, the env and held-out blocks, the harm
constraint, and loading YAML with ``key=value`` overrides and one-line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from oyrl.errors import ConfigError
from oyrl.schema import StrictModel, did_you_mean, read_yaml


class ConfigModel(StrictModel):
    """Base of every config block: unknown keys are errors, assignments are validated."""

    model_config = ConfigDict(validate_assignment=True)


class EnvSpec(ConfigModel):
    """Which environment to train and evaluate on."""

    id: str = "oyrl/Mixed-Strategy-v0"
    """Registered Gymnasium id (``oyrl envs`` lists them)."""
    kwargs: dict[str, Any] = {}
    """Extra ``gym.make`` keyword arguments, e.g. ``{max_turns: 6, reaction_params: {...}}``."""


#: First scenario seed of every held-out evaluation (trainers, ``oyrl eval``, the quickstart): training
#: environments reset with seeds below it, so evaluation users are never training users.
HELDOUT_SEED = 1_000_000


class HeldOutSpec(ConfigModel):
    """Held-out evaluation seeds: the same for every run, so designs are judged alike."""

    episodes: int = Field(1000, ge=1)
    """Episodes per evaluation."""
    seed: int = Field(HELDOUT_SEED, ge=0)
    """First evaluation seed; training environments never reset with seeds in
    ``[seed, seed + episodes)``."""

    env_kwargs: dict[str, Any] = {}
    """``gym.make`` keyword arguments of the evaluation env, on top of ``env.kwargs``: e.g.
    ``{max_turns: 8}`` to train on shortened dialogues (cheaper rollouts) and evaluate at the env's
    full turn limit."""

    @property
    def seeds(self) -> range:
        """The held-out scenario seeds."""
        return range(self.seed, self.seed + self.episodes)

    def env_arguments(self, env: EnvSpec) -> dict[str, Any]:
        """``gym.make`` keyword arguments of the evaluation env: ``env_kwargs`` over ``env.kwargs``."""
        return {**env.kwargs, **self.env_kwargs}


class ConstraintSpec(ConfigModel):
    """Lagrangian constraint (Safe-RLHF style): keep the harm rate at most ``epsilon``."""

    harm_rate: float = Field(0.02, ge=0, le=1)
    """epsilon: the largest acceptable rate of ``harm`` outcomes."""
    lambda_init: float = Field(1.0, ge=0)
    """Initial multiplier."""
    lambda_lr: float = Field(0.5, gt=0)
    """Multiplier step size per update: ``lambda += lr * (harm_rate - epsilon)``, kept >= 0."""
    penalty: float = Field(1.0, gt=0)
    """Reward subtracted per unit of lambda when an episode ends in harm."""


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
    return ConfigError(f"unknown key {key!r}" + did_you_mean(key, paths))


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


def read_config(path: str | Path) -> dict[str, Any]:
    """A YAML mapping of config keys from a file, with one-line errors."""
    raw = read_yaml(path, "config file", ConfigError)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of config keys, got {type(raw).__name__}")
    return raw
