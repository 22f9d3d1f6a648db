"""Decision policies at the strategy level: the baselines (fixed strategies, random, the type
oracle) and the Stackelberg planner. Their replies are written by ``oyrl.writer`` in text envs."""

from oyrl.policies.baselines import (
    BASELINES,
    Baseline,
    FixedStrategy,
    RandomStrategy,
    StrategyPolicy,
    TypeOracle,
    baseline_names,
    get_baseline,
)

__all__ = [
    "BASELINES",
    "Baseline",
    "FixedStrategy",
    "RandomStrategy",
    "StrategyPolicy",
    "TypeOracle",
    "baseline_names",
    "get_baseline",
]
