"""Compare reward designs (and simulator assumptions) over seeds: the grid file and its runner.

    oyrl compare experiments/compare_rewards.yaml [key=value ...]

A compare file names a base experiment and a grid::

    base: sb3_constructive.yaml        # an experiment YAML relative to this file, or a mapping
    designs: [refusal_first, constructive]
    reaction_params:                   # optional: named simulator variants (a sensitivity sweep)
      default: {}
      strong: {leave_hard_refusal_logit: 2.5}
    seeds: [0, 1, 2]
    workers: 2
    overrides: [total_steps=50000]     # key=value on the base experiment, as `oyrl train` takes

Every (design x variant x seed) is one run of the train function, in its own process, written to
``<log_dir>/<name>/[<variant>/]<run_name>/``. A run is complete iff its ``metrics.json`` exists
and parses: a re-run of the grid skips complete runs and starts the others afresh.
"""

from __future__ import annotations

import copy
import json
import multiprocessing as mp
import os
import re
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from queue import Empty
from typing import Any

from pydantic import Field, field_validator

from oyrl.config import ConfigModel, ExperimentConfig, apply_overrides, read_config, validate
from oyrl.schema import did_you_mean
from oyrl.errors import ConfigError
from oyrl.compare.summary import RunRecord
from oyrl.progress import PhaseProgress, echo

TrainFn = Callable[..., dict]
"""``train_run(cfg, seed, run_dir, progress)`` of ``oyrl.sb3.runner``, or a stand-in with its contract."""


class CompareConfig(ConfigModel):
    """A grid of strategy-level experiments: reward designs x simulator variants x seeds."""

    name: str = Field(min_length=1, pattern=r"^[\w.-]+$")
    """Folder of the grid under the base experiment's ``log_dir``; defaults to the file's name."""
    base: dict[str, Any]
    """The experiment every run starts from: a mapping, or in YAML the path of an experiment file
    relative to the compare file. The grid sets its ``name``, ``reward`` and ``seeds``."""
    designs: list[str] = Field(min_length=1)
    """Reward designs (built-in names or YAML paths); one group of runs each."""
    reaction_params: dict[str, dict[str, float]] = {}
    """Named simulator variants ``{variant: {parameter: value}}``, passed to the environment as
    ``env.kwargs.reaction_params`` over the base's (``{}``: the base simulator). Empty: no variants."""
    seeds: list[int]
    """Seeds of every design and variant; at least 3, for a confidence interval over seeds."""
    workers: int = Field(2, ge=1)
    """Runs trained at once, each in its own process with one torch thread."""
    overrides: list[str] = []
    """``key=value`` overrides of the base experiment (``total_steps=50000``)."""

    @field_validator("seeds")
    @classmethod
    def _three_distinct_seeds(cls, seeds: list[int]) -> list[int]:
        if len(set(seeds)) < 3 or len(set(seeds)) != len(seeds):
            raise ValueError("give at least 3 distinct seeds (an interval over fewer is meaningless)")
        return seeds

    @field_validator("designs")
    @classmethod
    def _known_designs(cls, designs: list[str]) -> list[str]:
        from oyrl.rewards.design import get_design

        if len(set(designs)) != len(designs):
            raise ValueError("each design may appear once")
        for design in designs:
            get_design(design)  # a typo fails here, before any process starts
        return designs

    @field_validator("reaction_params")
    @classmethod
    def _known_params(cls, variants: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        from oyrl.env.base import _checked_params  # the environment's own check and message

        for variant, params in variants.items():
            if not re.fullmatch(r"[\w.-]+", variant):
                raise ValueError(f"variant {variant!r}: use letters, digits, _ . - (it names a folder)")
            _checked_params(params)
        return variants


@dataclass(frozen=True)
class Run:
    """One training run of the grid."""

    design: str
    variant: str
    seed: int
    config: ExperimentConfig
    run_dir: Path


@dataclass(frozen=True)
class Grid:
    """A loaded compare file: its settings, the validated base experiment and the expanded runs."""

    spec: CompareConfig
    base: ExperimentConfig
    out_dir: Path
    runs: tuple[Run, ...]


def _route(overrides: list[str]) -> tuple[list[str], list[str]]:
    """Split command-line overrides into the compare file's own keys and the base experiment's."""
    own_keys = set(CompareConfig.model_fields) - {"base"}
    own, experiment = [], []
    for item in overrides:
        top = item.partition("=")[0].strip().split(".")[0]
        if top not in own_keys and top not in ExperimentConfig.model_fields:
            known = [*own_keys, *ExperimentConfig.model_fields]
            raise ConfigError(f"unknown key {top!r}" + did_you_mean(top, known))
        (own if top in own_keys else experiment).append(item)
    return own, experiment


def load_grid(path: str | Path, overrides: list[str] = ()) -> Grid:
    """Load a compare file, apply command-line overrides and expand the grid.

    Args:
        path: the compare YAML.
        overrides: ``key=value`` items; keys of the compare file (``workers``, ``seeds``...) set it,
            any other key overrides the base experiment.
    """
    path = Path(path)
    own, experiment = _route(list(overrides))
    raw = apply_overrides(read_config(path), own, CompareConfig)
    raw.setdefault("name", path.stem)
    base_source = f"{path}: base"
    if isinstance(raw.get("base"), str):
        base_source = str(path.parent / raw["base"])
        raw["base"] = read_config(base_source)
    spec = validate(raw, CompareConfig, str(path))
    spec.overrides = [*spec.overrides, *experiment]
    raw_base = apply_overrides(copy.deepcopy(spec.base), spec.overrides, ExperimentConfig)
    base = validate(raw_base, ExperimentConfig, base_source)
    out_dir = Path(base.log_dir) / spec.name
    runs = _expand(spec, base, out_dir)
    if len({r.run_dir for r in runs}) != len(runs):
        raise ConfigError(f"{path}: designs: two designs give the same run name; rename one")
    return Grid(spec, base, out_dir, runs)


def _expand(spec: CompareConfig, base: ExperimentConfig, out_dir: Path) -> tuple[Run, ...]:
    from oyrl.sb3.runner import run_name  # torch and SB3: imported when needed, not with this module

    variants = spec.reaction_params or {"": {}}
    base_params = base.env.kwargs.get("reaction_params", {})
    runs = []
    # Seed-major order: a grid stopped early still has every design at some seeds.
    for seed in spec.seeds:
        for variant, params in variants.items():
            for design in spec.designs:
                kwargs = dict(base.env.kwargs)
                if base_params or params:
                    kwargs["reaction_params"] = {**base_params, **params}
                env = base.env.model_copy(update={"kwargs": kwargs})
                update = {"name": spec.name, "reward": design, "seeds": [seed], "env": env}
                cfg = base.model_copy(update=update)
                run_dir = (out_dir / variant if variant else out_dir) / run_name(cfg, seed)
                runs.append(Run(design, variant, seed, cfg, run_dir))
    return tuple(runs)


# ---- inside a worker process -------------------------------------------------------------------

_events: Any = None  # the worker's end of the parent's event queue (set by _init_worker)
_stop: Any = None  # set by the parent on Ctrl-C: runs that have not started return at once


def _init_worker(events: Any, stop: Any) -> None:
    global _events, _stop
    _events, _stop = events, stop
    # Ctrl-C in a terminal reaches every process of the group; the parent alone decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Several runs share the machine's cores: one thread each, set before torch reads it.
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    events.put(("worker", "", os.getpid()))


def is_complete(run_dir: Path) -> bool:
    """A run is complete iff its ``metrics.json`` exists and parses as a mapping."""
    try:
        return isinstance(json.loads((run_dir / "metrics.json").read_text(encoding="utf-8")), dict)
    except (OSError, ValueError):
        return False


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _execute(
    train_fn: TrainFn, key: str, cfg: ExperimentConfig, seed: int, run_dir: Path
) -> tuple[str, str]:
    """Train one run in a worker; returns ``(status, one-line error)``. The traceback of a failure
    goes to ``<run_dir>/error.log``."""
    if _stop.is_set():
        return "interrupted", "stopped by Ctrl-C before it started"
    if run_dir.exists():  # left by a failed or interrupted attempt: start afresh, not on top of it
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    _events.put(("start", key, None))
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last > 0.25 or done >= total:  # a few updates a second are plenty for the display
            last = now
            _events.put(("progress", key, (done, total)))

    try:
        train_fn(cfg, seed, run_dir, progress=progress)
    except Exception as exc:
        (run_dir / "error.log").write_text(traceback.format_exc(), encoding="utf-8")
        return "failed", _one_line(exc)
    if not is_complete(run_dir):
        return "failed", "the train function returned without writing metrics.json"
    return "ok", ""


# ---- in the parent -------------------------------------------------------------------------------


def _record(run: Run, status: str, error: str = "") -> RunRecord:
    metrics = None
    if status in ("ok", "reused"):
        metrics = json.loads((run.run_dir / "metrics.json").read_text(encoding="utf-8"))
    return RunRecord(run.design, run.variant, run.seed, run.run_dir, run.config, status, error, metrics)


def run_grid(grid: Grid, train_fn: TrainFn | None = None, *, console: Any = None) -> list[RunRecord]:
    """Train every incomplete run of the grid in parallel processes; one record per run, in grid order.

    A run that raises is recorded as failed with its error and the others go on. Ctrl-C stops the
    runs in flight (recorded as interrupted) and keeps those already finished.

    Args:
        grid: from ``load_grid``.
        train_fn: ``oyrl.sb3.runner.train_run`` by default; any picklable function with its
            contract (it must write ``metrics.json`` last).
        console: a ``rich.console.Console`` for the line printed per finished run (default: stdout).
            The progress bars (runs done of the grid's, and one per run in flight) go to stderr,
            on a terminal only (``oyrl.progress``).
    """
    if train_fn is None:
        from oyrl.sb3.runner import train_run as train_fn
    done = {r.run_dir: _record(r, "reused") for r in grid.runs if is_complete(r.run_dir)}
    todo = [r for r in grid.runs if r.run_dir not in done]
    with _Display(console, len(grid.runs), len(done)) as display:
        # A worker that dies (out of memory, a native crash) breaks its pool: the runs in flight
        # with it fail, and those not yet started go to a fresh pool.
        while todo and not display.interrupted:
            finished = _run_pool(grid, todo, train_fn, display)
            if not finished and not display.interrupted:  # every worker died before starting a run
                why = "no worker process could start it"
                finished = {r.run_dir: _record(r, "failed", why) for r in todo}
            done.update(finished)
            todo = [r for r in todo if r.run_dir not in finished]
    for r in todo:  # stopped by Ctrl-C; one may have finished between its last poll and the stop
        stopped = not is_complete(r.run_dir)
        done[r.run_dir] = _record(r, "interrupted", "stopped by Ctrl-C") if stopped else _record(r, "ok")
    return [done[r.run_dir] for r in grid.runs]


def _run_pool(
    grid: Grid, todo: list[Run], train_fn: TrainFn, display: _Display
) -> dict[Path, RunRecord]:
    """Run ``todo`` in one process pool; records of the runs that ended (not those it never
    started when a dying worker broke the pool, nor those stopped by Ctrl-C)."""
    ctx = mp.get_context("spawn")  # fork would copy a parent that may hold threads or torch state
    events, stop = ctx.Queue(), ctx.Event()
    pool = ProcessPoolExecutor(min(grid.spec.workers, len(todo)), ctx, _init_worker, (events, stop))
    keys = {r.run_dir: r.run_dir.relative_to(grid.out_dir).as_posix() for r in todo}
    futures: dict[Future, Run] = {
        pool.submit(_execute, train_fn, keys[r.run_dir], r.config, r.seed, r.run_dir): r for r in todo
    }
    out: dict[Path, RunRecord] = {}
    previous_handler = None
    try:
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            display.drain(events)
            for fut in finished:
                run = futures[fut]
                try:
                    status, error = fut.result()
                except BrokenProcessPool:
                    if keys[run.run_dir] not in display.started:
                        continue  # never started: the caller retries it in a fresh pool
                    status, error = "failed", "its worker process died (out of memory? a native crash?)"
                out[run.run_dir] = _record(run, status, error)
                display.finished(keys[run.run_dir], status, error)
    except KeyboardInterrupt:
        # A second Ctrl-C (or one forwarded by a wrapper such as `timeout`) must not cut the
        # clean-up short and leave workers behind.
        previous_handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
        display.interrupted = True
        stop.set()
        for fut in futures:
            fut.cancel()
        display.drain(events)
        for pid in display.worker_pids:  # our own workers: stop the runs in flight now
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        display.forget_running()
        if previous_handler is not None:
            signal.signal(signal.SIGINT, previous_handler)
    return out


class _Display:
    """The grid's progress: a bar of runs done (and one per run in flight) from ``PhaseProgress``,
    and a line on ``console`` per finished run."""

    def __init__(self, console: Any, total: int, reused: int):
        from rich.console import Console

        self.console = console if console is not None else Console()
        label = f"grid ({reused} complete from before)" if reused else "grid"
        self.progress = PhaseProgress(label, total=total, done=reused)
        if reused:
            self.console.print(f"{reused} complete from before, {total - reused} to run", highlight=False)
        self.bars: dict[str, Any] = {}
        self.started: set[str] = set()
        self.worker_pids: set[int] = set()
        self.interrupted = False

    def __enter__(self) -> _Display:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)

    def drain(self, events: Any) -> None:
        """Apply the workers' pending events: started workers, started runs, step counts."""
        while True:
            try:
                kind, key, value = events.get_nowait()
            except Empty:
                return
            if kind == "worker":
                self.worker_pids.add(value)
            elif kind == "start":
                self.started.add(key)
                self.bars[key] = self.progress.add_bar(key)
            elif kind == "progress" and key in self.bars:
                self.progress.update_bar(self.bars[key], completed=value[0], total=value[1])

    def finished(self, key: str, status: str, error: str) -> None:
        """Replace a run's bar with one line saying how it ended."""
        if key in self.bars:
            self.progress.remove_bar(self.bars.pop(key))
        self.progress.advance()
        style = "green" if status == "ok" else "red"
        line = f"[{style}]{status}[/] {key}" + (f": {error}" if error else "")
        echo(self.console, line, highlight=False)

    def forget_running(self) -> None:
        for bar in self.bars.values():
            self.progress.remove_bar(bar)
        self.bars.clear()
