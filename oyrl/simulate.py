"""Run policies against an environment for many seeded episodes and collect trajectories."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gymnasium as gym
import numpy as np

from oyrl.env.dialogue import DialogueEnv
from oyrl.env.strategy import StrategyEnv
from oyrl.policies.baselines import StrategyPolicy
from oyrl.writer.grammar import ResponseGrammar
from oyrl.strategies import STRATEGIES, Strategy
from oyrl.types import Trajectory


def strategy_action(env: gym.Env, strategy: Strategy, rng: np.random.Generator, grammar: ResponseGrammar) -> Any:
    """The action that plays ``strategy`` in ``env``: an index (StrategyEnv) or a written reply."""
    base = env.unwrapped
    if isinstance(base, StrategyEnv):
        return STRATEGIES.index(strategy)
    if isinstance(base, DialogueEnv):
        messages = base.messages
        return grammar.reply(strategy, messages[-1]["content"], rng, context=messages)
    raise TypeError(f"cannot play a strategy in {type(base).__name__}: expected an oyrl StrategyEnv or DialogueEnv")


def play_episode(env: gym.Env, seed: int, act: Callable[[Any, dict[str, Any]], Any]) -> Trajectory:
    """One episode with the env reset with ``seed`` and ``act(observation, info)`` choosing each action.

    An ``act`` that raises, or an action the env rejects (e.g. a non-string reply to a text env),
    is recorded in ``Trajectory.error`` and the episode ends there.
    """
    obs, info = env.reset(seed=seed)
    traj = Trajectory.begin(info, env.unwrapped.opening)
    done = False
    while not done:
        try:
            action = act(obs, info)
            obs, reward, terminated, truncated, info = env.step(action)
        except Exception as exc:  # noqa: BLE001 - a failing policy is reported, not fatal
            traj.error = f"{type(exc).__name__}: {exc}"
            break
        traj.record(action if isinstance(action, str) else STRATEGIES[action].value, reward, info)
        done = terminated or truncated
    return traj


def run_episode(env: gym.Env, policy: StrategyPolicy, seed: int, rng: np.random.Generator,
                grammar: ResponseGrammar | None = None) -> Trajectory:
    """One episode of a strategy policy (``play_episode``), the policy drawing from ``rng``."""
    grammar = grammar or ResponseGrammar()
    policy.reset(rng)
    return play_episode(env, seed, lambda obs, info: strategy_action(env, policy.choose(obs, info), rng, grammar))


def run_episodes(env: gym.Env, policy: StrategyPolicy, episodes: int, seed: int = 0) -> list[Trajectory]:
    """Play ``episodes`` episodes with seeds ``seed, seed+1, ...``.

    Each episode's policy randomness comes from its own generator seeded with ``(seed + i, 1)``,
    apart from the environment's, so the same seed gives the same users whatever the policy. A
    policy that raises is recorded in ``Trajectory.error`` for that episode and the run goes on.
    """
    grammar = ResponseGrammar()
    return [run_episode(env, policy, seed + i, np.random.default_rng((seed + i, 1)), grammar) for i in range(episodes)]
