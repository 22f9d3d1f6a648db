"""SB3 PPO training throughput on oyrl/Mixed-Strategy-v0 beside CartPole-v1, same hyperparameters.

    python experiments/benchmarks/bench_sb3.py [--steps 16384] [--repeats 5] [--json out.json]

Each repeat trains a fresh PPO (the hyperparameters, ``n_envs`` and thread count of
experiments/sb3_constructive.yaml) for ``--steps`` environment steps on each of three set-ups, in
interleaved order so a busy machine slows them alike, and reports the median steps per second of
wall time and of this process's CPU time (the steadier figure on a shared machine):

* ``CartPole-v1``: the peer, a trivial Gymnasium env (DummyVecEnv of Monitor-wrapped envs);
* ``Mixed-Strategy-v0``: the same SB3 PPO on oyrl's StrategyEnv;
* ``Mixed-Strategy-v0 + oyrl logging``: as ``oyrl train`` trains it, with the episode-statistics
  callback writing outcome/reward/strategy tags to TensorBoard (held-out evaluations excluded:
  they cost the same per run whatever the env and are reported by ``time/fps``).

Target (issue: strategy-level part 1): oyrl with logging >= 60% of CartPole's steps/s (CPU time).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import gymnasium as gym
import torch
from stable_baselines3.common.logger import configure
from stable_baselines3.common.monitor import Monitor
from stable_baselines3.common.vec_env import DummyVecEnv

from oyrl.config import load_experiment
from oyrl.sb3.callbacks import EpisodeStatsCallback
from oyrl.sb3.runner import build_model, make_vec_env

CONFIG = Path(__file__).resolve().parents[1] / "sb3_constructive.yaml"
TARGET = 0.6


def ppo_throughput(setup: str, steps: int, seed: int) -> tuple[float, float]:
    """(steps per wall second, steps per CPU second) of ``model.learn(steps)`` for a fresh PPO.

    CPU time is this process's (torch runs one thread), which other processes on a shared machine
    disturb far less than wall time; model building is not timed.
    """
    cfg = load_experiment(CONFIG)
    if setup == "CartPole-v1":
        venv = DummyVecEnv([lambda: Monitor(gym.make("CartPole-v1"))] * cfg.n_envs)
    else:
        venv = make_vec_env(cfg)
    model = build_model(cfg, venv, seed)
    callback = EpisodeStatsCallback(cfg.algo.n_steps * cfg.n_envs) if setup.endswith("logging") else None
    with tempfile.TemporaryDirectory() as logs:
        model.set_logger(configure(logs, ["tensorboard"]))
        wall, cpu = time.perf_counter(), time.process_time()
        model.learn(steps, callback=callback)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        model.logger.close()
    return model.num_timesteps / wall, model.num_timesteps / cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=16_384, help="environment steps per measurement")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved repeats; the median is reported")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    torch.set_num_threads(load_experiment(CONFIG).algo.threads)
    setups = ("CartPole-v1", "Mixed-Strategy-v0", "Mixed-Strategy-v0 + oyrl logging")
    samples: dict[str, dict[str, list[float]]] = {s: {"wall": [], "cpu": []} for s in setups}
    for repeat in range(args.repeats):
        for setup in setups:
            wall, cpu = ppo_throughput(setup, args.steps, seed=repeat)
            samples[setup]["wall"].append(wall)
            samples[setup]["cpu"].append(cpu)
        print(f"repeat {repeat + 1}/{args.repeats}, steps/s (wall, CPU): "
              + ", ".join(f"{s} {v['wall'][-1]:,.0f}, {v['cpu'][-1]:,.0f}" for s, v in samples.items()), flush=True)
    median = {s: {clock: statistics.median(v) for clock, v in by.items()} for s, by in samples.items()}
    print(f"\nSB3 PPO, {args.steps:,} steps x {args.repeats} interleaved repeats, median steps/s:")
    print(f"  {'':34s} {'wall':>9s} {'CPU':>9s}")
    for setup, m in median.items():
        ratios = "  ".join(f"{m[c] / median['CartPole-v1'][c]:.0%}" for c in ("wall", "cpu"))
        print(f"  {setup:34s} {m['wall']:9,.0f} {m['cpu']:9,.0f}   ({ratios} of CartPole)")
    ratio = median[setups[-1]]["cpu"] / median["CartPole-v1"]["cpu"]
    verdict = "met" if ratio >= TARGET else "NOT met"
    print(f"target: oyrl with logging >= {TARGET:.0%} of CartPole (CPU time): {verdict} ({ratio:.0%})")
    if args.json:
        args.json.write_text(json.dumps({"steps": args.steps, "repeats": args.repeats, "samples": samples, "median": median}, indent=2))


if __name__ == "__main__":
    main()
