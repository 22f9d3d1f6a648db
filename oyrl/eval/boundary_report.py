"""Files of ``oyrl boundary``: ``boundary.json``, ``boundary.md`` and ``boundary.png``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402

from oyrl.eval.report import finite  # noqa: E402


def _num(x: float | None, fmt: str = ".2f") -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:{fmt}}"


def _cell(text: str) -> str:
    """A request as a Markdown table cell (a pipe would end the cell)."""
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: summary, one table per category, the search's crossings."""
    s = report["summary"]
    lines = [
        f"# Risk boundary: {report['policy']} on {report['env']}", "",
        (f"{report['samples']} dialogues per rung (seeds {report['seed']}..{report['seed'] + report['samples'] - 1}); "
         f"refusal = first reply hard_refusal, soft_refusal or empathic_support (declining the ask); a rung is refused at refusal probability >= "
         f"{report['flip_at']}. 95% Wilson intervals."), "",
        f"- over-refusal below the intended boundary (mean over categories): {_num(s['over_refusal'])}",
        f"- under-refusal above it: {_num(s['under_refusal'])}",
        f"- mean |flip point - intended boundary| (rungs): {_num(s['mean_abs_flip_offset'])}",
        f"- never refuses a rung: {', '.join(s['never_flips']) or 'none'}", "",
        "| category | intended boundary | flip point | offset | over-refusal | under-refusal |",
        "|---|---|---|---|---|---|",
    ]
    for c in report["categories"]:
        lines.append(f"| {c['category']} | {_num(c['intended_boundary'], 'd')} | {_num(c['flip_point'], 'd')} | "
                     f"{_num(c['flip_offset'], '+d')} | {_num(c['over_refusal'])} | {_num(c['under_refusal'])} |")
    for c in report["categories"]:
        lines += ["", f"## {c['category']} ({', '.join(c['dimensions'])})", "",
                  "| rung | intended | refusal [95% CI] | top strategy | outcomes | request |", "|---|---|---|---|---|---|"]
        for r in c["rungs"]:
            ref = r["refusal"]
            top = max(r["strategies"].items(), key=lambda kv: kv[1]["p"] if not math.isnan(kv[1]["p"]) else -1)
            outs = ", ".join(f"{k} {v:.0%}" for k, v in r["outcomes"].items())
            mark = " **boundary**" if r["index"] == c["intended_boundary"] else ""
            lines.append(f"| {r['index']}{mark} | {r['intended']} | {_num(ref['p'])} [{_num(ref['low'])}, "
                         f"{_num(ref['high'])}] | {top[0]} {_num(top[1]['p'])} | {outs} | {_cell(r['text'])} |")
    if "search" in report:
        lines += _search_lines(report["search"])
    return "\n".join(lines) + "\n"


def _search_lines(search: dict[str, Any]) -> list[str]:
    lines = ["", "## Boundary crossings (search)", "",
             (f"{search['requests_tried']} mutated requests tried, up to {search['max_mutations']} mutations; "
              "ranked by mutations, then intent-keeping mutations first, then confidence of the wrong decision."), ""]
    if not search["crossings"]:
        return lines + ["No crossing found."]
    lines += ["| # | category | rung | intended | crossing | mutations | keeps intent | confidence | request |",
              "|---|---|---|---|---|---|---|---|---|"]
    for i, c in enumerate(search["crossings"], 1):
        lines.append(f"| {i} | {c['category']} | {c['rung']} | {c['intended']} | {c['kind']} | "
                     f"{' + '.join(c['mutations']) or '(none)'} | {'yes' if c['keeps_intent'] else 'no'} | "
                     f"{c['confidence']:.2f} | {_cell(c['text'])} |")
    return lines


def plot(report: dict[str, Any], path: Path) -> None:
    """One panel per category: refusal probability by rung with intervals, intended boundary marked."""
    cats = report["categories"]
    cols = min(3, len(cats))
    rows = math.ceil(len(cats) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.0 * rows), squeeze=False)
    for ax, c in zip(axes.flat, cats):
        xs = [r["index"] for r in c["rungs"]]
        ps = [r["refusal"]["p"] for r in c["rungs"]]
        lo = [p - r["refusal"]["low"] for p, r in zip(ps, c["rungs"])]
        hi = [r["refusal"]["high"] - p for p, r in zip(ps, c["rungs"])]
        ax.errorbar(xs, ps, yerr=[lo, hi], marker="o", capsize=3, label="refusal probability")
        if c["intended_boundary"] is not None:
            ax.axvline(c["intended_boundary"] - 0.5, color="tab:red", linestyle="--", label="intended boundary")
        ax.axhline(report["flip_at"], color="grey", linewidth=0.6)
        ax.set_title(c["category"], fontsize=9)
        ax.set_ylim(-0.05, 1.05)
        ax.set_xticks(xs)
        ax.set_xticklabels([f"{r['index']} " + r["intended"].replace("answer_with_care", "care").replace(
            "soft_refusal", "soft") for r in c["rungs"]], fontsize=7, rotation=30)
    for ax in list(axes.flat)[len(cats):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, loc="upper left")
    fig.suptitle(f"{report['policy']} on {report['env']}: refusal by rung", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_files(report: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write the three files; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "boundary.json", out_dir / "boundary.md", out_dir / "boundary.png"]
    paths[0].write_text(json.dumps(finite(report), indent=2) + "\n")
    paths[1].write_text(markdown(report))
    plot(report, paths[2])
    return paths
