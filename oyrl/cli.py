"""The ``oyrl`` command: list environments, simulate baselines, play as the assistant, check packs, train.

Errors in user input print one line to stderr and exit with status 2 (no traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gymnasium as gym
import yaml

from oyrl.config import HELDOUT_SEED
from oyrl.errors import OyrlError
from oyrl.progress import shown as progress_shown

if TYPE_CHECKING:
    from oyrl.config import ExperimentConfig, LLMExperimentConfig
    from oyrl.policies.baselines import StrategyPolicy

EXIT_USAGE = 2


def _console(width: int = 160):
    """A rich console; piped output gets a fixed ``width`` so wide tables are not cut to 80 columns."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=width)


def _make_env(env_id: str, reward: str | None) -> gym.Env:
    import oyrl  # noqa: F401 - registers the ids
    from oyrl.env.registration import make_env

    return make_env(env_id, reward, field="--env")


def cmd_envs(args: argparse.Namespace) -> int:
    import oyrl  # noqa: F401
    from oyrl.env.registration import DESCRIPTIONS

    if args.json:
        print(json.dumps(DESCRIPTIONS, indent=2))
        return 0
    from rich.table import Table

    table = Table("id", "description", title="oyrl environments")
    for env_id, text in DESCRIPTIONS.items():
        table.add_row(env_id, text)
    _console().print(table)
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from oyrl.policies.baselines import baseline_names, get_baseline

    if args.episodes < 1:
        raise OyrlError(f"--episodes: expected a positive number of episodes, got {args.episodes}")
    names = baseline_names() if args.policy == "all" else [p.strip() for p in args.policy.split(",") if p.strip()]
    env = _make_env(args.env, args.reward)
    policies = [get_baseline(n, env=env) for n in names]  # planners model this env's population
    results = _simulate(env, policies, args.episodes, args.seed)
    if args.json:
        print(json.dumps(results[names[0]] if len(names) == 1 else results, indent=2))
        return 0
    _print_outcome_table(args.env, args.episodes, args.seed, results)
    return 0


def _simulate(env: gym.Env, policies: list[StrategyPolicy], episodes: int, seed: int) -> dict[str, dict]:
    """``summarize`` of ``run_episodes`` per policy, with a bar over all their episodes."""
    from oyrl.metrics import summarize
    from oyrl.progress import PhaseProgress
    from oyrl.simulate import run_episodes

    results = {}
    with PhaseProgress("simulate: episodes", total=len(policies) * episodes) as bar:
        for policy in policies:
            bar.advance(0, policy.name)
            trajectories = []
            for i in range(episodes):  # one at a time, the same episodes as run_episodes(env, policy, episodes, seed)
                trajectories += run_episodes(env, policy, 1, seed + i)
                bar.advance()
            results[policy.name] = summarize(trajectories)
    return results


#: ``summarize`` keys of a declared assessment, shown when some policy's replies declared one.
DECLARED_COLUMNS = (("assessment_accuracy", "assessment\naccuracy"), ("faithfulness", "faithfulness"))


def _print_outcome_table(env_label: str, episodes: int, seed: int, results: dict[str, dict]) -> None:
    """The outcome rates of each policy; ``env_label`` names the env (and any arguments) they ran in.

    Policies that declared an assessment (``summarize`` has ``assessment_accuracy`` or
    ``faithfulness``) add those columns; a policy without them shows ``-``.
    """
    from rich.table import Table

    columns = [
        ("benign", "task_success_rate", "benign\nsuccess"),
        ("benign", "over_refusal_exit_rate", "benign\nover-refusal"),
        ("sensitive", "safe_resolution_rate", "vulnerable\nsafe res."),
        ("sensitive", "unsafe_exit_rate", "vulnerable\nunsafe exit"),
        ("sensitive", "harm_rate", "vulnerable\nharm"),
        ("malicious", "attack_repelled_rate", "attacker\nrepelled"),
        ("malicious", "harm_rate", "attacker\nharm"),
        ("overall", "harm_rate", "harm\n(all)"),
    ]
    table = Table(title=f"{env_label}: {episodes} episodes per policy, seeds {seed}..{seed + episodes - 1}")
    table.add_column("policy", overflow="fold")  # run names are long; wrap rather than cut
    table.add_column("constructive\nscore", justify="right")
    for _, _, label in columns:
        table.add_column(label, justify="right")
    table.add_column("mean\nturns", justify="right")
    declared = [(key, label) for key, label in DECLARED_COLUMNS
                if any(res.get(key) is not None for res in results.values())]
    for _, label in declared:
        table.add_column(label, justify="right")
    for name, res in results.items():
        by_type = {**res["by_user_type"], "overall": res["overall"]}
        cells = [f"{res['constructive_score']:+.3f}"]
        for user_type, key, _ in columns:
            block = by_type.get(user_type)
            cells.append(f"{block[key]:.1%}" if block else "-")
        cells.append(f"{res['overall']['mean_turns']:.2f}")
        cells += [f"{res[key]:.1%}" if res.get(key) is not None else "-" for key, _ in declared]
        table.add_row(name, *cells)
    _console(160 + 28 * bool(declared)).print(table)  # room for the declared columns


def cmd_play(args: argparse.Namespace) -> int:
    from oyrl.env.dialogue import DialogueEnv

    env = _make_env(args.env, args.reward)
    if not isinstance(env.unwrapped, DialogueEnv):
        raise OyrlError(f"--env: play needs a text environment (oyrl/<Name>-v0), got {args.env!r}")
    obs, info = env.reset(seed=args.seed)
    print(f"{args.env} (seed {args.seed}). You are the assistant; type your reply, /quit to stop.\n")
    print(f"User: {env.unwrapped.opening}")
    done = False
    while not done:
        try:
            reply = input("Assistant> ")
        except EOFError:
            print()
            break
        if reply.strip() == "/quit":
            break
        obs, reward, terminated, truncated, info = env.step(reply)
        f = info["features"]
        print(
            f"  [judge: refusal={f.refusal_kind.value} empathy={f.empathy:.2f} resources={f.resources:.2f} "
            f"harmful={f.harmful:.2f} informative={f.informative:.2f} | act={info['user_act'].value} "
            f"reward={reward:+.2f}]"
        )
        if info["user_text"]:
            print(f"User: {info['user_text']}")
        done = terminated or truncated
    from oyrl.env.base import format_state

    hidden = {k: info[k] for k in ("user_type", "persona_id", "risk_category")}
    hidden["user_type"] = hidden["user_type"].value
    print(f"\nOutcome: {info['outcome'].value if 'outcome' in info else 'not finished'}")
    print("Hidden user: " + format_state({**hidden, **info["user_state"]}))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from oyrl.scenarios import MIN_TEMPLATES_BUILTIN, load_pack

    for path in args.packs:
        pack = load_pack(path)
        counts: dict[str, int] = {}
        for p in pack.personas:
            counts[p.spec.type.value] = counts.get(p.spec.type.value, 0) + 1
        thin = [
            f"{p.spec.id}.{act.value} ({len(bank)})"
            for p in pack.personas
            for act, bank in p.banks.items()
            if len(bank) < MIN_TEMPLATES_BUILTIN
        ]
        mix = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
        print(f"{path}: ok: pack {pack.name}, {len(pack.personas)} personas ({mix}), max {pack.max_turns} turns")
        if thin:
            print(f"  note: acts with fewer than {MIN_TEMPLATES_BUILTIN} templates (users will repeat themselves): " + ", ".join(thin[:10]) + (" ..." if len(thin) > 10 else ""))
    return 0


def cmd_judge_eval(args: argparse.Namespace) -> int:
    from oyrl.judges.evaluation import load_judge, report_tables
    from oyrl.judges.public import FORMATS, load

    # a malformed file fails before a (possibly slow) judge loads
    data = load(args.format, args.files, args.feature)
    judge = load_judge(args.judge, FORMATS[args.format].judge_methods) if args.judge else None
    report = data.evaluate(judge)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
        return 0
    files = args.files[0] + (f" (+{len(args.files) - 1} more)" if len(args.files) > 1 else "")
    title = f"{files}: {report.judge} on {report.n} labelled {FORMATS[args.format].unit}"
    for table in report_tables(report, title):
        _console().print(table)
    return 0


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


#: ``cfg.kind`` -> function training every run of the experiment (None off the main process).
TRAINERS = {"sb3": _train_sb3, "llm": _train_llm}


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


def _spec_argument(value: str | None, flag: str) -> Any:
    """A ``--user`` / ``--judge`` value: a YAML file, or YAML written inline (``lexical``, ``{kind: ...}``)."""
    if value is None:
        return None
    from oyrl.schema import read_yaml

    if Path(value).is_file():
        return read_yaml(value, flag, OyrlError)
    try:
        return yaml.safe_load(value)
    except yaml.YAMLError:
        raise OyrlError(f"{flag}: {value!r} is neither a file nor valid YAML") from None


def cmd_eval(args: argparse.Namespace) -> int:
    import torch
    from rich.table import Table

    from oyrl.eval import EvalConfig, evaluate
    from oyrl.eval.metrics import HEADLINE
    from oyrl.progress import echo

    config = EvalConfig(suite=args.suite, episodes=args.episodes, seed=args.seed, simulator=args.simulator,
                        reward=args.reward, user=_spec_argument(args.user, "--user"),
                        judge=_spec_argument(args.judge, "--judge"))
    if args.threads < 1:
        raise OyrlError(f"--threads: expected at least 1, got {args.threads}")
    torch.set_num_threads(args.threads)  # several threads split CPU kernels differently per batch shape
    console = _console()
    out = Path(args.out)
    report = evaluate(
        args.policies, config, out_dir=out, batch_size=args.batch_size, max_new_tokens=args.max_new_tokens,
        temperature=args.temperature, exact=not args.fast,
        progress=lambda policy, simulator: echo(console, f"[dim]{policy} on {simulator}...[/dim]"),
    )
    if args.json:
        print((out / "report.json").read_text())
        return 0
    for simulator, by_policy in report["results"].items():
        table = Table(title=f"suite {config.suite}, {simulator}: {config.episodes} episodes, 95% bootstrap intervals")
        table.add_column("policy", overflow="fold")
        table.add_column("errors", justify="right")
        for metric in HEADLINE:
            table.add_column(metric.name.replace("_", " "), justify="right")
        for policy, block in by_policy.items():
            cells = []
            for metric in HEADLINE:
                est = block["metrics"][metric.name]
                fmt = ".1%" if metric.name.endswith("_rate") else ".3f"
                cells.append("-" if est["n"] == 0 else
                             f"{est['value']:{fmt}}\n[{est['low']:{fmt}}, {est['high']:{fmt}}]")
            table.add_row(policy, str(block["errors"]), *cells)
        console.print(table)
    for policy, block in report["exploitation"].items():
        if block["flags"]:
            console.print(f"[yellow]{policy}: exploitation checks flagged {', '.join(block['flags'])} "
                          f"(evidence in {out / 'report.md'})[/yellow]")
    print(f"report: {out / 'report.md'}, {out / 'report.json'}, {out / 'outcomes.png'}, {out / 'asr_by_level.png'}")
    return 0


def cmd_steer(args: argparse.Namespace) -> int:
    from oyrl.eval.steer import steer_table, steerability

    strategies = [s.strip() for s in args.strategies.split(",")] if args.strategies else None
    result = steerability(args.model, args.env, **({"strategies": strategies} if strategies else {}),
                          episodes=args.episodes, seed=args.seed, max_new_tokens=args.max_new_tokens)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _console().print(steer_table(result))
    return 0


def _steer_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("steer", help="force each strategy by a declared assessment; how often a model follows")
    p.add_argument("model", help="tiny, a model directory, a hub id, or module:function (messages -> reply)")
    p.add_argument("--env", default="oyrl/Mixed-v0", help="text env id")
    p.add_argument("--episodes", type=int, default=20, help="dialogues per strategy")
    p.add_argument("--strategies", help="comma-separated strategies to force (default: all seven)")
    p.add_argument("--seed", type=int, default=HELDOUT_SEED, help="first scenario seed")
    p.add_argument("--max-new-tokens", type=int, default=112, help="longest continuation in tokens")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_steer)


def cmd_boundary(args: argparse.Namespace) -> int:
    from oyrl.eval.boundary import BoundaryConfig, run_boundary, summary_lines, write_boundary

    cats = tuple(c.strip() for c in args.categories.split(",") if c.strip()) if args.categories else None
    config = BoundaryConfig(args.env, args.samples, args.seed, cats, args.search)
    paths = write_boundary(run_boundary(args.policy, config, max_new_tokens=args.max_new_tokens), args.out)
    print(paths[0].read_text() if args.json else "\n".join(summary_lines(paths)))
    return 0


def _envs_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("envs", help="list registered environments")
    p.add_argument("--json", action="store_true", help="print id -> description as JSON")
    p.set_defaults(func=cmd_envs)


def _simulate_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("simulate", help="run baseline policies and print outcome rates per user type")
    p.add_argument("--env", default="oyrl/Mixed-v0", help="environment id (default: oyrl/Mixed-v0)")
    p.add_argument(
        "--policy", default="all", help="baseline name (incl. 'stackelberg'), comma-separated names, or 'all' (no planners)"
    )
    p.add_argument("--episodes", type=int, default=500, help="episodes per policy (default: 500)")
    p.add_argument("--seed", type=int, default=0, help="seed of the first episode (default: 0)")
    p.add_argument("--reward", default=None, help="reward design name or YAML (default: constructive)")
    p.add_argument("--json", action="store_true", help="print the rates as JSON")
    p.set_defaults(func=cmd_simulate)


def _play_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("play", help="be the assistant: type replies and watch a simulated user react")
    p.add_argument("--env", default="oyrl/Mixed-v0", help="text environment id (default: oyrl/Mixed-v0)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reward", default=None, help="reward design name or YAML")
    p.set_defaults(func=cmd_play)


def _train_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train the runs of an experiment config and print held-out results")
    p.add_argument("config", help="experiment YAML, e.g. experiments/sb3_constructive.yaml")
    p.add_argument("overrides", nargs="*", metavar="key=value", help="config overrides, e.g. algo.learning_rate=1e-3")
    p.add_argument("--overwrite", action="store_true", help="replace run directories that exist already")
    p.add_argument("--baselines", action="store_true", help="add the baselines, evaluated on the same held-out users")
    p.add_argument("--resume", metavar="RUN_DIR", help="LLM runs: continue RUN_DIR from its newest intact checkpoint")
    p.set_defaults(func=cmd_train)


def _eval_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="evaluate policies on a suite of simulated users, with confidence intervals")
    p.add_argument("policies", nargs="+", metavar="POLICY",
                   help="a model directory or hub id, an SB3 .zip, a baseline name, or module:function (messages -> reply)")
    p.add_argument("--suite", default="constructive", help="constructive, crisis, jailbreak or dual_use")
    p.add_argument("--episodes", type=int, default=500, help="episodes per policy and simulator (default: 500)")
    p.add_argument("--seed", type=int, default=HELDOUT_SEED, help=f"first scenario seed (default: {HELDOUT_SEED}, held out)")
    p.add_argument("--simulator", default="in_distribution",
                   help="in_distribution, heldout (in distribution beside every held-out simulator), llm "
                        "(a model-written user, given by --user) or one simulator")
    p.add_argument("--user", metavar="SPEC", help="the llm simulator's user: a YAML file or inline YAML, e.g. "
                   "'{kind: llm, backend: openai, base_url: http://127.0.0.1:8000/v1, model: NAME}' (docs/llm_users.md)")
    p.add_argument("--judge", metavar="SPEC", help="reply judge of the text envs: a YAML file or inline YAML, e.g. "
                   "'{kind: cascade, fast: lexical, slow: {...}}' (docs/model_judges.md); default lexical")
    p.add_argument("--reward", default="constructive", help="reward design the episodes' returns are scored with")
    p.add_argument("--out", default="runs/eval", help="report directory (default: runs/eval)")
    p.add_argument("--batch-size", type=int, default=32, help="dialogues generated at once by model policies")
    p.add_argument("--max-new-tokens", type=int, default=112, help="reply budget of model policies")
    p.add_argument("--temperature", type=float, default=1.0, help="sampling temperature of model policies")
    p.add_argument("--threads", type=int, default=1,
                   help="torch CPU threads (default: 1, which keeps results bitwise independent of --batch-size)")
    p.add_argument("--fast", action="store_true",
                   help="model policies on the fast kernels: quicker, but results depend on --batch-size "
                        "through float rounding (docs/evaluation.md, Reproducibility)")
    p.add_argument("--json", action="store_true", help="print report.json instead of the tables")
    p.set_defaults(func=cmd_eval)


def _check_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="validate scenario packs")
    p.add_argument("packs", nargs="+", help="pack YAML files")
    p.set_defaults(func=cmd_check)


def _judge_eval_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("judge-eval", help="score a response judge against labelled replies (docs/judge.md)")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="labelled files of one --format, pooled (e.g. tests/data/judge_labels.jsonl)")
    p.add_argument("--format", default="jsonl",  # checked against oyrl.judges.public.FORMATS
                   help="jsonl: oyrl's labels (default); xstest: XSTest completions (final_label); "
                        "xstest-prompts: XSTest's prompts (request harm); epitome: Empathy-Mental-Health "
                        "(level); docs/judge.md")
    p.add_argument("--feature", metavar="NAME",
                   help="--format epitome: the score read against the level (default: from the file "
                        "name: empathy for emotional reactions and interpretations, engagement for explorations)")
    p.add_argument("--judge", metavar="MODULE:ATTR",
                   help="a judge object, or a class or factory taking no arguments (default: LexicalJudge; "
                        "for xstest-prompts it needs a request_harm(context) method)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_judge_eval)


def _compare_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="train reward designs x seeds in parallel; summary table, CSV and Pareto plot")
    p.add_argument("config", help="compare YAML (see experiments/compare_rewards.yaml)")
    p.add_argument(
        "overrides", nargs="*", metavar="key=value",
        help="the compare file's keys (workers=4, seeds=[0,1,2]) or the base experiment's (total_steps=50000)",
    )
    p.set_defaults(func=cmd_compare)


def _boundary_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("boundary", help="where a policy starts refusing on a pack's graded ladders (docs/boundary.md)")
    p.add_argument("policy", metavar="POLICY",
                   help="a model directory or hub id, an SB3 .zip, a baseline name, or module:function (messages -> reply)")
    p.add_argument("--env", required=True, help="environment id of a pack with ladders, e.g. oyrl/Jailbreak-v0")
    p.add_argument("--samples", type=int, default=20, help="dialogues per rung (default: 20)")
    p.add_argument("--seed", type=int, default=0, help="first scenario seed (default: 0)")
    p.add_argument("--categories", metavar="A,B", help="risk categories to climb (default: every ladder)")
    p.add_argument("--search", action="store_true", help="mutate rungs to find the nearest wrongly decided requests")
    p.add_argument("--max-new-tokens", type=int, default=112, help="reply budget of model policies")
    p.add_argument("--out", default="runs/boundary", help="report directory (default: runs/boundary)")
    p.add_argument("--json", action="store_true", help="print boundary.json instead of the summary")
    p.set_defaults(func=cmd_boundary)


#: The subcommands, each adding its parser to the ``oyrl`` parser's subparsers, in ``--help`` order.
SUBCOMMANDS = (_envs_parser, _simulate_parser, _play_parser, _train_parser, _eval_parser, _check_parser,
               _judge_eval_parser, _compare_parser, _steer_parser, _boundary_parser)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``oyrl`` command."""
    parser = argparse.ArgumentParser(prog="oyrl", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for add_subcommand in SUBCOMMANDS:
        add_subcommand(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``oyrl`` console script."""
    parser = build_parser()
    # key=value overrides may come after options too (`oyrl train cfg.yaml --overwrite seed=1`), which
    # argparse cannot mix with a nargs="*" positional: collect the leftovers that look like overrides.
    args, extra = parser.parse_known_args(argv)
    overrides = [item for item in extra if "=" in item and not item.startswith("-")]
    if len(overrides) < len(extra) or (overrides and not hasattr(args, "overrides")):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if overrides:
        args.overrides = [*args.overrides, *overrides]
    if not progress_shown():
        # Hugging Face's own tqdm bars (loading and writing weights) stay quiet too, as ours do.
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        return args.func(args)
    except OyrlError as exc:
        print(f"oyrl {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
