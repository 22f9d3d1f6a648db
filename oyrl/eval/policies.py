"""Every kind of policy under one interface, for evaluation.

* a causal LM (a ``save_pretrained`` directory such as ``runs/quickstart/final``, or a hub id):
  plays the text env, dialogues generated in batches;
* a Stable-Baselines3 zip saved by ``oyrl train`` (``runs/sb3/.../best_model.zip``): plays the
  strategy env;
* a built-in baseline (``always_hard_refusal``, ``type_oracle``, ``stackelberg``...): plays the
  strategy env;
* a Python callable ``messages -> reply`` (``module:function`` on the command line): plays the text
  env, one dialogue at a time.

Text and strategy envs of a pack meet the same users for the same seed, so all four compare on one
table. A policy that raises, or returns something that is not a string, gets that episode recorded
as an error (``Trajectory.error``) and the evaluation goes on.

Each ``play`` takes an optional ``progress`` callback, called with the number of episodes just
finished, for the evaluation's progress bar.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from oyrl.env.registration import make_env
from oyrl.errors import ConfigError
from oyrl.progress import Advance
from oyrl.types import Trajectory

Messages = list[dict[str, str]]


class EvalPolicy(Protocol):
    """What ``oyrl.eval`` needs of a policy."""

    name: str
    interface: str
    """``"text"`` (plays ``oyrl/<Pack>-v0``) or ``"strategy"`` (plays ``oyrl/<Pack>-Strategy-v0``)."""

    def play(self, env_id: str, seeds: list[int], env_kwargs: dict[str, Any], seed: int,
             progress: Advance | None = None) -> list[Trajectory]:
        """One episode per scenario seed, in order; ``seed`` seeds the policy's own sampling.

        ``progress(n)``, if given, is called as episodes finish (``n`` of them). It is optional to
        implement: a policy without the parameter is counted when ``play`` returns.
        """
        ...


class LanguageModelPolicy:
    """A causal LM with a chat template, sampled as in training (``oyrl.llm.rollout``).

    Each dialogue samples from its own generator, seeded by ``(seed, scenario seed)``, in the
    batch-invariant layout, so results do not depend on ``batch_size`` or on which dialogues share a
    batch (``RolloutEngine.play``).

    Args:
        model: a ``save_pretrained`` directory or hub id.
        batch_size: dialogues generated at once.
        max_new_tokens, temperature, top_p: sampling (``oyrl.config.RolloutSpec``).
        name: shown in reports; defaults to the directory or hub id.
        exact: the batch-invariant layout (bitwise the same at any batch size on one CPU thread);
            False uses the faster kernels, which agree across batch sizes up to float rounding.
        reply_prefix: text every reply starts with, the model continuing after it (steering with a
            declared assessment, ``oyrl.eval.steer``; ``RolloutEngine``).
    """

    interface = "text"

    def __init__(self, model: str, batch_size: int = 32, max_new_tokens: int = 112, temperature: float = 1.0,
                 top_p: float = 1.0, name: str | None = None, chat_template: str | None = None,
                 exact: bool = True, reply_prefix: str | None = None):
        from oyrl.config import RolloutSpec, validate
        from oyrl.llm.models import load_sampler

        self.name = name or model
        self.batch_size, self.exact = batch_size, exact
        config = validate({"max_new_tokens": max_new_tokens, "temperature": temperature, "top_p": top_p},
                          RolloutSpec, "model policy")
        self.engine = load_sampler(model, config, chat_template, reply_prefix)

    def with_prefix(self, reply_prefix: str | None) -> LanguageModelPolicy:
        """The same model (weights shared, not copied) with every reply starting with ``reply_prefix``."""
        from oyrl.llm.rollout import RolloutEngine

        steered = copy.copy(self)
        engine = self.engine
        steered.engine = RolloutEngine(engine.model, engine.tokenizer, engine.config, reply_prefix=reply_prefix)
        return steered

    def play(self, env_id: str, seeds: list[int], env_kwargs: dict[str, Any], seed: int,
             progress: Advance | None = None) -> list[Trajectory]:
        envs = [make_env(env_id, env_kwargs.get("reward"), _without_reward(env_kwargs))
                for _ in range(min(self.batch_size, len(seeds)))]
        out: list[Trajectory] = []
        # The engine's own split into batches of len(envs), one call a batch so the bar moves.
        for start in range(0, len(seeds), len(envs)):
            out += self.engine.play(envs, seeds[start : start + len(envs)], seed, self.exact)
            if progress is not None:
                progress(len(out) - start)
        return out


class CallablePolicy:
    """A Python function ``messages -> reply`` (chat messages in, the assistant's next reply out).

    Args:
        fn: the function; it may keep state, but gets no seed (seed it yourself for randomness).
        name: shown in reports.
    """

    interface = "text"

    def __init__(self, fn: Callable[[Messages], str], name: str | None = None):
        self.fn, self.name = fn, name or getattr(fn, "__name__", "callable")

    def play(self, env_id: str, seeds: list[int], env_kwargs: dict[str, Any], seed: int,
             progress: Advance | None = None) -> list[Trajectory]:
        from oyrl.simulate import play_episode

        env = make_env(env_id, env_kwargs.get("reward"), _without_reward(env_kwargs))
        # The env itself rejects a reply that is not a string (TypeError), recorded as the episode's error.
        def reply(obs: Any, info: dict[str, Any]) -> Any:
            return self.fn([dict(m) for m in env.unwrapped.messages])

        return _one_by_one(seeds, progress, lambda scenario: play_episode(env, scenario, reply))


class StrategyRunner:
    """A strategy-level policy (a baseline or an SB3 model) on the strategy env.

    Args:
        policy: anything with ``name``, ``reset(rng)`` and ``choose(observation, info)``.
    """

    interface = "strategy"

    def __init__(self, policy: Any):
        self.policy, self.name = policy, policy.name

    def play(self, env_id: str, seeds: list[int], env_kwargs: dict[str, Any], seed: int,
             progress: Advance | None = None) -> list[Trajectory]:
        from oyrl.simulate import run_episode

        env = make_env(env_id, env_kwargs.get("reward"), _without_reward(env_kwargs))
        return _one_by_one(seeds, progress, lambda scenario: run_episode(
            env, self.policy, scenario, np.random.default_rng((seed, scenario))))


def _one_by_one(seeds: list[int], progress: Advance | None,
                play_one: Callable[[int], Trajectory]) -> list[Trajectory]:
    """``play_one`` of each scenario seed in order, counting each episode as it ends."""
    out = []
    for scenario in seeds:
        out.append(play_one(scenario))
        if progress is not None:
            progress(1)
    return out


def _without_reward(env_kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in env_kwargs.items() if k != "reward"}


def load_policy(spec: str | Callable | Any, **lm_options: Any) -> EvalPolicy:
    """A policy from a command-line spec or a Python object.

    ``spec`` is tried, in order, as: a strategy policy object or a callable (Python API); a baseline
    name; a path to an SB3 ``.zip``; ``lookahead:MODEL[?candidates=K&futures=M&horizon=H&...]``
    (``oyrl.lookahead.decoding.LookaheadDecoder``); ``module:function`` (a callable
    ``messages -> reply``); a model directory or hub id (``lm_options`` go to ``LanguageModelPolicy``).

    Raises:
        ConfigError: the spec names nothing loadable (the message says what was tried).
    """
    from oyrl.policies.baselines import baseline_names, get_baseline

    if not isinstance(spec, str):
        if hasattr(spec, "choose"):
            return StrategyRunner(spec)
        if callable(spec):
            return CallablePolicy(spec)
        raise ConfigError(f"policy {spec!r}: expected a name, a path or a callable messages -> reply")
    if spec in baseline_names(planners=True):
        return StrategyRunner(get_baseline(spec))
    if spec.endswith(".zip"):
        from oyrl.sb3.runner import SB3Policy

        return StrategyRunner(SB3Policy.load(spec))
    if spec.startswith("lookahead:"):
        from oyrl.lookahead.decoding import LookaheadDecoder

        return LookaheadDecoder.from_spec(spec, **lm_options)
    module, sep, attr = spec.partition(":")
    if sep and not Path(spec).exists():
        try:
            fn = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise ConfigError(f"policy {spec!r}: cannot import {attr} from {module}: {exc}") from None
        return CallablePolicy(fn, name=spec)
    return LanguageModelPolicy(spec, **lm_options)
