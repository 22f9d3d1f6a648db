"""The ``oyrl`` command: list environments, simulate baselines, play as the assistant, check packs, train.

Errors in user input print one line to stderr and exit with status 2 (no traceback). Each group of
subcommands lives in its own module (``simulate``, ``train``, ``evaluate``, ``preference``), with the function adding
each one's parser; ``SUBCOMMANDS`` below orders them for ``--help``; ``common`` holds what they share.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from oyrl.cli.common import _print_outcome_table
from oyrl.cli.evaluate import _boundary_parser, _eval_parser, _judge_eval_parser, _steer_parser
from oyrl.cli.preference import _pairs_parser
from oyrl.cli.simulate import _check_parser, _envs_parser, _play_parser, _simulate_parser
from oyrl.cli.train import _compare_parser, _train_parser
from oyrl.errors import OyrlError
from oyrl.progress import shown as progress_shown

__all__ = ["_print_outcome_table", "build_parser", "main"]

EXIT_USAGE = 2


#: The subcommands, each adding its parser to the ``oyrl`` parser's subparsers, in ``--help`` order.
SUBCOMMANDS = (_envs_parser, _simulate_parser, _play_parser, _train_parser, _eval_parser, _check_parser,
               _judge_eval_parser, _compare_parser, _steer_parser, _boundary_parser, _pairs_parser)


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

