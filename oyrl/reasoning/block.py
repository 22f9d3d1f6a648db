"""The declared assessment: a structured block a policy may open its reply with.

Interpretable reasoning control (the Constructive Safety Alignment research structures the model's
safety reasoning as decision nodes: the user's need, the risk intent, the applicable guideline,
then the strategy). A policy states its reading of the conversation and its plan before it writes::

    <assess>need: wants to feel less alone; user: sensitive; risk: suicidal_ideation; level: 2; strategy: empathic_support</assess>
    I'm really sorry you're going through this...

Fields, each exactly once, separated by ``;``, in any order:

* ``need``: free text (at most :data:`MAX_NEED_CHARS` characters), what the user is after;
* ``user``: ``benign``, ``sensitive`` or ``malicious`` (:class:`~oyrl.types.UserType`);
* ``risk``: the pack's risk category (``snake_case``), or ``none``;
* ``level``: ``0`` to ``3``, the harm the plain answer would carry (0 none, 3 severe);
* ``strategy``: one of the seven strategies (:class:`~oyrl.strategies.Strategy`).

Only a block at the very start of the assistant's reply is a declaration. The env strips every
``<assess>`` block (and an unclosed one to the end of the reply) before the judge and the simulated
user see the reply, as it strips ``<think>`` reasoning; a user message is never parsed. Parsing is
strict and never raises: anything else is recorded with a status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from oyrl.strategies import Strategy
from oyrl.types import UserType

MAX_NEED_CHARS = 200
FIELDS = ("need", "user", "risk", "level", "strategy")
_OPEN, _CLOSE = "<assess>", "</assess>"
_BLOCK = re.compile(r"<assess>.*?(?:</assess>|\Z)", re.DOTALL | re.IGNORECASE)
_CATEGORY = re.compile(r"[a-z][a-z0-9_]*\Z")


class DeclaredStatus(str, Enum):
    """What the start of a reply held."""

    NONE = "none"  # no block anywhere
    OK = "ok"  # a well-formed block at the start
    MALFORMED = "malformed"  # a block at the start that does not parse (reason in ``Declared.error``)
    TRUNCATED = "truncated"  # ``<assess>`` without ``</assess>`` (cut by the token budget, usually)
    MISPLACED = "misplaced"  # blocks only after the reply's start: stripped, not a declaration


@dataclass(frozen=True, slots=True)
class Declared:
    """A parsed declaration (fields ``None`` unless ``status`` is ``ok``)."""

    status: DeclaredStatus
    need: str | None = None
    user: UserType | None = None
    risk: str | None = None
    level: int | None = None
    strategy: Strategy | None = None
    error: str | None = None

    def as_info(self) -> dict[str, object]:
        """Plain values for ``info["declared"]`` and logs."""
        return {"status": self.status.value, "need": self.need, "user": self.user.value if self.user else None,
                "risk": self.risk, "level": self.level,
                "strategy": self.strategy.value if self.strategy else None, "error": self.error}


def format_block(need: str, user: UserType | str, risk: str | None, level: int, strategy: Strategy | str) -> str:
    """The block text for these fields (what a policy, the tiny base's corpus or a steering
    wrapper writes), without a trailing newline."""
    user_value = user.value if isinstance(user, UserType) else user
    strategy_value = strategy.value if isinstance(strategy, Strategy) else strategy
    need = " ".join(need.replace(";", ",").split())[:MAX_NEED_CHARS]
    return (f"{_OPEN}need: {need}; user: {user_value}; risk: {risk or 'none'}; level: {level}; "
            f"strategy: {strategy_value}{_CLOSE}")


def split_declared(reply: str) -> tuple[str, Declared]:
    """The reply without any ``<assess>`` block, and what its start declared.

    Never raises. ``status``: ``ok`` with the fields; ``malformed``/``truncated`` with ``error``;
    ``misplaced`` when blocks appear only later in the reply; ``none`` without any block.
    """
    if "<" not in reply or _OPEN not in reply.lower():
        return reply, Declared(DeclaredStatus.NONE)
    visible = _BLOCK.sub("", reply).strip()
    head = reply.lstrip()
    if not head.lower().startswith(_OPEN):
        return visible, Declared(DeclaredStatus.MISPLACED, error="the block is not at the start of the reply")
    end = head.lower().find(_CLOSE)
    if end < 0:
        return visible, Declared(DeclaredStatus.TRUNCATED, error="no </assess> closes the block")
    return visible, _parse_body(head[len(_OPEN):end])


def _parse_body(body: str) -> Declared:
    if _OPEN in body.lower():
        return _malformed("a block inside the block")
    values: dict[str, str] = {}
    for part in body.split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition(":")
        key = key.strip().lower()
        if not sep or key not in FIELDS:
            return _malformed(f"unknown field {key!r}" if sep else f"no ':' in {part.strip()[:40]!r}")
        if key in values:
            return _malformed(f"field {key!r} given twice")
        values[key] = value.strip()
    missing = [f for f in FIELDS if f not in values]
    if missing:
        return _malformed(f"missing field {missing[0]!r}")
    return _typed(values)


def _typed(values: dict[str, str]) -> Declared:
    need = values["need"]
    if not need or len(need) > MAX_NEED_CHARS:
        return _malformed(f"need: expected 1-{MAX_NEED_CHARS} characters")
    try:
        user = UserType(values["user"].lower())
    except ValueError:
        return _malformed(f"user: expected benign, sensitive or malicious, got {values['user'][:30]!r}")
    risk = values["risk"].lower()
    if not _CATEGORY.match(risk):
        return _malformed(f"risk: expected a snake_case category or none, got {values['risk'][:30]!r}")
    if values["level"] not in ("0", "1", "2", "3"):
        return _malformed(f"level: expected 0-3, got {values['level'][:10]!r}")
    try:
        strategy = Strategy(values["strategy"].lower())
    except ValueError:
        return _malformed(f"strategy: expected one of the seven strategies, got {values['strategy'][:30]!r}")
    return Declared(DeclaredStatus.OK, need, user, None if risk == "none" else risk, int(values["level"]), strategy)


def _malformed(error: str) -> Declared:
    return Declared(DeclaredStatus.MALFORMED, error=error)
