"""TensorBoard writing and the progress display of an LLM run (main process only).

Tags follow DESIGN.md and are listed in ``docs/tensorboard.md``. The x-axis is the iteration.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from torch.utils.tensorboard import SummaryWriter
from torch.utils.tensorboard.summary import hparams

from oyrl.progress import PhaseProgress, shown
from oyrl.types import Trajectory


def dialogue_markdown(traj: Trajectory) -> str:
    """A dialogue as Markdown for TensorBoard's text tab: ground truth first, then the turns."""
    outcome = traj.outcome.value if traj.outcome else "running"
    lines = [f"**{traj.user_type.value}** / {traj.persona_id} / {traj.risk_category} -> **{outcome}**", "",
             f"> **user:** {traj.opening}", ""]
    for turn in traj.turns:
        lines += [f"> **assistant:** {turn.assistant}", "", f"*reward {turn.reward:+.2f}, user act {turn.user_act.value}*", ""]
        if turn.user_text:
            lines += [f"> **user:** {turn.user_text}", ""]
    return "\n".join(lines)


class RunLogger:
    """One TensorBoard event stream for a run.

    Args:
        run_dir: where the event files go.
        purge_step: on resume, the first step to (re)write: events a killed run wrote at or after it
            are dropped, so every tag's steps stay monotonic.
    """

    def __init__(self, run_dir: Path, purge_step: int | None = None):
        self.writer = SummaryWriter(str(run_dir), purge_step=purge_step)

    def scalars(self, values: dict[str, float], step: int) -> None:
        """Write ``tag -> value`` at ``step``."""
        for tag, value in values.items():
            self.writer.add_scalar(tag, value, step)
        self.writer.flush()

    def samples(self, tag: str, trajectories: list[Trajectory], step: int) -> None:
        """A few dialogues as text under ``<tag>/samples``."""
        if trajectories:
            text = "\n\n---\n\n".join(dialogue_markdown(t) for t in trajectories)
            self.writer.add_text(f"{tag}/samples", text, step)

    def hparams(self, params: dict[str, Any], metrics: dict[str, float]) -> None:
        """The run's settings and final metrics in the HParams table (written into this run's stream)."""
        experiment, session_start, session_end = hparams(params, metrics)
        for summary in (experiment, session_start, session_end):
            self.writer.file_writer.add_summary(summary)
        self.scalars(metrics, 0)

    def close(self) -> None:
        """Flush and close the event file."""
        self.writer.close()


class TrainingProgress:
    """Iterations done with the latest reward, KL and score, on an ``oyrl.progress.PhaseProgress`` bar.

    The bar draws only on a terminal; off one (a log file, a pipe, a batch job) a line goes to stderr
    every ~10% of the iterations instead, so a long run's log still shows that it moves and how.

    Args:
        total: iterations of the run.
        done: iterations already completed (a resumed run).
    """

    def __init__(self, total: int, done: int = 0):
        self.total, self.done = total, done
        self.lines = not shown()
        self.every = max(1, total // 10)
        self.started = time.perf_counter()
        self.bar = PhaseProgress("training", total=total, done=done)

    def __enter__(self) -> TrainingProgress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)

    def advance(self, scalars: dict[str, float]) -> None:
        """One iteration finished with these TensorBoard scalars."""
        self.done += 1
        status = (f"reward {scalars.get('reward/total', float('nan')):+.3f}  kl {scalars.get('kl/mean', 0.0):.4f}  "
                  f"score {scalars.get('outcome/constructive_score', float('nan')):+.3f}")
        self.bar.advance(status=status)
        if self.lines and (self.done % self.every == 0 or self.done == self.total):
            elapsed = time.perf_counter() - self.started
            print(f"iteration {self.done}/{self.total}  {status}  ({elapsed:.0f} s)", file=sys.stderr, flush=True)

    def status(self, text: str) -> None:
        """Show what runs between iterations (a held-out evaluation) in place of the last status."""
        self.bar.update(self.done, status=text)
