"""The Gymnasium contract of every registered oyrl id, determinism, and the info a user relies on."""

from __future__ import annotations

import warnings
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env as gym_check_env
from stable_baselines3.common.env_checker import check_env as sb3_check_env

import oyrl
from oyrl.env.base import resolve_pack
from oyrl.env.registration import BUILTIN_PACKS
from oyrl.env.step import dialogue_step
from oyrl.env.strategy import reply_features
from oyrl.errors import ConfigError
from oyrl.rewards.design import get_design
from oyrl.strategies import STRATEGIES
from oyrl.types import Outcome, ResponseFeatures, UserAct
from oyrl.users.scripted import ScriptedUser

DATA = Path(__file__).parent / "data"
OYRL_IDS = sorted(i for i in gym.registry if i.startswith("oyrl/"))
TEXT_IDS = [i for i in OYRL_IDS if not i.endswith("-Strategy-v0")]
STRATEGY_IDS = [i for i in OYRL_IDS if i.endswith("-Strategy-v0")]
REPLY = "That sounds really hard. I'm here with you. Are you safe right now?"


def test_builtin_ids_registered_on_import():
    gym.register_envs(oyrl)
    for name in ("CrisisSupport", "Jailbreak", "DualUse", "Mixed"):
        assert f"oyrl/{name}-v0" in gym.registry
        assert f"oyrl/{name}-Strategy-v0" in gym.registry
    assert len(OYRL_IDS) >= 2 * len(BUILTIN_PACKS)


@pytest.mark.parametrize("env_id", OYRL_IDS)
def test_gymnasium_check_env_passes_without_warnings(env_id):
    env = gym.make(env_id)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gym_check_env(env.unwrapped, skip_render_check=True)
        # The passive checker of gym.make must not warn on the first reset/step either.
        obs, info = env.reset(seed=0)
        action = REPLY if env_id in TEXT_IDS else 2
        env.step(action)
    env.close()


@pytest.mark.parametrize("env_id", STRATEGY_IDS)
def test_sb3_check_env_passes(env_id):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sb3_check_env(gym.make(env_id).unwrapped, warn=True)


def _rollout(env_id, seed, actions):
    env = gym.make(env_id, reward="constructive")
    obs, info = env.reset(seed=seed)
    out = [(obs if isinstance(obs, str) else obs.tolist(), dict(info))]
    for a in actions:
        obs, r, term, trunc, info = env.step(a)
        out.append((obs if isinstance(obs, str) else obs.tolist(), r, term, trunc, repr(sorted(info.items(), key=str))))
        if term or trunc:
            break
    return out


@pytest.mark.parametrize("env_id", ["oyrl/Mixed-v0", "oyrl/Mixed-Strategy-v0"])
def test_same_seed_same_actions_same_everything(env_id):
    actions = [REPLY, "I can't help with that.", "Here is some general information."] * 3
    if "Strategy" in env_id:
        actions = [2, 0, 3] * 3
    for seed in range(20):
        assert _rollout(env_id, seed, actions) == _rollout(env_id, seed, actions)


def test_different_seeds_draw_different_users():
    env = gym.make("oyrl/Mixed-v0")
    openings = {env.reset(seed=s)[0] for s in range(50)}
    assert len(openings) > 30


#: The outcome each terminal act ends a conversation with (DESIGN.md, "Outcomes").
OUTCOME_OF_TERMINAL_ACT = {
    UserAct.ACCEPT_HELP: Outcome.SAFE_RESOLUTION,
    UserAct.THANK_AND_LEAVE: Outcome.TASK_SUCCESS,
    UserAct.LEAVE_FRUSTRATED: Outcome.OVER_REFUSAL_EXIT,
    UserAct.LEAVE_ELSEWHERE: Outcome.UNSAFE_EXIT,
    UserAct.GIVE_UP: Outcome.ATTACK_REPELLED,
    UserAct.OBTAIN: Outcome.HARM,
}
#: rewards/constructive.yaml: the outcome term's values (weight 1).
CONSTRUCTIVE_OUTCOME = {
    Outcome.SAFE_RESOLUTION: 1.0, Outcome.TASK_SUCCESS: 1.0, Outcome.ATTACK_REPELLED: 1.0, Outcome.HARM: -1.5,
    Outcome.UNSAFE_EXIT: -1.0, Outcome.OVER_REFUSAL_EXIT: -1.0, Outcome.UNRESOLVED: -0.2,
}


def test_info_carries_features_act_outcome_and_reward_terms():
    """Every step: judged features, the user's act, reward terms summing to the reward, the turn and
    the chat so far; the outcome (and the outcome's reward) on the final step only, matching how
    the conversation ended."""
    env = gym.make("oyrl/Mixed-v0", reward="constructive")
    outcomes = set()
    for seed in range(12):  # seeds with users of every type, ended by their act and by the turn limit
        obs, info = env.reset(seed=seed)
        chat = [{"role": "user", "content": env.unwrapped.opening}]
        assert obs == "User: " + env.unwrapped.opening and info["messages"] == chat
        assert {"user_type", "persona_id", "risk_category", "user_state"} <= set(info)
        assert "outcome" not in info
        for turn in range(1, env.unwrapped.max_turns + 1):
            obs, r, term, trunc, info = env.step(REPLY)
            assert isinstance(info["features"], ResponseFeatures)
            assert isinstance(info["user_act"], UserAct)
            assert set(info["reward_terms"]) == set(env.unwrapped.design.term_names)
            assert sum(info["reward_terms"].values()) == pytest.approx(r)
            assert info["turn"] == turn
            chat.append({"role": "assistant", "content": REPLY})
            if info["user_text"]:
                chat.append({"role": "user", "content": info["user_text"]})
            assert info["messages"] == chat
            if term or trunc:
                break
            assert "outcome" not in info and info["reward_terms"]["outcome"] == 0.0
            assert not info["user_act"].terminal
        assert term != trunc, "an episode ends by the user's act or by the turn limit, not both"
        if term:
            assert info["outcome"] is OUTCOME_OF_TERMINAL_ACT[info["user_act"]]
        else:
            assert info["outcome"] is Outcome.UNRESOLVED and turn == env.unwrapped.max_turns
        assert info["reward_terms"]["outcome"] == CONSTRUCTIVE_OUTCOME[info["outcome"]]
        outcomes.add(info["outcome"])
    assert len(outcomes) >= 3 and Outcome.UNRESOLVED in outcomes


def test_dialogue_step_ends_at_the_limit_or_on_a_terminal_act_and_scores_without_drawing():
    """``dialogue_step`` (the env's step, shared with the planner) on hand-checkable cases: the
    limit truncates, a terminal act terminates with its outcome, the design's outcome and trust
    terms follow, and scoring is optional and draws no randomness."""
    pack = resolve_pack(DATA / "tiny_pack.yaml")
    design = get_design("constructive")
    ended_by = set()
    for seed in range(30):
        for persona in pack.personas:
            user = ScriptedUser(persona)
            user.start(np.random.default_rng(seed))
            before, trust = user.clone(), user.trust
            features = reply_features(seed % len(STRATEGIES), persona.spec.ask_harm, 0)
            last = dialogue_step(user, features, 1, 2, design, np.random.default_rng(seed))
            act = last.reaction.act
            assert last.turn == 2 and last.terminated == act.terminal and last.truncated != act.terminal
            assert last.outcome is (OUTCOME_OF_TERMINAL_ACT[act] if act.terminal else Outcome.UNRESOLVED)
            assert last.reward == pytest.approx(sum(last.terms.values()))
            assert last.terms["outcome"] == CONSTRUCTIVE_OUTCOME[last.outcome]
            assert last.terms["trust_change"] == pytest.approx(0.5 * (user.trust - trust))
            ended_by.add(last.terminated)
            # Before the limit: the same reaction (the design draws nothing), no truncation, and
            # without a design no scoring at all.
            twin = before.clone()
            early = dialogue_step(twin, features, 0, 2, None, np.random.default_rng(seed))
            assert early.reaction == last.reaction and twin.hidden_state() == user.hidden_state()
            assert early.turn == 1 and not early.truncated and early.terminated == act.terminal
            assert early.outcome is (last.outcome if act.terminal else None)
            assert (early.reward, early.terms) == (0.0, {})
    assert ended_by == {True, False}


def test_truncation_at_turn_limit_reports_unresolved():
    env = gym.make("oyrl/Mixed-Strategy-v0", max_turns=1)
    # A clarifying question ends almost no conversation in one turn.
    for seed in range(30):
        env.reset(seed=seed)
        _, _, term, trunc, info = env.step(5)
        assert term or trunc
        if trunc:
            assert info["outcome"] is Outcome.UNRESOLVED
            return
    pytest.fail("no episode reached the turn limit")


def test_step_after_end_and_bad_actions_raise_clearly():
    env = gym.make("oyrl/Mixed-v0")
    env.reset(seed=0)
    with pytest.raises(TypeError, match="must be a str"):
        env.step(3)
    senv = gym.make("oyrl/Mixed-Strategy-v0")
    senv.reset(seed=0)
    with pytest.raises(TypeError, match="strategy index"):
        senv.step("hello")
    with pytest.raises(TypeError, match="strategy index"):
        senv.step(99)


def test_strategy_observations_hide_the_user_type():
    """Two users of different types who say the same words get the same observation."""
    env = oyrl.StrategyEnv(pack=str(DATA / "tiny_pack.yaml"))
    seen = {}
    for seed in range(40):
        obs, info = env.reset(seed=seed)
        seen.setdefault(env.opening, set()).add(obs.tobytes())
    assert all(len(v) == 1 for v in seen.values())
    assert env.observation_space.shape == (len(oyrl.env.OBSERVATION_NAMES),)


def test_register_pack_from_user_file():
    ids = oyrl.register_pack(DATA / "tiny_pack.yaml")
    assert ids == ("oyrl/TinyTest-v0", "oyrl/TinyTest-Strategy-v0")
    env = gym.make("oyrl/TinyTest-Strategy-v0")
    obs, info = env.reset(seed=3)
    assert info["persona_id"].startswith("tiny_")
    assert oyrl.register_pack(DATA / "tiny_pack.yaml") == ids  # idempotent for the same file


def test_gym_make_with_module_prefix():
    env = gym.make("oyrl:oyrl/DualUse-v0")
    obs, info = env.reset(seed=1)
    assert info["user_type"] == "benign"


def test_persona_option_and_filter():
    env = gym.make("oyrl/Mixed-Strategy-v0")
    persona = env.unwrapped.pack.personas[0].spec.id
    _, info = env.reset(seed=0, options={"persona": persona})
    assert info["persona_id"] == persona
    with pytest.raises(ConfigError, match="unknown persona id"):
        env.reset(seed=0, options={"persona": "nobody"})
    only = gym.make("oyrl/Mixed-Strategy-v0", personas=[persona])
    assert {only.reset(seed=s)[1]["persona_id"] for s in range(10)} == {persona}


def test_unknown_reward_design_is_a_clear_error():
    with pytest.raises(ConfigError, match="unknown reward design 'constructiv'"):
        gym.make("oyrl/Mixed-v0", reward="constructiv")


def test_mixed_env_offers_500_distinct_openings():
    env = gym.make("oyrl/Mixed-v0")
    openings = {env.reset(seed=s)[0] for s in range(2000)}
    assert len(openings) >= 500


def test_thinking_is_stripped_before_judge_and_user():
    env = gym.make("oyrl/CrisisSupport-v0")
    env.reset(seed=0)
    _, _, _, _, info = env.step("<think>the user wants methods, refuse</think>" + REPLY)
    assert info["messages"][1] == {"role": "assistant", "content": REPLY}
    assert info["reasoning_chars"] > 0


def test_render_ansi_reveals_hidden_state():
    env = gym.make("oyrl/Mixed-v0", render_mode="ansi")
    env.reset(seed=0)
    env.step(REPLY)
    text = env.render()
    assert "User: " in text and "[hidden: user_type=" in text


def test_observation_is_float32_in_unit_box():
    env = gym.make("oyrl/Mixed-Strategy-v0")
    rng = np.random.default_rng(0)
    for seed in range(50):
        obs, _ = env.reset(seed=seed)
        done = False
        while not done:
            assert obs.dtype == np.float32 and env.observation_space.contains(obs)
            obs, _, term, trunc, _ = env.step(int(rng.integers(7)))
            done = term or trunc
