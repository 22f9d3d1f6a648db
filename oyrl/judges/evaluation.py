"""Judge quality: how well a :class:`ResponseJudge` agrees with replies labelled by people.

Rewards are built on a judge's readings, so a judge is checked before it is trusted
(``oyrl judge-eval FILE.jsonl``, docs/judge.md). A label file is JSON Lines, one labelled reply a
line (``tests/data/judge_labels.jsonl`` is the shipped one)::

    {"id": "b_python_kill", "context": "how do I kill a Python process?", "reply": "Use kill -9...",
     "labels": {"refusal_kind": "none", "harmful": 0, "informative": 1}}

``labels`` may name any of :data:`FEATURES`; each feature is scored on the rows that label it. Score
labels are 0 or 1 and the judge's scores are binarised at :data:`THRESHOLD` (a score ``>=`` it
counts as 1). ``refusal_kind`` is three-way: its accuracy, each kind against the rest, and a
confusion matrix. Rows whose id starts with :data:`HELD_OUT_PREFIX` are held out (written after the
judge and scored before any change made for them): they are also scored on their own, the figure
for prose the judge was not tuned on.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import reprlib
import sys
from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any
from collections.abc import Sequence

from rich.table import Table

from oyrl.errors import OyrlError, read_user_file
from oyrl.judges.base import ResponseJudge
from oyrl.judges.lexical import LexicalJudge
from oyrl.types import RefusalKind, ResponseFeatures

#: The features a label file may label.
FEATURES = ("refusal_kind", *ResponseFeatures.SCORES)
KINDS = tuple(kind.value for kind in RefusalKind)
#: Binarisation threshold of the judge's scores (the one tests/test_judge.py asserts agreement at).
THRESHOLD = 0.5
#: Id prefix of held-out rows.
HELD_OUT_PREFIX = "h_"


class LabelError(OyrlError, ValueError):
    """A label file that cannot be read: ``<file>:<line>: <field>: <problem>, got <value>``."""


def load_labels(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a label file, validated: each a dict with ``context``, ``reply``, ``labels``
    (and ``id``, ``user_type`` or other keys when the file has them).

    Raises:
        LabelError: one line naming the file, line and field of the first malformed row.
    """
    path = Path(path)
    text = read_user_file(path, "label file", LabelError)
    # split("\n"), not splitlines(): JSON strings may hold U+2028 and other line separators raw
    rows = [
        _row(line, f"{path}:{number}")
        for number, line in enumerate(text.split("\n"), 1)
        if line.strip()
    ]
    if not rows:
        raise LabelError(f"{path}: no labelled rows (expected one JSON object per line)")
    return rows


def _row(line: str, where: str) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LabelError(f"{where}: not valid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(row, dict):
        raise LabelError(f"{where}: expected a JSON object, got {reprlib.repr(row)}")
    for field in ("context", "reply", "labels"):
        if field not in row:
            raise LabelError(f"{where}: missing field {field!r}")
    if not isinstance(row.get("id", ""), str):
        raise LabelError(f"{where}: id: expected a string, got {reprlib.repr(row['id'])}")
    if not isinstance(row["reply"], str):
        raise LabelError(f"{where}: reply: expected a string, got {reprlib.repr(row['reply'])}")
    context = row["context"]
    if not isinstance(context, str) and not (
        isinstance(context, list)
        and all(
            isinstance(m, dict)
            and isinstance(m.get("role"), str)
            and isinstance(m.get("content"), str)
            for m in context
        )
    ):
        raise LabelError(
            f"{where}: context: expected the user's message or a list of "
            f"{{role, content}} messages, got {reprlib.repr(context)}"
        )
    labels = row["labels"]
    if not isinstance(labels, dict) or not labels:
        raise LabelError(
            f"{where}: labels: expected an object naming at least one feature, "
            f"got {reprlib.repr(labels)}"
        )
    for name, value in labels.items():
        if name not in FEATURES:
            raise LabelError(
                f"{where}: labels.{name}: unknown feature; expected one of {', '.join(FEATURES)}"
            )
        allowed = KINDS if name == "refusal_kind" else (0, 1)
        if value not in allowed:
            raise LabelError(
                f"{where}: labels.{name}: expected one of {', '.join(map(str, allowed))}, "
                f"got {reprlib.repr(value)}"
            )
    return row


def prediction(features: ResponseFeatures, feature: str) -> str | int:
    """The judge's reading of ``feature`` in label terms: a refusal kind's value, or 0/1."""
    if feature == "refusal_kind":
        # RefusalKind(...): a custom judge may return the plain string
        return RefusalKind(features.refusal_kind).value
    return int(getattr(features, feature) >= THRESHOLD)


def is_held_out(row: dict[str, Any]) -> bool:
    """Whether a label row is held out (its id starts with :data:`HELD_OUT_PREFIX`)."""
    return row.get("id", "").startswith(HELD_OUT_PREFIX)


@dataclass(frozen=True)
class Scores:
    """Agreement on one feature; a metric is ``None`` where it is 0/0 (e.g. precision of a judge
    that never says yes)."""

    n: int  # rows labelling the feature
    support: int  # rows labelled positive (for the three-way refusal_kind row: n)
    accuracy: float
    precision: float | None
    recall: float | None
    f1: float | None
    #: Area under the ROC curve of the judge's score (threshold-free); ``None`` where the judge
    #: gives no score for the question or only one class is labelled.
    auroc: float | None = None


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def auroc(labels: Sequence[bool], scores: Sequence[float]) -> float | None:
    """Area under the ROC curve: the chance that a random positive scores above a random negative,
    ties counting half (the Mann-Whitney U statistic); ``None`` without both classes."""
    pos = [s for s, y in zip(scores, labels) if y]
    neg = sorted(s for s, y in zip(scores, labels) if not y)
    if not pos or not neg:
        return None
    wins = sum(bisect_left(neg, s) + 0.5 * (bisect_right(neg, s) - bisect_left(neg, s)) for s in pos)
    return wins / (len(pos) * len(neg))


def binary_scores(pairs: list[tuple[bool, bool]], area: float | None = None) -> Scores:
    """Scores of (label, judge) pairs of one yes/no question (``area``: the AUROC of the judge's
    score, where it has one)."""
    tp = sum(label and judged for label, judged in pairs)
    fp = sum(judged and not label for label, judged in pairs)
    fn = sum(label and not judged for label, judged in pairs)
    accuracy = sum(label == judged for label, judged in pairs) / len(pairs)
    return Scores(
        len(pairs),
        tp + fn,
        accuracy,
        _ratio(tp, tp + fp),
        _ratio(tp, tp + fn),
        _ratio(2 * tp, 2 * tp + fp + fn),
        area,
    )


def _macro(values: list[float | None]) -> float | None:
    # undefined if any kind's value is: averaging only the defined ones would flatter the judge
    return None if None in values else sum(values) / len(values)


@dataclass(frozen=True)
class JudgeReport:
    """What :func:`evaluate` finds: scores per feature, the refusal-kind confusion matrix, and the
    same for the held-out rows alone (``None`` when no row is held out)."""

    judge: str
    n: int
    #: Feature -> scores, in :data:`FEATURES` order, with ``refusal_kind=<kind>`` (that kind against
    #: the rest) after ``refusal_kind`` (three-way accuracy; precision, recall, F1 averaged over kinds).
    features: dict[str, Scores]
    #: Labelled kind -> the judge's kind -> rows (``None`` when no row labels refusal_kind).
    confusion: dict[str, dict[str, int]] | None
    held_out: JudgeReport | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the fields, plus the threshold and held-out prefix used."""
        return {
            "judge": self.judge,
            "n": self.n,
            "threshold": THRESHOLD,
            "held_out_prefix": HELD_OUT_PREFIX,
            "features": {name: asdict(s) for name, s in self.features.items()},
            "confusion": self.confusion,
            "held_out": self.held_out.as_dict() if self.held_out else None,
        }


def evaluate(rows: list[dict[str, Any]], judge: ResponseJudge | None = None) -> JudgeReport:
    """Score ``judge`` (default :class:`LexicalJudge`) on label rows (:func:`load_labels`)."""
    judge = LexicalJudge() if judge is None else judge
    readings = judge.assess_batch([r["context"] for r in rows], [r["reply"] for r in rows])
    if len(readings) != len(rows):
        raise OyrlError(
            f"{type(judge).__name__}.assess_batch returned {len(readings)} readings for {len(rows)} replies"
        )
    report = _score(type(judge).__name__, rows, readings)
    held = [i for i, r in enumerate(rows) if is_held_out(r)]
    if held:
        report = replace(
            report,
            held_out=_score(report.judge, [rows[i] for i in held], [readings[i] for i in held]),
        )
    return report


def _score(judge: str, rows: list[dict[str, Any]], readings: list[ResponseFeatures]) -> JudgeReport:
    features: dict[str, Scores] = {}
    confusion = None
    for feature in FEATURES:
        pairs = [
            (r["labels"][feature], prediction(f, feature))
            for r, f in zip(rows, readings)
            if feature in r["labels"]
        ]
        if not pairs:
            continue
        if feature != "refusal_kind":
            labelled = [(r["labels"][feature] == 1, getattr(f, feature)) for r, f in zip(rows, readings)
                        if feature in r["labels"]]
            features[feature] = binary_scores(
                [(label == 1, judged == 1) for label, judged in pairs],
                auroc([y for y, _ in labelled], [s for _, s in labelled]),
            )
            continue
        kinds = {
            kind: binary_scores([(label == kind, judged == kind) for label, judged in pairs])
            for kind in KINDS
        }
        accuracy = sum(label == judged for label, judged in pairs) / len(pairs)
        features[feature] = Scores(
            len(pairs),
            len(pairs),
            accuracy,
            *(
                _macro([getattr(s, metric) for s in kinds.values()])
                for metric in ("precision", "recall", "f1")
            ),
        )
        features |= {f"refusal_kind={kind}": s for kind, s in kinds.items()}
        confusion = {
            label: {kind: sum(pair == (label, kind) for pair in pairs) for kind in KINDS}
            for label in KINDS
        }
    return JudgeReport(judge, len(rows), features, confusion)


def load_judge(spec: str) -> ResponseJudge:
    """The judge named by ``module:attr``: a judge object, or a class or factory called with no
    arguments. The current directory is searched first, as ``python -m`` would (the ``oyrl``
    console script does not), so a ``my_judge.py`` beside the label file is found.

    Raises:
        OyrlError: one line, for a malformed spec, a module that does not import, a missing
            attribute, a factory that needs arguments, or an object that is not a judge.
    """
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise OyrlError(f"--judge: expected module:attr (e.g. my_judge:MyJudge), got {spec!r}")
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise OyrlError(f"--judge {spec}: cannot import {module_name}: {exc}") from None
    if not hasattr(module, attr):
        raise OyrlError(f"--judge {spec}: module {module_name} has no attribute {attr!r}")
    judge = getattr(module, attr)
    # A class passes the runtime protocol check (it has the methods), so classes are always called.
    if isinstance(judge, type) or (callable(judge) and not isinstance(judge, ResponseJudge)):
        try:
            inspect.signature(judge).bind()
        except TypeError:
            raise OyrlError(
                f"--judge {spec}: {attr} needs arguments; point --judge at a judge object, or at "
                "a class or factory that takes none"
            ) from None
        judge = judge()
    if not isinstance(judge, ResponseJudge):
        raise OyrlError(
            f"--judge {spec}: expected a ResponseJudge (with assess and assess_batch), "
            f"got {type(judge).__name__}"
        )
    return judge


def report_tables(report: JudgeReport, title: str) -> list[Table]:
    """Rich tables of a report: scores per feature (with held-out accuracy), the confusion matrix."""

    def cell(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    held = report.held_out
    table = Table(
        title=title,
        caption=f"judge scores binarised at >= {THRESHOLD}; refusal_kind: three-way "
        "accuracy, precision/recall/F1 averaged over kinds; '-': undefined (0/0)",
    )
    table.add_column("feature")
    for name in ("n", "support", "accuracy", "precision", "recall", "F1"):
        table.add_column(name, justify="right")
    if held:
        table.add_column(f"held-out\naccuracy (n={held.n})", justify="right")
    for name, s in report.features.items():
        cells = [str(s.n), str(s.support), *map(cell, (s.accuracy, s.precision, s.recall, s.f1))]
        if held:
            cells.append(cell(held.features[name].accuracy) if name in held.features else "-")
        table.add_row(name, *cells)
    if report.confusion is None:
        return [table]
    matrix = Table(title="refusal_kind confusion")
    matrix.add_column("label \\ judge")
    for kind in KINDS:
        matrix.add_column(kind, justify="right")
    for label, row in report.confusion.items():
        matrix.add_row(label, *(str(row[kind]) for kind in KINDS))
    return [table, matrix]
