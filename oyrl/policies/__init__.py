"""Baseline policies and the response grammar that writes their replies in text environments."""

from oyrl.policies.baselines import (
    FixedStrategy,
    RandomStrategy,
    StrategyPolicy,
    TypeOracle,
    baseline_names,
    get_baseline,
)

__all__ = ["FixedStrategy", "RandomStrategy", "StrategyPolicy", "TypeOracle", "baseline_names", "get_baseline"]
