"""Lookahead ranking: candidate-futures per second on the tiny base, batched vs one at a time (issue 16).

    OYRL_PROGRESS=0 python experiments/benchmarks/bench_lookahead.py [--states 4] [--threads 1] [--json out.json]

The openings of ``--states`` training users of ``oyrl/Mixed-v0`` (``max_turns`` 4, the quickstart's
training dialogues), K = 4 candidates each from the tiny base (sampled once, shared by both runs),
M = 4 futures per candidate to the end of the conversation, the base writing the later turns
(``max_new_tokens`` 112, as the quickstart). Timed: ``LookaheadRanker.rank`` with all K x M x states
futures advancing together through the rollout engine, against the same ranker with
``futures_per_batch=1`` (each future played alone: the same forks, streams and replies, one
dialogue per generation). In the batch-invariant layout (the default) both must value every
candidate identically (checked), so the ratio is the batching alone; ``--fast`` measures the fused
kernels (``lookahead.exact: false``), where the two agree up to float rounding. A candidate-future
is one simulated continuation of one candidate.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import gymnasium as gym
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # this checkout's oyrl, not an installed one
import oyrl
from oyrl.backends.hf import load_causal_lm, load_tokenizer
from oyrl.config import LookaheadSpec, RolloutSpec
from oyrl.llm.models import resolve_model
from oyrl.llm.rollout import RolloutEngine
from oyrl.lookahead.ranking import ConversationState, LookaheadRanker


def timed_rank(ranker: LookaheadRanker, states: list, texts: list) -> tuple[list, float]:
    start = time.perf_counter()
    ranked = ranker.rank(states, texts)
    return ranked, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--fast", action="store_true",
                        help="lookahead.exact=false: the fused attention kernel (values then agree up to rounding)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    name = resolve_model("tiny")
    engine = RolloutEngine(load_causal_lm(name, dtype=torch.float32), load_tokenizer(name),
                           RolloutSpec(max_new_tokens=112))
    spec = LookaheadSpec(candidates=4, futures=4, exact=not args.fast)
    states = []
    for seed in range(args.states):
        env = gym.make("oyrl/Mixed-v0", max_turns=4)
        env.reset(seed=seed)
        states.append(ConversationState(env, seed, 0))
    batched = LookaheadRanker(engine, spec, seed=0)
    texts = batched.candidates(states)
    futures = args.states * spec.candidates * spec.futures
    results = {}
    for label, ranker in (("batched", batched), ("one_at_a_time", LookaheadRanker(engine, spec, seed=0, futures_per_batch=1))):
        ranked, seconds = timed_rank(ranker, states, texts)
        replies = sum(r.calls["future_replies"] for r in ranked)
        results[label] = {"futures": futures, "seconds": seconds, "futures_per_s": futures / seconds,
                          "future_replies": replies, "values": [[c.returns.tolist() for c in r.candidates] for r in ranked]}
        print(f"{label:>14}: {futures} candidate-futures ({replies} later replies) in {seconds:.1f} s = "
              f"{futures / seconds:.2f} futures/s")
    same = results["batched"]["values"] == results["one_at_a_time"]["values"]
    ratio = results["batched"]["futures_per_s"] / results["one_at_a_time"]["futures_per_s"]
    print(f"batched / one at a time: {ratio:.1f}x; identical values: {same}")
    if args.json:
        for r in results.values():
            r.pop("values")
        args.json.write_text(json.dumps({**results, "ratio": ratio, "identical": same, "threads": args.threads,
                                         "exact": not args.fast}, indent=2))
    if not same and not args.fast:
        raise SystemExit("batched and one-at-a-time futures differ in the batch-invariant layout")


if __name__ == "__main__":
    main()
