"""Regex fragments for the word lists of the readers of text (judges and cues).

Word lists are lowercase regex sources matched against normalised text (``normalise.py``).
Contractions are spelled both ways ("can't|cant"), as users and models write both.
"""

from __future__ import annotations

# ---- contraction fragments ------------------------------------------------------------------
CANT = r"(?:can't|cant|cannot|can not)"
WONT = r"(?:won't|wont|will not)"
DONT = r"(?:don't|dont|do not)"
IM = r"(?:i'm|im|i am)"
ITS = r"(?:it's|its|it is)"
THATS = r"(?:that's|thats|that is|this is|it's|its|it is)"
YOURE = r"(?:you're|youre|you are|ur)"


def alt(*parts: str) -> str:
    """Join regex fragments into one non-capturing alternation.

    Fragments that start with ``\\b`` share one hoisted ``\\b``, so ``re`` tests the boundary once
    per position rather than once per fragment (user-side patterns run whole; the judge's own are
    split again by ``gating.py``). Matches are unchanged.
    """
    bounded = [p[2:] for p in parts if p.startswith(r"\b")]
    rest = [p for p in parts if not p.startswith(r"\b")]
    if bounded:
        rest.insert(0, r"\b(?:" + "|".join(bounded) + ")")
    return "(?:" + "|".join(rest) + ")"


def words(*parts: str) -> str:
    """An alternation of fragments bounded by word boundaries."""
    return r"\b" + alt(*parts) + r"\b"
