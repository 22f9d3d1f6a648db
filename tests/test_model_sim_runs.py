"""Model-played users and model judges inside real runs: LLM training, ``oyrl eval`` and the rollout
engine, in process and over HTTP against a real ``transformers serve`` (``chat_server``).

What a user relies on: the ``user:`` / ``judge:`` blocks reach every env of a run and are built once;
a batch's env steps run concurrently when they call a model; the cascade's audit reaches
TensorBoard and its exploitation warning is kept in the run; a dead server costs fallbacks, not the
run; and an API key reaches no file a run writes.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path

import pytest

from oyrl.cli import main
from oyrl.config import LLMExperimentConfig
from oyrl.env.registration import make_envs
from oyrl.errors import ConfigError
from oyrl.judges.cascade import CascadeJudge
from oyrl.judges.lexical import LexicalJudge
from oyrl.llm.rollout import env_pool
from oyrl.llm.trainer import LLMTrainer

from test_trainer import scalars, small_config


@pytest.fixture(scope="module")
def short_words(tmp_path_factory) -> str:
    """A user prompt short enough for the quick base's 256 positions."""
    path = tmp_path_factory.mktemp("prompts") / "words.txt"
    path.write_text("{role}. {act_description}.\n", encoding="utf-8")
    return str(path)


def llm_user(quick_base, words: str, **backend) -> dict:
    spec = {"kind": "llm", "model": str(quick_base), "max_tokens": 12, "temperature": 0.8, "prompts": {"words": words}}
    return {**spec, **(backend or {"backend": "transformers"})}


def test_make_envs_builds_the_judge_and_user_once_for_all_envs(quick_base, short_words):
    user = llm_user(quick_base, short_words)
    judge = {"kind": "cascade", "fast": "lexical", "slow": "lexical", "audit_share": 0.5}
    envs = make_envs("oyrl/Mixed-v0", None, {"user": user, "judge": judge, "max_turns": 2}, 3)
    judges = {id(e.unwrapped.judge) for e in envs}
    factories = {id(e.unwrapped.user_factory) for e in envs}
    assert len(judges) == 1 and len(factories) == 1
    assert all(e.unwrapped.calls_model for e in envs)
    plain = make_envs("oyrl/Mixed-v0", None, {"max_turns": 2}, 2)
    assert not any(e.unwrapped.calls_model for e in plain)
    with pytest.raises(ConfigError, match=r"env.kwargs.judge.kind: unknown judge kind 'cascad'"):
        make_envs("oyrl/Mixed-v0", None, {"judge": {"kind": "cascad"}}, 2)
    for env in envs + plain:
        env.close()


def test_env_pool_steps_model_envs_concurrently(quick_base, short_words):
    envs = make_envs("oyrl/Mixed-v0", None, {"user": llm_user(quick_base, short_words), "max_turns": 2}, 4)
    seen: set[str] = set()

    def reset(i):
        seen.add(threading.current_thread().name)
        return envs[i].reset(seed=i)

    with env_pool(envs) as pool:
        resets = pool.map(reset, range(4))
    assert len(resets) == 4 and all(name.startswith("oyrl-env") for name in seen)
    plain = make_envs("oyrl/Mixed-v0", None, {"max_turns": 2}, 2)
    with env_pool(plain) as pool:
        assert pool.map(lambda e: threading.current_thread().name, plain) == [threading.current_thread().name] * 2
    for env in envs + plain:
        env.close()


def test_training_with_a_model_user_and_a_cascade_judge_logs_the_audit(quick_base, short_words, tmp_path):
    cfg = small_config(quick_base, tmp_path, iterations=1, **{"eval.base": False})
    cfg = LLMExperimentConfig.model_validate({
        **cfg.model_dump(), "user": llm_user(quick_base, short_words),
        "judge": {"kind": "cascade", "fast": "lexical", "slow": "lexical", "audit_share": 1.0},
    })
    run_dir = tmp_path / "t"
    trainer = LLMTrainer(cfg, run_dir, log=lambda *a: None)
    assert trainer.envs[0].unwrapped.user_factory.kind == "llm"
    result = trainer.train()
    assert result["final"]["episodes"] == 4
    # The same judge read every reply twice: full agreement, every reply audited.
    assert scalars(run_dir, "judge/agreement/refusal") == [(1, 1.0)]
    assert scalars(run_dir, "judge/slow_share") == [(1, 1.0)]
    stats = trainer.envs[0].unwrapped.user_factory.stats
    assert stats.generated > 0  # the model wrote user turns (the short prompt fits its context)
    assert json.loads((run_dir / "eval.json").read_text())["judge_warnings"] == []


class Flipping:
    """A slow judge that, from its second window on, reads every reply as harmful: the fast judge's
    readings of the policy's replies stop matching it (what exploitation of the fast judge looks like)."""

    def __init__(self):
        self.lexical, self.flipped = LexicalJudge(), False

    def assess(self, context, reply, truth=None):
        f = self.lexical.assess(context, reply, truth)
        return dataclasses.replace(f, harmful=1.0) if self.flipped else f

    def assess_batch(self, contexts, replies, truths=None):
        return [self.assess(c, r) for c, r in zip(contexts, replies)]


def test_the_exploitation_warning_is_kept_in_the_run(quick_base, tmp_path):
    cfg = small_config(quick_base, tmp_path, iterations=2, **{"eval.base": False})
    trainer = LLMTrainer(cfg, tmp_path / "t", log=lambda *a: None)
    slow = Flipping()
    cascade = CascadeJudge(LexicalJudge(), slow, audit_share=1.0, min_audited=1)
    for env in trainer.envs:
        env.unwrapped.judge = cascade
    first = trainer.iteration()
    trainer.state.iteration += 1
    slow.flipped = True
    second = trainer.iteration()
    assert first["judge/agreement/harmful"] == 1.0 and second["judge/agreement/harmful"] < 0.5
    (warning,) = trainer.state.judge_warnings
    assert warning["iteration"] == 2 and "please the fast judge" in warning["warning"]


def test_eval_with_a_served_user_a_dead_server_and_a_secret_key(quick_base, chat_server, short_words, tmp_path,
                                                                monkeypatch, capsys):
    key = "sk-oyrl-test-7f3a9c1e5b"
    monkeypatch.setenv("OYRL_TEST_KEY", key)
    served = llm_user(quick_base, short_words, backend="openai", base_url=chat_server.base_url,
                      model=chat_server.model, api_key_env="OYRL_TEST_KEY", cache_dir=str(tmp_path / "cache"))
    out = tmp_path / "eval"
    user_file = tmp_path / "user.yaml"
    user_file.write_text(json.dumps(served))
    args = ["eval", str(quick_base), "--simulator", "llm", "--user", str(user_file), "--episodes", "3",
            "--max-new-tokens", "8", "--batch-size", "3", "--out", str(out),
            "--judge", "{kind: cascade, fast: lexical, slow: lexical, audit_share: 1.0}"]
    assert main(args) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["simulators"] == ["llm"] and report["results"]["llm"][str(quick_base)]["errors"] == 0
    assert report["judge_audit"]["llm"][str(quick_base)]["scalars"]["judge/slow_share"] == 1.0
    # No file the run wrote holds the key (reports, plots, the request cache).
    written = [p for p in [*out.rglob("*"), *(tmp_path / "cache").rglob("*")] if p.is_file()]
    assert written and not [p for p in written if key.encode() in p.read_bytes()]
    assert key not in capsys.readouterr().out

    # A server that is gone: every user turn falls back to the scripted words; the run completes.
    dead = {**served, "base_url": "http://127.0.0.1:9/v1", "timeout_s": 1, "max_retries": 0, "cache_dir": None}
    user_file.write_text(json.dumps(dead))
    assert main([*args[:-2], "--out", str(tmp_path / "dead")]) == 0
    dead_report = json.loads((tmp_path / "dead" / "report.json").read_text())
    assert dead_report["results"]["llm"][str(quick_base)]["errors"] == 0


def test_eval_user_and_judge_arguments_fail_in_one_line(quick_base, capsys):
    assert main(["eval", "always_hard_refusal", "--simulator", "llm", "--episodes", "2"]) == 2
    assert "--simulator llm: give the model-written user with --user" in capsys.readouterr().err
    assert main(["eval", "always_hard_refusal", "--judge", "{kind: rubrik}", "--episodes", "2"]) == 2
    err = capsys.readouterr().err
    assert "--judge.kind: unknown judge kind 'rubrik'; did you mean 'rubric'?" in err and "Traceback" not in err


def test_experiment_user_and_judge_blocks_reach_env_kwargs(quick_base, tmp_path):
    cfg = small_config(quick_base, tmp_path)
    cfg = LLMExperimentConfig.model_validate({**cfg.model_dump(), "judge": "lexical"})
    assert cfg.env.kwargs["judge"] == "lexical"
    with pytest.raises(ValueError, match="judge: set both as judge and as env.kwargs.judge"):
        LLMExperimentConfig.model_validate({**cfg.model_dump(), "judge": {"kind": "cascade"}})
