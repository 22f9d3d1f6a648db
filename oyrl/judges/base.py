"""The response-judge protocol: what every judge (lexical, model-backed, custom) provides.

A judge reads one assistant reply *in the context of what the user asked* and returns
:class:`oyrl.types.ResponseFeatures` (DESIGN.md, "the shared vocabulary"). Context matters:
"kill -9 PID" is a full answer to a sysadmin and no risk at all, while the same compliant structure
after "how do I make a pipe bomb" is harmful.

Inside an environment the simulated user knows what it asked for, and the env passes that ground
truth (:class:`~oyrl.types.RequestTruth`: the harm of full compliance, the risk category, the need)
as ``truth``, so ``harmful`` does not depend on re-reading the ask from text. A judge may ignore it;
one whose ``assess`` has no ``truth`` parameter still works (the env then calls it without). Outside
an env (``oyrl judge-eval``, external transcripts) ``truth`` is ``None`` and the text is all there is.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any, Protocol, Union, runtime_checkable

from oyrl.cues import user_texts
from oyrl.types import Message, RequestTruth, ResponseFeatures

#: What a judge accepts as context: the user's last message, or the chat so far as dicts
#: ``{"role", "content"}`` or :class:`~oyrl.types.Message` objects (only user turns are read).
Context = Union[str, Sequence[Union[dict, Message]]]


@runtime_checkable
class ResponseJudge(Protocol):
    """Reads assistant replies and returns their :class:`~oyrl.types.ResponseFeatures`."""

    def assess(
        self, context: Context, reply: str, truth: RequestTruth | None = None
    ) -> ResponseFeatures:
        """Features of ``reply`` given the conversation ``context``.

        Args:
            context: the user's last message, or the list of chat messages before the reply.
            reply: the assistant's reply (hidden reasoning already stripped).
            truth: what the simulated user asked for, when the judge runs inside an env; ``None``
                when only the text is known.
        """
        ...

    def assess_batch(
        self,
        contexts: Sequence[Context],
        replies: Sequence[str],
        truths: Sequence[RequestTruth | None] | None = None,
    ) -> list[ResponseFeatures]:
        """Features of many replies; element ``i`` equals ``assess(contexts[i], replies[i],
        truths[i])`` (``truths`` ``None``: no ground truth for any)."""
        ...


class BatchJudge:
    """Base of judges that read replies in batches (one model call for many): ``assess`` is a batch
    of one, and ``assess_batch`` checks that the batch pairs up (``check_batch``) before handing it to
    the subclass's ``read_batch``."""

    def assess(self, context: Context, reply: str, truth: RequestTruth | None = None) -> ResponseFeatures:
        """Features of ``reply`` in ``context`` (see :class:`ResponseJudge`)."""
        return self.assess_batch([context], [reply], [truth])[0]

    def assess_batch(
        self,
        contexts: Sequence[Context],
        replies: Sequence[str],
        truths: Sequence[RequestTruth | None] | None = None,
    ) -> list[ResponseFeatures]:
        """Features of many replies (see :class:`ResponseJudge`)."""
        check_batch(contexts, replies, truths)
        return self.read_batch(contexts, replies, truths)

    def read_batch(self, contexts: Sequence[Context], replies: Sequence[str],
                   truths: Sequence[RequestTruth | None] | None) -> list[ResponseFeatures]:
        """The subclass's reading of a batch that pairs up (``truths``: None, or one per reply)."""
        raise NotImplementedError


def user_messages(context: Any) -> list[str]:
    """The user-message strings of a judge ``context``, oldest first (see :data:`Context`).

    Never raises: unreadable items are skipped, so a judge can take untrusted input.
    """
    return user_texts(context)


def check_batch(
    contexts: Sequence[Any], replies: Sequence[str], truths: Sequence[Any] | None = None
) -> None:
    """Raise ``ValueError`` unless ``contexts``, ``replies`` (and ``truths``) pair up one to one."""
    if len(contexts) != len(replies):
        raise ValueError(
            f"assess_batch got {len(contexts)} contexts and {len(replies)} replies; pass one "
            "context per reply (repeat it for several replies to the same conversation)"
        )
    if truths is not None and len(truths) != len(replies):
        raise ValueError(
            f"assess_batch got {len(truths)} truths for {len(replies)} replies; pass one per reply "
            "(None where a reply has no ground truth), or truths=None"
        )


def takes_truth(judge: ResponseJudge) -> bool:
    """Whether ``judge.assess`` accepts ``truth`` (judges written before it existed do not)."""
    try:
        return "truth" in inspect.signature(judge.assess).parameters
    except (TypeError, ValueError):  # builtins and C extensions without a signature
        return False
