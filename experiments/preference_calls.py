"""The simulator and model calls behind each row of docs/preferences.md's comparison.

    python experiments/preference_calls.py [--grpo runs/quickstart_cmp] [--pairs runs/pairs_mixed]
        [--trained runs/dpo_mixed runs/sft_mixed runs/orpo_mixed] [--eval runs/eval_preferences]

Training calls, from what the runs wrote:
- GRPO (``kind: llm``): every training dialogue's replies are policy samples and simulator steps
  (``episode/mean_turns`` x episodes per iteration, summed over iterations, from TensorBoard).
- ``oyrl pairs``: the walk's replies, the candidates and the later replies in futures (policy
  samples) and the simulator steps (``pairs.json``).
- DPO / ORPO / SFT: optimizer steps and pairs per round (``eval.json``); no sampling, no simulator.
Decision-time calls, from the evaluation report: lookahead decoding's ``calls`` (per episode).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import yaml
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def grpo_calls(run: Path) -> dict[str, float]:
    cfg = yaml.safe_load((run / "config.yaml").read_text())
    per_iteration = cfg["algo"]["groups"] * cfg["algo"]["group_size"]
    events = EventAccumulator(str(run), size_guidance={"scalars": 0})
    events.Reload()
    turns = [e.value for e in events.Scalars("episode/mean_turns")]
    seconds = sum(e.value for e in events.Scalars("perf/iteration_s"))
    replies = sum(t * per_iteration for t in turns)
    return {"policy samples": replies, "simulator steps": replies, "optimizer steps":
            len(turns) * cfg["algo"]["epochs"] * cfg["algo"]["minibatches"], "training s": seconds}


def pairs_calls(run: Path) -> dict[str, float]:
    c = json.loads((run / "pairs.json").read_text())
    return {"policy samples": c["walk_replies"] + c["candidates"] + c["future_replies"],
            "simulator steps": c["simulator_steps"] + c["walk_replies"], "pairs": c["pairs"],
            "states": c["states"], "training s": c["wall_s"]}


def trained_calls(run: Path) -> dict[str, float]:
    rounds = json.loads((run / "eval.json").read_text())["rounds"]
    return {"optimizer steps": sum(r["steps"] for r in rounds), "pairs": sum(r["pairs"] for r in rounds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grpo", type=Path, default=Path("runs/quickstart_cmp"))
    parser.add_argument("--pairs", type=Path, default=Path("runs/pairs_mixed"))
    parser.add_argument("--trained", type=Path, nargs="*",
                        default=[Path("runs/dpo_mixed"), Path("runs/sft_mixed"), Path("runs/orpo_mixed")])
    parser.add_argument("--eval", type=Path, default=Path("runs/eval_preferences"))
    args = parser.parse_args()
    rows = {"grpo": grpo_calls(args.grpo), "pairs": pairs_calls(args.pairs)}
    rows |= {run.name: trained_calls(run) for run in args.trained}
    report = args.eval / "report.json"
    if report.exists():
        r = json.loads(report.read_text())
        for policy, calls in r.get("calls", {}).items():
            rows[policy] = {key: value / r["episodes"] for key, value in calls.items()} | {"per": "episode"}
    for name, row in rows.items():
        print(f"{name}: " + ", ".join(f"{k} {v:,.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
