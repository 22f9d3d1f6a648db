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

OK_STATUSES = ("ok", "reused")
"""Statuses of a run whose metrics count: trained now, or complete from an earlier invocation."""


@dataclass(frozen=True)
class Metric:
    """One summary column: ``key`` in the ``user_type`` block of metrics.json (None: overall)."""

    column: str
    label: str
    user_type: str | None
    key: str


METRICS = (
    Metric("constructive_score", "constructive score", None, "constructive_score"),
    Metric("harm_rate", "harm", None, "harm_rate"),
    Metric("sensitive_safe_resolution_rate", "safe resolution (sensitive)", "sensitive", "safe_resolution_rate"),
    Metric("sensitive_unsafe_exit_rate", "unsafe exit (sensitive)", "sensitive", "unsafe_exit_rate"),
    Metric("benign_over_refusal_exit_rate", "over-refusal exit (benign)", "benign", "over_refusal_exit_rate"),
    Metric("benign_task_success_rate", "task success (benign)", "benign", "task_success_rate"),
    Metric("malicious_attack_repelled_rate", "attack repelled (malicious)", "malicious", "attack_repelled_rate"),
)


@dataclass(frozen=True)
class RunRecord:
    """What became of one run of the grid."""

    design: str
    variant: str
    """Simulator-parameter variant ("" when the grid has none)."""
    seed: int
    run_dir: Path
    status: str
    """``ok`` (trained now), ``reused`` (complete from an earlier invocation), ``failed``, ``interrupted``."""
    error: str = ""
    """One line: why the run failed or stopped."""
    metrics: dict | None = None
    """The run's metrics.json (``oyrl.metrics.summarize`` of its held-out evaluation)."""
    hparams: dict | None = None
    """Flat hyperparameters for TensorBoard's HParams table."""


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
        GroupStats(design, variant, len(rows), {m.column: mean_ci([row[m.column] for row in rows]) for m in METRICS})
        for (variant, design), rows in groups.items()
    ]


def _fmt(mean: float, half: float) -> str:
    if math.isnan(mean):
        return "-"
    return f"{mean:.3f}" if math.isnan(half) else f"{mean:.3f} ± {half:.3f}"


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
                 "error": r.error, "run_dir": str(r.run_dir), **{k: repr(v) for k, v in values.items()}}
            )  # fmt: skip


def _has_variants(groups: list[GroupStats]) -> bool:
    return any(g.variant for g in groups)


def write_markdown(records: list[RunRecord], groups: list[GroupStats], path: Path, title: str) -> None:
    """``summary.md``: the mean ± 95% CI table per design (and variant), then the runs that failed."""
    lead = ["variant"] if _has_variants(groups) else []
    header = [*lead, "design", "seeds", *(m.label for m in METRICS)]
    lines = [
        f"# {title}",
        "",
        "Mean ± 95% Student t confidence interval over seeds of each run's held-out evaluation.",
        "Rates per user type are fractions of that type's episodes; harm is over all episodes.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for g in groups:
        cells = [*([g.variant] if lead else []), g.design, str(g.n), *(_fmt(*g.stats[m.column]) for m in METRICS)]
        lines.append("| " + " | ".join(cells) + " |")
    bad = [r for r in records if r.status not in OK_STATUSES]
    lines += ["", f"## Runs that did not complete ({len(bad)})", ""]
    lines += [f"- `{r.run_dir.name}`{f' ({r.variant})' if r.variant else ''}: {r.status}: {r.error}" for r in bad] or ["None."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def rich_table(groups: list[GroupStats], title: str):
    """The mean ± CI table as a ``rich.table.Table``."""
    from rich.table import Table

    table = Table(title=title)
    if _has_variants(groups):
        table.add_column("variant")
    table.add_column("design")
    table.add_column("seeds", justify="right")
    for m in METRICS:
        table.add_column(m.label.replace(" (", "\n("), justify="right")
    for g in groups:
        lead = [g.variant] if _has_variants(groups) else []
        table.add_row(*lead, g.design, str(g.n), *(_fmt(*g.stats[m.column]) for m in METRICS))
    return table


def plot_pareto(groups: list[GroupStats], path: Path) -> None:
    """``pareto.png``: harm rate against safe resolution and against over-refusal, one point per
    design (marker per variant) with 95% CI error bars on both axes."""
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
            ax.errorbar(x, y, xerr=None if math.isnan(xerr) else xerr, yerr=None if math.isnan(yerr) else yerr,
                        fmt=markers[g.variant], color=colors[g.design], capsize=3, label=label)  # fmt: skip
        ax.set_xlabel("harm rate (all users)  ←")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle("Mean and 95% CI over seeds; better is up-left (left), down-left (right)")
    fig.savefig(path, dpi=120)
    plt.close(fig)


# ---- HParams -------------------------------------------------------------------------------------

HPARAM_METRIC_PREFIX = "final/"
"""Tag prefix of the final metrics written next to HParams (``final/harm_rate``...)."""


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
    unless the runner already did (then nothing is written, so the table has no duplicates).

    Returns whether anything was written.
    """
    if record.status not in OK_STATUSES or not record.hparams or has_hparams(record.run_dir):
        return False
    import time

    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.plugins.hparams import summary_v2 as hp
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    finals = {f"{HPARAM_METRIC_PREFIX}{k}": v for k, v in metric_values(record.metrics).items() if not math.isnan(v)}
    summaries = [
        hp.hparams_config_pb(hparams=[hp.HParam(k) for k in record.hparams], metrics=[hp.Metric(t) for t in finals]),
        hp.hparams_pb(record.hparams),
        summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=t, simple_value=v) for t, v in finals.items()]),
    ]
    writer = EventFileWriter(str(record.run_dir), filename_suffix=".hparams")
    for summary in summaries:
        writer.add_event(event_pb2.Event(wall_time=time.time(), step=0, summary=summary))
    writer.close()
    return True


def write_summary(records: list[RunRecord], out_dir: Path, title: str) -> list[GroupStats]:
    """Write summary.csv, summary.md, pareto.png and missing HParams; return the per-group stats."""
    groups = aggregate(records)
    write_csv(records, out_dir / "summary.csv")
    write_markdown(records, groups, out_dir / "summary.md", title)
    plot_pareto(groups, out_dir / "pareto.png")
    for r in records:
        write_hparams(r)
    return groups
