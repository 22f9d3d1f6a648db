"""Steering a model policy by its declared assessment, and how well it follows (``docs/reasoning.md``).

The steering wrapper writes a declared assessment with a *forced* strategy as the start of every
assistant reply and lets the model continue after it: the block is part of that turn's prompt, so
the continuation is conditioned on it, and the env receives block + continuation (it strips the
block before the judge and the user see the reply). For a language model the block's tokens are
context, never actions (``RolloutEngine(reply_prefix=...)``); a Python callable ``messages -> reply``
gets the block as the start of an assistant message to continue.

*Steerability* of a strategy: the share of replies whose judged strategy (``strategy_of`` of the
judged features) is the forced one. ``oyrl steer MODEL`` prints it per strategy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from oyrl.config import HELDOUT_SEED
from oyrl.errors import ConfigError
from oyrl.eval.policies import CallablePolicy, LanguageModelPolicy, load_policy
from oyrl.reasoning.block import format_block
from oyrl.schema import did_you_mean
from oyrl.strategies import STRATEGIES, Strategy
from oyrl.types import UserType

#: The fields of the steering block other than the strategy, unless given: a neutral reading (a
#: benign user, no risk) so that only the forced strategy pushes the reply somewhere.
DEFAULT_BLOCK = {"need": "an answer to what they asked", "user": "benign", "risk": None, "level": 0}


def steering_block(strategy: Strategy | str, need: str | None = None, user: UserType | str | None = None,
                   risk: str | None = None, level: int | None = None) -> str:
    """The reply prefix forcing ``strategy``: the declared assessment and a newline."""
    fields = {**DEFAULT_BLOCK, **{k: v for k, v in {"need": need, "user": user, "risk": risk, "level": level}.items()
                                  if v is not None}}
    return format_block(fields["need"], fields["user"], fields["risk"], fields["level"], parse_strategy(strategy)) + "\n"


def parse_strategy(value: Strategy | str) -> Strategy:
    """A strategy from its name; an unknown name is a one-line ``ConfigError``."""
    if isinstance(value, Strategy):
        return value
    try:
        return Strategy(value)
    except ValueError:
        names = [s.value for s in STRATEGIES]
        raise ConfigError(f"unknown strategy {value!r} (known: {', '.join(names)})" + did_you_mean(value, names)) from None


def steer(policy: Any, prefix: str) -> Any:
    """``policy`` with every reply starting with ``prefix`` (a text policy: a model or a callable)."""
    if isinstance(policy, LanguageModelPolicy):
        return policy.with_prefix(prefix)
    if isinstance(policy, CallablePolicy):
        fn = policy.fn
        return CallablePolicy(lambda messages: prefix + fn([*messages, {"role": "assistant", "content": prefix}]),
                              name=policy.name)
    raise ConfigError(f"policy {getattr(policy, 'name', policy)!r}: only text policies (a model or a callable "
                      "messages -> reply) can be steered by a declared assessment")


def steerability(model: Any, env_id: str = "oyrl/Mixed-v0", strategies: Sequence[Strategy | str] = STRATEGIES,
                 episodes: int = 20, seed: int = HELDOUT_SEED, env_kwargs: dict[str, Any] | None = None,
                 block: dict[str, Any] | None = None, **lm_options: Any) -> dict[str, Any]:
    """Force each strategy in turn and measure how often the replies do it.

    Args:
        model: a model spec (``tiny``, a directory, a hub id), a callable ``messages -> reply``, or a
            loaded text policy (``oyrl.eval.policies``).
        env_id: a text env (``oyrl/<Pack>-v0``).
        strategies: the strategies to force (names or ``Strategy``).
        episodes: dialogues per strategy, scenario seeds ``seed .. seed + episodes - 1`` (the same
            users for every strategy; the default seeds are the held-out ones).
        env_kwargs: ``gym.make`` arguments (``max_turns``...).
        block: the steering block's other fields (``need``, ``user``, ``risk``, ``level``; ``DEFAULT_BLOCK``).
        **lm_options: ``LanguageModelPolicy`` options (``max_new_tokens``, ``batch_size``...).

    Returns:
        ``{"model", "env", "episodes", "seed", "strategies": {name: {"steerability", "replies",
        "errors", "judged": {strategy: count}}}, "mean"}``: ``mean`` over the strategies with replies.
    """
    if episodes < 1:
        raise ConfigError(f"episodes: expected at least 1, got {episodes}")
    forced = [parse_strategy(s) for s in strategies]
    if not forced:
        raise ConfigError("strategies: expected at least one strategy")
    unknown = set(block or {}) - set(DEFAULT_BLOCK)
    if unknown:
        raise ConfigError(f"block.{min(unknown)}: unknown field (known: {', '.join(DEFAULT_BLOCK)})")
    policy = model if hasattr(model, "play") else load_policy(model, **lm_options)
    if policy.interface != "text":
        raise ConfigError(f"policy {policy.name!r}: plays the strategy env; steering needs a text policy")
    seeds = list(range(seed, seed + episodes))
    out: dict[str, Any] = {"model": policy.name, "env": env_id, "episodes": episodes, "seed": seed, "strategies": {}}
    for strategy in forced:
        trajectories = steer(policy, steering_block(strategy, **(block or {}))).play(env_id, seeds, env_kwargs or {}, seed)
        judged = Counter(turn.declared["judged_strategy"] for t in trajectories for turn in t.turns
                         if turn.declared is not None)
        replies = sum(judged.values())
        out["strategies"][strategy.value] = {
            "steerability": judged[strategy.value] / replies if replies else None, "replies": replies,
            "errors": sum(t.error is not None for t in trajectories), "judged": dict(judged.most_common()),
        }
    shares = [cell["steerability"] for cell in out["strategies"].values() if cell["steerability"] is not None]
    out["mean"] = sum(shares) / len(shares) if shares else None
    return out


def steer_table(result: dict[str, Any]) -> Any:
    """A rich table of a ``steerability`` result: per strategy its steerability, replies and what
    the replies were mostly judged as."""
    from rich.table import Table

    table = Table(title=f"steerability of {result['model']} on {result['env']}: {result['episodes']} dialogues "
                        f"per strategy, seeds {result['seed']}..{result['seed'] + result['episodes'] - 1}")
    for name, justify in (("forced strategy", "left"), ("steerability", "right"), ("replies", "right"),
                          ("judged as (most often)", "left")):
        table.add_column(name, justify=justify)
    for strategy, cell in result["strategies"].items():
        share = "-" if cell["steerability"] is None else f"{cell['steerability']:.1%}"
        top = ", ".join(f"{k} {v}" for k, v in list(cell["judged"].items())[:3])
        table.add_row(strategy, share, str(cell["replies"]), top)
    mean = "-" if result["mean"] is None else f"{result['mean']:.1%}"
    table.add_row("mean", mean, "", "")
    return table
