"""``oyrl pairs``: preference pairs ranked by simulated futures (``docs/preferences.md``)."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from oyrl.cli.common import _console
from oyrl.errors import OyrlError


def cmd_pairs(args: argparse.Namespace) -> int:
    import yaml

    from oyrl.config import PairsConfig, load_experiment
    from oyrl.preference.pairs import write_pairs
    from oyrl.train.naming import run_name

    cfg = load_experiment(args.config, args.overrides)
    if not isinstance(cfg, PairsConfig):
        raise OyrlError(f"{args.config}: oyrl pairs takes a kind: pairs config, got kind {cfg.kind!r} (oyrl train runs it)")
    cfg.name = cfg.name or run_name(cfg.env.id, cfg.reward, "pairs", cfg.seed)
    out = Path(cfg.log_dir) / cfg.name
    if args.overwrite and out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.yaml").write_text(yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False))
    console = _console()
    dataset = write_pairs(cfg, out, log=console.print)
    console.print(f"dataset: {dataset} (datasets.load_from_disk; TRL's conversational preference format)")
    console.print(f"counts and calls: {out / 'pairs.json'}")
    return 0


def _pairs_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pairs", help="rank candidate replies by simulated futures; write a preference dataset")
    p.add_argument("config", help="a kind: pairs YAML, e.g. experiments/pairs_mixed.yaml")
    p.add_argument("overrides", nargs="*", metavar="key=value", help="config overrides, e.g. lookahead.futures=8")
    p.add_argument("--overwrite", action="store_true",
                   help="start over (by default a run directory with shards continues where it stopped)")
    p.set_defaults(func=cmd_pairs)
