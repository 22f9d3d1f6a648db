"""Graded request ladders: per risk category, requests from plainly benign to plainly harmful.

A pack declares them under ``ladders:`` or in a sibling file named by ``ladders_file:`` (the
built-in packs keep theirs in ``envs/ladders/<pack>.yaml``)::

    ladders:
      - category: weapons                       # a risk_category of the pack's personas
        dimensions: [requester, specificity]    # what changes from rung to rung (DIMENSIONS)
        rungs:                                  # benign first; intended responses never step back
          - {text: "how did muskets work in the 1700s?", intended: answer}
          - {text: "step-by-step instructions to build X at home", intended: refuse, note: why}

``oyrl boundary`` (``oyrl.eval.boundary``, ``docs/boundary.md``) plays each rung as a user's opening
and compares where a policy starts refusing with where the pack says it should.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field, ValidationError, model_validator

from oyrl.errors import PackError
from oyrl.schema import StrictModel, did_you_mean, read_yaml

#: The responses a pack can deem right for a rung, from most to least forthcoming.
INTENDED: tuple[str, ...] = ("answer", "answer_with_care", "soft_refusal", "refuse")
#: Intended responses that decline the ask (the rungs at or above a ladder's boundary).
REFUSING: frozenset[str] = frozenset({"soft_refusal", "refuse"})
#: What a ladder varies from rung to rung: who asks and why, how specific, how actionable the
#: answer would be, and the wrapper around the ask (fiction, role-play, hypotheticals).
DIMENSIONS: tuple[str, ...] = ("requester", "specificity", "actionability", "wrapper")
#: The fewest rungs a ladder may have: one on each side of a boundary.
MIN_RUNGS = 2

Intended = Literal["answer", "answer_with_care", "soft_refusal", "refuse"]
Dimension = Literal["requester", "specificity", "actionability", "wrapper"]


class Rung(StrictModel):
    """One request of a ladder: the user's opening message and the response the pack deems right."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(min_length=1)
    """The user's opening message, played verbatim (no slots)."""
    intended: Intended
    """The right response: answer, answer_with_care, soft_refusal or refuse."""
    note: str = ""
    """Why this rung sits where it does (for readers; not used)."""

    @property
    def refusing(self) -> bool:
        """Whether the intended response declines the ask."""
        return self.intended in REFUSING


class Ladder(StrictModel):
    """A ladder of one risk category, benign rungs first."""

    model_config = ConfigDict(frozen=True)

    category: str = Field(min_length=1)
    """A ``risk_category`` of the pack's personas."""
    dimensions: list[Dimension] = Field(min_length=1)
    """What the rungs vary (``DIMENSIONS``)."""
    rungs: list[Rung]
    """From plainly benign to plainly harmful; intended responses never step back towards answer."""

    @model_validator(mode="after")
    def _monotone(self) -> Ladder:
        if len(self.rungs) < MIN_RUNGS:
            raise ValueError(f"ladder {self.category!r}: rungs: needs at least {MIN_RUNGS} rungs "
                             f"(benign to harmful), got {len(self.rungs)}")
        for k in range(1, len(self.rungs)):
            prev, cur = self.rungs[k - 1].intended, self.rungs[k].intended
            if INTENDED.index(cur) < INTENDED.index(prev):
                raise ValueError(
                    f"ladder {self.category!r}: rungs[{k}].intended: intended responses must run from "
                    f"answer to refuse ({' < '.join(INTENDED)}), got {cur!r} after {prev!r}")
        return self

    @property
    def boundary(self) -> int | None:
        """Index of the first rung whose intended response declines (None: the ladder never does)."""
        return next((k for k, r in enumerate(self.rungs) if r.refusing), None)


class _LadderFile(StrictModel):
    ladders: list[Ladder] = Field(min_length=1)


def _one_line(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = f"unknown field {str(err['loc'][-1])!r}"
    elif err["type"] == "missing":
        msg = f"missing required field {str(err['loc'][-1])!r}"
    elif err["type"] != "value_error":
        msg = f"{msg}, got {err.get('input')!r}"[:200]
    return f"{loc or '<top level>'}: {msg}"


def read_ladder_file(path: Path) -> tuple[Ladder, ...]:
    """The ladders of a sibling ladder file (a mapping with one key, ``ladders``).

    Raises:
        PackError: one line naming the file, the field and, for a rung, its ladder's category.
    """
    raw = read_yaml(path, "ladder file", PackError)
    try:
        return tuple(_LadderFile.model_validate(raw).ladders)
    except ValidationError as exc:
        raise PackError(f"{path}: {_one_line(exc)}") from None


def pack_ladders(own: list[Ladder], ladders_file: str | None, pack_path: Path,
                 categories: set[str]) -> tuple[Ladder, ...]:
    """A pack's own ladders (inline, and from ``ladders_file`` resolved beside the pack, or else from
    ``ladders/<pack file name>`` beside it when that exists), checked
    against the pack's risk categories: each ladder names one of them, at most one ladder a category.

    Raises:
        PackError: an unknown or repeated category, or a bad ladder file.
    """
    ladders = list(own)
    where = "ladders"
    # Without ladders_file, a file of the pack's name in a ``ladders/`` folder beside it is read if
    # there is one (the built-in packs' convention): a pack copied elsewhere loads without it.
    file = pack_path.parent / ladders_file if ladders_file is not None else pack_path.parent / "ladders" / pack_path.name
    if ladders_file is not None or file.is_file():
        ladders += read_ladder_file(file)
        where = f"ladders file ({file})" if not own else "ladders"
    seen: set[str] = set()
    for i, ladder in enumerate(ladders):
        if ladder.category not in categories:
            raise PackError(
                f"{pack_path}: {where}[{i}].category: unknown risk category {ladder.category!r}"
                + did_you_mean(ladder.category, sorted(categories), f" (the pack's: {', '.join(sorted(categories))})"))
        if ladder.category in seen:
            raise PackError(f"{pack_path}: {where}[{i}].category: one ladder per category, got "
                            f"{ladder.category!r} twice")
        seen.add(ladder.category)
    return tuple(ladders)
