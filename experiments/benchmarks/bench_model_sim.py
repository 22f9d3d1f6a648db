"""Model-played users and model judges: what they cost, on the tiny base (issue 14).

    OYRL_PROGRESS=0 python experiments/benchmarks/bench_model_sim.py [--envs 32] [--threads 1] [--json out.json]
    OYRL_PROGRESS=0 python experiments/benchmarks/bench_model_sim.py --skip users http --rubric-features harmful

1. **Env steps/s with a model-written user** on ``oyrl/Mixed-v0`` (max_turns 4, a fixed scripted
   reply as the action): ``--envs`` envs from ``make_envs`` reset and stepped together through
   ``env_pool`` (the in-process backend coalesces their requests into batched generates) vs the same
   seeds played one dialogue at a time with one env; the scripted user's steps/s as the peer.
2. **HTTP backend episodes/s** at concurrency 1, 8 and 32 against a local ``transformers serve`` on
   the tiny base (started here on a free port, stopped at the end).
3. **Share of a training iteration in users and judges**: ``LLMTrainer`` with the lexical judge, a
   cascade whose slow judge is a rubric judge on the tiny base (5% audit), and that rubric judge on
   every reply; scripted users. Two iterations each, the first a warm-up.
   With all nine features the rubric prompt exceeds the tiny base's 512 positions (every request
   fails "too long"); ``--rubric-features harmful`` makes it fit.

The tiny base has 512 positions; if the built-in user prompt does not fit, a short template
("{role}. {act_description}.") is used and the output says so. Times include resets.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # this checkout's oyrl, not an installed one
from oyrl.backends.serve import local_server
from oyrl.config import LLMExperimentConfig
from oyrl.env.registration import make_envs
from oyrl.llm.models import resolve_model
from oyrl.llm.rollout import env_pool
from oyrl.llm.trainer import LLMTrainer

ENV_ID = "oyrl/Mixed-v0"
REPLY = ("I'm really sorry you're going through this, and I'm glad you told me. You don't have to face it "
         "alone: if you are in danger or thinking of hurting yourself, please call or text 988 (the Suicide "
         "and Crisis Lifeline) now, or your local emergency number. Would you like to talk about what's happening?")


def play(envs: list, seeds: list[int]) -> tuple[int, float]:
    """Reset ``envs`` with ``seeds`` and step all of them with REPLY until done: (steps, seconds)."""
    steps, start = 0, time.perf_counter()
    with env_pool(envs) as pool:
        pool.map(lambda e, s: e.reset(seed=s), envs, seeds)
        live = list(envs)
        while live:
            outs = pool.map(lambda e: e.step(REPLY), live)
            steps += len(live)
            live = [e for e, o in zip(live, outs) if not (o[2] or o[3])]
    return steps, time.perf_counter() - start


def one_at_a_time(env, seeds: list[int]) -> tuple[int, float]:
    steps, start = 0, time.perf_counter()
    for s in seeds:
        env.reset(seed=s)
        while True:
            steps += 1
            _, _, term, trunc, _ = env.step(REPLY)
            if term or trunc:
                break
    return steps, time.perf_counter() - start


def user_counts(env) -> dict:
    stats = env.unwrapped.user_factory.stats
    return {"generated": stats.generated, "fell_back": stats.fell_back, "errors": dict(stats.errors)}


def pick_words(model: str, tmp: Path) -> tuple[dict, str]:
    """The built-in words template if the model writes with it, else a short one."""
    user = {"kind": "llm", "backend": "transformers", "model": model, "max_tokens": 24, "temperature": 0.8}
    (env,) = make_envs(ENV_ID, None, {"user": user, "max_turns": 4}, 1)
    one_at_a_time(env, [1000])
    counts = user_counts(env)
    env.close()
    if counts["generated"] > 0 and not counts["errors"]:
        return user, "built-in words template"
    path = tmp / "words.txt"
    path.write_text("{role}. {act_description}.\n", encoding="utf-8")
    return ({**user, "prompts": {"words": str(path)}},
            f"short template '{{role}}. {{act_description}}.' (built-in one: {counts})")


def bench_users(model: str, n: int, tmp: Path) -> dict:
    user, template = pick_words(model, tmp)
    print(f"\n1. Model-written user ({template}), max_tokens 24, temperature 0.8, {n} seeds")
    seeds = list(range(n))
    envs = make_envs(ENV_ID, None, {"user": user, "max_turns": 4}, n)
    play(envs[:2], [2000, 2001])  # warm-up: load the model, first generate
    before = user_counts(envs[0])["generated"]
    b_steps, b_s = play(envs, seeds)
    b_gen = user_counts(envs[0])["generated"] - before
    batched_counts = user_counts(envs[0])
    for e in envs:
        e.close()
    (env,) = make_envs(ENV_ID, None, {"user": user, "max_turns": 4}, 1)
    one_at_a_time(env, [2000])
    s_steps, s_s = one_at_a_time(env, seeds)
    seq_counts = user_counts(env)
    env.close()
    # Greedy users: sampled requests batch by (temperature, seed) and each user's seed differs,
    # so only greedy requests share a generate; this pair shows what batching gives when they do.
    greedy = {**user, "temperature": 0.0}
    envs = make_envs(ENV_ID, None, {"user": greedy, "max_turns": 4}, n)
    play(envs[:2], [2000, 2001])
    g_steps, g_s = play(envs, seeds)
    for e in envs:
        e.close()
    (env,) = make_envs(ENV_ID, None, {"user": greedy, "max_turns": 4}, 1)
    gs_steps, gs_s = one_at_a_time(env, seeds)
    env.close()
    (plain,) = make_envs(ENV_ID, None, {"max_turns": 4}, 1)
    p_steps, p_s = one_at_a_time(plain, seeds)
    plain.close()
    out = {"template": template, "batched_steps_per_s": b_steps / b_s, "sequential_steps_per_s": s_steps / s_s,
           "scripted_steps_per_s": p_steps / p_s, "batched_steps": b_steps, "sequential_steps": s_steps,
           "batched_s": b_s, "sequential_s": s_s, "messages_written_batched": b_gen,
           "user_stats_batched": batched_counts, "user_stats_sequential": seq_counts}
    out["batched_over_sequential"] = out["batched_steps_per_s"] / out["sequential_steps_per_s"]
    out.update(greedy_batched_steps_per_s=g_steps / g_s, greedy_sequential_steps_per_s=gs_steps / gs_s)
    out["greedy_batched_over_sequential"] = out["greedy_batched_steps_per_s"] / out["greedy_sequential_steps_per_s"]
    print(f"{'mode':38s} {'steps':>6s} {'seconds':>8s} {'steps/s':>9s}")
    print(f"{f'batched ({n} envs, env_pool)':38s} {b_steps:6d} {b_s:8.2f} {out['batched_steps_per_s']:9.1f}")
    print(f"{'one dialogue at a time':38s} {s_steps:6d} {s_s:8.2f} {out['sequential_steps_per_s']:9.1f}")
    print(f"{'greedy user, batched':38s} {g_steps:6d} {g_s:8.2f} {out['greedy_batched_steps_per_s']:9.1f}")
    print(f"{'greedy user, one at a time':38s} {gs_steps:6d} {gs_s:8.2f} {out['greedy_sequential_steps_per_s']:9.1f}")
    print(f"{'scripted user (reference)':38s} {p_steps:6d} {p_s:8.2f} {out['scripted_steps_per_s']:9.0f}")
    print(f"batched / one at a time: {out['batched_over_sequential']:.2f}x; "
          f"scripted / batched: {out['scripted_steps_per_s'] / out['batched_steps_per_s']:.0f}x")
    print(f"greedy: batched / one at a time: {out['greedy_batched_over_sequential']:.2f}x")
    print(f"user stats, batched: {batched_counts}; one at a time: {seq_counts}")
    return {**out, "user": user}


def bench_http(model: str, n: int, user: dict, tmp: Path) -> dict:
    t0 = time.perf_counter()
    with local_server(model, tmp / "serve.log") as server:
        return _bench_http(server.base_url, n, user, t0)


def _bench_http(base_url: str, n: int, user: dict, t0: float) -> dict:
    print(f"\n2. HTTP backend: transformers serve on the tiny base ({base_url}, up in {time.perf_counter() - t0:.1f} s), "
          f"{n} envs through env_pool")
    out = {}
    print(f"{'concurrency':>11s} {'episodes':>8s} {'steps':>6s} {'seconds':>8s} {'episodes/s':>10s} "
          f"{'requests':>8s} {'fell back':>9s}")
    for c in (1, 8, 32):
        spec = {**user, "backend": "openai", "base_url": base_url, "concurrency": c}
        envs = make_envs(ENV_ID, None, {"user": spec, "max_turns": 4}, n)
        play(envs[:2], [2000, 2001])  # warm-up: the connection, the server's first generate
        before = envs[0].unwrapped.user_factory.backend.stats.requests
        steps, s = play(envs, list(range(n)))
        stats = user_counts(envs[0])
        requests = envs[0].unwrapped.user_factory.backend.stats.requests - before
        for e in envs:
            e.close()
        out[c] = {"episodes_per_s": n / s, "steps_per_s": steps / s, "seconds": s, "requests": requests,
                  "user_stats": stats}
        print(f"{c:11d} {n:8d} {steps:6d} {s:8.2f} {n / s:10.2f} {requests:8d} {stats['fell_back']:9d}")
    print(f"32 / 1: {out[32]['episodes_per_s'] / out[1]['episodes_per_s']:.2f}x, "
          f"8 / 1: {out[8]['episodes_per_s'] / out[1]['episodes_per_s']:.2f}x")
    return out


def judge_counts(judge) -> dict:
    slow = getattr(judge, "slow", judge)
    js, bs = getattr(slow, "stats", None), getattr(getattr(slow, "backend", None), "stats", None)
    out = {}
    if js is not None:
        out.update(parsed=js.parsed, retried=js.retried, fell_back=js.fell_back)
    if bs is not None:
        out.update(requests=bs.requests, calls=bs.calls, errors=dict(bs.errors))
    return out


def bench_trainer(model: str, threads: int, tmp: Path, features: list[str] | None = None) -> dict:
    rubric = {"kind": "rubric", "backend": "transformers", "model": model, "max_tokens": 48,
              **({"features": features} if features else {})}  # all nine: a prompt over 512 positions
    judges = {"lexical": "lexical",
              "cascade (rubric on 5%)": {"kind": "cascade", "fast": "lexical", "slow": rubric, "audit_share": 0.05},
              "rubric on every reply": rubric}
    print(f"\n3. LLMTrainer iterations (4 groups x 4, max_turns 3, 32 new tokens, {threads} thread), scripted users")
    print(f"{'judge':24s} {'iteration_s':>11s} {'env_s':>7s} {'env_share':>9s}  judge stats (whole run)")
    out = {}
    for name, judge in judges.items():
        raw = {"name": "b", "kind": "llm", "model": model, "env": {"id": ENV_ID, "kwargs": {"max_turns": 3}},
               "algo": {"name": "grpo", "groups": 4, "group_size": 4, "learning_rate": 1e-3},
               "rollout": {"max_new_tokens": 32}, "iterations": 2, "threads": threads, "eval": {"base": False},
               "judge": judge, "log_dir": str(tmp / "runs")}
        cfg = LLMExperimentConfig.model_validate(raw)
        trainer = LLMTrainer(cfg, tmp / "runs" / name.split()[0], log=lambda *a, **k: None)
        its = []
        for _ in range(2):
            scalars = trainer.iteration()
            trainer.state.iteration += 1
            its.append({k: scalars[f"perf/{k}"] for k in ("iteration_s", "env_s", "env_share")})
        counts = judge_counts(trainer.envs[0].unwrapped.judge)
        trainer.logger.close()
        for e in trainer.envs:
            e.close()
        out[name] = {"iterations": its, "judge_stats": counts}
        for i, it in enumerate(its):
            label = f"{name} #{i + 1}{' (warm-up)' if i == 0 else ''}"
            print(f"{label:24s} {it['iteration_s']:11.2f} {it['env_s']:7.2f} {it['env_share']:9.1%}"
                  f"  {counts if i == 1 else ''}")
    base = out["lexical"]["iterations"][1]["iteration_s"]
    for name in judges:
        out[name]["iteration_s_vs_lexical"] = out[name]["iterations"][1]["iteration_s"] / base
    print("measured iteration vs lexical: " + ", ".join(f"{k} {v['iteration_s_vs_lexical']:.2f}x" for k, v in out.items()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", type=int, default=32, help="envs stepped together (and seeds played)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--skip", nargs="*", default=[], choices=["users", "http", "trainer"])
    parser.add_argument("--rubric-features", nargs="*", help="features the rubric judge rates (default all)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model = str(Path(resolve_model("tiny")).resolve())
    print(f"tiny base: {model}; torch threads {args.threads}")
    summary = {"model": model, "threads": args.threads}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        user = None
        if "users" not in args.skip:
            summary["users"] = bench_users(model, args.envs, tmp)
            user = summary["users"]["user"]
        if "http" not in args.skip:
            user = user or pick_words(model, tmp)[0]
            summary["http"] = bench_http(model, args.envs, {k: v for k, v in user.items() if k != "backend"}, tmp)
        if "trainer" not in args.skip:
            summary["trainer"] = bench_trainer(model, args.threads, tmp, args.rubric_features)
    text = json.dumps(summary, indent=1, default=str)
    print("\nJSON summary\n" + text)
    if args.json:
        Path(args.json).write_text(text)


if __name__ == "__main__":
    main()
