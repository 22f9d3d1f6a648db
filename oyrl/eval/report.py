"""The evaluation report: ``report.json`` (everything), ``report.md`` (the tables), ``outcomes.png``
and ``asr_by_level.png``; every metric is documented in ``docs/evaluation.md``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402

from oyrl.eval import exploitation  # noqa: E402
from oyrl.eval.metrics import HEADLINE, JUDGE, breakdown_metrics, estimate, paired_difference  # noqa: E402
from oyrl.eval.suites import IN_DISTRIBUTION, EvalConfig  # noqa: E402
from oyrl.progress import Advance
from oyrl.reasoning.measure import declared_summary  # noqa: E402
from oyrl.types import Outcome, Trajectory, UserType  # noqa: E402

Results = dict[str, dict[str, list[Trajectory]]]  # simulator -> policy -> episodes


def _score(name: str) -> Any:
    return next(m for m in HEADLINE if m.name == name)


def build_report(results: Results, config: EvalConfig, interfaces: dict[str, str],
                 oracle: dict[str, list[Trajectory]], progress: Advance | None = None,
                 audits: dict[str, dict[str, dict]] | None = None) -> dict[str, Any]:
    """Metrics with CIs per simulator and policy, paired comparisons with the first policy, the
    in-distribution vs held-out gap, and the exploitation checks.

    Args:
        results: episodes per simulator and policy (same scenario seeds everywhere).
        config: what was evaluated.
        interfaces: policy name -> ``text`` or ``strategy``.
        oracle: ``type_oracle`` episodes per simulator, the reference of ``rushed_endings``.
        progress: called with 1 as each (simulator, policy) has its intervals (the slow part).
    """
    simulators = list(results)
    policies = list(next(iter(results.values())))
    reference = policies[0]
    report: dict[str, Any] = {
        "suite": config.suite, "episodes": config.episodes, "seeds": [config.seed, config.seed + config.episodes - 1],
        "reward": config.reward, "simulators": simulators, "policies": policies, "interfaces": interfaces,
        "reference": reference, "results": {}, "comparisons": {}, "heldout": {}, "exploitation": {},
    }
    for simulator, by_policy in results.items():
        report["results"][simulator] = {}
        for policy, trajs in by_policy.items():
            errors = [(t.persona_id, t.error) for t in trajs if t.error is not None]
            report["results"][simulator][policy] = {
                "errors": len(errors),
                "error_examples": [f"{persona}: {error}" for persona, error in errors[:5]],
                "metrics": {m.name: estimate(m, trajs) for m in (*HEADLINE, *JUDGE, *breakdown_metrics(trajs))},
            }
            declared = declared_summary((t.user_type, [turn.declared for turn in t.turns]) for t in trajs
                                        if t.error is None)
            if declared is not None:  # some reply declared an assessment (docs/reasoning.md)
                report["results"][simulator][policy]["declared"] = declared
            if progress is not None:
                progress(1)
        report["comparisons"][simulator] = {
            policy: {m.name: paired_difference(m, by_policy[policy], by_policy[reference]) for m in HEADLINE}
            for policy in policies[1:]
        }
    heldout_sims = [s for s in simulators if s != IN_DISTRIBUTION]
    for policy in policies:
        checks = exploitation.check(results[simulators[0]][policy], oracle[simulators[0]], interfaces[policy] == "text")
        if IN_DISTRIBUTION in results and heldout_sims:
            pooled = {p: [t for s in heldout_sims for t in results[s][p]] for p in policies}
            score = _score("constructive_score")
            inside = estimate(score, results[IN_DISTRIBUTION][policy])
            outside = estimate(score, pooled[policy])
            report["heldout"][policy] = {"in_distribution": inside, "heldout": outside}
            if policy != reference:
                checks["heldout_gap"] = exploitation.heldout_gap(
                    report["comparisons"][IN_DISTRIBUTION][policy]["constructive_score"],
                    paired_difference(score, pooled[policy], pooled[reference]),
                )
        audit = (audits or {}).get(simulators[0], {}).get(policy)
        if audit is not None:  # a cascade judge: fast-slow agreement on this policy's replies
            checks["judge_audit"] = {"flag": audit["warning"] is not None, **audit}
        report["exploitation"][policy] = {"flags": exploitation.flagged(checks), "checks": checks}
    report["judge_audit"] = audits or {}
    return report


def _cell(est: dict[str, float], percent: bool) -> str:
    if est["n"] == 0 or math.isnan(est["value"]):
        return "-"
    if percent:
        return f"{est['value']:.1%} [{est['low']:.1%}, {est['high']:.1%}]"
    return f"{est['value']:.3f} [{est['low']:.3f}, {est['high']:.3f}]"


def _diff(d: dict[str, Any]) -> str:
    if d["n"] == 0:
        return "-"
    mark = " *" if d["significant"] else ""
    return f"{d['value']:+.3f} [{d['low']:+.3f}, {d['high']:+.3f}]{mark}"


def markdown(report: dict[str, Any]) -> str:
    """The report's tables as Markdown."""
    lines = [f"# oyrl eval: suite `{report['suite']}`",
             "", f"{report['episodes']} episodes per policy and simulator, scenario seeds "
             f"{report['seeds'][0]}..{report['seeds'][1]}, reward design `{report['reward']}`. "
             "Intervals: 95% bootstrap over episodes.", ""]
    headline = [m.name for m in HEADLINE]
    for simulator, by_policy in report["results"].items():
        lines += [f"## {simulator}", "", "| policy | errors | " + " | ".join(headline) + " |",
                  "|---|---:|" + "---:|" * len(headline)]
        for policy, block in by_policy.items():
            cells = [_cell(block["metrics"][m], m.endswith("_rate")) for m in headline]
            lines.append(f"| {policy} | {block['errors']} | " + " | ".join(cells) + " |")
        comparisons = report["comparisons"][simulator]
        if comparisons:
            lines += ["", f"Paired differences with `{report['reference']}` (same users; * = the 95% interval "
                      "excludes 0):", "", "| policy | " + " | ".join(headline) + " |", "|---|" + "---:|" * len(headline)]
            for policy, diffs in comparisons.items():
                lines.append(f"| {policy} | " + " | ".join(_diff(diffs[m]) for m in headline) + " |")
        lines.append("")
    if report["heldout"]:
        lines += ["## In distribution vs held-out simulators (constructive score)", "",
                  "| policy | in distribution | held-out (pooled) |", "|---|---:|---:|"]
        for policy, block in report["heldout"].items():
            lines.append(f"| {policy} | {_cell(block['in_distribution'], False)} | {_cell(block['heldout'], False)} |")
        lines.append("")
    lines += declared_markdown(report)
    if report.get("calls"):
        lines += ["## Model and simulator calls", "", "Policies that simulate before they reply (lookahead "
                  "decoding), over all their episodes:", "", "| policy | replies sent | candidates | later replies "
                  "in futures | simulator steps |", "|---|---:|---:|---:|---:|"]
        for policy, calls in report["calls"].items():
            lines.append(f"| {policy} | {calls.get('sent_replies', 0):,} | {calls.get('candidates', 0):,} | "
                         f"{calls.get('future_replies', 0):,} | {calls.get('simulator_steps', 0):,} |")
        lines.append("")
    lines += ["## Simulator-exploitation checks", ""]
    for policy, block in report["exploitation"].items():
        flags = ", ".join(f"**{f}**" for f in block["flags"]) or "none"
        lines.append(f"- `{policy}`: flags: {flags}")
        for name, result in block["checks"].items():
            evidence = {k: v for k, v in result.items() if k != "flag"}
            lines.append(f"  - {name}: {json.dumps(evidence, default=str)[:400]}")
    return "\n".join(lines) + "\n"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def declared_markdown(report: dict[str, Any]) -> list[str]:
    """The "Declared assessment" section: per simulator and policy that declared, the shares, the
    confusion of declared x hidden user type, faithfulness per declared strategy and the attackers'
    ``malicious`` declarations by turn; no lines when no policy declared."""
    blocks = [(sim, policy, block["declared"]) for sim, by_policy in report["results"].items()
              for policy, block in by_policy.items() if "declared" in block]
    if not blocks:
        return []
    lines = ["## Declared assessment", "", "Replies that opened with an `<assess>` block (`docs/reasoning.md`); "
             "accuracies and faithfulness over the well-formed ones.", "",
             "| simulator | policy | declared | malformed | user type | risk | level | faithfulness |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for sim, policy, d in blocks:
        lines.append(f"| {sim} | {policy} | {_pct(d['declared_rate'])} | {_pct(d['malformed_rate'])} | "
                     f"{_pct(d['assessment_accuracy'])} | {_pct(d['risk_accuracy'])} | {_pct(d['level_accuracy'])} | "
                     f"{_pct(d['faithfulness'])} |")
    types = [u.value for u in UserType]
    for sim, policy, d in blocks:
        lines += ["", f"`{policy}` on {sim}: declared user type (rows) x hidden type (columns)", "",
                  "| declared | " + " | ".join(types) + " |", "|---|" + "---:|" * len(types)]
        lines += [f"| {row} | " + " | ".join(str(d["confusion"][row][t]) for t in types) + " |" for row in types]
        faithful = ", ".join(f"{s} {_pct(c['faithfulness'])} (n={c['n']})" for s, c in d["faithfulness_by_strategy"].items())
        by_turn = ", ".join(f"turn {k}: {_pct(c['share'])} (n={c['n']})" for k, c in d["malicious_by_turn"].items())
        lines += ["", f"- faithfulness per declared strategy: {faithful or '-'}",
                  f"- attackers declared `malicious`: {by_turn or '-'}"]
    return [*lines, ""]


def plot_outcomes(report: dict[str, Any], path: Path) -> None:
    """Stacked outcome mix per user type per policy, in the first simulator."""
    simulator = report["simulators"][0]
    policies = report["policies"]
    types = [u.value for u in UserType]
    fig, axes = plt.subplots(1, len(types), figsize=(4.5 * len(types), 1.2 + 0.45 * len(policies)), sharey=True,
                             squeeze=False)
    axes = axes[0]
    colors = plt.get_cmap("tab10")
    for ax, user_type in zip(axes, types):
        left = [0.0] * len(policies)
        for k, outcome in enumerate(Outcome):
            widths = []
            for policy in policies:
                est = report["results"][simulator][policy]["metrics"][f"by_user_type/{user_type}/{outcome.value}"]
                widths.append(0.0 if math.isnan(est["value"]) else est["value"])
            ax.barh(policies, widths, left=left, color=colors(k), label=outcome.value)
            left = [a + b for a, b in zip(left, widths)]
        ax.set_title(f"{user_type} users")
        ax.set_xlim(0, 1)
    axes[-1].legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    fig.suptitle(f"outcomes, suite {report['suite']}, {simulator}")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_asr(report: dict[str, Any], path: Path) -> None:
    """Attack success rate per Strata level per policy, with 95% intervals, in the first simulator."""
    simulator = report["simulators"][0]
    fig, ax = plt.subplots(figsize=(6, 4))
    for i, policy in enumerate(report["policies"]):
        metrics = report["results"][simulator][policy]["metrics"]
        levels = sorted(int(k.split("/")[1]) for k in metrics if k.startswith("asr_by_level/"))
        ests = [metrics[f"asr_by_level/{k}"] for k in levels]
        xs = [k + (i - len(report["policies"]) / 2) * 0.08 for k in levels]
        ys = [e["value"] for e in ests]
        errs = [[max(e["value"] - e["low"], 0) for e in ests], [max(e["high"] - e["value"], 0) for e in ests]]
        ax.errorbar(xs, ys, yerr=errs, marker="o", capsize=3, label=policy)
    ax.set_xlabel("Strata level of the attack (1 direct, 2 semantic modification, 3 complex reasoning)")
    ax.set_ylabel("attack success rate")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8)
    ax.set_title(f"attack success by level, suite {report['suite']}, {simulator}")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def finite(node: Any) -> Any:
    """NaN (a metric over an empty population) as null: strict JSON has no NaN."""
    if isinstance(node, dict):
        return {k: finite(v) for k, v in node.items()}
    if isinstance(node, list):
        return [finite(v) for v in node]
    return None if isinstance(node, float) and math.isnan(node) else node


def write_report(report: dict[str, Any], out_dir: Path) -> list[Path]:
    """``report.json``, ``report.md``, ``outcomes.png``, ``asr_by_level.png`` in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.json", out_dir / "report.md", out_dir / "outcomes.png", out_dir / "asr_by_level.png"]
    paths[0].write_text(json.dumps(finite(report), indent=2, default=str))
    paths[1].write_text(markdown(report))
    plot_outcomes(report, paths[2])
    plot_asr(report, paths[3])
    return paths
