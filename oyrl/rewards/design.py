"""RewardDesign: a named, weighted composition of reward terms, loaded from YAML or built in Python.

YAML (``rewards/*.yaml``)::

    name: constructive
    description: one line
    terms:
      outcome: {weight: 1.0, values: {safe_resolution: 1.0, harm: -1.0, ...}}
      trust_change: {weight: 0.3}

Each step the design returns the total and each term's *weighted* contribution (they sum to the
total), which environments put in ``info["reward_terms"]`` and trainers log as ``reward/<term>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


from oyrl.errors import ConfigError
from oyrl.schema import did_you_mean, read_yaml
from oyrl.rewards.terms import REWARD_TERMS, StepContext, term_parameters
from oyrl.types import Outcome

_OUTCOME_NAMES = tuple(o.value for o in Outcome)


@dataclass(frozen=True)
class WeightedTerm:
    """One term of a design: the registered function, its weight and its parameters."""

    name: str
    weight: float
    params: dict[str, Any]


class RewardDesign:
    """A named reward: ``r_t = sum_i w_i * term_i(step_t)``.

    Args:
        name: design name (used in run names and logs).
        terms: mapping term name -> weight, or -> ``{"weight": w, **params}``.
        description: one line for listings.
    """

    def __init__(self, name: str, terms: dict[str, Any], description: str = "", source: str = "<python>"):
        self.name = name
        self.description = description
        self.terms = tuple(_parse_term(source, n, spec) for n, spec in terms.items())
        if not self.terms:
            raise ConfigError(f"{source}: terms: a reward design needs at least one term, got none")
        self._calls = tuple((t.name, REWARD_TERMS[t.name], t.weight, t.params) for t in self.terms)

    @property
    def term_names(self) -> tuple[str, ...]:
        """Names of the terms, in order (the keys of ``info["reward_terms"]``)."""
        return tuple(t.name for t in self.terms)

    def __call__(self, ctx: StepContext) -> tuple[float, dict[str, float]]:
        """Total reward of one step and each term's weighted contribution."""
        parts = {name: weight * fn(ctx, **params) for name, fn, weight, params in self._calls}
        return sum(parts.values()), parts

    def __repr__(self) -> str:
        inner = ", ".join(f"{t.weight:g}*{t.name}" for t in self.terms)
        return f"RewardDesign({self.name!r}: {inner})"


def _parse_term(source: str, name: str, spec: Any) -> WeightedTerm:
    where = f"{source}: terms.{name}"
    if name not in REWARD_TERMS:
        known = f" (known: {', '.join(sorted(REWARD_TERMS))})"
        raise ConfigError(f"{where}: unknown reward term {name!r}" + did_you_mean(name, REWARD_TERMS, known))
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        spec = {"weight": spec}
    if not isinstance(spec, dict) or not isinstance(spec.get("weight", 1.0), (int, float)):
        raise ConfigError(f"{where}: expected a weight or {{weight: w, <params>}}, got {spec!r}")
    params = {k: v for k, v in spec.items() if k != "weight"}
    allowed = term_parameters(REWARD_TERMS[name])
    for key in params:
        if key not in allowed:
            takes = f" (it takes: {', '.join(allowed) or 'none'})"
            raise ConfigError(f"{where}.{key}: term {name!r} has no parameter {key!r}" + did_you_mean(key, allowed, takes))
    if "values" in params:
        values = params["values"]
        if not isinstance(values, dict):
            raise ConfigError(f"{where}.values: expected a mapping outcome -> value, got {values!r}")
        for k, v in values.items():
            if k not in _OUTCOME_NAMES:
                raise ConfigError(f"{where}.values.{k}: unknown outcome {k!r}" + did_you_mean(k, _OUTCOME_NAMES))
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                raise ConfigError(f"{where}.values.{k}: expected a number, got {v!r}")
    return WeightedTerm(name, float(spec.get("weight", 1.0)), params)


_DESIGNS: dict[str, RewardDesign] = {}


def register_design(design: RewardDesign) -> RewardDesign:
    """Make ``design`` available by name (``gym.make(..., reward=name)``, experiment configs)."""
    _DESIGNS[design.name] = design
    return design


def load_design(path: str | Path) -> RewardDesign:
    """Load a reward design from a YAML file; errors name the file and field."""
    path = Path(path)
    raw = read_yaml(path, "reward design file", ConfigError)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping with name, description and terms, got {raw!r}")
    unknown = set(raw) - {"name", "description", "terms"}
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(f"{path}: {key}: unknown field" + did_you_mean(key, ["name", "description", "terms"]))
    if not isinstance(raw.get("terms"), dict):
        raise ConfigError(f"{path}: terms: expected a mapping term -> weight, got {raw.get('terms')!r}")
    return RewardDesign(str(raw.get("name", path.stem)), raw["terms"], str(raw.get("description", "")), str(path))


def get_design(design: str | Path | RewardDesign) -> RewardDesign:
    """A design by object, registered name, built-in name, or YAML path."""
    from oyrl.resources import builtin_design_path

    if isinstance(design, RewardDesign):
        return design
    key = str(design)
    if key in _DESIGNS:
        return _DESIGNS[key]
    if key.endswith((".yaml", ".yml")) or Path(key).is_file():
        return load_design(key)
    return register_design(load_design(builtin_design_path(key)))


def builtin_designs() -> list[str]:
    """Names of the built-in reward designs."""
    from oyrl.resources import data_dir

    return sorted(p.stem for p in data_dir("rewards").glob("*.yaml"))
