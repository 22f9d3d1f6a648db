"""Evaluation throughput of a model policy: batched generation vs one dialogue at a time, exact and fast.

    python experiments/benchmarks/bench_eval.py [--model tiny] [--episodes 64] [--batch-size 32] [--threads 1]

Plays the same ``--episodes`` held-out users of ``oyrl/Mixed-v0`` with ``oyrl.eval``'s
``LanguageModelPolicy`` three times: ``--batch-size`` dialogues at once and one at a time in the exact
(batch-invariant) layout that ``oyrl eval`` uses, and ``--batch-size`` at once on the fast kernels
(``exact=False``). Prints episodes/s for each, the batched/one-at-a-time ratio, the share of wall time
spent in the environment (the simulated user, the judge and the reward) rather than in generation,
and how many episodes came out identical to the exact batched run: all of them for the exact
one-at-a-time run on one thread. One at a time, a dialogue still runs with 3 idle rows (matrix
products of fewer than 4 rows take another kernel), which that mode pays for its invariance.
"""

from __future__ import annotations

import argparse
import time

import torch

from oyrl.eval.policies import LanguageModelPolicy


def run(model: str, seeds: list[int], batch_size: int, max_new_tokens: int, exact: bool) -> tuple[float, float, list]:
    """(wall seconds, env seconds, trajectories) of one evaluation pass."""
    policy = LanguageModelPolicy(model, batch_size=batch_size, max_new_tokens=max_new_tokens, exact=exact)
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
    modes = (("exact, batched", args.batch_size, True), ("exact, one at a time", 1, True),
             ("fast, batched", args.batch_size, False))
    for label, batch, exact in modes:
        rows[label] = run(args.model, seeds, batch, args.max_new_tokens, exact)
    replies = {label: [[t.assistant for t in traj.turns] for traj in trajectories]
               for label, (_, _, trajectories) in rows.items()}
    reference = replies["exact, batched"]
    print(f"{args.episodes} episodes of oyrl/Mixed-v0 (max 4 turns, {args.max_new_tokens} new tokens), "
          f"{args.threads} torch thread(s)")
    print(f"{'mode':<22}{'episodes/s':>12}{'env share':>12}{'identical to exact, batched':>30}")
    for label, (wall, env, _) in rows.items():
        same = sum(a == b for a, b in zip(replies[label], reference))
        print(f"{label:<22}{args.episodes / wall:>12.2f}{env / wall:>12.1%}{same:>24}/{args.episodes}")
    print(f"exact: batched / one at a time: {rows['exact, one at a time'][0] / rows['exact, batched'][0]:.1f}x; "
          f"fast / exact (batched): {rows['exact, batched'][0] / rows['fast, batched'][0]:.2f}x")


if __name__ == "__main__":
    main()
