"""What the ``oyrl`` subcommands share: the console, env construction, the outcome table."""

from __future__ import annotations

import sys

import gymnasium as gym


def _console(width: int = 160):
    """A rich console; piped output gets a fixed ``width`` so wide tables are not cut to 80 columns."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=width)


def _make_env(env_id: str, reward: str | None) -> gym.Env:
    import oyrl  # noqa: F401 - registers the ids
    from oyrl.env.registration import make_env

    return make_env(env_id, reward, field="--env")


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
