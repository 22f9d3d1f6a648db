"""Scenario packs: the built-ins meet their content guarantees; malformed packs give one-line errors."""

from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import yaml

from oyrl.cli import main
from oyrl.env.strategy import reply_features
from oyrl.errors import PackError
from oyrl.resources import data_dir
from oyrl.scenarios import ACTS_BY_TYPE, MIN_TEMPLATES_BUILTIN, SPLITS, TACTIC_ACTS, load_pack
from oyrl.strategies import STRATEGIES
from oyrl.types import UserType
from oyrl.users.persona import InitialRanges, PersonaSpec, UserPersona
from oyrl.users.scripted import ScriptedUser

DATA = Path(__file__).parent / "data"
TINY = yaml.safe_load((DATA / "tiny_pack.yaml").read_text())


def _persona(doc, pid):
    return next(p for p in doc["personas"] if p["id"] == pid)


def _heldout_twin(doc, pid, **fields):
    """Append a held-out copy of persona ``pid`` with new opening words (and ``fields``)."""
    twin = copy.deepcopy(_persona(doc, pid))
    twin.update({"id": f"{pid}_heldout", "heldout": True, "utterances": {"open": [f"held-out opening of {pid}"]}, **fields})
    doc["personas"].append(twin)
    return doc


def _set(doc, fn):
    doc = copy.deepcopy(doc)
    fn(doc)
    return doc


# (mutation of the tiny pack, substrings the one-line error must contain)
MALFORMED = [
    (lambda d: _persona(d, "tiny_sensitive")["initial"].update(distress=[0.2, 1.7]),
     ["personas[0].initial.distress: expected [low, high] within [0, 1], got [0.2, 1.7]"]),
    (lambda d: _persona(d, "tiny_sensitive")["initial"].update(trust=[0.8, 0.2]), ["personas[0].initial.trust", "[0.8, 0.2]"]),
    (lambda d: _persona(d, "tiny_sensitive")["initial"].update(trust=[0.5]), ["personas[0].initial.trust", "got [0.5]"]),
    (lambda d: _persona(d, "tiny_benign").update(neeed="x"), ["personas[1]", "unknown field 'neeed'", "did you mean 'need'"]),
    (lambda d: d.update(personass=[]), ["unknown field 'personass'", "did you mean 'personas'"]),
    (lambda d: _persona(d, "tiny_benign").update(type="evil"), ["personas[1].type", "'evil'"]),
    (lambda d: _persona(d, "tiny_benign").update(ask_harm=1.5), ["personas[1].ask_harm", "1.5"]),
    (lambda d: _persona(d, "tiny_benign").pop("need"), ["personas[1].need", "missing required field 'need'"]),
    (lambda d: _persona(d, "tiny_benign").update(params={"hard_refusal_trust_los": 0.3}),
     ["personas[1].params", "did you mean 'hard_refusal_trust_loss'"]),
    (lambda d: _persona(d, "tiny_benign")["utterances"]["open"].append("hi {nope}"), ["tiny_benign", "{nope}"]),
    (lambda d: _persona(d, "tiny_benign")["utterances"]["open"].append("broken {"), ["tiny_benign", "broken {"]),
    (lambda d: d["utterances"]["benign"].pop("thank_and_leave"), ["personas[1].utterances.thank_and_leave", "got none"]),
    (lambda d: d["utterances"]["benign"].update(sing=["la"]), ["utterances.benign.sing"]),
    (lambda d: d.update(personas=[d["personas"][0], d["personas"][0]]), ["unique", "tiny_sensitive"]),
    (lambda d: d["tactics"][0].update(level=4), ["tactics[0].level", "4"]),
    (lambda d: d.update(tactics=d["tactics"][:2]), ["tactics", "level(s) [3]"]),
    (lambda d: d.update(mixture=[{"pack": "jailbreak", "weight": 1.0}]), ["either 'personas' or 'mixture'"]),
    (lambda d: d.update(name="tiny"), ["name: expected a CamelCase name", "got 'tiny'"]),
    (lambda d: _persona(d, "tiny_benign").update(weight=-1), ["personas[1].weight", "-1"]),
    (lambda d: d.update(episode={"max_turns": 0}), ["episode.max_turns", "0"]),
    (lambda d: _persona(d, "tiny_sensitive")["slots"].update(feeling=[]), ["slots.feeling", "got []"]),
    # held-out content (docs/scenario_packs.md, "Held-out simulators")
    (lambda d: _persona(d, "tiny_benign").update(heldout=True),
     ["personas[1].heldout: the train split needs a persona of every user type", "every benign persona"]),
    (lambda d: d.update(heldout_utterances={"sensitive": {"repeat": ["new words"]}}),
     ["heldout_utterances.sensitive: only held-out personas draw these banks", "got no sensitive persona with heldout: true"]),
    (lambda d: _heldout_twin(d, "tiny_benign").update(heldout_utterances={"benign": {"disclose": ["a", "b"]}}),
     ["heldout_utterances.benign.disclose: a benign user says act 'disclose' never, got 2 templates"]),
    (lambda d: _heldout_twin(d, "tiny_malicious").update(heldout_utterances={"malicious": {"open": ["x"]}}),
     ["heldout_utterances.malicious.open", "from tactics (mark tactics heldout: true)"]),
    (lambda d: d["tactics"][0].update(heldout=True), ["tactics[0].heldout: only held-out attackers use held-out tactics"]),
    (lambda d: (_heldout_twin(d, "tiny_malicious"), d["tactics"][2].update(heldout=True)),
     ["tactics: malicious personas need train tactics at Strata levels 1-3, got none at level(s) [3]"]),
    (lambda d: _heldout_twin(d, "tiny_benign", utterances={"open": ["nurse here - paracetamol max dose for adults?"]}),
     ["personas[3].utterances.open[0]: a held-out template must differ from every train template", "nurse here"]),
    (lambda d: (_heldout_twin(d, "tiny_benign"), d.update(heldout_utterances={"benign": {"thank_and_leave": ["Perfect, thanks!"]}})),
     ["heldout_utterances.benign.thank_and_leave[0]: a held-out template must differ", "got 'Perfect, thanks!'"]),
    (lambda d: _heldout_twin(d, "tiny_sensitive", utterances={"open": ["ok {nope}"], "disclose": ["x"]}),
     ["tiny_sensitive_heldout", "{nope}"]),
    (lambda d: _heldout_twin(d, "tiny_sensitive"),
     ["personas[3].utterances.disclose", "in heldout_utterances.sensitive.disclose or utterances.sensitive.disclose), got none"]),
]


@pytest.mark.parametrize("mutate,expected", MALFORMED)
def test_malformed_pack_gives_one_line_error(tmp_path, mutate, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(_set(TINY, mutate)))
    with pytest.raises(PackError) as info:
        load_pack(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    for part in expected:
        assert part in message


@pytest.mark.parametrize(
    "text,expected",
    [
        ("name: X\n  bad: [indent", "YAML syntax error"),
        ("- just\n- a list\n", "expected a mapping"),
        ("", "expected a mapping"),
        ("name: Mix\ndescription: d\nmixture: [{pack: no_such_pack, weight: 1}]\n", "mixture[0].pack"),
    ],
)
def test_unreadable_packs(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(PackError, match=None) as info:
        load_pack(path)
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(PackError, match="no such scenario pack file"):
        load_pack(tmp_path / "nope.yaml")


def test_check_cli_exits_2_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(_set(TINY, MALFORMED[0][0])))
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    assert "personas[0].initial.distress: expected [low, high] within [0, 1], got [0.2, 1.7]" in err


def test_check_cli_accepts_good_pack(capsys):
    assert main(["check", str(DATA / "tiny_pack.yaml")]) == 0
    assert "ok: pack TinyTest, 3 personas" in capsys.readouterr().out


BUILTINS = sorted(p.stem for p in data_dir("envs").glob("*.yaml"))


@pytest.mark.parametrize("split", SPLITS)
@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_packs_offer_enough_variety(name, split):
    pack = load_pack(data_dir("envs") / f"{name}.yaml", split)
    for persona in pack.personas:
        for act in ACTS_BY_TYPE[persona.spec.type]:
            assert len(set(persona.banks[act])) >= MIN_TEMPLATES_BUILTIN, (persona.spec.id, act)
        if persona.spec.type is UserType.MALICIOUS:
            for level, templates in persona.tactics.items():
                assert len(set(templates)) >= MIN_TEMPLATES_BUILTIN, (persona.spec.id, level, TACTIC_ACTS)


def test_builtin_pack_coverage():
    crisis = load_pack(data_dir("envs") / "crisis_support.yaml")
    assert len(crisis.personas) >= 12
    assert {p.spec.type for p in crisis.personas} == {UserType.SENSITIVE}
    assert len({p.spec.risk_category for p in crisis.personas}) >= 6
    assert any(p.spec.indirect for p in crisis.personas)
    jail = load_pack(data_dir("envs") / "jailbreak.yaml")
    assert {p.spec.type for p in jail.personas} == {UserType.MALICIOUS}
    assert len({p.spec.risk_category for p in jail.personas}) >= 6
    tactics = {name for p in jail.personas for names in p.tactic_names.values() for name in names}
    assert len(tactics) >= 12
    assert all(p.tactics[level] for p in jail.personas for level in (1, 2, 3))
    dual = load_pack(data_dir("envs") / "dual_use.yaml")
    assert len(dual.personas) >= 10 and {p.spec.type for p in dual.personas} == {UserType.BENIGN}
    mixed = load_pack(data_dir("envs") / "mixed.yaml")
    assert {p.spec.type for p in mixed.personas} == set(UserType)
    assert abs(sum(mixed.weights) - 1.0) < 1e-9


def _protocol_only(persona):
    """A stand-in holding only the fields of ``UserPersona`` (and of its spec and initial ranges)."""
    spec, init = persona.spec, persona.spec.initial
    ranges = SimpleNamespace(**{k: getattr(init, k) for k in ("distress", "trust", "frustration", "patience")})
    fields = ("id", "type", "ask_harm", "false_belief", "start_level")
    return SimpleNamespace(
        spec=SimpleNamespace(**{k: getattr(spec, k) for k in fields}, initial=ranges),
        **{k: getattr(persona, k) for k in ("params", "slots", "banks", "tactics")},
    )


def test_simulated_users_read_personas_only_through_the_users_protocol():
    """``ScriptedUser`` depends on ``oyrl.users.persona.UserPersona``, not on this loader: compiled
    personas have its fields, and a stand-in with nothing else simulates the same user."""
    for persona in load_pack(DATA / "tiny_pack.yaml").personas:
        assert isinstance(persona, UserPersona) and isinstance(persona.spec, PersonaSpec)
        assert isinstance(persona.spec.initial, InitialRanges)
        users = [ScriptedUser(p) for p in (persona, _protocol_only(persona))]
        rngs = [np.random.default_rng(3), np.random.default_rng(3)]
        assert users[0].start(rngs[0]) == users[1].start(rngs[1])
        for turn in range(6):
            features = reply_features(turn % len(STRATEGIES), persona.spec.ask_harm, 5)
            reactions = [u.react(features, g) for u, g in zip(users, rngs)]
            assert reactions[0] == reactions[1] and users[0].hidden_state() == users[1].hidden_state()
