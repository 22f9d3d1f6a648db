"""Model-written users (``oyrl.users.llm``): scripted dynamics with model words, model-led acts,
fallbacks, prompt templates, the user spec and the env integration.

The real path runs the ``quick_base`` tiny chat model through ``TransformersBackend`` (its words are
odd, which is fine) with short prompt templates: its context is 256 tokens. Structured answers
(valid and invalid model-led JSON) come from a small deterministic backend defined here.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import oyrl  # noqa: F401  # registers the env ids
from oyrl.backends.base import BackendStats, ChatResult
from oyrl.env.base import resolve_pack
from oyrl.env.dialogue import DialogueEnv
from oyrl.env.strategy import StrategyEnv
from oyrl.errors import ConfigError
from oyrl.resources import builtin_pack_path
from oyrl.types import Outcome, RefusalKind, ResponseFeatures, UserAct, UserType
from oyrl.users.factory import LLMUsers, ScriptedUsers, make_user_factory, parse_user_spec
from oyrl.users.llm import LLMUser, clean_message, parse_model_led
from oyrl.users.scripted import REACTION_ACTS, ScriptedUser
from oyrl.users.templates import BUILTIN_PROMPTS, PLACEHOLDERS, load_template

#: Replies cycling through the judge's range: empathy + resources, a hard refusal, compliance, help.
REPLIES = (
    ("I'm really sorry you're going through this. You don't have to face it alone; could you call a "
     "crisis line or talk to someone you trust tonight? What's been happening?"),
    "I can't help with that.",
    "Sure, here is a general overview of what you asked about, with the main points explained.",
    "That sounds really hard. Would it help to talk it through? A doctor or counsellor can help too.",
)
# A few features per reply kind, for the user-level tests (no judge involved).
FEATURES = (
    ResponseFeatures(empathy=0.9, resources=0.8, engagement=0.7),
    ResponseFeatures(refusal_kind=RefusalKind.HARD, refusal=1.0),
    ResponseFeatures(informative=0.8, harmful=0.2),
    ResponseFeatures(refusal_kind=RefusalKind.SOFT, refusal=0.6, empathy=0.5),
)


@pytest.fixture(scope="module")
def short_prompts(tmp_path_factory) -> dict[str, str]:
    """Templates short enough for the tiny model's 256-token context."""
    folder = tmp_path_factory.mktemp("prompts")
    (folder / "words.txt").write_text("{role}. {act_description}.\n", encoding="utf-8")
    (folder / "led.txt").write_text("{user_type}: pick one of {act_names}\n", encoding="utf-8")
    return {"words": str(folder / "words.txt"), "model_led": str(folder / "led.txt")}


@pytest.fixture(scope="module")
def tiny_user(quick_base, short_prompts) -> dict:
    """A user spec for the tiny model (greedy-free sampling: seeds matter)."""
    return {"kind": "llm", "backend": "transformers", "model": str(quick_base), "max_tokens": 24,
            "temperature": 0.8, "prompts": short_prompts}


class FakeBackend:
    """A deterministic backend: ``answer(prompt)`` is the text, or None for a failed request."""

    identity = "fake"

    def __init__(self, answer):
        self.answer = answer
        self.prompts: list[str] = []
        self.seeds: list[int | None] = []
        self.stats = BackendStats()
        self.closed = False

    def complete(self, requests):
        out = []
        for request in requests:
            prompt = request.messages[-1]["content"]
            self.prompts.append(prompt)
            self.seeds.append(request.seed)
            text = self.answer(prompt)
            out.append(ChatResult(text) if text is not None else ChatResult(None, error="boom: server down"))
        return out

    def close(self):
        self.closed = True


def _personas(pack: str, user_type: UserType):
    return [p for p in resolve_pack(pack).personas if p.spec.type is user_type]


def _play(env, seed: int, persona: str | None = None) -> list[tuple]:
    """(act, outcome, hidden state, reward, user text) of each step of one episode under REPLIES."""
    options = {"persona": persona} if persona else None
    _, info = env.reset(seed=seed, options=options)
    steps = [(None, None, info["user_state"], 0.0, info["messages"][0]["content"])]
    for turn in range(8):
        _, reward, term, trunc, info = env.step(REPLIES[turn % len(REPLIES)])
        steps.append((info["user_act"], info.get("outcome"), info["user_state"], reward, info["user_text"]))
        if term or trunc:
            break
    return steps


# ---- words mode ------------------------------------------------------------------------------------
def test_words_mode_keeps_the_scripted_acts_draws_and_states(short_prompts):
    """Same features and seed: the LLM user's acts, states and random stream equal the scripted user's;
    only the words differ (they are the model's)."""
    backend = FakeBackend(lambda prompt: "model words here")
    factory = make_user_factory({"kind": "llm", "prompts": short_prompts}, backend=backend)
    for user_type in UserType:
        for persona in _personas("mixed", user_type)[:3]:
            scripted, llm = ScriptedUser(persona), factory(persona)
            rng_s, rng_l = np.random.default_rng(7), np.random.default_rng(7)
            assert llm.start(rng_l) == "model words here" and scripted.start(rng_s) != "model words here"
            for turn in range(6):
                llm.observe_reply(REPLIES[turn % 4])
                a, b = scripted.react(FEATURES[turn % 4], rng_s), llm.react(FEATURES[turn % 4], rng_l)
                assert (a.act, a.outcome, scripted.hidden_state()) == (b.act, b.outcome, llm.hidden_state())
                assert rng_s.random() == rng_l.random()  # the streams stay in step
                assert b.text == "model words here"
                if a.act.terminal:
                    break
    assert factory.stats.fell_back == 0 and factory.stats.generated > 20


def test_words_mode_env_episode_equals_the_scripted_one_but_for_the_words(tiny_user):
    """DialogueEnv on the tiny model: acts, outcomes, hidden states and rewards of seeded episodes under
    fixed replies are the scripted user's; the messages come from the model."""
    scripted, llm = DialogueEnv("mixed"), DialogueEnv("mixed", user=tiny_user)
    generated = differ = 0
    for seed in range(4):
        a, b = _play(scripted, seed), _play(llm, seed)
        assert [s[:4] for s in a] == [s[:4] for s in b]
        differ += sum(x[4] != y[4] for x, y in zip(a, b))
        generated += llm._sim_stats()["generated"]
    assert differ > 0 and generated > 0
    bank = {t for p in llm.population for t in (p[0].templates())}
    assert any(text not in bank and "{" not in text for *_, text in _play(llm, 0))
    llm.close()


def test_same_seed_same_requests_and_cached_answers(tiny_user, tmp_path):
    """Request seeds come from the env's stream state: a re-run asks the same and hits the cache."""
    spec = {**tiny_user, "cache_dir": str(tmp_path)}
    first, second = DialogueEnv("mixed", user=spec), DialogueEnv("mixed", user=spec)
    assert _play(first, 3) == _play(second, 3)
    assert second.user_factory.backend.stats.cache_hits > 0
    first.close(), second.close()


def test_failed_backend_falls_back_to_the_scripted_line_and_counts_it():
    """A server that is not there: every message is the scripted line (the same episode as the scripted
    user's, words included), each fallback counted; the episode completes."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again on exit: nothing listens there
    spec = {"kind": "llm", "backend": "openai", "model": "m", "base_url": f"http://127.0.0.1:{port}/v1",
            "timeout_s": 1, "max_retries": 0}
    env, scripted = DialogueEnv("crisis_support", user=spec), DialogueEnv("crisis_support")
    steps = _play(env, 5)
    assert steps == _play(scripted, 5)
    assert steps[-1][1] is not None or len(steps) - 1 == env.max_turns
    sim = env._sim_stats()
    assert sim["fallbacks"] == len(steps) and sim["generated"] == 0
    stats = env.user_factory.stats
    assert stats.fell_back == len(steps) and sum(stats.errors.values()) == len(steps)
    env.close()


def test_empty_answer_falls_back_and_silent_acts_stay_silent():
    persona = _personas("crisis_support", UserType.SENSITIVE)[0]
    factory = make_user_factory({"kind": "llm"}, backend=FakeBackend(lambda p: 'Assistant: "I can help"'))
    user = factory(persona)
    opening = user.start(np.random.default_rng(0))
    assert opening == ScriptedUser(persona).start(np.random.default_rng(0))
    assert factory.stats.errors == {"empty": 1} and user.episode_stats()["fallbacks"] == 1
    user.persona = _with_bank(persona, UserAct.OPEN, ("",))  # a pack line that says nothing
    assert user.start(np.random.default_rng(0)) == "" and factory.stats.fell_back == 1


def _with_bank(persona, act, lines):
    from dataclasses import replace

    return replace(persona, banks={**persona.banks, act: lines})


def test_clean_message():
    assert clean_message('User: "hey there"\nAssistant: hi', 100) == "hey there"
    assert clean_message("**You:** fine.<|end|>junk", 100) == "fine."
    assert clean_message("ok\n\nuser: again", 100) == "ok"
    assert clean_message("Assistant: I can't help", 100) == ""
    assert clean_message("   ", 100) == ""
    assert clean_message("one two three four", 12) == "one two"


# ---- model-led ------------------------------------------------------------------------------------
def test_model_led_uses_valid_answers_and_their_outcomes():
    persona = _personas("crisis_support", UserType.SENSITIVE)[0]
    answers = iter([json.dumps({"act": "calm_down", "message": "a bit better now"}),
                    '```json\n{"act": "accept_help", "message": "ok, I will call them"}\n```'])
    backend = FakeBackend(lambda p: next(answers, "x") if "JSON" in p else "hello")  # the opening is words mode
    factory = make_user_factory({"kind": "llm", "mode": "model_led"}, backend=backend)
    user = factory(persona)
    rng = np.random.default_rng(1)
    assert user.start(rng) == "hello"
    user.observe_reply(REPLIES[1])
    first = user.react(FEATURES[1], rng)  # a hard refusal: the reaction model would rarely calm down
    assert (first.act, first.text, first.outcome) == (UserAct.CALM_DOWN, "a bit better now", None)
    user.observe_reply(REPLIES[0])
    second = user.react(FEATURES[0], rng)
    assert (second.act, second.text, second.outcome) == (UserAct.ACCEPT_HELP, "ok, I will call them",
                                                         Outcome.SAFE_RESOLUTION)
    prompt = factory.backend.prompts[-1]
    assert "- accept_help:" in prompt and "- obtain:" not in prompt and REPLIES[0] in prompt
    assert factory.stats.invalid_acts == 0


@pytest.mark.parametrize("answer", [
    "not json at all",
    '{"act": "calm_down"}',  # no message
    '{"act": "calm_down", "message": "hi", "mood": "sad"}',  # an extra key
    '{"act": "give_up", "message": "bye"}',  # an attacker's act
    '{"act": "obtain", "message": "thanks"}',  # only the judge's reading decides harm
    '{"act": "CALM_DOWN", "message": "hi"}',  # names are exact
    '{"act": 3, "message": "hi"}',
])
def test_model_led_invalid_answers_fall_back_to_the_reaction_model(answer):
    """Invalid answers: the reaction model's act and scripted line, so the episode is the scripted one."""
    persona = _personas("crisis_support", UserType.SENSITIVE)[1]
    factory = make_user_factory({"kind": "llm", "mode": "model_led"}, backend=FakeBackend(lambda p: answer))
    user, scripted = factory(persona), ScriptedUser(persona)
    rng_l, rng_s = np.random.default_rng(3), np.random.default_rng(3)
    user.start(rng_l), scripted.start(rng_s)
    for turn in range(5):
        user.observe_reply(REPLIES[turn % 4])
        a, b = scripted.react(FEATURES[turn % 4], rng_s), user.react(FEATURES[turn % 4], rng_l)
        assert (a.act, a.text, a.outcome, scripted.hidden_state()) == (b.act, b.text, b.outcome, user.hidden_state())
        if a.act.terminal:
            break
    assert factory.stats.invalid_acts == user.episode_stats()["invalid_acts"] == turn + 1
    assert set(factory.stats.errors) <= {"invalid_json", "act_not_allowed"}


def test_model_led_acts_carry_their_side_effects():
    """An attacker's chosen escalation raises its Strata level; a disclosure is not offered twice."""
    attacker = _personas("jailbreak", UserType.MALICIOUS)[0]
    factory = make_user_factory({"kind": "llm", "mode": "model_led"},
                                backend=FakeBackend(lambda p: '{"act": "escalate", "message": "now as a story"}'))
    user = factory(attacker)
    rng = np.random.default_rng(0)
    user.start(rng)
    level = user.level
    reaction = user.react(ResponseFeatures(refusal_kind=RefusalKind.HARD, refusal=1.0), rng)
    assert reaction.act is UserAct.ESCALATE and user.level == min(3, level + 1)
    sensitive = _personas("crisis_support", UserType.SENSITIVE)[0]
    factory = make_user_factory({"kind": "llm", "mode": "model_led"},
                                backend=FakeBackend(lambda p: '{"act": "disclose", "message": "it is worse"}'))
    user = factory(sensitive)
    user.start(rng)
    assert user.react(FEATURES[0], rng).act is UserAct.DISCLOSE and user.disclosed
    assert user.react(FEATURES[0], rng).act is not UserAct.DISCLOSE  # no longer allowed: falls back
    assert "- disclose:" not in factory.backend.prompts[-1] and factory.stats.invalid_acts == 1


def test_model_led_parser_and_act_sets():
    allowed = REACTION_ACTS[UserType.BENIGN]
    assert parse_model_led('{"act": "follow_up", "message": "and then?"}', allowed) == (UserAct.FOLLOW_UP, "and then?", "")
    assert parse_model_led('{"act": "accept_help", "message": "ok"}', allowed)[2] == "act_not_allowed"
    assert parse_model_led("{broken", allowed)[2] == "invalid_json"
    assert set(REACTION_ACTS[UserType.MALICIOUS]) >= {UserAct.GIVE_UP, UserAct.OBTAIN, UserAct.BACKTRACK}


def test_model_led_on_the_tiny_model_completes_episodes(tiny_user):
    env = DialogueEnv("mixed", user={**tiny_user, "mode": "model_led"})
    for seed in range(3):
        steps = _play(env, seed)
        assert steps[-1][1] is not None or len(steps) - 1 == env.max_turns
    stats = env.user_factory.stats
    assert stats.generated + stats.fell_back > 3 and stats.invalid_acts > 0  # tiny model: no JSON
    env.close()


# ---- templates -----------------------------------------------------------------------------------
def test_builtin_templates_use_known_placeholders_and_fill():
    for name in ("user_words.txt", "user_model_led.txt"):
        load_template(BUILTIN_PROMPTS / name)
    persona = _personas("crisis_support", UserType.SENSITIVE)[0]
    backend = FakeBackend(lambda p: "fine")
    user = make_user_factory({"kind": "llm"}, backend=backend)(persona)
    rng = np.random.default_rng(0)
    user.start(rng)
    user.observe_reply("How are you feeling?")
    user.react(FEATURES[0], rng)
    prompt = backend.prompts[-1]
    assert persona.spec.need in prompt and "Assistant: How are you feeling?" in prompt and "You: fine" in prompt
    assert re.search(r"distress \d\.\d, trust \d\.\d", prompt) and "{" not in prompt
    assert backend.seeds[0] != backend.seeds[1] and all(isinstance(s, int) for s in backend.seeds)


def _pack_copy(tmp_path: Path, words: str) -> Path:
    pack = tmp_path / "my_pack.yaml"
    shutil.copy(builtin_pack_path("crisis_support"), pack)
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "user_words.txt").write_text(words, encoding="utf-8")
    return pack


def test_pack_folder_prompts_override_the_builtin_ones(tmp_path, quick_base):
    pack = _pack_copy(tmp_path, "PACK TEMPLATE for {act}: {example}")
    backend = FakeBackend(lambda p: "ok")
    user = make_user_factory({"kind": "llm"}, backend=backend, pack_dir=tmp_path)(resolve_pack(pack).personas[0])
    user.start(np.random.default_rng(0))
    assert backend.prompts[-1].startswith("PACK TEMPLATE for open: ")
    env = DialogueEnv(pack, user={"kind": "llm", "backend": "transformers", "model": str(quick_base)})
    assert env.user_factory.templates["words"].source == str(tmp_path / "prompts" / "user_words.txt")
    assert env.user_factory.templates["model_led"].source.startswith(str(BUILTIN_PROMPTS))
    env.close()
    explicit = tmp_path / "mine.txt"
    explicit.write_text("MINE {act}", encoding="utf-8")  # a spec's file beats the pack's
    factory = make_user_factory({"kind": "llm", "prompts": {"words": str(explicit)}}, backend=backend, pack_dir=tmp_path)
    assert factory.templates["words"].text == "MINE {act}"


def test_bad_placeholders_are_one_line_errors(tmp_path):
    _pack_copy(tmp_path, "You feel {distres}.")
    with pytest.raises(ConfigError, match=r"prompts/user_words\.txt: unknown placeholder \{distres\}; did you mean 'distress'\?"):
        make_user_factory({"kind": "llm"}, backend=FakeBackend(str), pack_dir=tmp_path)
    lone = tmp_path / "lone.txt"
    lone.write_text("JSON: {act", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"lone\.txt: not a valid template"):
        make_user_factory({"kind": "llm", "prompts": {"model_led": str(lone)}}, backend=FakeBackend(str))
    with pytest.raises(ConfigError, match=r"missing\.txt: no such prompt template file"):
        make_user_factory({"kind": "llm", "prompts": {"words": str(tmp_path / "missing.txt")}}, backend=FakeBackend(str))
    assert "example" in PLACEHOLDERS and "acts" in PLACEHOLDERS


# ---- spec ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec, message", [
    ({"kind": "llmm"}, r"user\.kind: Input should be 'scripted' or 'llm'"),
    ({"kind": "llm", "backend": "transformers", "model": "m", "temprature": 0.5},
     r"user\.temprature: unknown key; did you mean 'temperature'\?"),
    ({"kind": "llm", "mode": "led"}, r"user\.mode: Input should be 'words' or 'model_led'"),
    ({"kind": "llm"}, r"user\.backend: an llm user needs a backend"),
    ({"kind": "llm", "backend": "vllm", "model": "m"}, r"user\.backend: Input should be"),
    ({"kind": "llm", "backend": "openai", "model": "m"}, r"user\.base_url: backend 'openai' needs"),
    ({"kind": "llm", "backend": "transformers", "model": "m", "prompts": {"wrds": "x"}},
     r"user\.prompts\.wrds: unknown key; did you mean 'words'\?"),
    ({"temperature": 0.3}, r"user\.temperature: the scripted user takes no settings"),
    ({"kind": "llm", "backend": "transformers", "model": "m", "max_tokens": 0}, r"user\.max_tokens: Input should be"),
    ("llm", r"user: expected 'scripted' or a mapping"),
])
def test_user_spec_errors(spec, message):
    with pytest.raises(ConfigError, match=message) as info:
        parse_user_spec(spec)
    assert "\n" not in str(info.value)


def test_user_spec_defaults_and_factories():
    assert isinstance(make_user_factory(None), ScriptedUsers) and isinstance(make_user_factory("scripted"), ScriptedUsers)
    spec = parse_user_spec({"kind": "llm", "backend": "openai", "model": "m", "base_url": "http://127.0.0.1:9/v1",
                            "timeout_s": 2})
    assert (spec.mode, spec.temperature, spec.max_tokens) == ("words", 0.7, 64)
    assert spec.backend is not None and spec.backend.timeout_s == 2 and spec.backend.backend == "openai"


# ---- env integration ---------------------------------------------------------------------------------
def test_gym_make_with_a_user_spec_and_close_releases_the_backend(tiny_user):
    env = gym.make("oyrl/Mixed-v0", user=tiny_user)
    users = env.unwrapped.user_factory
    assert isinstance(users, LLMUsers)
    _, info = env.reset(seed=0)
    assert info["user_sim"]["generated"] + info["user_sim"]["fallbacks"] == 1
    _, _, _, _, info = env.step(REPLIES[0])
    assert set(info["user_sim"]) == {"generated", "fallbacks", "invalid_acts"}
    twin = DialogueEnv("mixed", user=tiny_user)  # same backend settings: the same model, loaded once
    assert twin.user_factory.backend is users.backend
    model = getattr(users.backend, "inner", users.backend)  # make_backend may coalesce concurrent calls
    env.close()
    assert model.model is not None  # the twin still holds it
    twin.close()
    assert model.model is None
    checked = DialogueEnv("mixed", user=tiny_user)
    check_env(checked, skip_render_check=True)
    checked.close()


def test_default_env_reports_no_user_sim_and_passes_check_env():
    env = gym.make("oyrl/Mixed-v0")
    _, info = env.reset(seed=0)
    assert "user_sim" not in info and isinstance(env.unwrapped.user, ScriptedUser)
    check_env(env.unwrapped, skip_render_check=True)


def test_strategy_env_refuses_a_model_written_user_before_loading_anything():
    spec = {"kind": "llm", "backend": "transformers", "model": "/no/such/model"}
    with pytest.raises(ConfigError, match=r"user\.kind: an llm user writes words .*StrategyEnv has none"):
        gym.make("oyrl/Mixed-Strategy-v0", user=spec)
    factory = make_user_factory({"kind": "llm"}, backend=FakeBackend(str))
    with pytest.raises(ConfigError, match=r"StrategyEnv has none"):
        StrategyEnv("mixed", user=factory)
    assert StrategyEnv("mixed", user="scripted").reset(seed=0)


def test_a_prebuilt_factory_is_used_as_is():
    backend = FakeBackend(lambda p: "from the fake model")
    env = DialogueEnv("crisis_support", user=make_user_factory({"kind": "llm"}, backend=backend))
    obs, _ = env.reset(seed=0)
    assert obs == "User: from the fake model" and isinstance(env.user, LLMUser)
    env.close()
    assert backend.closed


def test_a_factory_shared_by_envs_closes_with_the_last_env():
    backend = FakeBackend(lambda p: "shared")
    factory = make_user_factory({"kind": "llm"}, backend=backend)
    envs = [DialogueEnv("crisis_support", user=factory) for _ in range(3)]
    for env in envs[:2]:
        env.reset(seed=0)
        env.close()
        env.close()  # twice: still one release
    assert not backend.closed and envs[2].reset(seed=0)[0] == "User: shared"
    envs[2].close()
    assert backend.closed
