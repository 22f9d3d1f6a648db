"""Baseline policies: fixed strategies, uniform random, a type oracle and the Stackelberg planner.

Baselines choose a *strategy*; the runner (``oyrl.simulate``) turns it into a StrategyEnv action
index or, in a DialogueEnv, into text written by ``ResponseGrammar``. So one baseline runs in both
interfaces, which is how the two are checked against each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from oyrl.errors import ConfigError
from oyrl.schema import did_you_mean
from oyrl.strategies import STRATEGIES, Strategy
from oyrl.types import UserType


@runtime_checkable
class StrategyPolicy(Protocol):
    """A policy over response strategies.

    ``reset`` is called at the start of each episode with a generator seeded for that episode (so
    a policy's randomness never disturbs the environment's); ``choose`` sees the observation and
    the env's ``info``. Only oracles may read ground truth from ``info``.
    """

    name: str

    def reset(self, rng: np.random.Generator) -> None: ...

    def choose(self, observation: Any, info: dict[str, Any]) -> Strategy: ...


class FixedStrategy:
    """Always the same strategy (``always_<strategy>``)."""

    def __init__(self, strategy: Strategy):
        self.strategy = Strategy(strategy)
        self.name = f"always_{self.strategy.value}"

    def reset(self, rng: np.random.Generator) -> None:
        pass

    def choose(self, observation: Any, info: dict[str, Any]) -> Strategy:
        return self.strategy


class RandomStrategy:
    """A uniformly random strategy every turn."""

    name = "random"

    def __init__(self) -> None:
        self._rng = np.random.default_rng(0)

    def reset(self, rng: np.random.Generator) -> None:
        self._rng = rng

    def choose(self, observation: Any, info: dict[str, Any]) -> Strategy:
        return STRATEGIES[int(self._rng.integers(len(STRATEGIES)))]


class TypeOracle:
    """Sees the hidden user type (an upper reference, not a deployable policy).

    Plays the best fixed response per type under the default simulator: empathic support with
    resources for vulnerable users, a safe substantive answer for benign ones, a refusal for
    attackers.
    """

    name = "type_oracle"
    BEST = {
        UserType.SENSITIVE: Strategy.EMPATHIC_SUPPORT,
        UserType.BENIGN: Strategy.SAFE_INFORMATION,
        UserType.MALICIOUS: Strategy.HARD_REFUSAL,
    }

    def reset(self, rng: np.random.Generator) -> None:
        pass

    def choose(self, observation: Any, info: dict[str, Any]) -> Strategy:
        return self.BEST[UserType(info["user_type"])]


@dataclass(frozen=True)
class Baseline:
    """An entry of ``BASELINES``.

    Attributes:
        make: builds the policy for an environment (``None``: no environment given); only planners
            read it, to model that environment's population, turn limit and reward design.
        planner: a model-based planner: ~100x slower than the other baselines (milliseconds a
            decision), so ``baseline_names()`` lists it only when asked (``planners=True``).
    """

    make: Callable[[Any], StrategyPolicy]
    planner: bool = False


def _always(strategy: Strategy) -> Baseline:
    return Baseline(lambda env: FixedStrategy(strategy))


def _stackelberg(env: Any) -> StrategyPolicy:
    from oyrl.policies.stackelberg import StackelbergPlanner  # imports the environments: lazily

    return StackelbergPlanner.for_env(env) if env is not None else StackelbergPlanner()


#: Every baseline by name, in listing order: the one table ``get_baseline`` and ``baseline_names``
#: read. Without an environment, ``stackelberg`` assumes the built-in Mixed population (the union
#: of the built-in packs) and the ``constructive`` design.
BASELINES: dict[str, Baseline] = {
    **{f"always_{s.value}": _always(s) for s in STRATEGIES},
    "random": Baseline(lambda env: RandomStrategy()),
    "type_oracle": Baseline(lambda env: TypeOracle()),
    "stackelberg": Baseline(_stackelberg, planner=True),
}

#: Names of the model-based planners among the baselines.
PLANNER_NAMES = tuple(name for name, entry in BASELINES.items() if entry.planner)


def baseline_names(*, planners: bool = False) -> list[str]:
    """Names ``get_baseline`` accepts; the planners (``PLANNER_NAMES``) only with ``planners=True``."""
    return [name for name, entry in BASELINES.items() if planners or not entry.planner]


def get_baseline(name: str, env: Any = None) -> StrategyPolicy:
    """A baseline policy by name (``always_<strategy>``, ``random``, ``type_oracle``, ``stackelberg``).

    ``env`` matters only to planners: ``stackelberg`` then assumes that environment's population,
    turn limit and reward design; without it, the built-in Mixed population (the union of the
    built-in packs) and the ``constructive`` design.
    """
    entry = BASELINES.get(name)
    if entry is None:
        known = baseline_names(planners=True)
        raise ConfigError(f"unknown policy {name!r}" + did_you_mean(name, known, f" (known: {', '.join(known)})"))
    return entry.make(env)
