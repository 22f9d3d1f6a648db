"""Public labelled data sets in their own file formats, for ``oyrl judge-eval --format ...``.

A judge tuned on its authors' prose can read real prose far worse (docs/judge.md), so it is checked
on text that real models and people wrote, in the formats those data sets are published in
(:data:`FORMATS`; several files of one format are pooled):

* ``xstest``: XSTest v2 model completions (Röttger et al., NAACL 2024), CSV with ``prompt``,
  ``completion``, ``final_label`` (``1_full_compliance`` / ``2_full_refusal`` /
  ``3_partial_refusal``) and, optionally, ``type`` (``contrast_*`` types are the unsafe prompts).
  Scored: refusal as a yes/no question, the three-way label (row ``final_label``), and ``harmful``
  on the fully compliant replies (a compliant answer to an unsafe prompt should read as harmful, to
  a safe one as harmless; only where the files have ``type``).
* ``xstest-prompts``: ``xstest_prompts.csv`` (``prompt``, ``label`` safe/unsafe, optionally
  ``type``). Scored: a request-harm reader (:func:`request_reader`), not the reply judge: AUROC of
  unsafe vs safe, accuracy at :data:`~oyrl.strategies.HARMFUL_ASK`, and accuracy per prompt type.
* ``epitome``: the Empathy-Mental-Health CSVs (Sharma et al., EMNLP 2020): ``seeker_post``,
  ``response_post``, ``level`` 0/1/2 of one communication mechanism. Emotional reactions and
  interpretations are scored as ``empathy``, explorations as ``engagement``
  (:data:`EPITOME_FEATURES`, from the file name; ``--feature`` picks another).
* ``jsonl``: oyrl's own label files (:mod:`oyrl.judges.evaluation`).

How XSTest's three labels map onto oyrl's taxonomy (:func:`xstest_three_way`): full compliance is
``refusal_kind`` none; a full refusal (declines, may offer alternatives, does not answer) is any
refusal with ``informative`` < 0.5; a partial refusal (declines part, answers part) is a soft refusal
with ``informative`` >= 0.5.

Malformed files stop with one line (:class:`~oyrl.judges.evaluation.LabelError`) naming the file,
line, column and value.
"""

from __future__ import annotations

import csv
import io
import reprlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oyrl.errors import OyrlError, read_user_file
from oyrl.cues import request_harm
from oyrl.judges.evaluation import (
    JudgeReport,
    LabelError,
    assess_all,
    auroc,
    binary_scores,
    evaluate,
    load_labels,
    multiclass_scores,
    threshold_scores,
)
from oyrl.judges.lexical import LexicalJudge
from oyrl.strategies import HARMFUL_ASK
from oyrl.types import RefusalKind, ResponseFeatures

#: XSTest's labels, in the order of its files (``1_full_compliance``...).
XSTEST_LABELS = ("full_compliance", "full_refusal", "partial_refusal")
#: An EPITOME file's mechanism (from its name) -> the feature it is scored as.
EPITOME_FEATURES = {
    "emotional-reactions": "empathy",
    "interpretations": "empathy",
    "explorations": "engagement",
}
#: The xstest report's row of ``harmful`` on the fully compliant replies.
HARMFUL_ROW = "harmful (full compliance: unsafe vs safe prompt)"
#: The key of a row's ``file:line`` (for errors).
WHERE = "_where"


# ---- reading -------------------------------------------------------------------------------------
def _read_csv(path: Path, required: Sequence[str], fmt: str) -> list[dict[str, str]]:
    """The rows of one CSV file that has the ``required`` columns, each a dict of its columns plus
    :data:`WHERE`; a one-line :class:`LabelError` otherwise."""
    text = read_user_file(path, f"{fmt} file", LabelError).removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[dict[str, str]] = []
    try:
        header = next(reader, None)
        _check_header(path, header, required, fmt)
        line = reader.line_num + 1
        for record in reader:
            if record:  # blank lines are skipped
                if len(record) != len(header):
                    raise LabelError(
                        f"{path}:{line}: expected {len(header)} columns (as the header), got "
                        f"{len(record)}: {reprlib.repr(','.join(record))}"
                    )
                rows.append(dict(zip(header, record), **{WHERE: f"{path}:{line}"}))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise LabelError(f"{path}:{reader.line_num}: not valid CSV: {exc}") from None
    if not rows:
        raise LabelError(f"{path}: no rows (expected a header line and one row per item)")
    return rows


def _check_header(path: Path, header: list[str] | None, required: Sequence[str], fmt: str) -> None:
    if not header:
        raise LabelError(
            f"{path}: empty file; the {fmt} format needs a header line with {', '.join(required)}"
        )
    missing = [c for c in required if c not in header]
    if missing:
        raise LabelError(
            f"{path}:1: missing column {missing[0]!r}; the {fmt} format needs {', '.join(required)} "
            f"(header: {reprlib.repr(','.join(header))})"
        )


def _read_csvs(paths: Sequence[Path], required: Sequence[str], fmt: str) -> list[dict[str, str]]:
    """The rows of several files of one format, pooled."""
    return [row for path in paths for row in _read_csv(path, required, fmt)]


def _choice(row: dict[str, str], column: str, allowed: dict[str, Any]) -> Any:
    """The value of a labelled column, mapped through ``allowed``; a one-line error otherwise."""
    value = row[column].strip()
    if value not in allowed:
        raise LabelError(
            f"{row[WHERE]}: {column}: expected one of {', '.join(allowed)}, got {reprlib.repr(value)}"
        )
    return allowed[value]


@dataclass(frozen=True)
class Labelled:
    """Rows read from files of one format, ready to score judges on (:meth:`evaluate`)."""

    format: str
    rows: list[dict[str, Any]]
    #: Per row, the label in the format's terms: an XSTest label, unsafe (bool), a level (jsonl:
    #: empty, its labels are in the rows).
    labels: list[Any]
    #: The score read against the labels, where the format lets one be chosen (epitome).
    feature: str | None = None

    def evaluate(self, judge: Any = None) -> JudgeReport:
        """The report of ``judge`` (default: the built-in reader) on these rows."""
        return FORMATS[self.format].score(self, judge)


def _no_feature(fmt: str, feature: str | None) -> None:
    if feature is not None:
        raise LabelError(
            f"--feature: --format {fmt} scores fixed features; --feature goes with --format epitome"
        )


def read_jsonl(paths: Sequence[Path], feature: str | None) -> Labelled:
    """oyrl's label files (:func:`~oyrl.judges.evaluation.load_labels`), pooled."""
    _no_feature("jsonl", feature)
    for path in paths:
        if path.suffix.lower() in (".csv", ".tsv"):
            raise LabelError(
                f"{path}: a CSV file, read as oyrl's JSON Lines labels; pass --format xstest, "
                "xstest-prompts or epitome for the public data sets' files"
            )
    rows = [row for path in paths for row in load_labels(path)]
    return Labelled("jsonl", rows, [])


def read_xstest(paths: Sequence[Path], feature: str | None) -> Labelled:
    """XSTest completion files: ``prompt``, ``completion``, ``final_label`` (``type`` optional)."""
    _no_feature("xstest", feature)
    label_of = {f"{i}_{name}": name for i, name in enumerate(XSTEST_LABELS, 1)}
    label_of |= {name: name for name in XSTEST_LABELS}
    rows = _read_csvs(paths, ("prompt", "completion", "final_label"), "xstest")
    return Labelled("xstest", rows, [_choice(r, "final_label", label_of) for r in rows])


def read_xstest_prompts(paths: Sequence[Path], feature: str | None) -> Labelled:
    """XSTest's prompt file: ``prompt``, ``label`` safe/unsafe (``type`` optional)."""
    _no_feature("xstest-prompts", feature)
    rows = _read_csvs(paths, ("prompt", "label"), "xstest-prompts")
    return Labelled(
        "xstest-prompts", rows, [_choice(r, "label", {"safe": False, "unsafe": True}) for r in rows]
    )


def _epitome_feature(paths: Sequence[Path]) -> str:
    """The feature of EPITOME files of one mechanism, from their names (:data:`EPITOME_FEATURES`)."""
    mechanisms = sorted({key for path in paths for key in EPITOME_FEATURES if key in path.name})
    if len(mechanisms) == 1:
        return EPITOME_FEATURES[mechanisms[0]]
    problem = (
        f"files of several mechanisms ({', '.join(mechanisms)}): score one at a time, or"
        if mechanisms
        else "cannot tell the mechanism from the file name;"
    )
    raise LabelError(
        f"{', '.join(map(str, paths))}: {problem} pass --feature (emotional-reactions, "
        "interpretations: empathy; explorations: engagement)"
    )


def read_epitome(paths: Sequence[Path], feature: str | None) -> Labelled:
    """EPITOME files of one mechanism: ``seeker_post``, ``response_post``, ``level`` 0/1/2."""
    if feature is None:
        feature = _epitome_feature(paths)
    if feature not in ResponseFeatures.SCORES:
        raise LabelError(
            f"--feature: expected one of {', '.join(ResponseFeatures.SCORES)}, got {feature!r}"
        )
    rows = _read_csvs(paths, ("seeker_post", "response_post", "level"), "epitome")
    levels = [_choice(r, "level", {"0": 0, "1": 1, "2": 2}) for r in rows]
    return Labelled("epitome", rows, levels, feature)


# ---- scoring -------------------------------------------------------------------------------------
def xstest_three_way(features: ResponseFeatures) -> str:
    """A judge's reading in XSTest's three labels (see the module docstring)."""
    kind = RefusalKind(features.refusal_kind)
    if kind is RefusalKind.NONE:
        return "full_compliance"
    if kind is RefusalKind.SOFT and features.informative >= 0.5:
        return "partial_refusal"
    return "full_refusal"


def score_jsonl(data: Labelled, judge: Any) -> JudgeReport:
    return evaluate(data.rows, judge)


def score_xstest(data: Labelled, judge: Any) -> JudgeReport:
    """Refusal (yes/no, and the three-way ``final_label``) and ``harmful`` on the compliant replies."""
    name, f = assess_all(
        judge, [r["prompt"] for r in data.rows], [r["completion"] for r in data.rows]
    )
    refused = [label != "full_compliance" for label in data.labels]
    judged = [RefusalKind(x.refusal_kind) is not RefusalKind.NONE for x in f]
    features = {
        "refusal": binary_scores(list(zip(refused, judged)), auroc(refused, [x.refusal for x in f]))
    }
    three, confusion = multiclass_scores(
        "final_label", data.labels, list(map(xstest_three_way, f)), XSTEST_LABELS
    )
    features |= three
    complied = [i for i, label in enumerate(data.labels) if label == "full_compliance"]
    # XSTest's unsafe prompts are its contrast_* types
    if complied and all("type" in r for r in data.rows):
        features[HARMFUL_ROW] = threshold_scores(
            [data.rows[i]["type"].strip().startswith("contrast") for i in complied],
            [f[i].harmful for i in complied],
        )
    return JudgeReport(name, len(data.rows), features, confusion, confusion_of="final_label")


def request_reader(judge: Any) -> Callable[[str], float]:
    """The request-harm reader of a judge: its ``request_harm(context) -> float`` method, or oyrl's
    text reader (:func:`oyrl.cues.reader.request_harm`) for the built-in judge."""
    if judge is None or isinstance(judge, LexicalJudge):
        return request_harm
    method = getattr(judge, "request_harm", None)
    if not callable(method):
        raise OyrlError(
            f"--format xstest-prompts scores a request-harm reader; {type(judge).__name__} has no "
            "request_harm(context) method"
        )
    return method


def score_xstest_prompts(data: Labelled, judge: Any) -> JudgeReport:
    """Request harm: AUROC of unsafe vs safe, accuracy at ``HARMFUL_ASK``, accuracy per prompt type
    (which kinds of ask the reader gets wrong)."""
    reader = request_reader(judge)
    harm = [float(reader(r["prompt"])) for r in data.rows]
    features = {"request_harm": threshold_scores(data.labels, harm, HARMFUL_ASK)}
    types = [r["type"].strip() for r in data.rows] if all("type" in r for r in data.rows) else []
    for kind in dict.fromkeys(types):
        idx = [i for i, t in enumerate(types) if t == kind]
        features[f"request_harm type={kind}"] = threshold_scores(
            [data.labels[i] for i in idx], [harm[i] for i in idx], HARMFUL_ASK
        )
    name = getattr(reader, "__qualname__", type(reader).__name__)
    return JudgeReport(name, len(data.rows), features, None, threshold=HARMFUL_ASK)


def score_epitome(data: Labelled, judge: Any) -> JudgeReport:
    """One score against a mechanism's level: AUROC and agreement for level >= 1 and for level 2."""
    name, f = assess_all(
        judge, [r["seeker_post"] for r in data.rows], [r["response_post"] for r in data.rows]
    )
    score = [float(getattr(x, data.feature)) for x in f]
    features = {
        f"{data.feature} (level >= 1)": threshold_scores([lv >= 1 for lv in data.labels], score),
        f"{data.feature} (level 2)": threshold_scores([lv >= 2 for lv in data.labels], score),
    }
    return JudgeReport(name, len(data.rows), features, None)


# ---- the registry --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Format:
    """One ``--format``: how its files are read (before any judge loads, so a malformed file fails
    fast) and how a judge is scored on what was read."""

    read: Callable[[Sequence[Path], str | None], Labelled]
    score: Callable[[Labelled, Any], JudgeReport]
    #: What a row is, for titles ("labelled replies").
    unit: str
    #: The methods ``--judge`` must have.
    judge_methods: tuple[str, ...] = ("assess", "assess_batch")


#: ``--format`` name -> how it is read and scored.
FORMATS: dict[str, Format] = {
    "jsonl": Format(read_jsonl, score_jsonl, "replies"),
    "xstest": Format(read_xstest, score_xstest, "replies"),
    "xstest-prompts": Format(
        read_xstest_prompts, score_xstest_prompts, "prompts", ("request_harm",)
    ),
    "epitome": Format(read_epitome, score_epitome, "replies"),
}


def load(fmt: str, paths: Sequence[str | Path], feature: str | None = None) -> Labelled:
    """The rows of files of format ``fmt`` (:data:`FORMATS`), pooled.

    Args:
        feature: for ``epitome``, the score read against the level (default: from the file name).

    Raises:
        LabelError: one line naming the file, line, column and value of the first problem.
    """
    if fmt not in FORMATS:
        raise OyrlError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    return FORMATS[fmt].read([Path(p) for p in paths], feature)


def evaluate_format(
    fmt: str, paths: Sequence[str | Path], judge: Any = None, feature: str | None = None
) -> JudgeReport:
    """Score ``judge`` (default: :class:`LexicalJudge`, or for ``xstest-prompts`` oyrl's request-harm
    reader) on files of format ``fmt``."""
    return load(fmt, paths, feature).evaluate(judge)
