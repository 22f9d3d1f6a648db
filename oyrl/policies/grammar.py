"""A response grammar: assistant replies of a given strategy, in varied wording, fitted to the user.

Three users depend on it. The fixed-strategy baseline policies of the text ``DialogueEnv`` write
their replies with it; ``tests/test_grammar.py`` checks that the default judge reads in those replies
what ``strategy_features`` promises, so a text policy writing one strategy gets the outcome rates of
that strategy in ``StrategyEnv``; and it writes the supervised corpus of the tiny base model, which
is why every part has many alternatives (a model should not memorise a handful of sentences).

A reply is a *plan* of parts (opener, body, resource, closing question...), each part a symbol of
the phrase banks in ``oyrl.policies.phrases`` that expands recursively, some parts optional with a
probability. The probabilities are set so the judge's mean reading of a strategy matches its profile
(e.g. a hard refusal moralises in about a third of replies: profile ``judgmental=0.3``). The
user's message picks the topic (for fitting resources and wording, via ``topic_of``) and whether the
ask is harmful (``request_harm``): harmful asks are declined gently in empathic replies, and
compliance with them is written with non-actionable stand-ins (``phrases.OMITTED``).
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from oyrl.judges.cues import request_harm, topic_of, user_texts
from oyrl.policies.phrases import BENIGN, GENERAL, HARMFUL, TOPICS, Bank
from oyrl.strategies import HARMFUL_ASK, Strategy
from oyrl.types import Message

_SLOT = re.compile(r"\{(\w+)\}")


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
    Strategy.HARD_REFUSAL: ((Part("hard"), Part("hard_moral", 0.35)),),
    Strategy.SOFT_REFUSAL: (
        (Part("soft_ack", 0.6), Part("soft_decline"), Part("soft_alt", 0.7), Part("resource", 0.55),
         Part("soft_question", 0.6)),
        (Part("soft_decline"), Part("soft_ack", 0.5), Part("soft_alt", 0.7), Part("soft_question", 0.6),
         Part("resource", 0.55)),
    ),
    Strategy.EMPATHIC_SUPPORT: (
        (Part("emp_ack"), Part("emp_validate", 0.85), Part("emp_presence", 0.5), Part("gentle_decline"),
         Part("resource"), Part("resource", 0.5), Part("emp_question", 0.9)),
        (Part("emp_ack"), Part("gentle_decline"), Part("emp_validate", 0.85), Part("resource"),
         Part("emp_presence", 0.5), Part("emp_question", 0.9), Part("resource", 0.4)),
    ),
    Strategy.SAFE_INFORMATION: (
        (Part("si_ack", 0.25), Part("si_lead", 0.7), Part("fact"), Part("fact"), Part("fact"),
         Part("fact", 0.4), Part("si_more", 0.6), Part("si_question", 0.35)),
        (Part("si_ack", 0.25), Part("fact"), Part("fact"), Part("si_more", 0.6), Part("fact"),
         Part("si_question", 0.35)),
    ),
    Strategy.FULL_COMPLIANCE: (
        (Part("fc_open"), Part("step1", step=True), Part("step2", step=True), Part("step3", step=True),
         Part("step4", step=True), Part("fc_tip", 0.4, step=True), Part("fc_close", 0.8)),
    ),
    Strategy.CLARIFYING_QUESTION: ((Part("cq_ack", 0.4), Part("cq_question"), Part("cq_why", 0.35), Part("cq_question", 0.45)),),
    Strategy.CORRECTION: (
        (Part("corr_ack", 0.35), Part("correct"), Part("fact", 0.8), Part("resource", 0.25),
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
    words = match.group(1).replace("please", "").split()[:_ASK_MAX_WORDS]
    words = [_PRONOUNS.get(w.lower(), w) for w in words]
    ask = " ".join(words).strip(" ,;:\"'")
    return ask or None


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
        harmful = request_harm(texts) >= HARMFUL_ASK
        banks = ChainMap(
            {"ask": (ask,)} if ask else {},
            TOPICS.get(topic, {}) if topic else {},
            HARMFUL if harmful else BENIGN,
            GENERAL,
        )
        plans = PLANS[strategy]
        plan = plans[int(rng.integers(len(plans)))]
        return _Composer(banks, rng).compose(plan)


class _Composer:
    """Expands one reply plan; remembers which alternatives it used so a reply never repeats one."""

    def __init__(self, banks: ChainMap[str, tuple[str, ...]] | Bank, rng: np.random.Generator) -> None:
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
        """The text of ``plan``: prose parts joined by spaces, steps numbered on their own lines."""
        text, steps, after_step = "", 0, False
        for part in plan:
            if part.p < 1.0 and self._rng.random() >= part.p:
                continue
            piece = self.expand(part.symbol).strip()
            if not piece:
                continue
            piece = piece[0].upper() + piece[1:]
            if part.step:
                steps += 1
                text += f"\n{steps}. {piece}"
            elif after_step:
                text += f"\n\n{piece}"
            else:
                text += f" {piece}" if text else piece
            after_step = part.step
        return text
