"""The `oyrl` command: envs, simulate (table and JSON), play, and one-line errors with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from oyrl.cli import main
from oyrl.env.registration import make_env
from oyrl.metrics import summarize
from oyrl.policies.baselines import get_baseline
from oyrl.simulate import run_episodes


def test_envs_lists_builtin_ids(capsys):
    assert main(["envs", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert "oyrl/Mixed-v0" in listing and "oyrl/CrisisSupport-Strategy-v0" in listing
    assert all(isinstance(v, str) and v for v in listing.values())


def test_simulate_json_has_the_documented_shape(capsys):
    args = ["simulate", "--env", "oyrl/Mixed-Strategy-v0", "--policy", "always_hard_refusal", "--episodes", "200"]
    assert main([*args, "--seed", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["episodes"] == 200 and -1.0 <= out["constructive_score"] <= 1.0
    assert {"safe_resolution_rate", "harm_rate", "over_refusal_exit_rate", "unresolved_rate"} <= set(out["overall"])
    assert set(out["by_user_type"]) == {"benign", "sensitive", "malicious"}
    assert set(out["overall"]) == set(out["by_user_type"]["benign"])
    assert main([*args, "--seed", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == out  # same seed, same numbers
    # The command plays episode by episode (for its progress bar): the episodes of run_episodes.
    env = make_env("oyrl/Mixed-Strategy-v0", None)
    assert json.loads(json.dumps(summarize(run_episodes(env, get_baseline("always_hard_refusal"), 200, 3)))) == out


def test_simulate_table_shows_every_policy_with_its_rates(capsys):
    args = ["simulate", "--env", "oyrl/Mixed-v0", "--policy", "always_hard_refusal,type_oracle", "--episodes", "30"]
    assert main([*args, "--json"]) == 0
    rates = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    rows = {line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:-1]]
            for line in capsys.readouterr().out.splitlines() if line.startswith("│ ") and "_" in line}
    assert set(rows) == {"always_hard_refusal", "type_oracle"}
    for name, cells in rows.items():
        res, by_type = rates[name], rates[name]["by_user_type"]
        assert cells[0] == f"{res['constructive_score']:+.3f}"  # the constructive score column
        assert cells[1] == f"{by_type['benign']['task_success_rate']:.1%}"
        assert cells[6] == f"{by_type['malicious']['attack_repelled_rate']:.1%}"
        assert cells[-1] == f"{res['overall']['mean_turns']:.2f}"
    assert rows["type_oracle"][0] != rows["always_hard_refusal"][0]


def test_play_reads_replies_and_reveals_the_hidden_user(monkeypatch, capsys):
    replies = iter(["I'm really sorry you're dealing with this. Are you safe right now?", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(replies))
    assert main(["play", "--env", "oyrl/CrisisSupport-v0", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("User: ") >= 2 and "[judge: refusal=" in out
    assert "Hidden user: user_type=sensitive" in out and "distress=" in out


@pytest.mark.parametrize(
    "argv,message",
    [
        (["simulate", "--env", "oyrl/Nope-v0"], "unknown environment id 'oyrl/Nope-v0'"),
        (["simulate", "--policy", "always_hug"], "unknown policy 'always_hug'"),
        (["simulate", "--episodes", "0"], "--episodes"),
        (["simulate", "--reward", "kindness"], "unknown reward design 'kindness'"),
        (["play", "--env", "oyrl/Mixed-Strategy-v0"], "play needs a text environment"),
        (["check", "no/such/pack.yaml"], "no such scenario pack file"),
    ],
)
def test_bad_input_is_one_line_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_console_script_exits_2_without_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "oyrl", "simulate", "--env", "oyrl/Nope-v0"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "unknown environment id" in proc.stderr


def test_overrides_may_follow_options(capsys):
    config = Path(__file__).resolve().parents[1] / "experiments" / "sb3_constructive.yaml"
    assert main(["train", str(config), "--overwrite", "algo.learnig_rate=1e-3"]) == 2
    assert "did you mean 'algo.learning_rate'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["envs", "--bogus"])
