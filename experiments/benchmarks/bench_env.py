"""Environment and judge throughput, each beside CartPole-v1 measured in the same run, on one core.

    python experiments/benchmarks/bench_env.py [--seconds 3] [--repeats 3] [--json out.json]

Targets: StrategyEnv >= 20,000 steps/s, DialogueEnv >= 3,000 steps/s with ~100-word replies (issue
2); LexicalJudge >= 4,000 replies/s (issue 12, which taught it to read real prose at some cost).
CartPole is the peer: its figure says how fast this machine runs a trivial Gymnasium env right
now, so the ratios are comparable across noisy machines.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import gymnasium as gym
import numpy as np

import oyrl
from oyrl.judges import LexicalJudge
from oyrl.writer.grammar import ResponseGrammar
from oyrl.strategies import STRATEGIES


def _reply_pool(n: int = 256, min_words: int = 90) -> list[str]:
    """Replies of every strategy, joined until each is about 100 words."""
    rng = np.random.default_rng(0)
    grammar = ResponseGrammar()
    env = gym.make("oyrl/Mixed-v0")
    pool = []
    for i in range(n):
        env.reset(seed=i)
        user = env.unwrapped.opening
        text = ""
        while len(text.split()) < min_words:
            text += " " + grammar.reply(STRATEGIES[int(rng.integers(len(STRATEGIES)))], user, rng)
        pool.append(" ".join(text.split()[: min_words + 20]))
    return pool


def steps_per_second(env_id: str, actions: list, seconds: float) -> float:
    """Steps/s of ``gym.make(env_id)`` (with its wrappers) under a cyclic list of actions.

    Seeded once, then reset without a seed at each episode end, as a training loop does.
    """
    env = gym.make(env_id)
    env.reset(seed=0)
    steps, episode, start = 0, 0, time.perf_counter()
    while True:
        for _ in range(200):
            _, _, term, trunc, _ = env.step(actions[steps % len(actions)])
            steps += 1
            if term or trunc:
                episode += 1
                env.reset()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return steps / elapsed


def judge_per_second(pool: list[str], contexts: list[str], seconds: float) -> float:
    judge = LexicalJudge()
    n, start = 0, time.perf_counter()
    while True:
        for _ in range(200):
            judge.assess(contexts[n % len(contexts)], pool[n % len(pool)])
            n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of one measurement")
    parser.add_argument("--repeats", type=int, default=3, help="measurements per subject (median kept)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the targets say
    gym.register_envs(oyrl)
    pool = _reply_pool()
    contexts = [gym.make("oyrl/Mixed-v0").reset(seed=s)[0] for s in range(64)]
    rng = np.random.default_rng(0)
    cart_actions = rng.integers(2, size=1000).tolist()
    strategy_actions = rng.integers(len(STRATEGIES), size=1000).tolist()
    subjects = {
        "CartPole-v1 steps/s": lambda: steps_per_second("CartPole-v1", cart_actions, args.seconds),
        "oyrl/Mixed-Strategy-v0 steps/s": lambda: steps_per_second("oyrl/Mixed-Strategy-v0", strategy_actions, args.seconds),
        "oyrl/Mixed-v0 steps/s (~100-word replies)": lambda: steps_per_second("oyrl/Mixed-v0", pool, args.seconds),
        "LexicalJudge replies/s (~100 words)": lambda: judge_per_second(pool, contexts, args.seconds),
    }
    targets = {
        "oyrl/Mixed-Strategy-v0 steps/s": 20_000,
        "oyrl/Mixed-v0 steps/s (~100-word replies)": 3_000,
        "LexicalJudge replies/s (~100 words)": 4_000,
    }
    # Interleave the repeats so a slow spell of the machine hits every subject alike.
    runs: dict[str, list[float]] = {k: [] for k in subjects}
    for _ in range(args.repeats):
        for name, fn in subjects.items():
            runs[name].append(fn())
    medians = {k: statistics.median(v) for k, v in runs.items()}
    cart = medians["CartPole-v1 steps/s"]
    print(f"{'subject':45s} {'median':>10s} {'vs CartPole':>12s} {'target':>8s}")
    for name, value in medians.items():
        target = targets.get(name)
        verdict = "" if target is None else ("ok" if value >= target else "MISSED")
        print(f"{name:45s} {value:10,.0f} {value / cart:11.2f}x {target or '':>8} {verdict}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"medians": medians, "runs": runs, "targets": targets}, fh, indent=2)


if __name__ == "__main__":
    main()
