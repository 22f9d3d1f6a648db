"""Summaries of a compare grid: mean and 95% confidence interval over seeds, per design and variant.

``write_summary`` turns the grid's run records into ``summary.csv`` (one row per run), ``summary.md``
(the mean +- CI table, failed runs listed), ``pareto.png`` (harm against safe resolution and against
over-refusal) and HParams entries for runs whose runner did not write them. The metrics are read
from each run's ``metrics.json``, the held-out evaluation of ``oyrl.metrics.summarize``; the
constructive score is defined there.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from oyrl.config import ExperimentConfig

OK_STATUSES = ("ok", "reused")
"""Statuses of a run whose metrics count: trained now, or complete from an earlier invocation."""


@dataclass(frozen=True)
class Metric:
    """One summary column: ``key`` in the ``user_type`` block of metrics.json (None: overall)."""

    column: str
    label: str
    user_type: str | None
    key: str


def _rate(user_type: str, outcome: str, label: str) -> Metric:
    return Metric(f"{user_type}_{outcome}_rate", f"{label} ({user_type})", user_type, f"{outcome}_rate")


METRICS = (
    Metric("constructive_score", "constructive score", None, "constructive_score"),
    Metric("harm_rate", "harm", None, "harm_rate"),
    _rate("sensitive", "safe_resolution", "safe resolution"),
    _rate("sensitive", "unsafe_exit", "unsafe exit"),
    _rate("benign", "over_refusal_exit", "over-refusal exit"),
    _rate("benign", "task_success", "task success"),
    _rate("malicious", "attack_repelled", "attack repelled"),
)
"""The summary's columns, in order."""


@dataclass(frozen=True)
class RunRecord:
    """What became of one run of the grid."""

    design: str
    variant: str
    """Simulator-parameter variant ("" when the grid has none)."""
    seed: int
    run_dir: Path
    config: ExperimentConfig
    """The run's experiment (one seed)."""
    status: str
    """``ok`` (trained now), ``reused`` (complete before this invocation), ``failed``, ``interrupted``."""
    error: str = ""
    """One line: why the run failed or stopped."""
    metrics: dict | None = None
    """The run's metrics.json (``oyrl.metrics.summarize`` of its held-out evaluation)."""


def metric_values(metrics: dict) -> dict[str, float]:
    """The summary metrics of one run; NaN where the environment has no user of that type."""
    out = {}
    for m in METRICS:
        if m.user_type is None:
            block = metrics if m.key == "constructive_score" else metrics["overall"]
        else:
            block = metrics["by_user_type"].get(m.user_type, {})
        out[m.column] = float(block.get(m.key, math.nan))
    return out


# ---- Student t confidence interval ---------------------------------------------------------------

# 0.975 quantiles of Student's t for 1..30 degrees of freedom (any statistics table), so the 95%
# interval needs no scipy; beyond 30, interpolation in 1/df towards the normal quantile is within
# 0.001 of the exact value.
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
_Z975 = 1.959964


def t_quantile_975(df: int) -> float:
    """The 0.975 quantile of Student's t with ``df`` degrees of freedom (scipy's when installed)."""
    try:
        from scipy.stats import t
    except ImportError:
        if df <= len(_T975):
            return _T975[df - 1]
        return _Z975 + (_T975[-1] - _Z975) * len(_T975) / df
    return float(t.ppf(0.975, df))


def mean_ci(values: list[float]) -> tuple[float, float]:
    """Mean and half-width of its 95% Student t interval over seeds (NaN where undefined).

    ``mean +- t_{0.975, n-1} * s / sqrt(n)`` with ``s`` the sample standard deviation. NaN values
    (a metric the environment does not have) are left out.
    """
    x = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    if len(x) == 0:
        return math.nan, math.nan
    if len(x) == 1:
        return float(x[0]), math.nan
    return float(x.mean()), t_quantile_975(len(x) - 1) * float(x.std(ddof=1)) / math.sqrt(len(x))


@dataclass(frozen=True)
class GroupStats:
    """Mean and CI half-width of every metric over the completed seeds of one design and variant."""

    design: str
    variant: str
    n: int
    """Completed seeds."""
    stats: dict[str, tuple[float, float]]


def aggregate(records: list[RunRecord]) -> list[GroupStats]:
    """One ``GroupStats`` per (variant, design), in grid order, over the runs that completed."""
    groups: dict[tuple[str, str], list[dict[str, float]]] = {}
    for r in records:
        values = groups.setdefault((r.variant, r.design), [])
        if r.status in OK_STATUSES:
            values.append(metric_values(r.metrics))
    return [
        GroupStats(design, variant, len(rows), {m.column: mean_ci([r[m.column] for r in rows]) for m in METRICS})
        for (variant, design), rows in groups.items()
    ]


def _fmt(mean: float, half: float) -> str:
    if math.isnan(mean):
        return "-"
    return f"{mean:.3f}" if math.isnan(half) else f"{mean:.3f} ± {half:.3f}"


def _table(groups: list[GroupStats]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the mean ± CI table; a variant column only in a sweep."""
    lead = ["variant"] if any(g.variant for g in groups) else []
    header = [*lead, "design", "seeds", *(m.label for m in METRICS)]
    rows = [
        [*([g.variant] if lead else []), g.design, str(g.n), *(_fmt(*g.stats[m.column]) for m in METRICS)]
        for g in groups
    ]
    return header, rows


# ---- the files ---------------------------------------------------------------------------------


def write_csv(records: list[RunRecord], path: Path) -> None:
    """``summary.csv``: one row per run with its status, error and metrics (empty when it failed)."""
    columns = ["design", "variant", "seed", "status", "error", "run_dir", *(m.column for m in METRICS)]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        for r in records:
            values = metric_values(r.metrics) if r.status in OK_STATUSES else {}
            writer.writerow(
                {"design": r.design, "variant": r.variant, "seed": r.seed, "status": r.status,
                 "error": r.error, "run_dir": str(r.run_dir), **values}
            )  # fmt: skip


def write_markdown(records: list[RunRecord], groups: list[GroupStats], path: Path, title: str) -> None:
    """``summary.md``: the mean ± 95% CI table per design (and variant), then the runs that failed."""
    header, rows = _table(groups)
    lines = [
        f"# {title}",
        "",
        "Mean ± 95% Student t confidence interval over seeds of each run's held-out evaluation.",
        "Rates per user type are fractions of that type's episodes; harm is over all episodes.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    bad = [r for r in records if r.status not in OK_STATUSES]
    lines += ["", f"## Runs that did not complete ({len(bad)})", ""]
    for r in bad:
        where = f"{r.variant}/{r.run_dir.name}" if r.variant else r.run_dir.name
        lines.append(f"- `{where}`: {r.status}: {r.error}")
    lines += [] if bad else ["None."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def rich_table(groups: list[GroupStats], title: str):
    """The mean ± CI table as a ``rich.table.Table``."""
    from rich.table import Table

    header, rows = _table(groups)
    table = Table(title=title)
    for name in header:
        numeric = name == "seeds" or name in {m.label for m in METRICS}
        table.add_column(name.replace(" (", "\n("), justify="right" if numeric else "left")
    for row in rows:
        table.add_row(*row)
    return table


def _rate_bar(value: float, half: float) -> list[list[float]] | None:
    """An error bar for a rate: the t interval cut to [0, 1] (with three seeds it can pass 0)."""
    if math.isnan(half):  # one seed: no interval
        return None
    return [[min(half, value)], [min(half, 1.0 - value)]]


def plot_pareto(groups: list[GroupStats], path: Path) -> None:
    """``pareto.png``: harm rate against safe resolution and against over-refusal, one point per
    design (marker per variant) with 95% CI error bars on both axes, cut to [0, 1]."""
    import matplotlib

    matplotlib.use("Agg")  # files only; no display on servers and CI
    import matplotlib.pyplot as plt

    designs = list(dict.fromkeys(g.design for g in groups))
    variants = list(dict.fromkeys(g.variant for g in groups))
    colors = {d: plt.get_cmap("tab10")(i % 10) for i, d in enumerate(designs)}
    markers = {v: "osD^v<>p*h"[i % 10] for i, v in enumerate(variants)}
    panels = (
        ("sensitive_safe_resolution_rate", "safe resolution rate (sensitive users)  ↑"),
        ("benign_over_refusal_exit_rate", "over-refusal exit rate (benign users)  ↓"),
    )
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), constrained_layout=True)
    for ax, (column, ylabel) in zip(axes, panels):
        for g in groups:
            (x, xerr), (y, yerr) = g.stats["harm_rate"], g.stats[column]
            if math.isnan(x) or math.isnan(y):
                continue
            label = f"{g.design} ({g.variant})" if g.variant else g.design
            xerr, yerr = _rate_bar(x, xerr), _rate_bar(y, yerr)
            style = {"fmt": markers[g.variant], "color": colors[g.design], "capsize": 3}
            ax.errorbar(x, y, xerr=xerr, yerr=yerr, label=label, **style)
        low, high = ax.get_xlim()
        ax.set_xlim(max(low, -0.05 * high), high)  # rates are >= 0: no empty negative half
        ax.set_xlabel("harm rate (all users)  ←")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
    if axes[0].get_legend_handles_labels()[0]:  # no completed run: an empty plot, no legend
        axes[0].legend(fontsize=8)
    fig.suptitle("Mean and 95% CI over seeds; better is up-left (left), down-left (right)")
    fig.savefig(path, dpi=120)
    plt.close(fig)


# ---- HParams -------------------------------------------------------------------------------------


def has_hparams(run_dir: Path) -> bool:
    """Whether any TensorBoard event file under ``run_dir`` already holds HParams session data."""
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

    for path in run_dir.rglob("events.out.tfevents.*"):
        for event in EventFileLoader(str(path)).Load():
            if any(v.metadata.plugin_data.plugin_name == "hparams" for v in event.summary.value):
                return True
    return False


def write_hparams(record: RunRecord) -> bool:
    """Write a completed run's hyperparameters and final metrics to TensorBoard's HParams plugin,
    unless its train function already did (``oyrl.sb3.runner.train_run`` does), so no run appears
    twice. Same columns and ``final/`` tags as ``train_run``'s. Returns whether it wrote.
    """
    if record.status not in OK_STATUSES or has_hparams(record.run_dir):
        return False
    import time

    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.plugins.hparams import summary_v2 as hp
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    from oyrl.sb3.runner import hparams
    from oyrl.train.tags import summary_scalars

    values = hparams(record.config, record.seed)
    finals = summary_scalars("final", record.metrics)
    scalars = [summary_pb2.Summary.Value(tag=tag, simple_value=v) for tag, v in finals.items()]
    summaries = [
        hp.hparams_config_pb(hparams=[hp.HParam(k) for k in values], metrics=[hp.Metric(t) for t in finals]),
        hp.hparams_pb(values),
        summary_pb2.Summary(value=scalars),
    ]
    writer = EventFileWriter(str(record.run_dir), filename_suffix=".hparams")
    for summary in summaries:
        writer.add_event(event_pb2.Event(wall_time=time.time(), step=0, summary=summary))
    writer.close()
    return True


def write_summary(records: list[RunRecord], out_dir: Path, title: str) -> list[GroupStats]:
    """Write summary.csv, summary.md, pareto.png and missing HParams; return the per-group stats."""
    groups = aggregate(records)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(records, out_dir / "summary.csv")
    write_markdown(records, groups, out_dir / "summary.md", title)
    plot_pareto(groups, out_dir / "pareto.png")
    for r in records:
        write_hparams(r)
    return groups
