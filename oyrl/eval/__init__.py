"""Evaluate any policy on a suite of simulated users, in distribution and on held-out simulators.

    from oyrl.eval import EvalConfig, evaluate
    report = evaluate(["runs/quickstart/final", "always_hard_refusal"], EvalConfig(suite="constructive"))

``oyrl eval`` is the command-line form; ``docs/evaluation.md`` explains every number of the report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from oyrl.errors import ConfigError
from oyrl.eval.policies import EvalPolicy, load_policy
from oyrl.eval.report import build_report, write_report
from oyrl.eval.suites import SUITES, EvalConfig, play, select_simulators, simulators
from oyrl.progress import PhaseProgress

__all__ = ["SUITES", "EvalConfig", "EvalPolicy", "evaluate", "load_policy", "simulators", "write_report"]


def evaluate(policies: list[str | Callable | Any], config: EvalConfig, out_dir: str | Path | None = None,
             progress: Callable[[str, str], None] | None = None, **lm_options: Any) -> dict[str, Any]:
    """Play every policy on the same users and build the report (written to ``out_dir`` if given).

    A progress bar counts the episodes played, then the intervals computed (on a terminal only,
    ``oyrl.progress``).

    Args:
        policies: specs for ``load_policy`` (names, paths, callables, policy objects); the first is
            the reference of the paired comparisons.
        config: suite, episodes, seeds, simulators.
        out_dir: where ``report.json``, ``report.md`` and the plots go.
        progress: called with (policy, simulator) before each run.
        **lm_options: ``LanguageModelPolicy`` options for model policies (batch_size, max_new_tokens...).
    """
    loaded = [p if hasattr(p, "play") and hasattr(p, "interface") else load_policy(p, **lm_options) for p in policies]
    names = [p.name for p in loaded]
    if len(set(names)) != len(names):
        raise ConfigError(f"policies: two policies share a name in {names}; give them distinct names")
    runs = len(loaded) * len(select_simulators(config.simulator, config.user))
    audits: dict[str, dict[str, dict]] = {}
    with PhaseProgress("eval: episodes", total=runs * config.episodes) as bar:
        results = play(loaded, config, progress, bar.advance, audits)
    oracle = play([load_policy("type_oracle")], config)
    with PhaseProgress("eval: bootstrap intervals", total=runs) as bar:
        report = build_report(results, config, {p.name: p.interface for p in loaded},
                              {sim: by_policy["type_oracle"] for sim, by_policy in oracle.items()}, bar.advance,
                              audits)
    # What a policy that simulates before replying spent (lookahead decoding counts its calls).
    report["calls"] = {p.name: dict(p.calls) for p in loaded if getattr(p, "calls", None)}
    if out_dir is not None:
        write_report(report, Path(out_dir))
    return report
