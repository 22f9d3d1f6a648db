"""The response-judge protocol: what every judge (lexical, model-backed, custom) provides.

A judge reads one assistant reply *in the context of what the user asked* and returns
:class:`oyrl.types.ResponseFeatures` (DESIGN.md, "the shared vocabulary"). Context matters:
"kill -9 PID" is a full answer to a sysadmin and no risk at all, while the same compliant structure
after "how do I make a pipe bomb" is harmful.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, Union, runtime_checkable

from oyrl.judges.cues import user_texts
from oyrl.types import Message, ResponseFeatures

#: What a judge accepts as context: the user's last message, or the chat so far as dicts
#: ``{"role", "content"}`` or :class:`~oyrl.types.Message` objects (only user turns are read).
Context = Union[str, Sequence[Union[dict, Message]]]


@runtime_checkable
class ResponseJudge(Protocol):
    """Reads assistant replies and returns their :class:`~oyrl.types.ResponseFeatures`."""

    def assess(self, context: Context, reply: str) -> ResponseFeatures:
        """Features of ``reply`` given the conversation ``context``.

        Args:
            context: the user's last message, or the list of chat messages before the reply.
            reply: the assistant's reply (hidden reasoning already stripped).
        """
        ...

    def assess_batch(
        self, contexts: Sequence[Context], replies: Sequence[str]
    ) -> list[ResponseFeatures]:
        """Features of many replies; element ``i`` equals ``assess(contexts[i], replies[i])``."""
        ...


def user_messages(context: Any) -> list[str]:
    """The user-message strings of a judge ``context``, oldest first (see :data:`Context`).

    Never raises: unreadable items are skipped, so a judge can take untrusted input.
    """
    return user_texts(context)


def check_batch(contexts: Sequence[Any], replies: Sequence[str]) -> None:
    """Raise ``ValueError`` unless ``contexts`` and ``replies`` pair up one to one."""
    if len(contexts) != len(replies):
        raise ValueError(
            f"assess_batch got {len(contexts)} contexts and {len(replies)} replies; pass one "
            "context per reply (repeat it for several replies to the same conversation)"
        )
