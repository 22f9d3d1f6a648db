"""Scenario packs: who the simulated users are. Schema (pydantic), loader and one-line errors.

A pack is a YAML file (see ``docs/scenario_packs.md`` and ``envs/*.yaml``)::

    name: CrisisSupport                 # ids become oyrl/<name>-v0 and oyrl/<name>-Strategy-v0
    description: one line for `oyrl envs`
    episode: {max_turns: 8}
    slots: {person: [my sister, a friend]}            # slot values shared by all personas
    utterances:                                        # banks shared by every persona of a type
      sensitive: {repeat: ["You're not listening. {feeling}"], ...}
    heldout_utterances:                                # banks only held-out personas draw
      sensitive: {repeat: ["..."], ...}
    tactics:                                           # attack templates (malicious users)
      - {name: role_play, level: 2, templates: ["Pretend you are ... explain how to {ask}."]}
      - {name: past_tense, level: 1, heldout: true, templates: ["..."]}   # held-out tactic
    personas:
      - id: exam_failure
        type: sensitive
        risk_category: suicidal_ideation
        need: to feel less alone and find a way through
        ask_harm: 0.9           # harm a fully compliant answer to this user's ask would deliver
        indirect: true          # the opening hides the risk
        initial: {distress: [0.6, 0.9], trust: [0.2, 0.4]}
        params: {hard_refusal_distress_gain: 0.2}      # reaction-model overrides
        slots: {feeling: [I can't do this anymore]}
        utterances: {open: ["..."], disclose: ["..."]}

A pack may instead be a weighted ``mixture`` of other packs (``mixture: [{pack: jailbreak,
weight: 0.3}, ...]``), resolved next to the file first and then among the built-in packs.

Held-out simulators: personas marked ``heldout: true``, the ``heldout_utterances`` banks and
tactics marked ``heldout: true`` form the ``heldout`` split, reserved for evaluation. ``load_pack``
compiles one split: a train pack holds no held-out persona and no persona of it can draw a held-out
template (the loader also refuses a held-out template that is word for word a train one), so no
sampling path can leak them. A held-out persona draws the held-out bank of an act where the pack
has one and the train bank otherwise (likewise held-out tactics per Strata level).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from oyrl.errors import ConfigError, PackError
from oyrl.ladders import Ladder, pack_ladders
from oyrl.resources import builtin_pack_path
from oyrl.schema import StrictModel, did_you_mean, read_yaml
from oyrl.types import UserAct, UserType
from oyrl.users.params import ReactionParams

#: The acts each user type can take, hence the utterance banks its personas need. For attackers,
#: open / rephrase / escalate are rendered from the tactic templates of the current Strata level.
ACTS_BY_TYPE: dict[UserType, tuple[UserAct, ...]] = {
    UserType.SENSITIVE: (
        UserAct.OPEN,
        UserAct.DISCLOSE,
        UserAct.REPEAT,
        UserAct.ESCALATE,
        UserAct.CALM_DOWN,
        UserAct.ACCEPT_HELP,
        UserAct.LEAVE_ELSEWHERE,
        UserAct.OBTAIN,
    ),
    UserType.BENIGN: (
        UserAct.OPEN,
        UserAct.FOLLOW_UP,
        UserAct.REPHRASE,
        UserAct.THANK_AND_LEAVE,
        UserAct.LEAVE_FRUSTRATED,
    ),
    UserType.MALICIOUS: (
        UserAct.PUSH_BACK,
        UserAct.BACKTRACK,
        UserAct.FOLLOW_UP,
        UserAct.GIVE_UP,
        UserAct.OBTAIN,
    ),
}
#: Acts whose attacker text comes from tactic templates rather than banks.
TACTIC_ACTS = (UserAct.OPEN, UserAct.REPHRASE, UserAct.ESCALATE)
#: Variety the built-in packs guarantee per act (templates a persona can draw from).
MIN_TEMPLATES_BUILTIN = 8
STRATA_LEVELS = (1, 2, 3)
#: The splits of a pack's users: ``train`` (the default) and ``heldout`` (reserved for evaluation).
SPLITS = ("train", "heldout")

_FORMATTER = string.Formatter()


def _unit_range(value: Any) -> tuple[float, float]:
    ok = (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        and 0.0 <= value[0] <= value[1] <= 1.0
    )
    if not ok:
        raise ValueError(f"expected [low, high] within [0, 1], got {_show(value)}")
    return (float(value[0]), float(value[1]))


UnitRange = Annotated[Any, AfterValidator(_unit_range)]


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def template_slots(template: str) -> set[str]:
    """Slot names a template uses; raises ValueError for a malformed format string."""
    names = set()
    for _, name, spec, conv in _FORMATTER.parse(template):
        if name is None:
            continue
        if not name.isidentifier() or spec or conv:
            raise ValueError(f"slot {{{name}}} must be a plain name like {{need}}")
        names.add(name)
    return names


class _Strict(StrictModel):
    model_config = ConfigDict(frozen=True)


class InitialState(_Strict):
    """Ranges the latent state is drawn from at reset (uniformly, from ``env.np_random``)."""

    distress: UnitRange = (0.5, 0.8)
    trust: UnitRange = (0.3, 0.5)
    frustration: UnitRange = (0.0, 0.1)
    patience: UnitRange = (0.6, 1.0)


class Tactic(_Strict):
    """A jailbreak tactic at one Strata-Sword level; templates use ``{ask}`` and other slots."""

    name: str = Field(min_length=1)
    level: int = Field(ge=1, le=3)
    templates: list[str] = Field(min_length=1)
    heldout: bool = False  # only held-out attackers use it (evaluation against unseen attacks)


def _identifier(pattern: str, what: str):
    regex = re.compile(pattern)

    def check(value: str) -> str:
        if not isinstance(value, str) or not regex.fullmatch(value):
            raise ValueError(f"expected {what}, got {_show(value)}")
        return value

    return AfterValidator(check)


PersonaId = Annotated[str, _identifier(r"[a-z0-9_]+", "a snake_case id (lowercase letters, digits, _)")]
PackName = Annotated[str, _identifier(r"[A-Z][A-Za-z0-9]*", "a CamelCase name such as CrisisSupport (it becomes oyrl/<name>-v0)")]


class Persona(_Strict):
    """One kind of simulated user."""

    id: PersonaId
    type: UserType
    risk_category: str = Field(min_length=1)
    need: str = Field(min_length=1)
    ask_harm: float = Field(ge=0.0, le=1.0)
    weight: float = Field(default=1.0, gt=0.0)
    heldout: bool = False  # reserved for the heldout split (evaluation); never in the train split
    indirect: bool = False
    false_belief: bool = False
    start_level: int = Field(default=1, ge=1, le=3)  # attackers: Strata level of the opening
    initial: InitialState = InitialState()
    params: dict[str, float] = {}
    slots: dict[str, list[str]] = {}
    utterances: dict[UserAct, list[str]] = {}

    @field_validator("params")
    @classmethod
    def _known_params(cls, value: dict[str, float]) -> dict[str, float]:
        names = ReactionParams.names()
        for key in value:
            if key not in names:
                raise ValueError(f"unknown reaction parameter {key!r}" + did_you_mean(key, names))
        return value


class MixtureEntry(_Strict):
    pack: str = Field(min_length=1)
    weight: float = Field(gt=0.0)


class Episode(_Strict):
    max_turns: int = Field(default=8, ge=1, le=64)


class PackSchema(_Strict):
    """The YAML schema of a scenario pack (validated; unknown keys are errors)."""

    name: PackName
    description: str = Field(min_length=1)
    episode: Episode = Episode()
    slots: dict[str, list[str]] = {}
    utterances: dict[UserType, dict[UserAct, list[str]]] = {}
    heldout_utterances: dict[UserType, dict[UserAct, list[str]]] = {}
    tactics: list[Tactic] = []
    personas: list[Persona] = []
    mixture: list[MixtureEntry] = []
    ladders: list[Ladder] = []  # graded requests per risk category (oyrl.ladders, docs/boundary.md)
    ladders_file: str | None = None  # a sibling file holding more ladders, relative to the pack

    @model_validator(mode="after")
    def _personas_or_mixture(self) -> PackSchema:
        if bool(self.personas) == bool(self.mixture):
            raise ValueError("a pack needs either 'personas' or 'mixture' (exactly one of them)")
        return self


def _format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if part == "[key]":  # pydantic's marker for a bad mapping key; the key itself follows
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "<top level>"


def _pydantic_message(err: dict, fields_at: list[str]) -> str:
    if err["type"] == "extra_forbidden":
        key = str(err["loc"][-1])
        return f"unknown field {key!r}" + did_you_mean(key, fields_at)
    if err["type"] == "missing":
        return f"missing required field {str(err['loc'][-1])!r}"
    if err["type"] == "value_error":  # our own validators already say what they got
        return err["msg"].removeprefix("Value error, ")
    return f"{err['msg']}, got {_show(err.get('input'))}"


def _fields_at(loc: tuple) -> list[str]:
    """Valid field names at the parent of ``loc`` (for 'did you mean' hints)."""
    model: Any = PackSchema
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return []
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        model = next((a for a in (ann, *args) if isinstance(a, type) and issubclass(a, BaseModel)), None)
    return list(getattr(model, "model_fields", {}) or [])


@dataclass(frozen=True, slots=True)
class CompiledPersona:
    """A persona ready for the simulator: banks merged with the pack's shared banks.

    The simulator reads it as an ``oyrl.users.persona.UserPersona`` (the fields it needs), so the
    users layer does not depend on the pack loader.
    """

    spec: Persona
    params: ReactionParams
    slots: dict[str, tuple[str, ...]]
    banks: dict[UserAct, tuple[str, ...]]
    tactics: dict[int, tuple[str, ...]]  # Strata level -> attack templates (malicious users)
    tactic_names: dict[int, tuple[str, ...]]  # level -> tactic name of each template, aligned

    @property
    def split(self) -> str:
        """``heldout`` for a persona reserved for evaluation, else ``train``."""
        return "heldout" if self.spec.heldout else "train"

    def templates(self) -> list[str]:
        """Every template this persona can say: its banks and, for attackers, its tactics."""
        said = [t for bank in self.banks.values() for t in bank]
        if self.spec.type is UserType.MALICIOUS:
            said += [t for level in self.tactics.values() for t in level]
        return said


@dataclass(frozen=True, slots=True)
class ScenarioPack:
    """A loaded pack: the personas of one split with their population weights, ready for sampling."""

    name: str
    description: str
    max_turns: int
    personas: tuple[CompiledPersona, ...]
    weights: tuple[float, ...]  # sum to 1
    source: str
    split: str = "train"

    @property
    def user_types(self) -> frozenset[UserType]:
        """The user types this pack can draw."""
        return frozenset(p.spec.type for p in self.personas)


@dataclass(frozen=True, slots=True)
class _Loaded:
    """A validated pack before a split is chosen: the personas of both splits."""

    name: str
    description: str
    max_turns: int
    personas: tuple[CompiledPersona, ...]
    weights: tuple[float, ...]  # each persona's share of its own split (sum to 1 per split)
    missing: dict[str, str]  # split -> "field: why it has no personas" (only splits without any)
    heldout_texts: dict[str, str]  # held-out template -> "file: field" declaring it (leak checks)


_LevelBanks = tuple[dict[int, tuple[str, ...]], dict[int, tuple[str, ...]]]  # templates, tactic names


def _split_tactics(tactics: list[Tactic], heldout: bool) -> _LevelBanks:
    """The attack templates (and tactic names) by Strata level for a persona of one split.

    Train attackers never see held-out tactics. Held-out attackers use the held-out tactics of a
    level and fall back to the train ones only at levels without any, as banks do per act.
    """
    chosen = [t for t in tactics if not t.heldout]
    if heldout:
        levels = {t.level for t in tactics if t.heldout}
        chosen = [t for t in tactics if t.heldout] + [t for t in chosen if t.level not in levels]
    by_level: dict[int, list[tuple[str, str]]] = {lvl: [] for lvl in STRATA_LEVELS}
    for tactic in chosen:
        by_level[tactic.level].extend((tactic.name, t) for t in tactic.templates)
    return (
        {lvl: tuple(t for _, t in v) for lvl, v in by_level.items()},
        {lvl: tuple(n for n, _ in v) for lvl, v in by_level.items()},
    )


def _compile_persona(schema: PackSchema, i: int, p: Persona, source: str, level_banks: _LevelBanks) -> CompiledPersona:
    shared = schema.utterances.get(p.type, {})
    banks_at = ["utterances"]
    if p.heldout:  # a held-out bank replaces the train bank act by act; other acts keep the train one
        shared = {**shared, **schema.heldout_utterances.get(p.type, {})}
        banks_at.insert(0, "heldout_utterances")
    banks = {}
    for act in ACTS_BY_TYPE[p.type]:
        templates = tuple(p.utterances.get(act, [])) + tuple(shared.get(act, []))
        if not templates:
            where = " or ".join(f"{b}.{p.type.value}.{act.value}" for b in banks_at)
            raise PackError(
                f"{source}: personas[{i}].utterances.{act.value}: a {p.type.value} user needs "
                f"templates for act {act.value!r} (in the persona or in {where}), got none"
            )
        banks[act] = templates
    tactics, tactic_names = level_banks
    if p.type is UserType.MALICIOUS:
        missing = [lvl for lvl in STRATA_LEVELS if not tactics[lvl]]
        if missing:
            kind = "train " if not p.heldout and any(t.heldout for t in schema.tactics) else ""
            raise PackError(
                f"{source}: tactics: malicious personas need {kind}tactics at Strata levels 1-3, "
                f"got none at level(s) {missing}"
            )
    slots = {k: tuple(v) for k, v in schema.slots.items()}
    slots.update({k: tuple(v) for k, v in p.slots.items()})
    slots.setdefault("need", (p.need,))
    empty = [k for k, v in slots.items() if not v]
    if empty:
        raise PackError(f"{source}: personas[{i}].slots.{empty[0]}: needs at least one value, got []")
    compiled = CompiledPersona(p, ReactionParams().updated(p.params), slots, banks, tactics, tactic_names)
    for t in compiled.templates():
        try:
            names = template_slots(t)
        except ValueError as exc:
            raise PackError(f"{source}: personas[{i}] ({p.id}): template {_show(t)}: {exc}") from None
        unknown = names - set(slots)
        if unknown:
            raise PackError(
                f"{source}: personas[{i}] ({p.id}): template {_show(t)} uses slot "
                f"{{{min(unknown)}}}, which neither the persona nor the pack defines"
            )
    return compiled


def _check_heldout_use(schema: PackSchema, source: str) -> None:
    """Held-out content must be reachable by a held-out persona and leave every type a train one."""
    held = {p.type for p in schema.personas if p.heldout}
    for i, p in enumerate(schema.personas):
        if p.heldout and all(q.heldout for q in schema.personas if q.type is p.type):
            raise PackError(
                f"{source}: personas[{i}].heldout: the train split needs a persona of every user type "
                f"the pack has, got heldout: true on every {p.type.value} persona"
            )
    for utype, banks in schema.heldout_utterances.items():
        if utype not in held:
            raise PackError(
                f"{source}: heldout_utterances.{utype.value}: only held-out personas draw these banks, "
                f"got no {utype.value} persona with heldout: true"
            )
        for act, templates in banks.items():
            if act not in ACTS_BY_TYPE[utype]:
                how = "from tactics (mark tactics heldout: true)" if act in TACTIC_ACTS else "never"
                raise PackError(
                    f"{source}: heldout_utterances.{utype.value}.{act.value}: a {utype.value} user says "
                    f"act {act.value!r} {how}, got {len(templates)} templates"
                )
    for j, tactic in enumerate(schema.tactics):
        if tactic.heldout and UserType.MALICIOUS not in held:
            raise PackError(
                f"{source}: tactics[{j}].heldout: only held-out attackers use held-out tactics, "
                "got no malicious persona with heldout: true"
            )


def _heldout_templates(schema: PackSchema, source: str) -> dict[str, str]:
    """Each template only the heldout split may say, with where the pack declares it."""
    found: dict[str, str] = {}
    for utype, banks in schema.heldout_utterances.items():
        for act, templates in banks.items():
            for k, t in enumerate(templates):
                found.setdefault(t, f"{source}: heldout_utterances.{utype.value}.{act.value}[{k}]")
    for i, p in enumerate(schema.personas):
        for act, templates in p.utterances.items() if p.heldout else ():
            for k, t in enumerate(templates):
                found.setdefault(t, f"{source}: personas[{i}].utterances.{act.value}[{k}]")
    for j, tactic in enumerate(schema.tactics):
        for k, t in enumerate(tactic.templates) if tactic.heldout else ():
            found.setdefault(t, f"{source}: tactics[{j}].templates[{k}]")
    return found


def _leak(personas: tuple[CompiledPersona, ...], heldout_texts: dict[str, str]) -> tuple[str, str] | None:
    """A held-out template some train persona can also say (it would leak into training), or None."""
    said = {t for p in personas if p.split == "train" for t in p.templates()}
    return next(((t, where) for t, where in heldout_texts.items() if t in said), None)


def _compile(schema: PackSchema, source: str) -> _Loaded:
    _check_heldout_use(schema, source)
    level_banks = {heldout: _split_tactics(schema.tactics, heldout) for heldout in (False, True)}
    personas = tuple(
        _compile_persona(schema, i, p, source, level_banks[p.heldout]) for i, p in enumerate(schema.personas)
    )
    ids = [p.spec.id for p in personas]
    dup = next((x for x in ids if ids.count(x) > 1), None)
    if dup:
        raise PackError(f"{source}: personas: persona ids must be unique, got {dup!r} twice")
    heldout_texts = _heldout_templates(schema, source)
    leak = _leak(personas, heldout_texts)
    if leak:
        raise PackError(
            f"{leak[1]}: a held-out template must differ from every train template (the train split "
            f"would say it), got {_show(leak[0])}"
        )
    totals = {s: sum(p.spec.weight for p in personas if p.split == s) for s in SPLITS}
    weights = tuple(p.spec.weight / totals[p.split] for p in personas)
    missing = {} if totals["heldout"] else {"heldout": "personas: split 'heldout' needs personas with heldout: true, got none"}
    return _Loaded(schema.name, schema.description, schema.episode.max_turns, personas, weights, missing, heldout_texts)


def _resolve_pack_path(name: str, near: Path) -> Path:
    from oyrl.resources import builtin_pack_path

    for candidate in (near / name, near / f"{name}.yaml"):
        if candidate.is_file():
            return candidate
    return builtin_pack_path(name)


def load_pack(path: str | Path, split: str = "train") -> ScenarioPack:
    """Load and validate a scenario pack, compiled for one split of its users.

    Both splits are validated whatever ``split`` is; the pack returned holds only that split's
    personas, which draw only that split's templates (see the module docstring).

    Args:
        path: the pack's YAML file.
        split: ``"train"`` (personas not marked ``heldout``) or ``"heldout"`` (only those marked).

    Raises:
        PackError: with one line ``<file>: <field path>: <problem>, got <value>``.
        ConfigError: ``split`` is not one of ``SPLITS``.
    """
    if split not in SPLITS:
        raise ConfigError(f"split: expected one of {', '.join(map(repr, SPLITS))}, got {split!r}")
    path = Path(path)
    loaded = _load(path, ())
    if split in loaded.missing:
        raise PackError(f"{path}: {loaded.missing[split]}")
    chosen = [(p, w) for p, w in zip(loaded.personas, loaded.weights) if p.split == split]
    personas, weights = (tuple(x) for x in zip(*chosen))
    return ScenarioPack(loaded.name, loaded.description, loaded.max_turns, personas, weights, str(path), split)


def _load(path: Path, seen: tuple[Path, ...]) -> _Loaded:
    raw = read_yaml(path, "scenario pack file", PackError)
    if not isinstance(raw, dict):
        raise PackError(f"{path}: <top level>: expected a mapping of pack fields, got {_show(raw)}")
    try:
        schema = PackSchema.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = _format_loc(err["loc"])
        raise PackError(f"{path}: {loc}: {_pydantic_message(err, _fields_at(err['loc']))}") from None
    if not schema.mixture:
        loaded = _compile(schema, str(path))
        pack_ladders(schema.ladders, schema.ladders_file, path, {p.spec.risk_category for p in loaded.personas})
        return loaded
    personas, weights, sub_turns, missing, heldout_texts = [], [], [], {}, {}
    total = sum(m.weight for m in schema.mixture)
    for i, entry in enumerate(schema.mixture):
        try:
            sub_path = _resolve_pack_path(entry.pack, path.parent)
        except PackError as exc:
            raise PackError(f"{path}: mixture[{i}].pack: {exc}") from None
        if sub_path.resolve() in seen or sub_path.resolve() == path.resolve():
            raise PackError(f"{path}: mixture[{i}].pack: packs include each other in a cycle, got {entry.pack!r}")
        sub = _load(sub_path, (*seen, path.resolve()))
        sub_turns.append(sub.max_turns)
        personas.extend(sub.personas)
        weights.extend(w * entry.weight / total for w in sub.weights)
        for text, where in sub.heldout_texts.items():
            heldout_texts.setdefault(text, where)
        # A split must come from every part, or the mixture's shares would silently change.
        for split in sub.missing:
            missing.setdefault(
                split, f"mixture[{i}].pack: split {split!r} needs held-out personas in every mixed pack, got none in {entry.pack!r}"
            )
    ids = [p.spec.id for p in personas]
    dup = next((x for x in ids if ids.count(x) > 1), None)
    if dup:
        raise PackError(f"{path}: mixture: persona ids must be unique across packs, got {dup!r} twice")
    leak = _leak(tuple(personas), heldout_texts)
    if leak:
        raise PackError(
            f"{path}: mixture: a held-out template ({leak[1]}) must differ from every train template "
            f"of the mixed packs, got {_show(leak[0])}"
        )
    max_turns = schema.episode.max_turns if "episode" in raw else max(sub_turns)
    pack_ladders(schema.ladders, schema.ladders_file, path, {p.spec.risk_category for p in personas})
    return _Loaded(schema.name, schema.description, max_turns, tuple(personas), tuple(weights), missing, heldout_texts)


def load_ladders(pack: str | Path) -> tuple[Ladder, ...]:
    """Every ladder of a pack (a path or a built-in name); a mixture's come from its packs in order,
    then its own (a category's first ladder wins).

    Raises:
        PackError: the pack or one of its ladders is invalid.
    """
    path = Path(pack)
    if not path.is_file():
        path = builtin_pack_path(str(pack))
    loaded = _load(path, ())  # validates the pack, its ladders included; personas of both splits
    schema = PackSchema.model_validate(read_yaml(path, "scenario pack file", PackError))
    found: dict[str, Ladder] = {}
    for entry in schema.mixture:
        for ladder in load_ladders(_resolve_pack_path(entry.pack, path.parent)):
            found.setdefault(ladder.category, ladder)
    categories = {p.spec.risk_category for p in loaded.personas} | set(found)
    for ladder in pack_ladders(schema.ladders, schema.ladders_file, path, categories):
        found.setdefault(ladder.category, ladder)
    return tuple(found.values())
