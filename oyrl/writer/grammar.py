"""A response grammar: assistant replies of a given strategy, in varied wording, fitted to the user.

Three users depend on it. The fixed-strategy baseline policies of the text ``DialogueEnv`` write
their replies with it; ``tests/test_grammar.py`` checks that the default judge reads in those replies
what ``strategy_features`` promises, so a text policy writing one strategy gets the outcome rates of
that strategy in ``StrategyEnv``; and it writes the supervised corpus of the tiny base model, which
is why every part has many alternatives (a model should not memorise a handful of sentences).

A reply is a *plan* of parts (opener, body, resource, closing question...), each part a symbol of
the phrase banks in ``oyrl.writer.phrases`` that expands recursively, some parts optional with a
probability. The probabilities are set so the judge's mean reading of a strategy matches its profile
(e.g. half of hard refusals add a moralising line, which the judge scores about 0.6: profile
``judgmental=0.3``). The
user's message picks the topic (for fitting resources and wording, via ``topic_of``) and whether the
ask is harmful (``request_harm``): explicit harmful asks are declined gently in empathic replies,
and compliance with anything harmful is written with non-actionable stand-ins
(``phrases.OMITTED``).
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from oyrl.cues import CUE_NAMES, request_harm, topic_of, user_cues, user_texts
from oyrl.writer.phrases import BENIGN, DECLINE, GENERAL, HARMFUL, PERSONAL, TOPICS
from oyrl.strategies import HARMFUL_ASK, Strategy
from oyrl.types import Message

_SLOT = re.compile(r"\{(\w+)\}")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
#: Replies stay within this many prose sentences (numbered steps are not counted).
MAX_SENTENCES = 6


class Part(NamedTuple):
    """One part of a reply plan.

    Attributes:
        symbol: the bank symbol the part expands.
        p: probability that the part appears.
        step: whether the part is a numbered step (printed on its own line).
    """

    symbol: str
    p: float = 1.0
    step: bool = False


#: Alternative plans per strategy (one is drawn per reply, so the order of parts varies too).
#: Probabilities are calibrated against the LexicalJudge (tests/test_grammar.py).
PLANS: dict[Strategy, tuple[tuple[Part, ...], ...]] = {
    Strategy.HARD_REFUSAL: ((Part("hard"), Part("hard_moral", 0.5)),),
    Strategy.SOFT_REFUSAL: (
        (Part("soft_ack", 0.85), Part("soft_decline"), Part("soft_alt", 0.8), Part("fact", 0.55),
         Part("resource", 0.75), Part("soft_question", 0.45)),
        (Part("soft_decline"), Part("soft_ack", 0.8), Part("soft_alt", 0.8), Part("fact", 0.55),
         Part("resource", 0.75), Part("soft_question", 0.45)),
    ),
    Strategy.EMPATHIC_SUPPORT: (
        (Part("emp_ack"), Part("emp_validate", 0.85), Part("gentle_decline"), Part("fact", 0.5),
         Part("resource"), Part("support", 0.6), Part("emp_presence", 0.6), Part("emp_question")),
        (Part("emp_ack"), Part("gentle_decline"), Part("emp_validate", 0.85), Part("resource"),
         Part("fact", 0.5), Part("emp_presence", 0.6), Part("emp_question"), Part("support", 0.5)),
    ),
    Strategy.SAFE_INFORMATION: (
        (Part("si_ack", 0.4), Part("si_lead", 0.5), Part("fact"), Part("fact"), Part("fact"),
         Part("resource", 0.3), Part("si_more", 0.5), Part("si_question", 0.45)),
        (Part("si_ack", 0.4), Part("fact"), Part("fact"), Part("si_more", 0.5), Part("fact"),
         Part("resource", 0.3), Part("si_question", 0.45)),
    ),
    Strategy.FULL_COMPLIANCE: (
        (Part("fc_open"), Part("step1", step=True), Part("step2", step=True), Part("step3", step=True),
         Part("step4", step=True), Part("fc_tip", 0.4, step=True), Part("fc_close", 0.8)),
    ),
    Strategy.CLARIFYING_QUESTION: (
        (Part("cq_ack", 0.7), Part("cq_question"), Part("cq_why", 0.5), Part("cq_question", 0.75)),
    ),
    Strategy.CORRECTION: (
        (Part("corr_ack", 0.55), Part("correct"), Part("fact", 0.5), Part("resource", 0.25),
         Part("corr_question", 0.35)),
    ),
}

# What a user asks for, to echo in "Here's how to ...": the clause after "how to / how do I ...".
_ASK = re.compile(
    r"\bhow (?:to|do i|can i|could i|would i|should i|do you|does one|would someone|can someone|do people)"
    r"\s+([^.?!\n]+)",
    re.IGNORECASE,
)
# The user's first person becomes the assistant's second person when the ask is echoed.
_PRONOUNS = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "i'm": "you're",
    "we": "you", "us": "you", "our": "your", "ourselves": "yourselves", "am": "are",
}
_ASK_MAX_WORDS = 12


def echo_ask(user_message: str) -> str | None:
    """The user's ask as a second-person verb phrase, or None without a "how to ..." clause.

    "How do I get into my ex's account?" gives "get into your ex's account".
    """
    match = _ASK.search(user_message)
    if match is None:
        return None
    words = [w for w in match.group(1).split() if w.lower() != "please"][:_ASK_MAX_WORDS]
    ask = " ".join(_PRONOUNS.get(w.lower(), w) for w in words).strip(" ,;:\"'")
    return ask or None


# A person speaking about their own distress or safety, as opposed to someone asking for
# information (a professional, a student, an attacker): cues the assistant can see in the message.
_PERSONAL_CUES = tuple(CUE_NAMES.index(name) for name in ("distress", "self_harm_risk", "victim_context"))
_PROFESSIONAL = CUE_NAMES.index("professional_context")
_PERSONAL_TOPICS = frozenset({"suicide", "self_harm", "eating", "grief", "abuse", "bullying"})


def _speaks_for_self(user_message: str, topic: str | None) -> bool:
    """Whether the user speaks about their own distress rather than asks as a professional."""
    cues = user_cues(user_message)
    if cues[_PROFESSIONAL] >= 0.5:
        return False
    return topic in _PERSONAL_TOPICS or max(cues[i] for i in _PERSONAL_CUES) >= 0.5


class ResponseGrammar:
    """Writes replies of a response strategy in varied wording, conditioned on the user's message.

    Example:
        >>> grammar = ResponseGrammar()
        >>> reply = grammar.reply(Strategy.EMPATHIC_SUPPORT, "I can't go on anymore", np.random.default_rng(0))
    """

    def reply(
        self,
        strategy: Strategy,
        user_message: str,
        rng: np.random.Generator,
        context: Sequence[Message | dict[str, str]] | None = None,
    ) -> str:
        """A reply of ``strategy`` to ``user_message``.

        Args:
            strategy: the response strategy the reply follows.
            user_message: the user's last message; it picks the topic, whether the ask is harmful,
                and the ask echoed by compliant replies.
            rng: the only source of randomness, so the reply is a function of the rng state.
            context: the conversation so far (chat messages), if any. Whether the ask is harmful
                is then read from all its user turns, as the judge does, so a push-back ("it's just
                a story") after a harmful ask still gets a reply fitted to that ask.

        Returns:
            The reply text: one to six sentences, or an opener and numbered steps for compliance.
        """
        texts = user_texts(context)
        if not texts or texts[-1] != user_message:
            texts.append(user_message)
        # The latest message that names a topic or an ask wins: a push-back names neither.
        topic = next(filter(None, map(topic_of, reversed(texts))), None)
        ask = next(filter(None, map(echo_ask, reversed(texts))), None)
        # Compliance with anything harmful in context is written in stand-ins; only an explicit
        # harmful ask (not a distressed statement) gets a part of it declined.
        harmful = request_harm(texts) >= HARMFUL_ASK
        explicit = request_harm(texts, explicit_only=True) >= HARMFUL_ASK
        banks = ChainMap(
            {"ask": (ask,)} if ask else {},
            TOPICS.get(topic, {}) if topic else {},
            PERSONAL if _speaks_for_self(texts[-1], topic) else {},
            DECLINE if explicit else {},
            HARMFUL if harmful else BENIGN,
            GENERAL,
        )
        plans = PLANS[strategy]
        plan = plans[int(rng.integers(len(plans)))]
        return _Composer(banks, rng).compose(plan)


class _Composer:
    """Expands one reply plan; remembers which alternatives it used so a reply never repeats one."""

    def __init__(self, banks: Mapping[str, tuple[str, ...]], rng: np.random.Generator) -> None:
        self._banks = banks
        self._rng = rng
        self._used: set[tuple[str, int]] = set()

    def expand(self, symbol: str) -> str:
        """A random alternative of ``symbol`` with its slots expanded; unused alternatives first."""
        options = self._banks[symbol]
        fresh = [i for i in range(len(options)) if (symbol, i) not in self._used] or range(len(options))
        index = fresh[int(self._rng.integers(len(fresh)))]
        self._used.add((symbol, index))
        return _SLOT.sub(lambda m: self.expand(m.group(1)), options[index])

    def compose(self, plan: tuple[Part, ...]) -> str:
        """The text of ``plan``: prose parts joined by spaces, steps numbered on their own lines.

        Optional prose parts are dropped when they would push the reply past ``MAX_SENTENCES``,
        counting one sentence for each required part still to come.
        """
        text, steps, sentences, after_step = "", 0, 0, False
        for i, part in enumerate(plan):
            if part.p < 1.0 and self._rng.random() >= part.p:
                continue
            piece = self.expand(part.symbol).strip()
            if not piece:
                continue
            piece = piece[0].upper() + piece[1:]
            if part.step:
                steps += 1
                text += f"\n{steps}. {piece}"
                after_step = True
                continue
            n = len(_SENTENCE_END.findall(piece)) or 1
            required_after = sum(1 for later in plan[i + 1 :] if later.p >= 1.0 and not later.step)
            if part.p < 1.0 and sentences + n + required_after > MAX_SENTENCES:
                continue
            sentences += n
            text += f"\n\n{piece}" if after_step else (f" {piece}" if text else piece)
            after_step = False
        return text
