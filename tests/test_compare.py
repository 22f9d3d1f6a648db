"""`oyrl compare`: the grid file, the parallel runner and the summary, with a fast fake train function.

The fake writes a metrics.json whose rates follow ``level(design) + 0.01 * seed``, so the mean and
95% interval over seeds 0, 1, 2 are known by hand: mean = level + 0.01, s = 0.01, half-width =
t(0.975, 2) * 0.01 / sqrt(3) = 4.303 * 0.01 / 1.732 = 0.02484.
"""

from __future__ import annotations

import _thread
import csv
import io
import json
import math
import multiprocessing
import signal
import threading
import time
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from oyrl.errors import ConfigError
from oyrl.compare.grid import is_complete, load_grid, run_grid
from oyrl.compare.summary import (
    METRICS, has_hparams, mean_ci, metric_values, rich_table, t_quantile_975, write_summary,
)

LEVEL = {"refusal_first": 0.1, "helpful_only": 0.5, "constructive": 0.3}
FAILING = ("helpful_only", 1)  # (design, seed) of the run the failing fake crashes


def fake_metrics(cfg, seed: int) -> dict:
    """A summarize()-shaped dict: every rate is level(design) + 0.01 * seed (+ the variant's shift)."""
    shift = cfg.env.kwargs.get("reaction_params", {}).get("leave_hard_refusal_logit", 0.0) / 10
    rate = LEVEL[cfg.reward] + 0.01 * seed + shift
    block = {f"{o}_rate": rate for o in ("harm", "safe_resolution", "unsafe_exit", "over_refusal_exit",
                                          "task_success", "attack_repelled", "unresolved")}  # fmt: skip
    block.update(episodes=10, constructive_score=1 - rate, mean_turns=2.0, mean_return=0.0)
    by_type = {t: dict(block) for t in ("benign", "sensitive", "malicious")}
    return {"episodes": 30, "errors": 0, "constructive_score": 1 - rate, "overall": block,
            "by_user_type": by_type}  # fmt: skip


def fake_train(cfg, seed: int, run_dir: Path, progress=None) -> dict:
    """Stands in for oyrl.sb3.runner.train_run: a tiny event file, then metrics.json last."""
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    with open(Path(cfg.log_dir) / "calls.log", "a") as f:  # calls happen in worker processes
        f.write(f"{run_dir.name}\n")
    if (cfg.reward, seed) == FAILING and cfg.total_steps == 13:
        raise RuntimeError("simulated crash\nsecond line of the message")
    writer = EventFileWriter(str(run_dir))
    value = summary_pb2.Summary.Value(tag="reward/total", simple_value=float(seed))
    writer.add_event(event_pb2.Event(step=1, summary=summary_pb2.Summary(value=[value])))
    writer.close()
    for step in (50, 100):
        progress(step, 100)
    metrics = fake_metrics(cfg, seed)
    (run_dir / "metrics.json").write_text(json.dumps(metrics))
    return metrics


def write_compare(tmp_path: Path, **fields) -> Path:
    base = {"name": "base", "env": {"id": "oyrl/Mixed-Strategy-v0"}, "total_steps": 100,
            "log_dir": str(tmp_path / "runs")}  # fmt: skip
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(base))
    spec = {"base": "base.yaml", "designs": list(LEVEL), "seeds": [0, 1, 2], "workers": 2, **fields}
    path = tmp_path / "grid.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "runs" / "calls.log"
    return log.read_text().split() if log.exists() else []


# ---- the grid file ------------------------------------------------------------------------------


def test_grid_expands_designs_variants_and_seeds(tmp_path):
    variants = {"mild": {"leave_hard_refusal_logit": 0.0}, "strong": {"leave_hard_refusal_logit": 2.5}}
    grid = load_grid(write_compare(tmp_path, reaction_params=variants), ["algo.learning_rate=1e-3"])
    assert grid.out_dir == tmp_path / "runs" / "grid"
    assert len(grid.runs) == 3 * 2 * 3
    assert {(r.design, r.variant, r.seed) for r in grid.runs} == {
        (d, v, s) for d in LEVEL for v in variants for s in (0, 1, 2)
    }
    run = next(r for r in grid.runs if (r.design, r.variant, r.seed) == ("constructive", "strong", 2))
    assert run.run_dir == grid.out_dir / "strong" / "Mixed-Strategy-v0__constructive__ppo__seed2"
    assert run.config.reward == "constructive" and run.config.seeds == [2] and run.config.name == "grid"
    assert run.config.env.kwargs["reaction_params"] == {"leave_hard_refusal_logit": 2.5}
    assert run.config.algo.learning_rate == 1e-3 and run.config.total_steps == 100


def test_inline_base_and_command_line_keys_of_both_files(tmp_path):
    path = tmp_path / "inline.yaml"
    base = {"name": "b", "log_dir": str(tmp_path)}
    path.write_text(yaml.safe_dump({"base": base, "designs": ["constructive"], "seeds": [1, 2, 3]}))
    grid = load_grid(path, ["workers=3", "seeds=[4,5,6]", "total_steps=77"])
    assert grid.spec.workers == 3 and [r.seed for r in grid.runs] == [4, 5, 6]
    assert grid.spec.name == "inline" and grid.runs[0].run_dir.parent == tmp_path / "inline"
    assert all(r.config.total_steps == 77 for r in grid.runs)


@pytest.mark.parametrize(
    "fields,overrides,message",
    [
        ({"worker": 2}, [], "unknown key 'worker'; did you mean 'workers'?"),
        ({}, ["worker=2"], "unknown key 'worker'; did you mean 'workers'?"),
        ({}, ["total_step=5"], "unknown key 'total_step'; did you mean 'total_steps'?"),
        ({}, ["algo.learning_rat=1"], "unknown key 'algo.learning_rat'; did you mean 'algo.learning_rate'?"),
        ({"seeds": [0, 1]}, [], "seeds: give at least 3 distinct seeds"),
        ({"seeds": [0, 1, 1]}, [], "seeds: give at least 3 distinct seeds"),
        ({"designs": ["kindness"]}, [], "unknown reward design 'kindness'"),
        ({"reaction_params": {"x": {"leave_hard_refusal_logt": 1}}}, [], "mean 'leave_hard_refusal_logit'?"),
        ({"reaction_params": {"a/b": {}}}, [], "it names a folder"),
        ({"base": "missing.yaml"}, [], "no such config file"),
    ],
)
def test_bad_compare_files_name_the_key(tmp_path, fields, overrides, message):
    with pytest.raises(ConfigError, match=message.replace("?", r"\?").replace("(", r"\(")):
        load_grid(write_compare(tmp_path, **fields), overrides)


def test_cli_reports_bad_compare_files_in_one_line(tmp_path, capsys):
    from oyrl.cli import main

    assert main(["compare", str(write_compare(tmp_path, seeds=[0, 1]))]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("oyrl compare: error:") and "at least 3 distinct seeds" in err and "\n" not in err


# ---- confidence intervals ------------------------------------------------------------------------


def test_t_interval_against_hand_computed_values():
    assert t_quantile_975(2) == pytest.approx(4.303, abs=1e-3)
    assert t_quantile_975(9) == pytest.approx(2.262, abs=1e-3)
    assert t_quantile_975(60) == pytest.approx(2.000, abs=2e-3)  # table + interpolation, or scipy
    mean, half = mean_ci([0.2, 0.4, 0.9])  # mean 0.5, s = sqrt(((-.3)^2 + (-.1)^2 + .4^2) / 2) = 0.36056
    assert mean == pytest.approx(0.5)
    assert half == pytest.approx(4.303 * 0.360555 / math.sqrt(3), abs=1e-3)  # 0.8957
    assert mean_ci([0.3])[0] == 0.3 and math.isnan(mean_ci([0.3])[1])
    assert mean_ci([0.1, math.nan, 0.3, 0.2])[0] == pytest.approx(0.2)  # NaN: a user type the env lacks


# ---- running a grid (one shared run: spawning worker processes takes seconds) --------------------


@pytest.fixture(scope="module")
def ran_grid(tmp_path_factory):
    """A 3 designs x 3 seeds grid in which one run crashes (total_steps=13 arms the fake's crash)."""
    tmp_path = tmp_path_factory.mktemp("grid")
    grid = load_grid(write_compare(tmp_path), ["total_steps=13"])
    records = run_grid(grid, fake_train)
    groups = write_summary(records, grid.out_dir, "test grid")
    return tmp_path, grid, records, groups


def test_a_crashing_run_is_reported_and_the_others_complete(ran_grid):
    tmp_path, grid, records, _ = ran_grid
    failed = [r for r in records if r.status == "failed"]
    assert [(r.design, r.seed) for r in failed] == [FAILING]
    assert failed[0].error == "RuntimeError: simulated crash"
    assert "Traceback" in (failed[0].run_dir / "error.log").read_text()
    assert sum(r.status == "ok" for r in records) == 8
    assert all(is_complete(r.run_dir) for r in records if r.status == "ok")
    md = (grid.out_dir / "summary.md").read_text()
    assert "Runs that did not complete (1)" in md and "RuntimeError: simulated crash" in md


def test_summary_csv_matches_each_runs_metrics_json(ran_grid):
    _, grid, records, _ = ran_grid
    with (grid.out_dir / "summary.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(grid.runs)
    for row in rows:
        run_dir = Path(row["run_dir"])
        if row["status"] != "ok":
            assert row["status"] == "failed" and row["error"] and not row["harm_rate"]
            continue
        expected = metric_values(json.loads((run_dir / "metrics.json").read_text()))
        assert {m.column: float(row[m.column]) for m in METRICS} == expected
        assert run_dir.name.endswith(f"__{row['design']}__ppo__seed{row['seed']}")


def test_group_means_and_intervals_are_hand_computed(ran_grid):
    _, _, _, groups = ran_grid
    by_design = {g.design: g for g in groups}
    assert [g.design for g in groups] == list(LEVEL)
    constructive = by_design["constructive"]
    assert constructive.n == 3
    mean, half = constructive.stats["harm_rate"]
    assert mean == pytest.approx(0.31) and half == pytest.approx(4.303 * 0.01 / math.sqrt(3), abs=1e-4)
    helpful = by_design["helpful_only"]  # seed 1 crashed: seeds 0 and 2 remain
    assert helpful.n == 2
    assert helpful.stats["harm_rate"][0] == pytest.approx(0.51)
    assert helpful.stats["harm_rate"][1] == pytest.approx(12.706 * math.sqrt(2e-4) / math.sqrt(2), abs=1e-4)


def test_pareto_plot_and_hparams_written_once(ran_grid):
    _, grid, records, _ = ran_grid
    png = grid.out_dir / "pareto.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    ok = [r for r in records if r.status == "ok"]
    assert all(has_hparams(r.run_dir) for r in ok)
    before = sorted(p.name for p in ok[0].run_dir.iterdir())
    write_summary(records, grid.out_dir, "again")  # the hparams exist now: nothing is added
    assert sorted(p.name for p in ok[0].run_dir.iterdir()) == before


def test_rerun_skips_complete_runs(ran_grid):
    tmp_path, grid, _, _ = ran_grid
    assert len(calls(tmp_path)) == 9
    # total_steps=14 disarms the crash; a changed config does not retrain complete runs (by design).
    again = load_grid(tmp_path / "grid.yaml", ["total_steps=14"])
    records = run_grid(again, fake_train)
    assert calls(tmp_path)[9:] == [FAILING_DIR]
    assert sorted(r.status for r in records) == ["ok"] + ["reused"] * 8
    assert not (next(r for r in records if r.status == "ok").run_dir / "error.log").exists()  # started afresh


FAILING_DIR = f"Mixed-Strategy-v0__{FAILING[0]}__ppo__seed{FAILING[1]}"


def sleepy_train(cfg, seed: int, run_dir: Path, progress=None) -> dict:
    """Seed 0 finishes at once; the other seeds would take a minute."""
    if seed != 0:
        time.sleep(60)
    return fake_train(cfg, seed, run_dir, progress)


def test_ctrl_c_keeps_finished_runs_and_stops_the_rest(tmp_path, request):
    # Python's own SIGINT handler, as in a terminal: a process started in the background by a
    # non-interactive shell inherits SIGINT ignored, and interrupt_main then does nothing.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    request.addfinalizer(lambda: signal.signal(signal.SIGINT, previous))
    grid = load_grid(write_compare(tmp_path), [])
    fast = [r.run_dir for r in grid.runs if r.seed == 0]

    def press_ctrl_c_when_seed_0_is_done() -> None:
        while not all(is_complete(d) for d in fast):
            time.sleep(0.1)
        _thread.interrupt_main(signal.SIGINT)  # as a terminal's Ctrl-C reaches the parent

    threading.Thread(target=press_ctrl_c_when_seed_0_is_done, daemon=True).start()
    start = time.monotonic()
    records = run_grid(grid, sleepy_train)
    assert time.monotonic() - start < 40  # the minute-long runs were stopped, not awaited
    assert {(r.seed, r.status) for r in records} == {(0, "ok"), (1, "interrupted"), (2, "interrupted")}
    assert not multiprocessing.active_children()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored after the clean-up


def _rows(table: str, bar: str) -> dict[str, list[str]]:
    """design -> the other cells of its row, in a table drawn with ``bar`` between the cells."""
    cells = [[cell.strip() for cell in line.split(bar)[1:-1]] for line in table.splitlines()
             if line.startswith(bar) and line.count(bar) > 2]
    return {row[0]: row[1:] for row in cells if row[0] in LEVEL}


def test_printed_table_has_the_rows_of_summary_md(ran_grid):
    _, grid, _, groups = ran_grid
    printed = io.StringIO()
    Console(file=printed, width=160).print(rich_table(groups, "test grid"))
    written = _rows((grid.out_dir / "summary.md").read_text(), "|")
    assert set(written) == set(LEVEL) and _rows(printed.getvalue(), "│") == written


@pytest.mark.slow
def test_oyrl_compare_end_to_end_with_the_real_runner(tmp_path, capsys):
    """`oyrl compare` with SB3: 2 designs x 3 seeds x 3,000 steps, then a re-run that trains nothing."""
    from oyrl.cli import main

    base = {
        "name": "e2e", "env": {"id": "oyrl/Mixed-Strategy-v0"}, "total_steps": 3000, "n_envs": 4,
        "algo": {"n_steps": 128, "batch_size": 128, "n_epochs": 2},
        "eval": {"episodes": 100, "every_steps": 3000}, "log_dir": str(tmp_path / "runs"),
    }  # fmt: skip
    path = tmp_path / "tiny.yaml"
    grid = {"base": base, "designs": ["refusal_first", "constructive"], "seeds": [0, 1, 2]}
    path.write_text(yaml.safe_dump(grid))
    assert main(["compare", str(path)]) == 0
    out = capsys.readouterr().out
    out_dir = tmp_path / "runs" / "tiny"
    # The printed table has summary.md's rows: design, seeds, then each mean ± CI.
    printed, written = _rows(out, "│"), _rows((out_dir / "summary.md").read_text(), "|")
    assert set(printed) == {"refusal_first", "constructive"} and printed == written, (printed, written)
    with (out_dir / "summary.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [(r["design"], r["status"]) for r in rows].count(("constructive", "ok")) == 3 and len(rows) == 6
    for row in rows:
        run_dir = Path(row["run_dir"])
        assert run_dir.parent == out_dir and (run_dir / "config.yaml").is_file()
        expected = metric_values(json.loads((run_dir / "metrics.json").read_text()))
        assert {m.column: float(row[m.column]) for m in METRICS} == pytest.approx(expected, nan_ok=True)
        assert has_hparams(run_dir) and not list(run_dir.glob("*.hparams"))  # train_run's own, not a second
    assert (out_dir / "pareto.png").stat().st_size > 10_000
    assert "| refusal_first | 3 |" in (out_dir / "summary.md").read_text()
    assert main(["compare", str(path)]) == 0  # everything complete: nothing retrains
    assert "6 complete from before" in capsys.readouterr().out
