"""`oyrl judge-eval`: a judge's agreement with labelled replies (oyrl/judges/evaluation.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from oyrl.cli import main
from oyrl.errors import OyrlError
from oyrl.judges.evaluation import FEATURES, THRESHOLD, auroc, evaluate, load_judge, load_labels
from oyrl.types import RefusalKind, ResponseFeatures

DATA = Path(__file__).parent / "data" / "judge_labels.jsonl"


class ScriptedJudge:
    """Reads each reply as the features listed for it."""

    def __init__(self, readings: dict[str, ResponseFeatures]):
        self.readings = readings

    def assess(self, context, reply):
        return self.readings[reply]

    def assess_batch(self, contexts, replies):
        return [self.assess(c, r) for c, r in zip(contexts, replies)]


def write(path: Path, rows: list) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    return path


# ---- the built-in judge on the shipped labels ----------------------------------------------------
@pytest.fixture(scope="module")
def shipped():
    return evaluate(load_labels(DATA))


def test_builtin_judge_agrees_as_test_judge_asserts(shipped):
    assert shipped.judge == "LexicalJudge" and shipped.n == 235 and THRESHOLD == 0.5
    for feature in FEATURES:
        assert shipped.features[feature].accuracy >= 0.9, feature  # tests/test_judge.py's bound
    held = [r for r in load_labels(DATA) if r["id"].startswith("h_")]
    assert shipped.held_out.n == len(held) == 48
    assert sum(shipped.confusion[kind][kind] for kind in shipped.confusion) / shipped.n == (
        shipped.features["refusal_kind"].accuracy
    )


def test_json_parses_and_matches_the_report(shipped, capsys):
    assert main(["judge-eval", str(DATA), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == json.loads(json.dumps(shipped.as_dict()))
    assert out["threshold"] == 0.5 and out["held_out"]["n"] == 48
    assert set(out["features"]["empathy"]) == {
        "n",
        "support",
        "accuracy",
        "precision",
        "recall",
        "f1",
        "auroc",
    }


def test_table_shows_every_feature_and_the_confusion_matrix(capsys):
    assert main(["judge-eval", str(DATA)]) == 0
    out = capsys.readouterr().out
    for name in (*FEATURES, "refusal_kind=soft", "F1", "held-out", "label \\ judge"):
        assert name in out, name
    header = next(line for line in out.splitlines() if line.startswith("┃ feature"))
    assert [c.strip() for c in header.split("┃")[1:-1]][-2:] == ["AUROC", "accuracy (n=48)"]


# ---- metrics against hand-computed values ------------------------------------------------------
def test_metrics_on_four_rows(tmp_path):
    path = write(
        tmp_path / "four.jsonl",
        [
            {
                "id": "h_a",
                "context": "q",
                "reply": "a",
                "labels": {"refusal_kind": "none", "empathy": 1, "resources": 1},
            },
            {
                "id": "b",
                "context": "q",
                "reply": "b",
                "labels": {"refusal_kind": "soft", "empathy": 1, "resources": 0},
            },
            {
                "id": "c",
                "context": [{"role": "user", "content": "q"}],
                "reply": "c",
                "labels": {"refusal_kind": "hard", "empathy": 1},
            },
            {"context": "q", "reply": "d", "labels": {"refusal_kind": "hard", "empathy": 0}},
        ],
    )
    none, hard = RefusalKind.NONE, RefusalKind.HARD
    judge = ScriptedJudge(
        {
            "a": ResponseFeatures(refusal_kind=none, empathy=0.9),
            "b": ResponseFeatures(refusal_kind=hard, empathy=0.4),
            "c": ResponseFeatures(refusal_kind=hard, empathy=0.2),
            "d": ResponseFeatures(refusal_kind=none, empathy=0.5),  # 0.5 reads as 1 (>= THRESHOLD)
        }
    )
    report = evaluate(load_labels(path), judge)
    f = {
        name: (s.n, s.support, s.accuracy, s.precision, s.recall, s.f1)
        for name, s in report.features.items()
    }
    assert list(f) == [
        "refusal_kind",
        "refusal_kind=none",
        "refusal_kind=soft",
        "refusal_kind=hard",
        "empathy",
        "resources",
    ]  # unlabelled features are left out
    # empathy: labels 1 1 1 0, judge 1 0 0 1 -> tp 1, fp 1, fn 2
    assert f["empathy"] == pytest.approx((4, 3, 0.25, 0.5, 1 / 3, 0.4))
    # resources, labelled on two rows: 1 0, judge 0 0 -> no positive reading: precision undefined
    assert f["resources"] == (2, 1, 0.5, None, 0.0, 0.0)
    # kinds: labels none soft hard hard, judge none hard hard none
    assert f["refusal_kind=none"] == pytest.approx((4, 1, 0.75, 0.5, 1.0, 2 / 3))
    assert f["refusal_kind=soft"] == (4, 1, 0.75, None, 0.0, 0.0)
    assert f["refusal_kind=hard"] == (4, 2, 0.5, 0.5, 0.5, 0.5)
    assert f["refusal_kind"] == pytest.approx((4, 4, 0.5, None, 0.5, (2 / 3 + 0 + 0.5) / 3))
    assert report.confusion == {
        "none": {"none": 1, "soft": 0, "hard": 0},
        "soft": {"none": 0, "soft": 0, "hard": 1},
        "hard": {"none": 1, "soft": 0, "hard": 1},
    }
    held = report.held_out
    assert (
        held.n == 1
        and held.features["empathy"].accuracy == 1.0
        and held.features["resources"].accuracy == 0.0
    )
    assert held.held_out is None


# ---- a user's own judge through --judge ----------------------------------------------------------
def test_never_refusing_judge_has_refusal_recall_zero(judge_module, capsys):
    assert main(["judge-eval", str(DATA), "--judge", f"{judge_module}:NeverRefuses", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["judge"] == "NeverRefuses"
    for name in ("refusal", "refusal_kind=soft", "refusal_kind=hard"):
        scores = out["features"][name]
        assert scores["recall"] == 0.0 and scores["precision"] is None and scores["support"] > 0, (
            name
        )
    assert out["features"]["refusal_kind=none"]["recall"] == 1.0


@pytest.mark.parametrize("attr", ["NeverRefuses", "make_judge", "JUDGE"])
def test_judge_may_be_a_class_a_factory_or_an_object(judge_module, attr):
    assert type(load_judge(f"{judge_module}:{attr}")).__name__ == "NeverRefuses"


@pytest.mark.parametrize(
    "spec,message",
    [
        ("LexicalJudge", "expected module:attr"),
        ("no_such_module_xyz:Judge", "cannot import no_such_module_xyz"),
        ("{m}:Missing", "has no attribute 'Missing'"),
        ("{m}:NeedsModel", "NeedsModel needs arguments"),
        ("{m}:NOT_A_JUDGE", "expected a ResponseJudge"),
    ],
)
def test_bad_judge_spec_is_one_line_exit_2(judge_module, spec, message, capsys):
    assert main(["judge-eval", str(DATA), "--judge", spec.format(m=judge_module)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


# ---- malformed label files ---------------------------------------------------------------------
GOOD = {"id": "x", "context": "hi", "reply": "Hello!", "labels": {"refusal_kind": "none"}}


@pytest.mark.parametrize(
    "bad,message",
    [
        ('{"context": "hi", "reply": ', "bad.jsonl:2: not valid JSON"),
        ({"context": "hi", "labels": {"empathy": 1}}, "bad.jsonl:2: missing field 'reply'"),
        (
            {**GOOD, "labels": {"helpfulness": 1}},
            "bad.jsonl:2: labels.helpfulness: unknown feature; expected one of refusal_kind, refusal",
        ),
        (
            {**GOOD, "labels": {"empathy": 2}},
            "bad.jsonl:2: labels.empathy: expected one of 0, 1, got 2",
        ),
        (
            {**GOOD, "labels": {"refusal_kind": "maybe"}},
            "bad.jsonl:2: labels.refusal_kind: expected one of none, soft, hard, got 'maybe'",
        ),
    ],
)
def test_malformed_rows_are_one_line_errors_exit_2(tmp_path, bad, message, capsys):
    path = write(tmp_path / "bad.jsonl", [GOOD, bad, GOOD])
    with pytest.raises(OyrlError, match=re.escape(message)):
        load_labels(path)
    assert main(["judge-eval", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("oyrl judge-eval: error: ") and message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "text,message", [(None, "no such label file"), ("\n\n", "no labelled rows")]
)
def test_missing_or_empty_file(tmp_path, text, message):
    path = tmp_path / "labels.jsonl"
    if text is not None:
        path.write_text(text)
    with pytest.raises(OyrlError, match=message):
        load_labels(path)


def test_console_command_prints_no_traceback(tmp_path):
    path = write(tmp_path / "bad.jsonl", [{**GOOD, "labels": {"empathy": 0.7}}])
    done = subprocess.run(
        [sys.executable, "-m", "oyrl", "judge-eval", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert (
        done.stderr
        == f"oyrl judge-eval: error: {path}:1: labels.empathy: expected one of 0, 1, got 0.7\n"
    )


# ---- AUROC against hand-computed values ----------------------------------------------------------
@pytest.mark.parametrize(
    "labels,scores,expected",
    [
        ([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1], 1.0),  # every positive above every negative
        ([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9], 0.0),
        ([1, 0], [0.5, 0.5], 0.5),  # a tie counts half
        # pos 0.9 0.3 0.6 vs neg 0.1 0.3 0.6: 3 + (1 + 0.5) + (2 + 0.5) = 7 of 9 pairs
        ([1, 1, 1, 0, 0, 0], [0.9, 0.3, 0.6, 0.1, 0.3, 0.6], 7 / 9),
        ([1, 1, 1], [0.2, 0.5, 0.9], None),  # one class: undefined
        ([0, 0], [0.2, 0.5], None),
    ],
)
def test_auroc_by_hand(labels, scores, expected):
    area = auroc([y == 1 for y in labels], scores)
    assert area == (None if expected is None else pytest.approx(expected))


def test_jsonl_report_gives_auroc_for_scores_not_kinds(tmp_path, capsys):
    path = write(
        tmp_path / "two.jsonl",
        [
            {"context": "q", "reply": "a", "labels": {"refusal_kind": "none", "empathy": 1}},
            {"context": "q", "reply": "b", "labels": {"refusal_kind": "hard", "empathy": 0}},
        ],
    )
    judge = ScriptedJudge({"a": ResponseFeatures(empathy=0.3), "b": ResponseFeatures(empathy=0.6)})
    report = evaluate(load_labels(path), judge)
    assert report.features["empathy"].auroc == 0.0  # the labelled-empathic reply scores lower
    assert report.features["refusal_kind"].auroc is None
    assert report.features["refusal_kind=hard"].auroc is None
