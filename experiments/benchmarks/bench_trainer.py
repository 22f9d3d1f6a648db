"""oyrl's GRPO trainer beside TRL's ``GRPOTrainer`` in the same run, then multi-turn speed and memory.

    python experiments/benchmarks/bench_trainer.py [--steps 20] [--warmup 3] [--repeats 3] [--threads 1]
    python experiments/benchmarks/bench_trainer.py --quick --steps 3 --repeats 1   # a fast sanity check

1. **Single-turn GRPO, oyrl vs TRL** (target: oyrl >= 1.5x TRL). Both train the same tiny model on
   ``oyrl/Mixed-v0`` with ``max_turns=1``: 16 completions per step (4 prompts x 4), at most 32 new
   tokens, temperature 1, beta 0.04 (KL in the loss, reference = the starting model), one optimizer
   step per batch, the same learning rate. TRL's prompts are the env's openings for seeds 0, 1, ...
   and its reward function resets the env with the prompt's seed and steps it with the completion,
   so both do the same env and judge work. Completions/s over ``--steps`` steps after ``--warmup``
   steps, per wall second and per CPU second of the process; median of ``--repeats`` repeats (a
   fresh trainer each, oyrl and TRL interleaved so a slow spell hits both).
2. **Multi-turn oyrl** (``experiments/quickstart.yaml``): episodes/s over a few iterations, and the
   share of wall time spent in the environment and judge (target: under 5%).
3. **Peak memory of the quickstart** (target: under 2 GB): ``oyrl train experiments/quickstart.yaml``
   run as a child process with 5 iterations and 60 held-out episodes per evaluation; its peak RSS.

Every figure uses ``--threads`` torch threads (1 by default: fair on a busy 2-core machine), except
the peak-memory run, which is the quickstart as users run it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import torch
from transformers.utils import logging as hf_logging

from oyrl.config import LLMExperimentConfig, load_experiment
from oyrl.env.registration import make_env
from oyrl.tinybase.build import TinyBaseRecipe, build_tiny_base
from oyrl.llm.trainer import LLMTrainer

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "experiments" / "quickstart.yaml"
ENV_ID, REWARD, SINGLE_TURN = "oyrl/Mixed-v0", "constructive", {"max_turns": 1}
PROMPTS, GENERATIONS, NEW_TOKENS, BETA, LR = 4, 4, 32, 0.04, 5e-4
COMPLETIONS = PROMPTS * GENERATIONS
PERF = ("generate_s", "env_s", "reference_s", "update_s")

#: (wall seconds, process CPU seconds) of one measured step.
Step = tuple[float, float]


def clock() -> Step:
    return time.perf_counter(), time.process_time()


def since(start: Step) -> Step:
    now = clock()
    return now[0] - start[0], now[1] - start[1]


def oyrl_single_turn(model: str, threads: int, warmup: int, steps: int, run_dir: str) -> tuple[list[Step], dict]:
    """oyrl's measured steps, and its mean ``perf/*`` seconds per step."""
    cfg = LLMExperimentConfig(
        name="bench", env={"id": ENV_ID, "kwargs": SINGLE_TURN}, reward=REWARD, model=model,
        algo={"name": "grpo", "learning_rate": LR, "groups": PROMPTS, "group_size": GENERATIONS,
              "epochs": 1, "minibatches": 1},
        kl={"coef": BETA, "placement": "loss"}, rollout={"max_new_tokens": NEW_TOKENS, "temperature": 1.0},
        iterations=warmup + steps, eval={"base": False}, threads=threads, log_dir=run_dir,
    )
    trainer = LLMTrainer(cfg, Path(run_dir), log=lambda *a, **k: None)
    times, perf = [], dict.fromkeys(PERF, 0.0)
    for it in range(warmup + steps):
        start = clock()
        scalars = trainer.iteration()
        trainer.state.iteration += 1
        if it >= warmup:
            times.append(since(start))
            for name in PERF:
                perf[name] += scalars[f"perf/{name}"] / steps
    trainer.logger.close()
    return times, perf


def trl_single_turn(model: str, threads: int, warmup: int, steps: int, out_dir: str) -> list[Step]:
    """TRL's measured steps: one generation of 16 completions and one optimizer step each."""
    from datasets import Dataset
    from transformers import PrinterCallback, TrainerCallback
    from trl import GRPOConfig, GRPOTrainer

    env = make_env(ENV_ID, REWARD, SINGLE_TURN)
    seeds = range((warmup + steps) * PROMPTS)
    dataset = Dataset.from_list([{"prompt": env.reset(seed=s)[1]["messages"], "seed": s} for s in seeds])

    def env_reward(completions: list[list[dict]], seed: list[int], **_) -> list[float]:
        rewards = []
        for completion, s in zip(completions, seed):
            env.reset(seed=s)
            rewards.append(float(env.step(completion[0]["content"])[1]))
        return rewards

    class StepTimer(TrainerCallback):
        def __init__(self):
            self.times: list[Step] = []

        def on_step_begin(self, args, state, control, **kwargs):
            self.start = clock()

        def on_step_end(self, args, state, control, **kwargs):
            self.times.append(since(self.start))

    args = GRPOConfig(
        output_dir=out_dir, use_cpu=True, bf16=False, activation_checkpointing=False,  # oyrl's settings
        per_device_train_batch_size=COMPLETIONS, steps_per_generation=1,  # 16 per generation, 1 update each
        num_generations=GENERATIONS, max_completion_length=NEW_TOKENS, temperature=1.0,
        beta=BETA, num_iterations=1, learning_rate=LR, lr_scheduler_type="constant",
        max_steps=warmup + steps, report_to=[], save_strategy="no", logging_strategy="no",
        disable_tqdm=True, seed=0,
    )
    timer = StepTimer()
    trainer = GRPOTrainer(model=model, reward_funcs=env_reward, args=args, train_dataset=dataset, callbacks=[timer])
    trainer.remove_callback(PrinterCallback)  # its end-of-training log line
    torch.set_num_threads(threads)  # in case the trainer's set-up changed it
    trainer.train()
    return timer.times[warmup:]


def rate(times: list[Step], per_step: int) -> tuple[float, float]:
    """Items per wall second and per CPU second over the measured steps."""
    return per_step * len(times) / sum(t[0] for t in times), per_step * len(times) / sum(t[1] for t in times)


def multi_turn(model: str | None, threads: int, warmup: int, iterations: int, run_dir: str) -> dict:
    """The quickstart's iterations: episodes/s and the share of each part of an iteration."""
    overrides = [f"threads={threads}", "eval.base=false", f"log_dir={run_dir}"] + ([f"model={model}"] if model else [])
    cfg = load_experiment(QUICKSTART, overrides)
    trainer = LLMTrainer(cfg, Path(run_dir) / cfg.name, log=lambda *a, **k: None)
    totals = dict.fromkeys((*PERF, "iteration_s"), 0.0)
    for it in range(warmup + iterations):
        scalars = trainer.iteration()
        trainer.state.iteration += 1
        if it >= warmup:
            for name in totals:
                totals[name] += scalars[f"perf/{name}"]
    trainer.logger.close()
    wall = totals.pop("iteration_s")
    return {"episodes_per_s": cfg.episodes_per_iteration * iterations / wall,
            "shares": {name: value / wall for name, value in totals.items()}}


def quickstart_peak_rss(model: str | None, log_dir: str) -> float:
    """Peak resident memory (GB) of ``oyrl train experiments/quickstart.yaml`` with 5 iterations."""
    cmd = [sys.executable, "-m", "oyrl", "train", str(QUICKSTART), "iterations=5", "eval.episodes=60",
           f"log_dir={log_dir}"] + ([f"model={model}"] if model else [])
    with open(Path(log_dir) / "quickstart.log", "w") as log:
        child = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"quickstart run failed; see {log.name}")
    return usage.ru_maxrss * 1024 / 1e9  # KB on Linux


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="measured steps per repeat")
    parser.add_argument("--warmup", type=int, default=3, help="steps dropped before measuring")
    parser.add_argument("--repeats", type=int, default=3, help="repeats per trainer (median kept)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads of both trainers")
    parser.add_argument("--mt-iterations", type=int, default=5, help="measured multi-turn iterations (after 1)")
    parser.add_argument("--quick", action="store_true", help="use TinyBaseRecipe.quick(), a seconds-long model")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    hf_logging.disable_progress_bar()
    warnings.filterwarnings("ignore", category=FutureWarning)  # TRL's use of renamed transformers APIs
    tmp = tempfile.mkdtemp(prefix="bench_trainer_")
    quick = str(build_tiny_base(Path(tmp) / "quick_base", recipe=TinyBaseRecipe.quick())) if args.quick else None
    model = quick or str(build_tiny_base())

    runs: dict[str, list[tuple[float, float]]] = {"oyrl": [], "TRL GRPOTrainer": []}
    perfs = []
    for r in range(args.repeats):
        times, perf = oyrl_single_turn(model, args.threads, args.warmup, args.steps, f"{tmp}/oyrl{r}")
        runs["oyrl"].append(rate(times, COMPLETIONS))
        perfs.append(perf)
        trl_times = trl_single_turn(model, args.threads, args.warmup, args.steps, f"{tmp}/trl{r}")
        runs["TRL GRPOTrainer"].append(rate(trl_times, COMPLETIONS))
        print(f"repeat {r + 1}: " + ", ".join(f"{k} {v[-1][0]:.1f} completions/s" for k, v in runs.items()), flush=True)
    medians = {k: tuple(statistics.median(x[i] for x in v) for i in (0, 1)) for k, v in runs.items()}

    print(f"\nSingle-turn GRPO: {COMPLETIONS} completions/step ({PROMPTS} prompts x {GENERATIONS}), "
          f"{NEW_TOKENS} new tokens, beta {BETA}, {args.threads} thread(s), median of {args.repeats} x "
          f"{args.steps} steps after {args.warmup}")
    print(f"{'trainer':22s} {'completions/s (wall)':>21s} {'completions/s (CPU)':>20s}")
    for name, (wall, cpu) in medians.items():
        print(f"{name:22s} {wall:21.1f} {cpu:20.1f}")
    (o_wall, o_cpu), (t_wall, t_cpu) = medians.values()
    print(f"{'oyrl / TRL':22s} {o_wall / t_wall:20.2f}x {o_cpu / t_cpu:19.2f}x   "
          f"target >= 1.5x: {verdict(o_wall / t_wall >= 1.5)}")
    step_s = {name: statistics.mean(p[name] for p in perfs) for name in PERF}
    print("oyrl seconds per step: " + ", ".join(f"{k.removesuffix('_s')} {v:.3f}" for k, v in step_s.items())
          + f" (whole step {COMPLETIONS / o_wall:.3f})")

    mt = multi_turn(quick, args.threads, 1, args.mt_iterations, f"{tmp}/multi_turn")
    env_share = mt["shares"]["env_s"]
    print(f"\nMulti-turn (quickstart, {args.mt_iterations} iterations after 1): "
          f"{mt['episodes_per_s']:.2f} episodes/s; share of wall time: "
          + ", ".join(f"{k.removesuffix('_s')} {v:.1%}" for k, v in mt["shares"].items())
          + f"; env + judge target < 5%: {verdict(env_share < 0.05)}")

    peak = quickstart_peak_rss(quick, tmp)
    print(f"Quickstart peak RSS (5 iterations, 60 held-out episodes): {peak:.2f} GB; "
          f"target < 2 GB: {verdict(peak < 2)}")


if __name__ == "__main__":
    main()
