"""Evaluation throughput of a model policy: batched generation vs one dialogue at a time.

    python experiments/benchmarks/bench_eval.py [--model tiny] [--episodes 64] [--batch-size 32] [--threads 1]

Plays the same ``--episodes`` held-out users of ``oyrl/Mixed-v0`` with ``oyrl.eval``'s
``LanguageModelPolicy`` twice, with ``--batch-size`` dialogues generated at once and with one, and
prints episodes/s for each, their ratio, and the share of wall time spent in the environment (the
simulated user, the judge and the reward) rather than in generation. Each dialogue samples from its
own stream in a batch-invariant layout (``oyrl.train.rollout.ALIGN_WIDTH``), so both runs should play
the same episodes bit for bit on one CPU thread; the script counts the episodes that came out identical.
One at a time, a dialogue still runs with 3 idle rows (matrix products of fewer than 4 rows take
another kernel), which that mode pays for its invariance.
"""

from __future__ import annotations

import argparse
import time

import torch

from oyrl.eval.policies import LanguageModelPolicy


def run(model: str, seeds: list[int], batch_size: int, max_new_tokens: int) -> tuple[float, float, list]:
    """(wall seconds, env seconds, trajectories) of one evaluation pass."""
    policy = LanguageModelPolicy(model, batch_size=batch_size, max_new_tokens=max_new_tokens)
    env_seconds = 0.0
    collect = policy.engine.collect

    def timed_collect(*args, **kwargs):  # the engine reports its env time per batch
        nonlocal env_seconds
        batch = collect(*args, **kwargs)
        env_seconds += batch.perf["env_s"]
        return batch

    policy.engine.collect = timed_collect
    start = time.perf_counter()
    trajectories = policy.play("oyrl/Mixed-v0", seeds, {"reward": "constructive", "max_turns": 4}, seed=0)
    return time.perf_counter() - start, env_seconds, trajectories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="tiny", help="model directory, hub id or tiny (default)")
    parser.add_argument("--episodes", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-new-tokens", type=int, default=112)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    seeds = list(range(1_000_000, 1_000_000 + args.episodes))
    rows = {}
    for label, batch in (("batched", args.batch_size), ("one at a time", 1)):
        wall, env, trajectories = run(args.model, seeds, batch, args.max_new_tokens)
        rows[label] = (wall, env, trajectories)
    same = sum([t.assistant for t in a.turns] == [t.assistant for t in b.turns]
               for a, b in zip(rows["batched"][2], rows["one at a time"][2]))
    print(f"{args.episodes} episodes of oyrl/Mixed-v0 (max 4 turns, {args.max_new_tokens} new tokens), "
          f"{args.threads} torch thread(s); identical episodes: {same}/{args.episodes}")
    print(f"{'mode':<16}{'episodes/s':>12}{'env share':>12}")
    for label, (wall, env, _) in rows.items():
        print(f"{label:<16}{args.episodes / wall:>12.2f}{env / wall:>12.1%}")
    print(f"batched / one at a time: {rows['one at a time'][0] / rows['batched'][0]:.1f}x")


if __name__ == "__main__":
    main()
