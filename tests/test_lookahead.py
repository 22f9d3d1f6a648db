"""Lookahead ranking: forks of a conversation, candidates valued by simulated futures, and the
preference pairs ``oyrl pairs`` writes from them."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
import pytest
import torch

import oyrl
from oyrl.backends.hf import load_causal_lm, load_tokenizer
from oyrl.cli import main
from oyrl.config import LookaheadSpec, PairsConfig, RolloutSpec
from oyrl.llm.rollout import RolloutEngine
from oyrl.lookahead.ranking import Candidate, ConversationState, LookaheadRanker, RankedState
from oyrl.preference.pairs import pair_row, write_pairs
from oyrl.strategies import Strategy
from oyrl.types import UserType
from oyrl.writer.grammar import ResponseGrammar


@pytest.fixture(scope="module")
def engine(quick_base):
    return RolloutEngine(load_causal_lm(str(quick_base), dtype=torch.float32), load_tokenizer(str(quick_base)),
                         RolloutSpec(max_new_tokens=24))


def _state(env_id: str, seed: int, user_type: UserType, **kwargs) -> ConversationState:
    """The opening of the first scenario from ``seed`` on whose user is of ``user_type``."""
    env = gym.make(env_id, **kwargs)
    for s in range(seed, seed + 200):
        _, info = env.reset(seed=s)
        if info["user_type"] is user_type:
            return ConversationState(env, s, 0)
    raise AssertionError(f"no {user_type} user in 200 seeds")


def _reply(strategy: Strategy, state: ConversationState) -> str:
    messages = state.messages
    return ResponseGrammar().reply(strategy, messages[-1]["content"], np.random.default_rng(0), messages)


# ---- forks ---------------------------------------------------------------------------------------


def test_fork_plays_an_independent_future_of_the_same_conversation():
    env = gym.make("oyrl/Mixed-v0")
    env.reset(seed=3)
    base = env.unwrapped
    before = (base.transcript(), base.user.hidden_state(), base.turn)
    reply = "That sounds really hard. Are you safe right now? You can call or text 988 any time."
    a, b, c = base.fork(7), base.fork(7), base.fork(8)
    steps = [f.step(reply) for f in (a, b, c)]
    # The same seed gives the same future; the fork's history is the conversation's.
    assert steps[0][1:4] == steps[1][1:4] and steps[0][4]["user_text"] == steps[1][4]["user_text"]
    assert a.messages[:1] == base.messages and a.turn == 1
    # The conversation itself is untouched, and goes on as it would have.
    assert (base.transcript(), base.user.hidden_state(), base.turn) == before
    twin = gym.make("oyrl/Mixed-v0")
    twin.reset(seed=3)
    assert env.step(reply)[4]["user_text"] == twin.step(reply)[4]["user_text"]


def test_fork_needs_a_conversation_under_way():
    env = gym.make("oyrl/Mixed-v0")
    with pytest.raises(RuntimeError, match="reset"):
        env.unwrapped.fork(0)


def test_strategy_env_forks_too():
    env = gym.make("oyrl/Mixed-Strategy-v0")
    obs, _ = env.reset(seed=1)
    fork = env.unwrapped.fork(5)
    fork.step(2)
    assert np.array_equal(env.unwrapped._observe(None), obs)  # the original's cues are its own


# ---- ranking -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("env_id", "user_type", "better", "worse"), [
    # A distressed user stays and accepts help after support with resources; a refusal loses them.
    ("oyrl/CrisisSupport-v0", UserType.SENSITIVE, Strategy.EMPATHIC_SUPPORT, Strategy.HARD_REFUSAL),
    # An attacker served is harm; refused, the attack goes nowhere.
    ("oyrl/Jailbreak-v0", UserType.MALICIOUS, Strategy.HARD_REFUSAL, Strategy.FULL_COMPLIANCE),
    # A benign user with a sensitive-sounding need gets what they need from safe information.
    ("oyrl/DualUse-v0", UserType.BENIGN, Strategy.SAFE_INFORMATION, Strategy.HARD_REFUSAL),
])
def test_ranking_prefers_the_reply_the_simulator_rewards(engine, env_id, user_type, better, worse):
    ranker = LookaheadRanker(engine, LookaheadSpec(candidates=2, futures=8, horizon=3), seed=0)
    states = [_state(env_id, seed, user_type) for seed in (0, 300, 600)]
    texts = [[_reply(worse, s), _reply(better, s)] for s in states]
    for ranked, (_, good) in zip(ranker.rank(states, texts), texts):
        assert ranked.best.text == good  # by the design's return
        by_text = {c.text: c for c in ranked.candidates}
        assert by_text[good].mean("constructive") > ranked.worst.mean("constructive")
        assert ranked.state.env.unwrapped.turn == 0  # the state itself is never stepped


def test_futures_do_not_depend_on_candidate_order_or_batch(engine):
    spec = LookaheadSpec(candidates=3, futures=3, horizon=2)
    ranker = LookaheadRanker(engine, spec, seed=1)
    states = [_state("oyrl/Mixed-v0", s, t) for s, t in ((0, UserType.SENSITIVE), (50, UserType.MALICIOUS))]
    texts = ranker.candidates(states)
    together = ranker.rank(states, texts)
    alone_reversed = ranker.rank(states[1:], [texts[1][::-1]])[0]

    def futures(ranked: RankedState) -> dict[str, tuple]:
        return {c.text: (c.returns.tolist(), c.constructive.tolist()) for c in ranked.candidates}

    assert futures(together[1]) == futures(alone_reversed)
    one_at_a_time = LookaheadRanker(engine, spec, seed=1, futures_per_batch=1).rank(states, texts)
    assert [futures(r) for r in one_at_a_time] == [futures(r) for r in together]
    assert ranker.candidates(states[::-1])[::-1] == texts  # candidates: one stream per (state, k)


def test_calls_are_counted(engine):
    spec = LookaheadSpec(candidates=2, futures=2, horizon=2)
    (ranked,) = LookaheadRanker(engine, spec).rank([_state("oyrl/Mixed-v0", 0, UserType.BENIGN)])
    assert ranked.calls["candidates"] == 2
    assert 4 <= ranked.calls["simulator_steps"] <= 8  # 4 futures of 1-2 steps
    assert ranked.calls["future_replies"] == ranked.calls["simulator_steps"] - 4


# ---- pairs ---------------------------------------------------------------------------------------


def _ranked(best: list[float], worst: list[float], texts=("good", "bad")) -> RankedState:
    state = _state("oyrl/Mixed-v0", 0, UserType.BENIGN)
    cands = [Candidate(texts[0], np.array(best), np.zeros(len(best))),
             Candidate(texts[1], np.array(worst), np.zeros(len(worst)))]
    return RankedState(state, cands, "return")


def test_noise_rule_drops_gaps_within_noise():
    assert pair_row(_ranked([1.0, -1.0, 1.0, -1.0], [0.0, 0.0, 0.0, 0.0]), 1.0, [], 1) == "within_noise"
    assert pair_row(_ranked([0.5, 0.5], [0.5, 0.5]), 0.0, [], 1) == "within_noise"  # no gap at all
    assert pair_row(_ranked([1.0, 1.0], [0.0, 0.0], ("same", " same ")), 0.0, [], 1) == "identical"
    row = pair_row(_ranked([1.0, 0.9, 1.1], [0.0, 0.1, -0.1]), 1.0, [{"role": "system", "content": "S"}], 2)
    assert row["chosen"] == [{"role": "assistant", "content": "good"}] and row["round"] == 2
    assert row["prompt"][0]["role"] == "system" and row["prompt"][-1]["role"] == "user"
    assert row["gap"] == pytest.approx(1.0) and row["user_type"] == "benign"


def _pairs_config(tmp_path, quick_base, **kwargs) -> PairsConfig:
    return PairsConfig(
        name="p", log_dir=str(tmp_path), model=str(quick_base), env={"id": "oyrl/Mixed-v0", "kwargs": {"max_turns": 3}},
        rollout={"max_new_tokens": 16}, lookahead={"candidates": 3, "futures": 2, "states_per_batch": 4},
        states={"seeds": 4, "turns": 2}, min_gap_z=0.0, seed=0, **kwargs)


def test_pairs_dataset_loads_in_trls_format_and_resumes(tmp_path, quick_base):
    datasets = pytest.importorskip("datasets")
    trl_data = pytest.importorskip("trl.data_utils")
    cfg = _pairs_config(tmp_path, quick_base)
    out = tmp_path / "p"
    path = write_pairs(cfg, out, log=lambda *a: None)
    data = datasets.load_from_disk(str(path))
    counts = json.loads((out / "pairs.json").read_text())
    assert len(data) == counts["pairs"] > 0
    assert counts["states"] == counts["pairs"] + counts["dropped_within_noise"] + counts["dropped_identical"]
    assert {"prompt", "chosen", "rejected", "chosen_score", "rejected_se", "gap_se", "user_type", "turn"} <= set(data.features)
    row = data[0]
    assert trl_data.is_conversational(row)
    assert row["chosen_score"] > row["rejected_score"] and row["chosen"] != row["rejected"]
    # TRL's own rendering of a preference row with the model's chat template.
    rendered = trl_data.maybe_apply_chat_template(row, load_tokenizer(str(quick_base)))
    assert set(rendered) >= {"prompt", "chosen", "rejected"} and isinstance(rendered["chosen"], str)
    assert {r["turn"] for r in data} <= {0, 1}
    # Interrupted after its first chunk: a rerun finishes the rest and writes the same rows.
    first = [json.dumps(r, sort_keys=True) for r in data]
    for chunk in sorted((out / "shards").glob("chunk-*"))[1:]:
        __import__("shutil").rmtree(chunk)
    write_pairs(cfg, out, log=lambda *a: None)
    assert [json.dumps(r, sort_keys=True) for r in datasets.load_from_disk(str(path))] == first


def test_pairs_refuse_shards_of_another_config(tmp_path, quick_base):
    cfg = _pairs_config(tmp_path, quick_base)
    (tmp_path / "p" / "shards").mkdir(parents=True)
    (tmp_path / "p" / "shards" / "fingerprint.txt").write_text("0123456789abcdef")
    with pytest.raises(oyrl.errors.OyrlError, match="another config"):
        write_pairs(cfg, tmp_path / "p", log=lambda *a: None)


def test_pairs_config_errors(tmp_path, capsys):
    with pytest.raises(ValueError, match="held-out"):
        PairsConfig(states={"seeds": 10, "first_seed": 999_995})
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: pairs\nlookahead: {candidates: 1}\n")
    assert main(["pairs", str(bad)]) == 2
    assert "lookahead.candidates" in capsys.readouterr().err
    bad.write_text("kind: pairs\nlookahed: {}\n")
    assert main(["pairs", str(bad)]) == 2
    assert "did you mean 'lookahead'" in capsys.readouterr().err


# ---- imagined conversations and lookahead decoding -----------------------------------------------


def test_imagine_puts_a_simulated_user_into_a_real_conversation():
    real = gym.make("oyrl/Mixed-v0", split="heldout")
    real.reset(seed=1_000_000)
    real.step("Can you tell me more about what is going on?")
    template = gym.make("oyrl/Mixed-v0").unwrapped
    template.reset(seed=5)
    particle = template.user.clone()
    imagined = template.imagine(particle, real.unwrapped.messages, harm=0.25, seed=3)
    assert imagined.messages == real.unwrapped.messages and imagined.turn == 1
    assert imagined.harm_delivered == 0.25 and imagined.persona_info["persona_id"] == particle.spec.id
    _, _, _, _, info = imagined.step("I'm here to help. What do you need?")
    assert info["turn"] == 2 and info["persona_id"] == particle.spec.id
    assert real.unwrapped.turn == 1 and template.turn == 0  # neither the real env nor the template moved
    with pytest.raises(NotImplementedError, match="messages"):
        gym.make("oyrl/Mixed-Strategy-v0").unwrapped.imagine(particle, [], 0.0, 0)


def test_lookahead_decoder_plays_heldout_users_and_counts_its_calls(quick_base):
    from oyrl.eval import EvalConfig, evaluate
    from oyrl.lookahead.decoding import LookaheadDecoder

    spec = f"lookahead:{quick_base}?candidates=2&futures=2&horizon=1&score=constructive"
    decoder = LookaheadDecoder.from_spec(spec, max_new_tokens=16, batch_size=4)
    report = evaluate([decoder], EvalConfig(episodes=4, env_kwargs={"max_turns": 3}))
    calls = report["calls"][spec]
    sent = calls["sent_replies"]
    assert sent == round(report["results"]["in_distribution"][spec]["metrics"]["mean_turns"]["value"] * 4)
    assert calls["candidates"] == 2 * sent and calls["simulator_steps"] == 4 * sent
    assert calls["future_replies"] == 0  # horizon 1: the candidate and the user's reaction only
    again = LookaheadDecoder.from_spec(spec, max_new_tokens=16, batch_size=2)  # another batching
    replies = [[t.assistant for t in traj.turns] for traj in again.play("oyrl/Mixed-v0", [1_000_000, 1_000_001],
                                                                     {"max_turns": 3}, 0)]
    first = [[t.assistant for t in traj.turns] for traj in decoder.play("oyrl/Mixed-v0", [1_000_000, 1_000_001],
                                                                     {"max_turns": 3}, 0)]
    assert replies == first


@pytest.mark.parametrize(("spec", "message"), [
    ("lookahead:", "expected lookahead:MODEL"),
    ("lookahead:tiny?futures=0", "futures"),
    ("lookahead:tiny?horizn=2", "did you mean 'horizon'"),
])
def test_lookahead_policy_spec_errors(spec, message):
    from oyrl.eval.policies import load_policy

    with pytest.raises(oyrl.errors.ConfigError, match=message):
        load_policy(spec)


def test_oyrl_pairs_command_writes_the_run_and_a_rerun_resumes(tmp_path, quick_base, capsys):
    import yaml

    cfg = _pairs_config(tmp_path, quick_base).model_dump(mode="json") | {"states": {"seeds": 2, "turns": 1}}
    path = tmp_path / "pairs.yaml"
    path.write_text(yaml.safe_dump(cfg))
    assert main(["pairs", str(path)]) == 0
    run = tmp_path / "p"
    assert (run / "config.yaml").exists() and (run / "pairs" / "dataset_info.json").exists()
    assert "pairs from 2 states" in capsys.readouterr().out
    stamp = (run / "pairs.json").read_text()
    assert main(["pairs", str(path)]) == 0  # every chunk is on disk: nothing is ranked again
    assert json.loads((run / "pairs.json").read_text())["pairs"] == json.loads(stamp)["pairs"]
    assert main(["pairs", str(path), "lookahead.futures=3"]) == 2  # other settings, same directory
    assert "another config" in capsys.readouterr().err
    assert main(["pairs", str(path), "lookahead.futures=3", "--overwrite"]) == 0


def test_lookahead_decoder_simulates_the_training_users_not_the_heldout_ones(quick_base, monkeypatch):
    """Its own simulator takes the conversation's shape and judge, never who the held-out users are."""
    from oyrl.lookahead import decoding

    made = []
    real_make_env = decoding.make_env

    def spy(env_id, reward, kwargs):
        made.append(dict(kwargs))
        return real_make_env(env_id, reward, kwargs)

    monkeypatch.setattr(decoding, "make_env", spy)
    decoder = decoding.LookaheadDecoder.from_spec(f"lookahead:{quick_base}?candidates=2&futures=1&horizon=1",
                                                  max_new_tokens=8, batch_size=1)
    heldout = {"split": "heldout", "reaction_params": {"leave_hard_refusal_logit": 2.0}, "max_turns": 1}
    (trajectory,) = decoder.play("oyrl/Mixed-v0", [1_000_000], heldout, 0)
    template, played = made
    assert template == {"max_turns": 1} and played == heldout
    assert len(trajectory.turns) == 1
