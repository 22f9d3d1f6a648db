"""``oyrl eval``, ``judge-eval``, ``steer`` and ``boundary``: measuring policies and judges."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

from oyrl.cli.common import _console
from oyrl.config import HELDOUT_SEED
from oyrl.errors import OyrlError


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


def cmd_boundary(args: argparse.Namespace) -> int:
    from oyrl.eval.boundary import BoundaryConfig, run_boundary, summary_lines, write_boundary

    cats = tuple(c.strip() for c in args.categories.split(",") if c.strip()) if args.categories else None
    config = BoundaryConfig(args.env, args.samples, args.seed, cats, args.search)
    paths = write_boundary(run_boundary(args.policy, config, max_new_tokens=args.max_new_tokens), args.out)
    print(paths[0].read_text() if args.json else "\n".join(summary_lines(paths)))
    return 0


def _eval_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="evaluate policies on a suite of simulated users, with confidence intervals")
    p.add_argument("policies", nargs="+", metavar="POLICY",
                   help="a model directory or hub id, an SB3 .zip, a baseline name, module:function (messages -> reply), "
                        "or lookahead:MODEL?candidates=K&futures=M&horizon=H (docs/preferences.md)")
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
