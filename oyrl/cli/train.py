"""``oyrl train`` and ``compare``: an experiment's runs (with the baselines beside them), reward-design grids."""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from oyrl.cli.common import _console, _print_outcome_table
from oyrl.errors import OyrlError

if TYPE_CHECKING:
    from oyrl.config import ExperimentConfig, LLMExperimentConfig, PairsConfig, PreferenceConfig


def cmd_train(args: argparse.Namespace) -> int:
    from oyrl.config import load_experiment

    cfg = load_experiment(args.config, args.overrides)
    if args.resume and cfg.kind != "llm":
        raise OyrlError("--resume: only LLM runs (kind: llm) checkpoint; re-run SB3 experiments instead")
    results = TRAINERS[cfg.kind](cfg, args)
    if results is None:
        return 0
    if args.baselines:
        results |= _evaluate_baselines(cfg)
    env_label = cfg.env.id + "".join(f" {key}={value}" for key, value in cfg.eval.env_arguments(cfg.env).items())
    _print_outcome_table(env_label, cfg.eval.episodes, cfg.eval.seed, results)
    print(f"TensorBoard: tensorboard --logdir {Path(cfg.log_dir) / cfg.name}")
    return 0


def _train_sb3(cfg: ExperimentConfig, args: argparse.Namespace) -> dict[str, dict]:
    """Train ``cfg``'s runs (one per seed) with a progress bar each; held-out metrics per run name."""
    from oyrl.progress import PhaseProgress
    from oyrl.sb3.runner import run_name, train_run

    _check_envs(cfg)
    runs = {run_name(cfg, seed): seed for seed in cfg.seeds}
    root = Path(cfg.log_dir) / cfg.name
    for name in runs:
        if (root / name).exists():
            if not args.overwrite:
                raise OyrlError(f"{root / name} exists already; pass --overwrite to replace it, or change name/log_dir")
            shutil.rmtree(root / name)
    results = {}
    console = _console()
    for name, seed in runs.items():
        start = time.perf_counter()
        with PhaseProgress(name, total=cfg.total_steps) as bar:
            results[name] = train_run(cfg, seed, root / name, lambda done, total: bar.update(done))
        console.print(f"{name}: {cfg.total_steps:,} steps in {time.perf_counter() - start:.0f} s")
    return results


def _train_llm(cfg: LLMExperimentConfig, args: argparse.Namespace) -> dict[str, dict] | None:
    """Train one LLM run; the base model's and the trained policy's held-out metrics (None off the
    main process of a multi-process launch)."""
    import yaml
    from accelerate import PartialState

    from oyrl.llm.trainer import LLMTrainer, cpu_only, run_name

    _check_envs(cfg)
    # Unnamed runs are named after what runs; set here, so the saved config.yaml re-runs into the same
    # directory and the summary after training points at it.
    cfg.name = run_name(cfg)
    state = PartialState(cpu=cpu_only())  # the trainer's Accelerator shares this process state
    run_dir = Path(args.resume) if args.resume else Path(cfg.log_dir) / cfg.name
    if args.resume and not run_dir.is_dir():
        raise OyrlError(f"--resume: {run_dir} is not a run directory")
    if not args.resume and run_dir.exists() and any(run_dir.iterdir()):
        if not args.overwrite:
            raise OyrlError(f"{run_dir} exists already; continue it with --resume {run_dir}, replace it with "
                            "--overwrite, or change name/log_dir")
        if state.is_main_process:
            shutil.rmtree(run_dir)
    state.wait_for_everyone()
    if state.is_main_process:
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "config.yaml").write_text(yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False))
    trainer = LLMTrainer(cfg, run_dir, resume=bool(args.resume), log=_console().print)
    results = trainer.train()
    if not state.is_main_process:
        return None
    print(f"trained policy: {run_dir / 'final'} (loads with AutoModelForCausalLM.from_pretrained)")
    named = {"base model": results["base"]} if results["base"] else {}
    return named | {f"trained ({cfg.algo.name})": results["final"]}


def _train_preference(cfg: PreferenceConfig, args: argparse.Namespace) -> dict[str, dict]:
    """Train one DPO/ORPO/SFT run with TRL (``oyrl.preference.train``); the base model's and the
    trained model's held-out metrics."""
    from oyrl.preference.train import PreferenceTrainer, run_name

    _check_envs(cfg)
    cfg.name = run_name(cfg)  # <env>__<design>__<kind>__seed<k> when unnamed
    run_dir = Path(cfg.log_dir) / cfg.name
    if run_dir.exists() and any(run_dir.iterdir()):
        if not args.overwrite:
            raise OyrlError(f"{run_dir} exists already; replace it with --overwrite, or change name/log_dir")
        shutil.rmtree(run_dir)
    results = PreferenceTrainer(cfg, run_dir, log=_console().print).train()
    print(f"trained model: {run_dir / 'final'} (loads with AutoModelForCausalLM.from_pretrained)")
    named = {"base model": results["base"]} if results["base"] else {}
    return named | {f"trained ({cfg.kind})": results["final"]}


def _pairs_kind(cfg: PairsConfig, args: argparse.Namespace) -> None:
    raise OyrlError(f"{args.config}: a kind: pairs config writes a dataset: run it with `oyrl pairs {args.config}`")


#: ``cfg.kind`` -> function training every run of the experiment (None off the main process).
TRAINERS = {"sb3": _train_sb3, "llm": _train_llm, "dpo": _train_preference, "orpo": _train_preference,
            "sft": _train_preference, "pairs": _pairs_kind}


def _evaluate_baselines(cfg: ExperimentConfig | LLMExperimentConfig) -> dict[str, dict]:
    """Every baseline on ``cfg``'s held-out users, with a bar over the baselines."""
    from oyrl.policies.baselines import baseline_names, get_baseline
    from oyrl.progress import PhaseProgress
    from oyrl.sb3.runner import evaluate_policy

    results = {}
    with PhaseProgress("evaluating the baselines", total=len(baseline_names())) as bar:
        for name in baseline_names():
            bar.advance(0, name)
            results[name] = evaluate_policy(cfg, get_baseline(name))
            bar.advance()
    return results


def cmd_compare(args: argparse.Namespace) -> int:
    from oyrl.compare.grid import load_grid, run_grid
    from oyrl.compare.summary import OK_STATUSES, rich_table, write_summary

    grid = load_grid(args.config, args.overrides)
    spec, base = grid.spec, grid.base
    for variant in {r.variant: r for r in grid.runs}.values():
        _check_envs(variant.config)  # not once per run
    variants = f" x {len(spec.reaction_params)} variants" if spec.reaction_params else ""
    console = _console()
    console.print(
        f"{spec.name}: {len(spec.designs)} designs{variants} x {len(spec.seeds)} seeds = {len(grid.runs)} runs "
        f"of {base.algo.name} on {base.env.id}, {base.total_steps} steps each, {spec.workers} at a time -> {grid.out_dir}"
    )
    records = run_grid(grid, console=console)
    title = f"{spec.name}: {base.env.id}, {base.algo.name}, {base.total_steps} steps, mean ± 95% CI over seeds"
    console.print(rich_table(write_summary(records, grid.out_dir, title), title))
    console.print(f"Wrote summary.md, summary.csv, pareto.png to {grid.out_dir}; see: tensorboard --logdir {grid.out_dir}")
    if any(r.status == "interrupted" for r in records):
        return 130
    return 0 if all(r.status in OK_STATUSES for r in records) else 1


def _check_envs(cfg: ExperimentConfig | LLMExperimentConfig) -> None:
    """Build the training and the evaluation env once: a bad id, design or argument fails here, before
    any run directory exists."""
    from oyrl.env.registration import make_env, make_eval_env

    make_env(cfg.env.id, cfg.reward, cfg.env.kwargs).close()
    if cfg.eval.env_kwargs:  # otherwise the evaluation env is the training env just built
        make_eval_env(cfg).close()


def _train_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train the runs of an experiment config and print held-out results")
    p.add_argument("config", help="experiment YAML, e.g. experiments/sb3_constructive.yaml")
    p.add_argument("overrides", nargs="*", metavar="key=value", help="config overrides, e.g. algo.learning_rate=1e-3")
    p.add_argument("--overwrite", action="store_true", help="replace run directories that exist already")
    p.add_argument("--baselines", action="store_true", help="add the baselines, evaluated on the same held-out users")
    p.add_argument("--resume", metavar="RUN_DIR", help="LLM runs: continue RUN_DIR from its newest intact checkpoint")
    p.set_defaults(func=cmd_train)


def _compare_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="train reward designs x seeds in parallel; summary table, CSV and Pareto plot")
    p.add_argument("config", help="compare YAML (see experiments/compare_rewards.yaml)")
    p.add_argument(
        "overrides", nargs="*", metavar="key=value",
        help="the compare file's keys (workers=4, seeds=[0,1,2]) or the base experiment's (total_steps=50000)",
    )
    p.set_defaults(func=cmd_compare)
