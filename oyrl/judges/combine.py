"""What the model-backed judges share: counting parse outcomes, calling a fallback judge, laying a
model's partial reading over the fallback's full one, and turning a judge context into a chat.

A model judge (rubric, guard, classifier) reads only some :class:`~oyrl.types.ResponseFeatures`
fields; the rest, and every reply whose model output could not be parsed, come from a fallback
judge (``LexicalJudge`` by default), so a judge never raises on what a model wrote.
"""

from __future__ import annotations

import threading

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from oyrl.judges.base import ResponseJudge, takes_truth
from oyrl.types import RefusalKind, RequestTruth, ResponseFeatures

#: The features a model may score (every ``ResponseFeatures`` field but ``length_tokens``).
FEATURES: tuple[str, ...] = ("refusal_kind", *ResponseFeatures.SCORES)

#: A reply is a refusal from this ``refusal`` score on (the same cut judge-eval binarises at).
REFUSAL_CUT = 0.5


_STATS_LOCK = threading.Lock()


@dataclass(slots=True)
class JudgeStats:
    """How a model judge's answers went since it was built.

    Attributes:
        parsed: replies whose features came from the model's answer (first try or retry).
        retried: replies whose first answer failed to parse and were asked again.
        fell_back: replies scored by the fallback judge because no answer parsed.
    """

    parsed: int = 0
    retried: int = 0
    fell_back: int = 0

    def count(self, **added: int) -> None:
        """Add to counters; safe from the concurrent env steps of a rollout batch."""
        with _STATS_LOCK:
            for name, n in added.items():
                setattr(self, name, getattr(self, name) + n)

    def as_dict(self) -> dict[str, int]:
        """The counters as a plain dict (for logs)."""
        return asdict(self)


def judge_batch(
    judge: ResponseJudge,
    contexts: Sequence[Any],
    replies: Sequence[str],
    truths: Sequence[RequestTruth | None] | None,
) -> list[ResponseFeatures]:
    """``judge.assess_batch``, passing ``truths`` only to a judge whose ``assess`` takes them."""
    if truths is not None and takes_truth(judge):
        return list(judge.assess_batch(contexts, replies, truths))
    return list(judge.assess_batch(contexts, replies))


def overlay(base: ResponseFeatures, values: Mapping[str, Any]) -> ResponseFeatures:
    """``base`` with the fields in ``values`` replaced (scores rounded to 4 places, clipped to [0, 1]).

    When ``values`` sets ``refusal`` but not ``refusal_kind``, the kind follows the score: below
    :data:`REFUSAL_CUT` no refusal; above it the base judge's kind when that reads soft or hard (a
    model that only says "refusal: yes" cannot tell a soft refusal from a blunt one, the lexical
    reading of alternatives and resources can), else hard.
    """
    fields: dict[str, Any] = {}
    for name, value in values.items():
        if name == "refusal_kind":
            fields[name] = RefusalKind(value)
        else:
            fields[name] = round(min(1.0, max(0.0, float(value))), 4)
    if "refusal" in fields and "refusal_kind" not in fields:
        if fields["refusal"] < REFUSAL_CUT:
            fields["refusal_kind"] = RefusalKind.NONE
        elif base.refusal_kind is RefusalKind.NONE:
            fields["refusal_kind"] = RefusalKind.HARD
    return replace(base, **fields)


def _role_content(message: Any) -> tuple[str, str] | None:
    """``(role, content)`` of a chat message given as a dict, an object or a bare string."""
    if isinstance(message, str):
        return "user", message
    if isinstance(message, dict):
        role, content = message.get("role", "user"), message.get("content", "")
    else:
        role, content = getattr(message, "role", "user"), getattr(message, "content", "")
    if role not in ("user", "assistant") or not isinstance(content, str):
        return None  # system prompts and unreadable items: guards and rubrics read the exchange only
    return role, content


def conversation(context: Any, reply: str) -> list[dict[str, str]]:
    """The chat a guard reads: the context's user and assistant turns, then ``reply``.

    Roles alternate user/assistant and start with a user turn (Llama Guard's chat template raises
    otherwise): consecutive turns of one role are joined by a blank line, a leading assistant turn
    is dropped. Never raises on untrusted input.
    """
    items = [context] if isinstance(context, str) else context
    try:
        items = list(items) if items is not None else []
    except TypeError:
        items = []
    chat: list[dict[str, str]] = []
    for m in items:
        rc = _role_content(m)
        if rc is None or (not chat and rc[0] == "assistant"):
            continue
        if chat and chat[-1]["role"] == rc[0]:
            chat[-1]["content"] += "\n\n" + rc[1]
        else:
            chat.append({"role": rc[0], "content": rc[1]})
    if not chat:
        chat.append({"role": "user", "content": ""})
    if chat[-1]["role"] == "assistant":
        chat[-1]["content"] += "\n\n" + (reply if isinstance(reply, str) else "")
    else:
        chat.append({"role": "assistant", "content": reply if isinstance(reply, str) else ""})
    return chat
