"""Progress bars for the phases a user waits on (base-model build, evaluation, training, compare
runs): a rich bar on stderr when it is a terminal, nothing otherwise (logs and pipes stay clean).

``OYRL_PROGRESS=1`` forces the bars on (e.g. under a terminal multiplexer that hides the TTY),
``OYRL_PROGRESS=0`` off.
"""

from __future__ import annotations

import os
import sys
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

#: Environment variable that forces the bars on (``1``) or off (``0``).
ENV = "OYRL_PROGRESS"


def shown() -> bool:
    """Whether bars are drawn: ``OYRL_PROGRESS`` if set, else whether stderr is a terminal."""
    forced = os.environ.get(ENV)
    if forced is not None:
        return forced not in ("", "0", "false", "no")
    return sys.stderr.isatty()


class PhaseProgress:
    """One phase's bar: ``with PhaseProgress("evaluating", total=300) as bar: bar.advance()``.

    Args:
        description: what the phase does, shown left of the bar.
        total: units of work (episodes, iterations, runs); ``None`` draws a spinner.
        done: units already done (a resumed run).
        eta: show the time remaining (for phases whose units take similar time).
    """

    def __init__(self, description: str, total: int | None = None, done: int = 0, eta: bool = True):
        columns = [SpinnerColumn() if total is None else BarColumn(), TextColumn("[bold]{task.description}")]
        if total is not None:
            columns.insert(1, MofNCompleteColumn())
            columns.append(TimeElapsedColumn())
            if eta:
                columns += [TextColumn("eta"), TimeRemainingColumn()]
        else:
            columns.append(TimeElapsedColumn())
        self.description = description
        self._bar = Progress(*columns, console=Console(stderr=True), disable=not shown(), transient=False)
        self._task = self._bar.add_task(description, total=total, completed=done)

    def __enter__(self) -> PhaseProgress:
        self._bar.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._bar.stop()

    def advance(self, n: int = 1, status: str | None = None) -> None:
        """``n`` more units done; ``status`` (e.g. the latest reward) replaces the description's tail."""
        self._bar.update(self._task, advance=n, description=self._label(status))

    def update(self, completed: int, status: str | None = None) -> None:
        """``completed`` units done in all."""
        self._bar.update(self._task, completed=completed, description=self._label(status))

    def _label(self, status: str | None) -> str:
        return self.description if not status else f"{self.description}  {status}"
