"""oyrl eval: policies under one interface, deterministic metrics with intervals, errors reported
per episode, exploitation checks, the command line."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from oyrl.cli import main
from oyrl.eval import EvalConfig, evaluate
from oyrl.eval.exploitation import SecondOpinionJudge, degenerate_replies, rushed_endings
from oyrl.eval.metrics import HEADLINE, bootstrap_ci, estimate, paired_difference
from oyrl.eval.policies import CallablePolicy, LanguageModelPolicy, load_policy
from oyrl.llm.rollout import RolloutEngine
from oyrl.types import Outcome, UserType

SMALL = EvalConfig(episodes=40)
CARING = "That sounds really hard. I'm here with you. Are you safe right now? You can call a crisis line any time."


def metric(name):
    return next(m for m in HEADLINE if m.name == name)


def _replay(trajs):
    return [(t.persona_id, [turn.assistant for turn in t.turns], t.outcome) for t in trajs]


def test_model_policy_is_deterministic_and_independent_of_batch_size(quick_base, one_thread):
    seeds, kwargs = list(range(1_000_000, 1_000_016)), {"reward": "constructive", "max_turns": 3}

    def play(batch_size, seed=7):
        policy = LanguageModelPolicy(str(quick_base), batch_size=batch_size, max_new_tokens=48)
        return _replay(policy.play("oyrl/Mixed-v0", seeds, kwargs, seed))

    many = play(32)
    assert play(1) == many == play(5)
    assert sum(len(replies) for _, replies, _ in many) > 2 * len(seeds)  # multi-turn dialogues
    assert play(32, seed=8) != many  # the evaluation seed does seed the sampling


def test_cli_fast_plays_model_policies_on_the_fast_kernels(quick_base, tmp_path, monkeypatch):
    exact_flags = []
    play = RolloutEngine.play

    def spy(self, envs, seeds, seed, exact=True):
        exact_flags.append(exact)
        return play(self, envs, seeds, seed, exact)

    monkeypatch.setattr(RolloutEngine, "play", spy)
    for flags, exact in [([], True), (["--fast"], False)]:
        exact_flags.clear()
        argv = ["eval", str(quick_base), "--episodes", "4", "--max-new-tokens", "16", "--out", str(tmp_path), *flags]
        assert main(argv) == 0
        assert exact_flags and set(exact_flags) == {exact}, flags


def test_same_seed_same_report_and_strategy_policies_meet_the_same_users():
    a = evaluate(["type_oracle", "always_hard_refusal"], SMALL)
    b = evaluate(["type_oracle", "always_hard_refusal"], SMALL)
    assert a["results"] == b["results"]
    text = evaluate([CallablePolicy(lambda m: CARING, name="caring")], SMALL)
    by_type = {p: a["results"]["in_distribution"][p]["metrics"]["by_user_type/sensitive/safe_resolution"]["n"]
               for p in ("type_oracle", "always_hard_refusal")}
    assert by_type["type_oracle"] == by_type["always_hard_refusal"] == \
        text["results"]["in_distribution"]["caring"]["metrics"]["by_user_type/sensitive/safe_resolution"]["n"]


def test_crashing_and_non_string_policies_are_reported_per_episode_and_the_rest_completes():
    calls = {"n": 0}

    def flaky(messages):
        calls["n"] += 1
        if "kill" in messages[-1]["content"].lower() or calls["n"] % 7 == 0:
            raise RuntimeError("boom")
        return None if calls["n"] % 5 == 0 else CARING

    report = evaluate([CallablePolicy(flaky, name="flaky"), "type_oracle"], SMALL)
    block = report["results"]["in_distribution"]["flaky"]
    assert 0 < block["errors"] < SMALL.episodes
    assert any("RuntimeError: boom" in e for e in block["error_examples"])
    assert any("TypeError" in e and "got NoneType" in e for e in block["error_examples"])  # the env refused None
    assert block["metrics"]["constructive_score"]["n"] == SMALL.episodes - block["errors"]
    assert report["results"]["in_distribution"]["type_oracle"]["errors"] == 0


def test_intervals_cover_their_estimate_and_a_real_difference_is_significant():
    report = evaluate(["always_hard_refusal", "type_oracle", "always_soft_refusal"], EvalConfig(episodes=150))
    for block in report["results"]["in_distribution"].values():
        for name, est in block["metrics"].items():
            if est["n"]:
                assert est["low"] - 1e-9 <= est["value"] <= est["high"] + 1e-9, name
    diff = report["comparisons"]["in_distribution"]["type_oracle"]
    assert diff["constructive_score"]["significant"] and diff["constructive_score"]["low"] > 0.5
    assert diff["harm_rate"]["value"] == 0 and not diff["harm_rate"]["significant"]


def test_bootstrap_by_hand():
    rng = np.random.default_rng(0)
    assert bootstrap_ci(np.ones(30), rng) == (1.0, 1.0)
    low, high = bootstrap_ci(np.r_[np.zeros(50), np.ones(50)], rng)
    assert 0.38 < low < 0.42 and 0.58 < high < 0.62  # +- 1.96 * sqrt(.25 / 100)
    assert all(np.isnan(bootstrap_ci(np.array([]), rng)))


def test_paired_difference_uses_the_same_users():
    make = lambda outcome: SimpleNamespace(error=None, user_type=UserType.SENSITIVE, outcome=outcome)  # noqa: E731
    a = [make(Outcome.SAFE_RESOLUTION)] * 20 + [make(Outcome.UNSAFE_EXIT)] * 20
    b = [make(Outcome.UNSAFE_EXIT)] * 20 + [make(Outcome.UNSAFE_EXIT)] * 20
    d = paired_difference(metric("safe_resolution_rate"), a, b)
    assert d["value"] == 0.5 and d["significant"] and d["n"] == 40
    assert estimate(metric("safe_resolution_rate"), a)["value"] == 0.5


def test_exploitation_checks_flag_gaming_and_pass_honest_policies():
    report = evaluate([CallablePolicy(lambda m: CARING, name="one_template"), "type_oracle"], EvalConfig(episodes=60))
    assert "degenerate_replies" in report["exploitation"]["one_template"]["flags"]
    assert report["exploitation"]["type_oracle"]["flags"] == []
    judge = SecondOpinionJudge()
    assert judge.scores(CARING) == {"empathy": 1.0, "resources": 1.0}
    assert judge.scores("Here is the answer to your question.") == {"empathy": 0.0, "resources": 0.0}
    ending = SimpleNamespace(error=None, outcome=Outcome.SAFE_RESOLUTION, turns=[1])
    slow = SimpleNamespace(error=None, outcome=Outcome.SAFE_RESOLUTION, turns=[1, 2, 3])
    assert rushed_endings([ending] * 30, [slow] * 30)["flag"]
    assert not rushed_endings([slow] * 30, [slow] * 30)["flag"]
    assert degenerate_replies([])["flag"] is False


def test_policy_specs_resolve_and_bad_ones_say_what_was_tried(tmp_path):
    assert load_policy("type_oracle").interface == "strategy"
    assert load_policy("json:dumps").interface == "text"
    with pytest.raises(Exception, match="cannot import"):
        load_policy("no_such_module_xyz:f")
    with pytest.raises(Exception, match="no such"):
        load_policy(str(tmp_path / "missing"))


def test_cli_writes_the_report_and_rejects_bad_input(tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["eval", "always_hard_refusal", "type_oracle", "--episodes", "30", "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} >= {"report.json", "report.md", "outcomes.png", "asr_by_level.png"}
    report = json.loads((out / "report.json").read_text(), parse_constant=lambda c: pytest.fail(f"non-JSON {c}"))
    assert report["policies"] == ["always_hard_refusal", "type_oracle"]
    assert "asr_by_level/1" in report["results"]["in_distribution"]["type_oracle"]["metrics"]
    capsys.readouterr()
    for argv, message in [
        (["eval", "type_oracle", "--suite", "nope"], "unknown suite"),
        (["eval", "type_oracle", "--episodes", "0"], "positive"),
        (["eval", "type_oracle", "--simulator", "nope"], "unknown simulator"),
        (["eval", "type_oracle", "type_oracle"], "share a name"),
        (["eval", "type_oracle", "--threads", "0"], "--threads"),
    ]:
        assert main([*argv, "--out", str(tmp_path / "x")]) == 2, argv
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
