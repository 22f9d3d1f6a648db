"""Progress bars: silent off a terminal, drawn when forced, and every long phase counts up to its total.

The bars' frames are read from stderr with ``OYRL_PROGRESS=1`` (drawn as on a terminal). A phase
passes only if its last frame shows the whole total done and no frame shows more, so a bar that
never moves, stops short, counts twice or is missing fails.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from queue import Queue

import pytest
from rich.console import Console

from oyrl import progress
from oyrl.cli import main
from oyrl.compare.grid import _Display
from oyrl.config import load_experiment
from oyrl.env.registration import make_env
from oyrl.eval.policies import LanguageModelPolicy
from oyrl.eval.suites import simulators
from oyrl.policies.baselines import baseline_names
from oyrl.progress import PhaseProgress, echo
from oyrl.sb3.runner import run_name
from oyrl.tinybase.build import TinyBaseRecipe, build_tiny_base

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
EXPERIMENT = Path(__file__).resolve().parents[1] / "experiments" / "sb3_constructive.yaml"


def frames(err: str) -> list[str]:
    """The text lines of every frame drawn, in order (colours and cursor moves removed)."""
    return [line.strip() for line in re.split(r"[\r\n]", ANSI.sub("", err)) if line.strip()]


def counts(err: str, description: str) -> list[tuple[int, int]]:
    """``(done, total)`` of every frame of the bar called ``description``."""
    found = [re.match(rf"{re.escape(description)}\s.*?(\d+)/(\d+) +\d+:\d\d:\d\d", line) for line in frames(err)]
    return [(int(m[1]), int(m[2])) for m in found if m]


def assert_counts_to(err: str, description: str, total: int) -> None:
    seen = counts(err, description)
    assert seen, f"no bar {description!r} in:\n{err[-2000:]}"
    assert seen[-1] == (total, total), (description, seen[-5:])
    assert all(done <= total == t for done, t in seen), (description, seen)


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    """Room for every description in full (on 80 columns a long one is cut short)."""
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def forced(monkeypatch):
    monkeypatch.setenv(progress.ENV, "1")


@pytest.fixture
def unforced(monkeypatch):
    monkeypatch.delenv(progress.ENV, raising=False)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bars_follow_the_terminal_unless_the_variable_says_otherwise(monkeypatch, unforced):
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert not progress.shown()
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert progress.shown()
    with PhaseProgress("on a terminal", total=2) as bar:
        bar.advance(2)
    assert_counts_to(terminal.getvalue(), "on a terminal", 2)
    monkeypatch.setenv(progress.ENV, "0")
    assert not progress.shown()
    monkeypatch.setattr("sys.stderr", io.StringIO())
    monkeypatch.setenv(progress.ENV, "1")
    assert progress.shown()


def test_a_bar_is_silent_off_a_terminal_and_drawn_when_forced(capsys, monkeypatch, unforced):
    def phase() -> None:
        with PhaseProgress("phase", total=3) as bar:
            bar.advance(1, "first")
            bar.advance(1)  # keeps the status
            bar.update(3)

    phase()
    assert capsys.readouterr() == ("", "")
    monkeypatch.setenv(progress.ENV, "1")
    phase()
    out, err = capsys.readouterr()
    assert out == ""
    assert_counts_to(err, "phase", 3)
    assert frames(err)[-1].startswith("phase  first ")


def test_lines_printed_during_a_bar_go_above_it_on_a_terminal_and_to_their_file_otherwise(capsys, forced):
    terminal, piped = io.StringIO(), io.StringIO()
    with PhaseProgress("phase", total=1) as bar:
        echo(Console(file=terminal, force_terminal=True), "a line for the terminal")
        echo(Console(file=piped), "a line for the pipe")
        bar.advance()
    err = capsys.readouterr().err
    # rich would write the terminal's line straight through the bar; it is drawn by the bar instead
    assert terminal.getvalue() == "" and "a line for the terminal" in frames(err)
    assert piped.getvalue() == "a line for the pipe\n" and "a line for the pipe" not in err
    assert_counts_to(err, "phase", 1)
    echo(Console(file=terminal, force_terminal=True), "after the bar")
    assert "after the bar" in terminal.getvalue()


@pytest.mark.parametrize("argv,bars", [
    (["simulate", "--env", "oyrl/Mixed-Strategy-v0", "--policy", "always_hard_refusal,type_oracle", "--episodes", "9"],
     {"simulate: episodes": 18}),
    (["eval", "always_hard_refusal", "type_oracle", "--episodes", "6", "--simulator", "heldout"],
     {"eval: episodes": 2 * len(simulators()) * 6, "eval: bootstrap intervals": 2 * len(simulators())}),
], ids=["simulate", "eval"])
def test_cli_phases_count_their_episodes_and_say_nothing_off_a_terminal(argv, bars, tmp_path, capsys, monkeypatch,
                                                                        unforced):
    argv = [*argv, "--out", str(tmp_path)] if argv[0] == "eval" else argv
    assert main(argv) == 0
    plain_out, plain_err = capsys.readouterr()
    assert plain_err == ""
    monkeypatch.setenv(progress.ENV, "1")
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert out == plain_out  # the bars add nothing to stdout
    for description, total in bars.items():
        assert_counts_to(err, description, total)


def test_sb3_training_counts_steps_per_run_and_the_baselines(tmp_path, capsys, forced):
    overrides = [f"log_dir={tmp_path}", "total_steps=256", "n_envs=2", "seeds=[0,1]", "algo.n_steps=64",
                 "algo.batch_size=64", "algo.n_epochs=1", "eval.episodes=10", "eval.every_steps=256"]
    assert main(["train", str(EXPERIMENT), *overrides, "--baselines"]) == 0
    out, err = capsys.readouterr()
    cfg = load_experiment(EXPERIMENT, overrides)
    for seed in (0, 1):
        assert_counts_to(err, run_name(cfg, seed), 256)
        assert f"{run_name(cfg, seed)}: 256 steps in" in out  # the line per run stays on stdout
    assert_counts_to(err, "evaluating the baselines", len(baseline_names()))


def test_tiny_base_build_shows_each_phase(tmp_path, capsys, monkeypatch, unforced):
    recipe = TinyBaseRecipe.quick()
    build_tiny_base(tmp_path / "plain", recipe=recipe)
    assert capsys.readouterr() == ("", "")  # not even transformers' "Writing model shards"
    monkeypatch.setenv(progress.ENV, "1")
    build_tiny_base(tmp_path / "shown", recipe=recipe)
    out, err = capsys.readouterr()
    assert out == ""
    assert_counts_to(err, "tiny base: corpus dialogues", recipe.episodes)
    assert any("tiny base: tokenizer, encoding" in line for line in frames(err))
    assert_counts_to(err, "tiny base: SFT steps", recipe.steps)
    assert re.match(r"tiny base: SFT steps  loss \d+\.\d{3} ", frames(err)[-1])


def test_compare_counts_runs_done_and_keeps_a_line_per_run(forced, capsys):
    lines = io.StringIO()
    events: Queue = Queue()
    with _Display(Console(file=lines), total=3, reused=1) as display:
        events.put(("start", "design_a/seed0", None))
        events.put(("progress", "design_a/seed0", (5, 10)))
        display.drain(events)
        assert set(display.bars) == {"design_a/seed0"}
        display.finished("design_a/seed0", "ok", "")
        display.finished("design_b/seed0", "failed", "RuntimeError: boom")
    assert not display.bars
    assert_counts_to(capsys.readouterr().err, "grid (1 complete from before)", 3)
    assert lines.getvalue().splitlines() == [
        "1 complete from before, 2 to run", "ok design_a/seed0", "failed design_b/seed0: RuntimeError: boom"]


def test_model_policies_count_episodes_as_their_batches_end(quick_base, one_thread):
    policy = LanguageModelPolicy(str(quick_base), batch_size=2, max_new_tokens=8)
    seeds, kwargs = list(range(1_000_000, 1_000_005)), {"reward": "constructive", "max_turns": 2}
    counted: list[int] = []
    played = policy.play("oyrl/Mixed-v0", seeds, kwargs, 7, progress=lambda n=1, status=None: counted.append(n))
    assert counted == [2, 2, 1]
    # Batch by batch for the bar: the dialogues of one call to the engine.
    envs = [make_env("oyrl/Mixed-v0", "constructive", {"max_turns": 2}) for _ in range(2)]
    at_once = policy.engine.play(envs, seeds, 7, policy.exact)
    assert [[t.assistant for t in traj.turns] for traj in played] == \
        [[t.assistant for t in traj.turns] for traj in at_once]


@pytest.mark.parametrize("forced,quiet", [("0", True), ("1", False)])
def test_hugging_face_bars_follow_ours(monkeypatch, capsys, forced, quiet):
    """Off a terminal the CLI silences transformers' own bars ("Loading weights") as well; a user's
    own HF_HUB_DISABLE_PROGRESS_BARS is left alone."""
    monkeypatch.setenv(progress.ENV, forced)
    monkeypatch.delenv("HF_HUB_DISABLE_PROGRESS_BARS", raising=False)
    assert main(["envs"]) == 0
    assert (os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS") == "1") is quiet
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "0")
    monkeypatch.setenv(progress.ENV, "0")
    assert main(["envs"]) == 0 and os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] == "0"
