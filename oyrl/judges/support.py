"""How much a reply supports the person: the judge's ``empathy`` and ``engagement`` scores.

The word lists (``support_lexicon.py``) say what support looks like; this module says when a match
counts and how matches add up. :class:`~oyrl.judges.lexical.LexicalJudge` finds the matches (with
its anchor gating) and calls :func:`keep` on them, then :func:`empathy` and :func:`engagement`.

When a match does not count (structural rules, so they hold for phrases the lists never saw):

* negated: a negator at most four words before it in the same clause ("I'm not sorry", "I don't
  feel sorry for you", "I won't say it gets better");
* quoted or reported: inside an open quotation mark, or just after a verb of saying that is not the
  writer's own ("she said sorry", "people keep telling me it gets better"; "I just want to say I'm
  sorry" counts);
* sarcastic: a "/s" after it on its line (the Reddit convention);
* a "that's hard" that does not start its clause, unless a verb of knowing leads in ("I know
  that's hard"): after a noun it is a relative clause describing a thing ("bleeding that's heavy").

Questions without "?" ("what happened", "how long have you been on it") are read only where a
segment starts, after lead-in words at most ("hey man, what happened"): elsewhere the same words
state ("that's what happened to me", "do your best").

How the scores add up: one strong empathy form (sympathy, validation, reflection, solidarity,
reassurance, affirmation, care) makes a reply empathic (>= 0.5, the rewards' threshold); weak forms
(good wishes, "me too", an offer to listen) add smaller amounts, so that the score also ranks
replies (EPITOME rates emotional reactions 0/1/2; AUROC is threshold-free), as do words of feeling,
which never lift a reply to 0.5 alone. A bare "I'm so sorry." is sympathy except in a reply that
declines, where it is the refusal's apology. Engagement counts questions to the person (0.6) and
offers to listen (0.5, "PM me if you want to talk"); a question near the end that names no one
counts 0.55, rhetorical questions ("right?", "who doesn't?", "why do we even try?") 0.15.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence

from oyrl.judges import support_lexicon as sx

Span = tuple[int, int]

#: The tags whose matches :func:`keep` filters.
FILTERED = frozenset({"emp", "emp_w", "eng"})

# Words that negate what follows within a few words ("I'm not sorry", "I don't feel sorry for you").
_NEGATORS = frozenset({"not", "never", "no", "nobody", "hardly", "cannot", "dont", "cant", "wont",
                       "isnt", "arent", "wasnt", "didnt", "doesnt", "couldnt", "wouldnt",
                       "shouldnt", "aint"})
# Verbs of saying that report someone else's words ("she said sorry", "everyone tells me it gets
# better"). After "to", "I", "I'd", "let me" or "must" they introduce the writer's own words ("I
# just want to say I'm sorry", "I'd say", "sad to hear"), which count.
_SAYING = frozenset({"say", "says", "said", "saying", "tell", "tells", "told", "telling", "hear",
                     "heard", "hearing", "replied", "responded", "wrote", "writes"})
_OWN_SAYING = frozenset({"to", "i", "i'd", "me", "must"})
#: How many words before a match a negator or a verb of saying reaches (looked for in how many
#: characters), and how many characters back an open quotation mark is looked for.
_REACH, _NEAR, _FAR = 4, 48, 160
# An opening quotation mark that is not closed before the match ("she said 'i'm sorry").
_OPEN_QUOTE = re.compile(r"""(?:^|[\s(\[:,])(['"])(?=\w|$)(?:(?!\1(?:\W|$)).)*$""")
# Greetings and discourse words that may come between a clause break and what starts the clause.
_LEAD_WORDS = ("so", "and", "but", "hey", "hi", "also", "well", "ok", "okay", "oh", "now",
               "then", "or", "anyway", "honestly", "seriously", "just", "btw", "op", "man", "dude",
               "friend", "bro", "lol", "hmm", "um", "yeah", "yes", "no")
_LEAD_IN = r"[\W_]*(?:(?:" + "|".join(_LEAD_WORDS) + r")\b[\W_]*){0,3}"
_LEAD_IN_ONLY = re.compile(_LEAD_IN)
_ASK = re.compile(_LEAD_IN + "(?P<q>" + sx.QUESTION_FORM + ")")
# A cheap first test before _ASK: the segment's first word must be a lead-in or a question opener.
_FIRST_WORD = re.compile(r"[\W_]*([a-z']+)")
_ASK_OPENERS = sx.QUESTION_OPENERS | frozenset(_LEAD_WORDS)
# A verb that takes a "that" clause: "I know that's hard" reacts, "a test that's hard" describes.
_KNOWING = re.compile(r"\b(?:know|bet|guess|imagine|sure|think|understand|agree|believe|realize|"
                      r"realise|see|hear|feel|say)\W*$")
_RHETORICAL_TAG = re.compile(sx.RHETORICAL_TAG)
_RHETORICAL_OPENING = re.compile(sx.RHETORICAL_OPENING)
#: How many of a question's last characters can hold its tag ("..., don't you think").
_TAG_REACH = 32
_INVITE = re.compile(sx.INVITE)
_SHARED = re.compile(sx.SHARED)
#: Empathy of the first strong form and of each further one.
_STRONG, _STRONG_MORE = 0.55, 0.2
# Weights of the weak empathy forms, graded by how often each carried an emotional reaction in
# EPITOME's ratings (development data): an offer to listen usually did, telling one's own like
# experience usually did not; and of each word of feeling (two at most), a ranking hint.
_WEAK_WEIGHT, _INVITE_WEIGHT, _SHARED_WEIGHT, _WEAK_MAX, _FEELING_WEIGHT = 0.2, 0.3, 0.15, 0.6, 0.03
#: Just below the rewards' threshold (0.5): what ranking signals alone can reach.
_BELOW = 0.49
#: Engagement of a question to the person, of each further one, of an offer to listen (each further
#: offer adds ``_MORE / 2``), of a question in the reply's last ``_TAIL`` characters that names no
#: one ("Is it a bolt-action?"), of a generic offer ("anything else?") and of a rhetorical question.
_QUESTION, _MORE, _INVITATION = 0.6, 0.2, 0.5
_TAIL, _TAIL_SCORE, _GENERIC_SCORE, _RHETORICAL_SCORE = 250, 0.55, 0.25, 0.15


def keep(name: str, t: str, starts: Sequence[int], spans: list[Span]) -> list[Span]:
    """The matches of tag ``name`` in the normalised reply ``t`` (segments at ``starts``) that
    count: not negated, quoted, reported or sarcastic (see the module docstring). For ``eng``,
    the question forms without "?" that start a segment are added."""
    if name not in FILTERED:
        return spans
    if spans:
        quotes = '"' in t or " '" in t or t[:1] == "'"
        sarcasm = "/s" in t
        spans = [(a, b) for a, b in spans if _counts(name, t, starts, a, b, quotes, sarcasm)]
    if name == "eng":
        spans = _merged(spans + _asked(t, starts))
    return spans


def _counts(
    name: str, t: str, starts: Sequence[int], a: int, b: int, quotes: bool, sarcasm: bool
) -> bool:
    """Whether the match ``t[a:b]`` counts; ``quotes``, ``sarcasm``: whether ``t`` has a quotation
    mark, a "/s" (the rules that need them are skipped otherwise)."""
    line = t.rfind("\n", 0, a) + 1
    near = t[max(line, a - _NEAR):a]
    words = near.rsplit(" ", _REACH + 1)  # the last words before the match, nearest last
    for k in range(len(words) - 1, 0, -1):
        w = words[k].strip("'\"")  # she said "sorry"
        if w in _NEGATORS or w.endswith("n't"):
            return False
        if w in _SAYING and words[k - 1].strip("'\"") not in _OWN_SAYING:
            return False
        if w and not w.replace("'", "").isalnum():
            break  # punctuation ends the clause: "no, i feel you" is not negated
    if quotes:
        far = t[max(line, a - _FAR):a]
        if _OPEN_QUOTE.search(far):
            return False
    if sarcasm:
        i = t.find("/s", b)
        if i >= 0 and "\n" not in t[b:i] and not t[i + 2:i + 3].isalnum():
            return False
    # "bleeding that's heavy": a "that" after a noun starts a relative clause describing a thing.
    return not (name == "emp" and t.startswith("that", a) and not _clause_start(t, starts, a)
                and not _KNOWING.search(near))


def _clause_start(t: str, starts: Sequence[int], a: int) -> bool:
    """Whether only a clause break and lead-in words ("hey, so") precede ``a`` in its segment."""
    before = t[starts[bisect_right(starts, a) - 1]:a]
    cut = max(map(before.rfind, ",;(-\u2013\u2014"))
    return _LEAD_IN_ONLY.fullmatch(before, cut + 1) is not None


def _asked(t: str, starts: Sequence[int]) -> list[Span]:
    """Question forms without "?" that start a segment (see the module docstring)."""
    found = []
    for pos in starts:
        first = _FIRST_WORD.match(t, pos)
        if first is not None and first.group(1) in _ASK_OPENERS:
            m = _ASK.match(t, pos)
            if m is not None:
                found.append((m.start("q"), m.end()))
    return found


def _merged(spans: list[Span]) -> list[Span]:
    """Sorted spans, overlapping ones merged (a phrase counts once, as in ``oyrl/text/gating.py``)."""
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def empathy(t: str, hits: Mapping[str, list[Span]], declines: bool, judgmental: float) -> float:
    """Empathy of the normalised reply ``t`` from the ``emp`` (strong), ``emp_w`` (weak) and
    ``eng`` (offers to listen) matches that :func:`keep` left, and the words of feeling (``emo``).

    Args:
        declines: the reply declines something; its bare "sorry" is the refusal's apology.
        judgmental: the reply's judgmental score; moralising is not validation (being
            non-judgmental is part of empathy).
    """
    strong = hits["emp"]
    if declines:
        strong = [(a, b) for a, b in strong if not t.endswith("sorry", a, b)]
    n = len(strong)
    # Offers to listen are found with the engagement matches ("eng"), read here as warmth as well.
    invites = sum(1 for a, b in hits["eng"] if _INVITE.search(t, a, b))
    weak = _INVITE_WEIGHT * invites + sum(_SHARED_WEIGHT if _SHARED.match(t, a) else _WEAK_WEIGHT
                                          for a, _ in hits["emp_w"])
    score = (_STRONG + _STRONG_MORE * (n - 1) if n else 0.0) + min(weak, _WEAK_MAX)
    # Talking about feelings ("feel", "pain", "lonely") ranks replies (acknowledging feelings is
    # part of empathy) but does not by itself make one empathic.
    feelings = _FEELING_WEIGHT * min(len(hits["emo"]), 2)
    score = min(1.0, score + feelings) if score >= 0.5 else min(score + feelings, _BELOW)
    return score * 0.4 if judgmental >= 0.5 else score


def engagement(
    t: str, starts: Sequence[int], hits: Mapping[str, list[Span]], judgmental: float
) -> float:
    """Engagement of the normalised reply ``t`` (segments at ``starts``): questions to the person
    (``question``: segments with "you" before a "?"; ``eng``: question forms and invitations) and,
    weaker, a question at the end that names no one, generic offers (``eng_w``) and rhetorical
    questions. A judgmental reply's questions blame more than they invite ("why are you still with
    him?"): halved."""
    score = _engagement(t, starts, hits)
    return score * 0.5 if judgmental >= 0.5 else score


def _engagement(t: str, starts: Sequence[int], hits: Mapping[str, list[Span]]) -> float:
    asked = rhetorical = 0
    for a, _ in hits["question"]:
        if _rhetorical(t, a, t.find("?", a)):
            rhetorical += 1
        else:
            asked += 1
    invites = sum(1 for a, _ in hits["eng"] if _INVITE.match(t, a))
    questions = asked + len(hits["eng"]) - invites
    # An offer to listen ("PM me if you want to talk") invites more talk without asking anything:
    # engagement, ranked below a question about the person's situation (EPITOME's explorations).
    if questions:
        return min(1.0, _QUESTION + _MORE * (questions - 1) + _MORE / 2 * invites)
    score = min(1.0, _INVITATION + _MORE / 2 * (invites - 1)) if invites else 0.0
    if score >= _TAIL_SCORE:
        return score
    # A question near the end invites an answer even without "you" ("Is it a bolt-action?").
    i = t.rfind("?")
    while i >= len(t) - _TAIL and i >= 0:
        if not _rhetorical(t, starts[bisect_right(starts, i) - 1], i):
            return _TAIL_SCORE
        rhetorical += 1
        i = t.rfind("?", 0, i)
    if hits["eng_w"]:
        score = max(score, _GENERIC_SCORE)
    return max(score, _RHETORICAL_SCORE) if rhetorical else score


def _rhetorical(t: str, a: int, i: int) -> bool:
    """Whether the question ``t[a:i]`` (up to its "?") is rhetorical."""
    q = t[a:i]
    return bool(_RHETORICAL_OPENING.match(q)
                or _RHETORICAL_TAG.search(q, max(0, len(q) - _TAG_REACH)))
