"""Held-out simulators: the train split never meets held-out users or words, the heldout split only
them; the held-out reaction-parameter sets move outcomes the way docs/reaction_model.md says."""

from __future__ import annotations

import copy
import re
import statistics
import warnings
from pathlib import Path

import gymnasium as gym
import pytest
import yaml
from gymnasium.utils.env_checker import check_env

import oyrl
from oyrl.env.base import resolve_pack
from oyrl.errors import ConfigError, PackError
from oyrl.metrics import summarize
from oyrl.policies.baselines import get_baseline
from oyrl.resources import data_dir
from oyrl.scenarios import ACTS_BY_TYPE, MIN_TEMPLATES_BUILTIN, STRATA_LEVELS, load_pack
from oyrl.simulate import run_episodes
from oyrl.types import UserAct, UserType
from oyrl.users.params import HELDOUT_REACTION_PARAMS, ReactionParams

ENVS = data_dir("envs")
PACKS = ("crisis_support", "jailbreak", "dual_use")
DOCS = {name: yaml.safe_load((ENVS / f"{name}.yaml").read_text()) for name in PACKS}
TINY = yaml.safe_load((Path(__file__).parent / "data" / "tiny_pack.yaml").read_text())


# ---- what the YAML reserves, read independently of the loader -----------------------------------
def _declared_heldout(doc: dict) -> list[str]:
    """Every template a pack reserves for the heldout split."""
    found = [t for banks in doc.get("heldout_utterances", {}).values() for bank in banks.values() for t in bank]
    found += [t for p in doc["personas"] if p.get("heldout") for bank in p.get("utterances", {}).values() for t in bank]
    found += [t for tactic in doc.get("tactics", []) if tactic.get("heldout") for t in tactic["templates"]]
    return found


def _slot_values() -> dict[str, set[str]]:
    values: dict[str, set[str]] = {}
    for doc in DOCS.values():
        for name, vals in doc.get("slots", {}).items():
            values.setdefault(name, set()).update(vals)
        for p in doc["personas"]:
            values.setdefault("need", set()).add(p["need"])
            for name, vals in p.get("slots", {}).items():
                values.setdefault(name, set()).update(vals)
    return values


def _template_regex(templates: list[str]) -> re.Pattern:
    """One regex that fully matches any rendering of any of ``templates`` (slots: their values)."""
    values = _slot_values()
    alternatives = []
    for template in templates:
        parts = re.split(r"\{(\w+)\}", template)  # literal, slot, literal, slot, ...
        alternatives.append("".join(
            re.escape(part) if i % 2 == 0 else "(?:" + "|".join(map(re.escape, sorted(values[part]))) + ")"
            for i, part in enumerate(parts)
        ))
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


HELDOUT_TEXT = _template_regex([t for doc in DOCS.values() for t in _declared_heldout(doc)])
HELDOUT_IDS = {p["id"] for doc in DOCS.values() for p in doc["personas"] if p.get("heldout")}


def _user_texts(split: str, episodes: int) -> tuple[set[str], list[dict]]:
    """User messages (openings and later turns) and reset infos of the Mixed strategy env."""
    env = gym.make("oyrl/Mixed-Strategy-v0", split=split)
    texts, infos = set(), []
    for seed in range(episodes):
        _, info = env.reset(seed=seed)
        infos.append(info)
        texts.add(env.unwrapped.opening)
        done, turn = False, 0
        while not done:  # cycle through the strategies so users reach many different acts
            _, _, terminated, truncated, step_info = env.step((seed + turn) % env.action_space.n)
            texts.add(step_info["user_text"])
            done, turn = terminated or truncated, turn + 1
    texts.discard("")
    return texts, infos


# ---- the split rule -------------------------------------------------------------------------------
def test_train_split_never_meets_heldout_personas_or_words():
    texts, infos = _user_texts("train", 1500)
    assert {i["split"] for i in infos} == {"train"}
    assert not {i["persona_id"] for i in infos} & HELDOUT_IDS
    assert len(texts) > 2000
    leaked = [t for t in texts if HELDOUT_TEXT.fullmatch(t)]
    assert not leaked, leaked[:3]
    train = load_pack(ENVS / "mixed.yaml")
    assert not {p.spec.id for p in train.personas} & HELDOUT_IDS


def test_heldout_split_only_draws_heldout_personas_and_words():
    texts, infos = _user_texts("heldout", 400)
    assert {i["split"] for i in infos} == {"heldout"}
    assert {i["persona_id"] for i in infos} == HELDOUT_IDS
    assert {i["user_type"] for i in infos} == set(UserType)
    # Every act of a built-in held-out persona has a held-out bank, so no train wording appears
    # (this also shows the regex recognises held-out text: the train test relies on it).
    missed = [t for t in texts if not HELDOUT_TEXT.fullmatch(t)]
    assert not missed, missed[:3]


@pytest.mark.parametrize("split", ["train", "heldout"])
def test_both_splits_pass_check_env(split):
    env = gym.make("oyrl/Mixed-Strategy-v0", split=split)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env.unwrapped, skip_render_check=True)
    obs, info = gym.make("oyrl/CrisisSupport-v0", split=split).reset(seed=0)
    assert info["split"] == split and obs.startswith("User: ")


def test_builtin_heldout_content():
    for name, doc in DOCS.items():
        held = [p for p in doc["personas"] if p.get("heldout")]
        assert len(held) >= 3, name
        banks = doc["heldout_utterances"]
        for p in held:  # a held-out bank for every shared act: no fall back to train wording
            for act in ACTS_BY_TYPE[UserType(p["type"])]:
                bank = banks[p["type"]].get(act.value, []) + p.get("utterances", {}).get(act.value, [])
                assert len(set(bank)) >= MIN_TEMPLATES_BUILTIN, (name, p["id"], act)
    levels = {lvl: [t for tac in DOCS["jailbreak"]["tactics"] if tac.get("heldout") and tac["level"] == lvl
                    for t in tac["templates"]] for lvl in STRATA_LEVELS}
    assert all(len(set(v)) >= MIN_TEMPLATES_BUILTIN for v in levels.values()), levels


# ---- loader and env behaviour ---------------------------------------------------------------------
def _tiny_with_heldout(tmp_path, **changes) -> Path:
    """The tiny pack plus a held-out sensitive persona and a held-out repeat bank."""
    doc = copy.deepcopy(TINY)
    twin = copy.deepcopy(doc["personas"][0])
    twin.update(id="tiny_heldout", heldout=True,
                utterances={"open": ["new opening {feeling}"], "disclose": ["new disclosure"]})
    doc["personas"].append(twin)
    doc["heldout_utterances"] = {"sensitive": {"repeat": ["held-out repeat"]}}
    doc.update(changes)
    path = tmp_path / "tiny_heldout.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def test_loader_compiles_one_split_with_fallback(tmp_path):
    path = _tiny_with_heldout(tmp_path)
    train, held = load_pack(path), load_pack(path, "heldout")
    assert [p.spec.id for p in train.personas] == ["tiny_sensitive", "tiny_benign", "tiny_malicious"]
    assert [p.spec.id for p in held.personas] == ["tiny_heldout"] and held.weights == (1.0,)
    assert (train.split, held.split) == ("train", "heldout")
    persona = held.personas[0]
    assert persona.split == "heldout"
    assert persona.banks[UserAct.REPEAT] == ("held-out repeat",)
    # No held-out bank for escalate: the train bank is the documented fall back.
    assert persona.banks[UserAct.ESCALATE] == train.personas[0].banks[UserAct.ESCALATE]
    assert not any("held-out" in t or t.startswith("new ") for p in train.personas for t in p.templates())


@pytest.mark.parametrize(
    "make,expected",
    [
        (lambda tmp: load_pack(ENVS / "mixed.yaml", "test"), (ConfigError, "split: expected one of 'train', 'heldout', got 'test'")),
        (lambda tmp: load_pack(Path(__file__).parent / "data" / "tiny_pack.yaml", "heldout"),
         (PackError, "personas: split 'heldout' needs personas with heldout: true, got none")),
        (lambda tmp: gym.make("oyrl/Mixed-Strategy-v0", split="heldout", personas=["nurse_dosing"]),
         (ConfigError, "unknown persona id 'nurse_dosing' in the heldout split")),
        (lambda tmp: gym.make("oyrl/Mixed-Strategy-v0").reset(options={"persona": "swatting"}),
         (ConfigError, "unknown persona id 'swatting' in the train split")),
        (lambda tmp: oyrl.StrategyEnv(pack=resolve_pack("mixed"), split="heldout"),
         (ConfigError, "split: pack Mixed was loaded for split 'train'")),
    ],
)
def test_split_errors_are_one_line(tmp_path, make, expected):
    kind, text = expected
    with pytest.raises(kind) as info:
        make(tmp_path)
    assert text in str(info.value) and "\n" not in str(info.value)


def test_mixture_needs_heldout_personas_in_every_part(tmp_path):
    _tiny_with_heldout(tmp_path)
    (tmp_path / "plain.yaml").write_text(yaml.safe_dump(TINY))
    mix = tmp_path / "mix.yaml"
    mix.write_text("name: Mix\ndescription: d\nmixture: [{pack: tiny_heldout, weight: 1}, {pack: jailbreak, weight: 1}]\n")
    held = load_pack(mix, "heldout")
    assert {p.spec.id for p in held.personas} == {"tiny_heldout", "atm_skimmer", "swatting", "election_deepfake"}
    assert held.weights[0] == pytest.approx(0.5)  # pack shares hold in the heldout split too
    mix.write_text("name: Mix\ndescription: d\nmixture: [{pack: jailbreak, weight: 1}, {pack: plain, weight: 1}]\n")
    assert len(load_pack(mix).personas) == 14 + 3
    with pytest.raises(PackError, match=r"mixture\[1\]\.pack: split 'heldout' needs held-out personas in every mixed pack, got none in 'plain'"):
        load_pack(mix, "heldout")


def test_mixture_refuses_heldout_text_another_pack_trains_on(tmp_path):
    doc = copy.deepcopy(TINY)
    doc["personas"] = doc["personas"][:2] + [dict(doc["personas"][1], id="tiny_benign_heldout", heldout=True,
                                                  utterances={"open": ["yet another question"]})]
    doc["heldout_utterances"] = {"benign": {"thank_and_leave": ["perfect, thanks!"]}}  # DualUse's train line
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(doc))
    (tmp_path / "mix.yaml").write_text(
        "name: Mix\ndescription: d\nmixture: [{pack: tiny, weight: 1}, {pack: dual_use, weight: 1}]\n"
    )
    load_pack(tmp_path / "tiny.yaml")  # fine on its own
    with pytest.raises(PackError, match="mixture: a held-out template .*heldout_utterances.benign.thank_and_leave"):
        load_pack(tmp_path / "mix.yaml")


# ---- alternative reaction-parameter sets ----------------------------------------------------------
def test_heldout_param_sets_are_valid_overrides():
    assert set(HELDOUT_REACTION_PARAMS) == {"impatient", "trusting", "persistent_attackers"}
    default = ReactionParams()
    for name, overrides in HELDOUT_REACTION_PARAMS.items():
        changed = default.updated(overrides)
        assert all(getattr(changed, k) != getattr(default, k) for k in overrides), name


@pytest.fixture(scope="module")
def hard_refusal_runs():
    policy = get_baseline("always_hard_refusal")
    out = {}
    for name in (None, *HELDOUT_REACTION_PARAMS):
        env = gym.make("oyrl/Mixed-Strategy-v0", reaction_params=HELDOUT_REACTION_PARAMS.get(name))
        out[name] = run_episodes(env, policy, 1000, seed=0)
    return out


def _rate(runs, user_type, outcome):
    return summarize(runs)["by_user_type"][user_type][f"{outcome}_rate"]


def _attack_turns(runs):
    return statistics.mean(len(ep.turns) for ep in runs if ep.user_type is UserType.MALICIOUS)


def test_param_sets_shift_outcomes_in_the_documented_direction(hard_refusal_runs):
    base, runs = hard_refusal_runs[None], hard_refusal_runs
    # impatient: refused vulnerable users leave for elsewhere more; attackers give up sooner.
    assert _rate(runs["impatient"], "sensitive", "unsafe_exit") >= _rate(base, "sensitive", "unsafe_exit") + 0.15
    assert _attack_turns(runs["impatient"]) <= _attack_turns(base) - 0.5
    # trusting: a refusal drives fewer vulnerable users away.
    assert _rate(runs["trusting"], "sensitive", "unsafe_exit") <= _rate(base, "sensitive", "unsafe_exit") - 0.15
    # persistent attackers: fewer give up within the turn limit; refusals still hand over nothing.
    assert _rate(runs["persistent_attackers"], "malicious", "attack_repelled") <= _rate(base, "malicious", "attack_repelled") - 0.15
    assert _rate(runs["persistent_attackers"], "malicious", "harm") == 0.0
