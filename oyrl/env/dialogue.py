"""DialogueEnv: the assistant's action is the text of its reply (for LLM policies)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from gymnasium import spaces

from oyrl.env.base import ConversationEnv
from oyrl.judges.base import ResponseJudge, takes_truth
from oyrl.judges.factory import make_judge
from oyrl.judges.lexical import LexicalJudge
from oyrl.reasoning.block import split_declared
from oyrl.reasoning.measure import check_declared
from oyrl.types import ResponseFeatures
from oyrl.users.base import Reaction

#: Reasoning a model shows in ``<think>`` tags is stripped before the judge and the user see the
#: reply (DESIGN.md data flow); an unclosed tag hides the rest of the reply.
_THINK = re.compile(r"<think>.*?(?:</think>|\Z)", re.DOTALL | re.IGNORECASE)
_CONTROL = {c: None for c in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if c != 0x0A}
_CONTROL[0x09] = " "
_CONTROL[0x0D] = "\n"
_CONTROL_CHAR = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # the keys of _CONTROL
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
REPLACEMENT = "\ufffd"
ROLE_PREFIX = {"user": "User: ", "assistant": "Assistant: "}


@lru_cache(maxsize=1)
def transcript_charset() -> frozenset[str]:
    """Characters a transcript may hold: printable BMP characters, emoji, and newline.

    Anything else in a reply (control characters, unassigned or private-use code points, format
    characters such as zero-width spaces) is replaced by U+FFFD, so observations always lie in the
    observation space.
    """
    chars = {chr(i) for i in range(0x20, 0x10000) if chr(i).isprintable()}
    chars.update(chr(i) for i in range(0x1F300, 0x1FB00) if chr(i).isprintable())
    chars.add("\n")
    return frozenset(chars)


@lru_cache(maxsize=1)
def _charset_tables() -> dict:
    """``spaces.Text``'s lookup tables for the transcript charset, built once and shared read-only."""
    prototype = spaces.Text(1, min_length=0, charset=transcript_charset())
    return {k: v for k, v in vars(prototype).items() if k.startswith("_char")}


class TranscriptSpace(spaces.Text):
    """``spaces.Text`` over ``transcript_charset()`` with a short repr (the charset is ~60k chars)."""

    def __init__(self, max_length: int, min_length: int = 0):
        # spaces.Text.__init__ rebuilds ~60k-entry tables for every space (~85 ms, twice per env);
        # they depend only on the charset, which never changes, so every space shares one copy.
        if not 0 <= min_length <= max_length:
            raise ValueError(f"expected 0 <= min_length <= max_length, got {min_length}, {max_length}")
        self.min_length, self.max_length = int(min_length), int(max_length)
        vars(self).update(_charset_tables())
        spaces.Space.__init__(self, dtype=str)

    def __repr__(self) -> str:
        return f"TranscriptSpace({self.min_length}, {self.max_length})"


def sanitize(text: str, max_chars: int) -> tuple[str, bool]:
    """Clip ``text`` to ``max_chars`` and map characters outside the charset; returns (text, clipped)."""
    clipped = len(text) > max_chars
    text = text[:max_chars]
    # Most text needs no change: a regex scan finds that faster than a translation, which walks
    # non-ASCII text a character at a time; only the non-ASCII characters need a charset look-up.
    if _CONTROL_CHAR.search(text):
        text = text.translate(_CONTROL)
    if not text.isascii():
        charset = transcript_charset()
        if not charset.issuperset("".join(_NON_ASCII.findall(text))):
            text = "".join(c if c in charset else REPLACEMENT for c in text)
    return text, clipped


class DialogueEnv(ConversationEnv[str, str]):
    """A conversation where each action is the assistant's reply text.

    Observation: the transcript so far (``str``), one message per block starting ``User: `` or
    ``Assistant: `` at the start of a line; continuation lines of a message are indented by two
    spaces, so text inside a reply can never pose as a new turn (a reply saying "User: ..." stays
    part of the assistant's message). ``info["messages"]`` holds the same conversation as chat
    messages (``[{"role", "content"}]``) for chat templates.

    Action: the reply (``str``; anything else raises TypeError). Replies longer than
    ``max_reply_chars`` are cut (``info["reply_truncated"]``); ``<think>...</think>`` reasoning is
    removed (``info["reasoning_chars"]``) before the judge and the user see the reply, and so is a
    declared assessment (``<assess>...</assess>``, ``docs/reasoning.md``): its fields and how they
    compare with the truth and with the judged reply are ``info["declared"]``
    (``oyrl.reasoning.measure.check_declared``; status ``none`` without a block). Only the reply is
    parsed, never a user message; a malformed, truncated or misplaced block is recorded with its
    status, never raised.

    Args:
        judge: reads ResponseFeatures from replies: a judge object, or a spec (``"lexical"``, the
            default, or a mapping such as ``{"kind": "cascade", "fast": "lexical", "slow": {...}}``,
            ``docs/model_judges.md``). It gets the
            simulated user's own ask as ``truth`` (``env.truth``, a :class:`~oyrl.types.RequestTruth`)
            when its ``assess`` takes that argument, so ``harmful`` follows the scenario's ground
            truth rather than a re-reading of the ask; the observation never contains it.
        max_reply_chars: longest reply kept, in characters.
        Others: see ``ConversationEnv``.
    """

    TEXT_ACTIONS = True  # a model-written user can read the replies

    def __init__(self, *args: Any, judge: ResponseJudge | str | dict | None = None, max_reply_chars: int = 4000,
                 **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.judge = make_judge(judge, where="judge")
        self._judge_takes_truth = takes_truth(self.judge)
        self.max_reply_chars = max_reply_chars
        # Each message grows at most 3x when its newlines are indented, plus its role prefix.
        per_message = 3 * max_reply_chars + len("\nAssistant: ")
        self.observation_space = TranscriptSpace((2 * self.max_turns + 1) * per_message)
        self.action_space = TranscriptSpace(max_reply_chars)
        # The conversation as chat messages and as transcript blocks, each built once per message
        # rather than once per step.
        self._chat: list[dict[str, str]] = []
        self._blocks: list[str] = []
        self._clipped = False
        self._reasoning_chars = 0

    @property
    def calls_model(self) -> bool:
        """Whether a step may wait on a language model (a model-written user, a judge other than the
        lexical one): the rollout engine then steps a batch's envs concurrently."""
        return getattr(self.user_factory, "kind", "scripted") != "scripted" or not isinstance(self.judge, LexicalJudge)

    def _start(self, opening: str) -> None:
        self._chat, self._blocks = [], []
        self._add("user", sanitize(opening, self.max_reply_chars)[0])

    def _fork_into(self, twin: ConversationEnv) -> None:
        twin._chat, twin._blocks = list(self._chat), list(self._blocks)

    def _restore(self, messages: list[dict[str, str]]) -> None:
        self._chat, self._blocks = [], []
        for message in messages:
            if message["role"] != "system":
                self._add(message["role"], sanitize(message["content"], self.max_reply_chars)[0])

    def _add(self, role: str, content: str) -> None:
        self._chat.append({"role": role, "content": content})
        self._blocks.append(ROLE_PREFIX[role] + content.replace("\n", "\n  "))

    def _features(self, action: str) -> tuple[ResponseFeatures, str]:
        if not isinstance(action, str):
            raise TypeError(f"DialogueEnv action must be a str (the assistant's reply), got {type(action).__name__}")
        visible = _THINK.sub("", action) if "<" in action else action
        self._reasoning_chars = len(action) - len(visible)
        visible, self._declared = split_declared(visible)
        reply, self._clipped = sanitize(visible.strip(), self.max_reply_chars)
        if self._judge_takes_truth:
            return self.judge.assess(self.messages, reply, truth=self.truth), reply
        return self.judge.assess(self.messages, reply), reply

    def _record(self, reply: str, user_text: str, info: dict[str, Any]) -> None:
        self._add("assistant", reply)
        if user_text:
            self._add("user", sanitize(user_text, self.max_reply_chars)[0])
        info["user_text"] = user_text
        info["reply_truncated"] = self._clipped
        info["reasoning_chars"] = self._reasoning_chars
        info["declared"] = check_declared(self._declared, info["features"], info["user_type"], info["risk_category"],
                                          info["ask_harm"])

    def _observe(self, reaction: Reaction | None) -> str:
        return self.transcript()

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[str, dict]:
        obs, info = super().reset(seed=seed, options=options)
        info["messages"] = self.messages
        return obs, info

    def step(self, action: str) -> tuple[str, float, bool, bool, dict]:
        obs, reward, terminated, truncated, info = super().step(action)
        info["messages"] = self.messages
        return obs, reward, terminated, truncated, info

    @property
    def messages(self) -> list[dict[str, str]]:
        """The conversation as chat messages (a fresh list each call)."""
        return [dict(m) for m in self._chat]

    def transcript(self) -> str:
        """The conversation as text; continuation lines are indented (see class docstring)."""
        return "\n".join(self._blocks)

