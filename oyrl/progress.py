"""Progress bars for the phases a user waits on (base-model build, evaluation, training, compare
runs): a rich bar on stderr when it is a terminal, nothing otherwise (logs and pipes stay clean).

``OYRL_PROGRESS=1`` forces the bars on (e.g. under a terminal multiplexer that hides the TTY),
``OYRL_PROGRESS=0`` off.

Library code that does the work takes an ``Advance`` callback (``bar.advance``) rather than a bar,
so it runs the same with no display at all. Lines printed with a rich console while a bar is drawn
go through ``echo``, which puts them above the bar rather than through it.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Column

#: Environment variable that forces the bars on (``1``) or off (``0``).
ENV = "OYRL_PROGRESS"

#: Characters of the bar itself (rich's default, 40, leaves a description little room in 80 columns).
BAR_WIDTH = 24


class Advance(Protocol):
    """What a long loop calls as its units get done: ``PhaseProgress.advance``, or a stand-in."""

    def __call__(self, n: int = 1, status: str | None = None) -> None: ...


def forced() -> bool | None:
    """``OYRL_PROGRESS`` read as on (True), off (False) or unset (None)."""
    value = os.environ.get(ENV)
    if value is None:
        return None
    return value not in ("", "0", "false", "no")


def shown() -> bool:
    """Whether bars are drawn: ``OYRL_PROGRESS`` if set, else whether stderr is a terminal."""
    force = forced()
    return sys.stderr.isatty() if force is None else force


#: The bars being drawn, innermost last.
_drawn: list[Progress] = []


def echo(console: Console, *objects: Any, **kwargs: Any) -> None:
    """``console.print(*objects, **kwargs)``, above the bar being drawn if ``console`` is a terminal
    (rich writes a console's lines straight to the terminal, through the bar, otherwise)."""
    if _drawn and console.is_terminal:
        _drawn[-1].console.print(*objects, **kwargs)
    else:
        console.print(*objects, **kwargs)


class PhaseProgress:
    """One phase's bar: ``with PhaseProgress("evaluating", total=300) as bar: bar.advance()``.

    Lines written to stdout while the bar is drawn (``print``, or a rich console through ``echo``)
    appear above it when stdout is a terminal, and go to their file untouched when it is redirected.

    Args:
        description: what the phase does, shown left of the bar.
        total: units of work (episodes, iterations, runs); ``None`` draws a spinner.
        done: units already done (a resumed run).
        eta: show the time remaining (for phases whose units take similar time).
    """

    def __init__(self, description: str, total: int | None = None, done: int = 0, eta: bool = True):
        # The description (and status) takes the width the figures leave, cut short with an
        # ellipsis on a narrow terminal; the bar and the figures keep their width.
        description_column = Column(ratio=1, no_wrap=True, overflow="ellipsis")
        columns: list[ProgressColumn] = [TextColumn("[bold]{task.description}", table_column=description_column)]
        if total is None:
            columns.append(SpinnerColumn())
        else:
            columns += [BarColumn(bar_width=BAR_WIDTH), MofNCompleteColumn()]
        columns.append(TimeElapsedColumn())
        if total is not None and eta:
            columns += [TextColumn("eta"), TimeRemainingColumn()]
        self.description = description
        self._status: str | None = None
        # Forced on, draw as on a terminal even where stderr does not look like one.
        console = Console(stderr=True, force_terminal=True if forced() else None)
        self._bar = Progress(*columns, console=console, disable=not shown(), transient=False, expand=True,
                             redirect_stdout=sys.stdout.isatty())
        self._task = self._bar.add_task(description, total=total, completed=done)

    def __enter__(self) -> PhaseProgress:
        self._bar.start()
        if not self._bar.disable:
            _drawn.append(self._bar)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar in _drawn:
            _drawn.remove(self._bar)
        self._bar.stop()

    def advance(self, n: int = 1, status: str | None = None) -> None:
        """``n`` more units done; ``status`` (e.g. the latest reward, the run under way) follows the
        description until replaced: ``None`` keeps the last one, ``""`` clears it."""
        self._bar.update(self._task, advance=n, description=self._label(status))

    def update(self, completed: int, status: str | None = None) -> None:
        """``completed`` units done in all (``status`` as in ``advance``)."""
        self._bar.update(self._task, completed=completed, description=self._label(status))

    def add_bar(self, description: str, total: int | None = None) -> TaskID:
        """A second bar under the phase's (one per run in flight, say); returns its id."""
        return self._bar.add_task(description, total=total)

    def update_bar(self, bar: TaskID, completed: int, total: int | None = None) -> None:
        """``completed`` of ``total`` units of the second bar ``bar`` done."""
        self._bar.update(bar, completed=completed, total=total)

    def remove_bar(self, bar: TaskID) -> None:
        """Take the second bar ``bar`` off the display."""
        self._bar.remove_task(bar)

    def _label(self, status: str | None) -> str:
        if status is not None:
            self._status = status
        return f"{self.description}  {self._status}" if self._status else self.description


@contextmanager
def library_bars_off() -> Iterator[None]:
    """Silence transformers' own tqdm bars (``save_pretrained``'s "Writing model shards") and, when
    installed, the ``datasets`` library's ("Saving the dataset", TRL's "Tokenizing train dataset")
    inside a phase that has its bar or message already; they draw even off a terminal."""
    from transformers.utils import logging as hf_logging

    datasets = importlib.import_module("datasets") if importlib.util.find_spec("datasets") else None
    was_on = hf_logging.is_progress_bar_enabled(), datasets is not None and datasets.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    if datasets is not None:
        datasets.disable_progress_bars()
    try:
        yield
    finally:
        if was_on[0]:
            hf_logging.enable_progress_bar()
        if was_on[1]:
            datasets.enable_progress_bars()
