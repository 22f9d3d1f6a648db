"""``make_judge``: the judge a config's ``judge:`` entry describes.

``None`` or ``"lexical"`` is the default :class:`~oyrl.judges.lexical.LexicalJudge`; a mapping names
its ``kind`` from :data:`JUDGE_KINDS` and that kind's settings. Model kinds (``rubric``, ``guard``)
take their backend's settings in the same mapping (``backend``, ``model``, ``base_url``...: see
:class:`oyrl.backends.BackendSpec`), built with :func:`oyrl.backends.make_backend`. ``fallback``,
``fast`` and ``slow`` are judge specs themselves, so cascades nest. An object that already is a
:class:`~oyrl.judges.base.ResponseJudge` passes through unchanged. Errors are one line naming the
key path (``judge.kind``, ``judge.fast.format``...) and the closest known name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import Field, ValidationError

from oyrl.backends import BackendSpec, ChatBackend, make_backend
from oyrl.errors import ConfigError
from oyrl.judges.base import ResponseJudge
from oyrl.judges.cascade import AUDITED, CascadeJudge
from oyrl.judges.classifier import ClassifierJudge
from oyrl.judges.combine import FEATURES
from oyrl.judges.guard import FORMATS, GuardJudge
from oyrl.judges.lexical import LexicalJudge
from oyrl.judges.rubric import RubricJudge
from oyrl.schema import StrictModel, did_you_mean
from oyrl.text.normalise import MAX_CHARS
from oyrl.types import ResponseFeatures


class LexicalSpec(StrictModel):
    """``kind: lexical``."""

    max_chars: int = Field(MAX_CHARS, ge=1)
    """Leading characters of a reply that are judged."""


class RubricSpec(StrictModel):
    """``kind: rubric`` (plus backend keys)."""

    features: tuple[str, ...] = FEATURES
    """The features the model rates; the others come from ``fallback``."""
    max_tokens: int = Field(200, ge=1)
    """Most tokens of one answer."""
    rubric: dict[str, str] | None = None
    """Feature -> definition replacing the built-in one."""
    seed: int = 0
    """Sampling seed sent with each request."""
    fallback: Any = None
    """The judge spec for uncovered features and unparseable answers (default lexical)."""


class GuardSpec(StrictModel):
    """``kind: guard`` (plus backend keys)."""

    format: str
    """The guard's output format: qwen3guard, wildguard or llamaguard."""
    max_tokens: int | None = Field(None, ge=1)
    """Most tokens of one answer (default: the format's)."""
    fallback: Any = None
    """The judge spec for uncovered features and unparseable outputs (default lexical)."""


class ClassifierSpec(StrictModel):
    """``kind: classifier``."""

    model: str
    """A sequence-classification model: ``save_pretrained`` folder or hub id."""
    label_map: dict[str, Any]
    """The model's labels -> {feature: value} (or a bare value with ``feature``)."""
    feature: str | None = None
    """The feature bare values in ``label_map`` stand for."""
    device: str = "cpu"
    """Where the model runs."""
    batch_size: int = Field(32, ge=1)
    """Replies per forward pass."""
    text_pair: bool = False
    """Classify (last user message, reply) pairs instead of the reply alone."""
    max_length: int = Field(512, ge=1)
    """Most tokens of one input."""
    fallback: Any = None
    """The judge spec for the features the map does not name (default lexical)."""


class CascadeSpec(StrictModel):
    """``kind: cascade``."""

    fast: Any
    """The judge spec that scores every reply."""
    slow: Any
    """The judge spec that re-reads the audit sample and the unsure replies."""
    audit_share: float = Field(0.05, ge=0.0, le=1.0)
    """Probability that a reply joins the random audit sample."""
    margin: float = Field(0.15, ge=0.0, le=1.0)
    """Agreement drop below the start that triggers the exploitation warning."""
    min_audited: int = Field(20, ge=1)
    """Sampled replies a window needs for the exploitation monitor."""
    seed: int = 0
    """Seed of the audit sample."""
    unsure_band: dict[str, tuple[float, float]] | None = None
    """Feature -> (low, high) fast scores sent to the slow judge (default refusal/harmful bands)."""
    features: tuple[str, ...] = AUDITED
    """The features the audit compares."""


@dataclass(frozen=True, slots=True)
class JudgeKind:
    """One ``kind``: its settings, whether it takes backend keys, and how it is built."""

    spec: type[StrictModel]
    backend: bool
    build: Callable[[Any, ChatBackend | None, str], ResponseJudge]


def _lexical(s: LexicalSpec, backend: ChatBackend | None, where: str) -> ResponseJudge:
    return LexicalJudge(max_chars=s.max_chars)


def _rubric(s: RubricSpec, backend: ChatBackend | None, where: str) -> ResponseJudge:
    return RubricJudge(backend, features=s.features, max_tokens=s.max_tokens, rubric=s.rubric,
                       seed=s.seed, fallback=make_judge(s.fallback, where=f"{where}.fallback"))


def _guard(s: GuardSpec, backend: ChatBackend | None, where: str) -> ResponseJudge:
    return GuardJudge(backend, s.format, fallback=make_judge(s.fallback, where=f"{where}.fallback"),
                      max_tokens=s.max_tokens)


def _classifier(s: ClassifierSpec, backend: ChatBackend | None, where: str) -> ResponseJudge:
    fallback = make_judge(s.fallback, where=f"{where}.fallback")
    try:
        return ClassifierJudge(s.model, label_map=s.label_map, feature=s.feature, device=s.device,
                               batch_size=s.batch_size, text_pair=s.text_pair, max_length=s.max_length,
                               fallback=fallback)
    except ConfigError as exc:  # "ClassifierJudge label_map: ..." -> "judge.label_map: ..."
        raise ConfigError(f"{where}.{str(exc).removeprefix('ClassifierJudge ')}") from None


def _cascade(s: CascadeSpec, backend: ChatBackend | None, where: str) -> ResponseJudge:
    return CascadeJudge(make_judge(s.fast, where=f"{where}.fast"), make_judge(s.slow, where=f"{where}.slow"),
                        audit_share=s.audit_share, unsure_band=s.unsure_band, seed=s.seed,
                        features=s.features, margin=s.margin, min_audited=s.min_audited)


#: Every judge kind a config may name.
JUDGE_KINDS: dict[str, JudgeKind] = {
    "lexical": JudgeKind(LexicalSpec, False, _lexical),
    "rubric": JudgeKind(RubricSpec, True, _rubric),
    "guard": JudgeKind(GuardSpec, True, _guard),
    "classifier": JudgeKind(ClassifierSpec, False, _classifier),
    "cascade": JudgeKind(CascadeSpec, False, _cascade),
}
_CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "guard": {"format": tuple(FORMATS)},
    "rubric": {"features": FEATURES},
    "cascade": {"features": ResponseFeatures.SCORES, "unsure_band": ResponseFeatures.SCORES},
}


def _validate(spec_type: type[StrictModel], raw: dict[str, Any], where: str) -> Any:
    """``raw`` as ``spec_type``, or a one-line ``ConfigError`` naming ``<where>.<key>``."""
    try:
        return spec_type.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        got = "" if err["type"] == "missing" else f", got {err.get('input')!r}"
        raise ConfigError(f"{where}.{key}: {msg}{got}") from None


def _check_choices(kind: str, raw: dict[str, Any], where: str) -> None:
    """Names that must come from a registry (a guard format, rubric features), with a hint."""
    for key, known in _CHOICES.get(kind, {}).items():
        values = raw.get(key)
        for value in [values] if isinstance(values, str) else values or []:
            if isinstance(value, str) and value not in known:
                raise ConfigError(f"{where}.{key}: unknown {key.rstrip('s')} {value!r}"
                                  + did_you_mean(value, known, f" (known: {', '.join(known)})"))


def make_judge(spec: Any = None, *, where: str = "judge") -> ResponseJudge:
    """The judge ``spec`` describes (module docstring).

    Args:
        spec: ``None``/``"lexical"``, a mapping with ``kind``, or a ``ResponseJudge`` (returned as is).
        where: the key path of ``spec`` in its config: every error names it.

    Raises:
        ConfigError: one line naming the key (``judge.kind``, ``judge.<key>``) and the closest name.
    """
    if spec is None or spec == "lexical":
        return LexicalJudge()
    if isinstance(spec, ResponseJudge) or callable(getattr(spec, "assess", None)):
        return spec  # a judge object (one with only ``assess`` too: the env calls nothing else)
    if isinstance(spec, str):
        raise ConfigError(f"{where}: unknown judge {spec!r}"
                          + did_you_mean(spec, JUDGE_KINDS, f" (known: {', '.join(JUDGE_KINDS)})")
                          + "; model judges take a mapping with 'kind' and its settings")
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}: expected 'lexical' or a mapping with 'kind', got {type(spec).__name__}")
    kind_name = spec.get("kind", "lexical")
    kind = JUDGE_KINDS.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        raise ConfigError(f"{where}.kind: unknown judge kind {kind_name!r}"
                          + did_you_mean(str(kind_name), JUDGE_KINDS, f" (known: {', '.join(JUDGE_KINDS)})"))
    backend_keys = set(BackendSpec.model_fields) - set(kind.spec.model_fields) if kind.backend else set()
    known = ["kind", *kind.spec.model_fields, *sorted(backend_keys)]
    for key in spec:
        if key not in known:
            raise ConfigError(f"{where}.{key}: unknown key for a {kind_name} judge"
                              + did_you_mean(str(key), known, f" (known: {', '.join(known)})"))
    own = {k: v for k, v in spec.items() if k in kind.spec.model_fields}
    _check_choices(kind_name, own, where)
    settings = _validate(kind.spec, own, where)
    backend = None
    if kind.backend:
        backend = make_backend({k: v for k, v in spec.items() if k in backend_keys}, where=where)
    return kind.build(settings, backend, where)
