"""Normalising untrusted text before it is read: lowercase, straight quotes, squeezed spaces.

Shared by the judges (replies) and the cue reader (user messages), which match lowercase word
lists compiled without ``re.IGNORECASE``.
"""

from __future__ import annotations

import re
from typing import Any

#: Only this many leading characters of a text are read, so adversarially long inputs cost a
#: bounded amount of time.
MAX_CHARS = 20_000

_QUOTE_PAIRS = (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u00a0", " "))
_SPACES = re.compile(r"[ \t\r\f\v]+")


def normalise(text: Any, max_chars: int = MAX_CHARS) -> str:
    """Lowercase, straighten quotes and squeeze spaces (newlines kept) of the first ``max_chars``.

    Non-string input becomes ``""`` rather than raising: the text is untrusted.
    """
    if not isinstance(text, str):
        return ""
    t = text[:max_chars].lower()
    if not t.isascii():  # curly quotes and no-break spaces from chat UIs and models
        for old, new in _QUOTE_PAIRS:
            if old in t:
                t = t.replace(old, new)
    if "  " in t or "\t" in t or "\r" in t or "\f" in t or "\v" in t:
        t = _SPACES.sub(" ", t)
    return t
