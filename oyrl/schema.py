"""What every validated input shares: strict models, YAML reading and "did you mean" hints.

Scenario packs, reward designs and experiment configs are typed (pydantic) and fail with one line
that names the file, field and value (``oyrl.errors``); these are the pieces they have in common.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from oyrl.errors import OyrlError, read_user_file


class StrictModel(BaseModel):
    """A pydantic model that refuses unknown keys (a typo is an error, not a silent default) and
    reads each field's documentation from the docstring written under it."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


def did_you_mean(key: str, known: Iterable[str], otherwise: str = "") -> str:
    """``"; did you mean 'x'?"`` for the known name closest to ``key``, else ``otherwise`` (e.g.
    ``" (known: a, b)"``): the tail of an "unknown ..." error."""
    hint = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
    return f"; did you mean {hint[0]!r}?" if hint else otherwise


def read_yaml(path: str | Path, what: str, error: type[OyrlError]) -> Any:
    """The YAML document of a file a user pointed to, or ``error`` with one line: a missing or
    unreadable file, or a syntax error with its line and column."""
    path = Path(path)
    text = read_user_file(path, what, error)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"{path}: {where}YAML syntax error: {problem}") from None
