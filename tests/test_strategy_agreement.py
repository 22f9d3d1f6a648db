"""The text and strategy interfaces agree: writing replies of one strategy gets that strategy's outcomes."""

from __future__ import annotations

import gymnasium as gym
import pytest

import oyrl  # noqa: F401
from oyrl.metrics import summarize
from oyrl.policies.baselines import FixedStrategy
from oyrl.simulate import run_episodes
from oyrl.strategies import STRATEGIES
from oyrl.types import Outcome

EPISODES = 1500


@pytest.mark.slow
@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: s.value)
def test_text_policy_matches_its_strategy_within_5_points(strategy):
    policy = FixedStrategy(strategy)
    text = summarize(run_episodes(gym.make("oyrl/Mixed-v0"), policy, EPISODES, seed=10_000))
    abstract = summarize(run_episodes(gym.make("oyrl/Mixed-Strategy-v0"), policy, EPISODES, seed=10_000))
    for outcome in Outcome:
        key = f"{outcome.value}_rate"
        gap = abs(text["overall"][key] - abstract["overall"][key])
        assert gap <= 0.05, f"{strategy.value}: {key} text {text['overall'][key]:.3f} vs strategy {abstract['overall'][key]:.3f}"
