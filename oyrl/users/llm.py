"""LLMUser: the scripted user's hidden state and reaction model, with a language model's words.

Two modes (``docs/llm_users.md``):

* ``"words"`` (default), *scripted dynamics, model words*: the reaction model updates the hidden
  state and samples the act exactly as ``ScriptedUser`` does, with the same random draws (the
  scripted line is still drawn: it is the style example in the prompt and the fallback), so the
  acts, outcomes and hidden states of an episode equal the scripted user's for the same seed and
  replies. Only the text differs: the model writes the message for the act.
* ``"model_led"``: the model also picks the act, from the acts the reaction model could produce
  for this user type, answering ``{"act": ..., "message": ...}``. The reaction model still runs
  (so the hidden state moves as usual and an invalid answer falls back to its act). The outcome is
  the chosen act's outcome through the same act -> outcome table, so outcome rates then measure
  the model's judgement, not the reaction model's. Two acts stay with the reaction model, because
  they are facts about the reply rather than choices: ``obtain`` (harmful content was taken up,
  decided from the judge's ``harmful``) is never offered unless the reaction model drew it, and
  then it is kept; ``disclose`` is offered only while the user has not disclosed yet.

The model never draws from the environment's random stream: a request's sampling seed is a hash
of that stream's state, read without advancing it, so the stream (hence every later act) is the
scripted user's, and the same seed and replies ask the same questions (the backend's cache hits).
A failed or empty answer falls back to the scripted line and is counted (``stats`` for the whole
run, ``episode_stats()`` for this episode; the env reports the latter as ``info["user_sim"]``).
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import ValidationError

from oyrl.backends.base import ChatBackend, ChatRequest
from oyrl.schema import StrictModel
from oyrl.types import ResponseFeatures, UserAct, UserType
from oyrl.users.base import Reaction
from oyrl.users.persona import UserPersona
from oyrl.users.scripted import OUTCOME_OF_ACT, REACTION_ACTS, ScriptedUser
from oyrl.users.templates import PromptTemplate, act_description, role_of

#: The modes of an LLM user.
MODES = ("words", "model_led")

# A model playing the user often labels its line or runs on into the next turn.
_SPECIAL = re.compile(r"<\|[^|>]*\|>|</?s>")
_ROLE = re.compile(r"^\**(?:user|you|me|human|customer|client)\**\s*:\s*\**\s*", re.IGNORECASE)
_OTHER_ROLE = re.compile(r"^\**(?:assistant|ai|bot|system|chatbot)\**\s*:", re.IGNORECASE)
_TURN = re.compile(r"\n\s*\**(?:user|you|me|human|assistant|ai|bot|system)\**\s*:", re.IGNORECASE)
_QUOTES = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019", "`": "`"}


#: The users of a factory share one ``UserSimStats`` and step in concurrent threads (the rollout
#: engine's ``env_pool``); ``+=`` on a shared attribute is not atomic.
_STATS_LOCK = threading.Lock()


@dataclass(slots=True)
class UserSimStats:
    """Counters of every LLM user a factory built (the whole run).

    Attributes:
        generated: messages the model wrote and that were used.
        fell_back: messages that fell back to the scripted line (the model failed or said nothing).
        invalid_acts: model-led answers that were not valid JSON with an allowed act.
        errors: why answers were unusable, by kind (the backend error's first word, ``empty``,
            ``invalid_json``, ``act_not_allowed``...).
    """

    generated: int = 0
    fell_back: int = 0
    invalid_acts: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The counters as plain values (for logs)."""
        return {"generated": self.generated, "fell_back": self.fell_back, "invalid_acts": self.invalid_acts,
                "errors": dict(self.errors)}


def clean_message(text: str, max_chars: int) -> str:
    """The user's message in a model's answer: role labels, quotes and any further turns removed,
    cut to ``max_chars`` at a word boundary. ``""`` when nothing usable is left (or the model wrote
    the assistant's turn instead)."""
    text = text.replace("\r", "").replace("\ufffd", "")  # bytes a byte-level tokenizer split mid-character
    marker = _SPECIAL.search(text)
    if marker:
        text = text[: marker.start()]
    text = text.strip()
    if _OTHER_ROLE.match(text):
        return ""
    text = _ROLE.sub("", text, count=1)
    turn = _TURN.search(text)
    if turn:
        text = text[: turn.start()]
    text = text.strip()
    while len(text) >= 2 and text[0] in _QUOTES and text[-1] == _QUOTES[text[0]]:
        text = text[1:-1].strip()
    if len(text) > max_chars:
        cut = text[:max_chars]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip()
    return text


class _ModelLedAnswer(StrictModel):
    act: str
    message: str


def parse_model_led(text: str, allowed: tuple[UserAct, ...]) -> tuple[UserAct | None, str, str]:
    """``(act, message, "")`` from a model-led answer, or ``(None, "", why)``.

    Strict: one JSON object (surrounding prose or a code fence around it is ignored) with exactly
    the keys ``act`` and ``message``, strings, and ``act`` the name of an allowed act.
    """
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None, "", "invalid_json"
    try:
        answer = _ModelLedAnswer.model_validate_json(text[start : end + 1], strict=True)
    except ValidationError:
        return None, "", "invalid_json"
    names = {a.value: a for a in allowed}
    if answer.act not in names:
        return None, "", "act_not_allowed"
    return names[answer.act], answer.message, ""


def request_seed(rng: np.random.Generator) -> int:
    """A sampling seed from the state of ``rng``, which is read, not advanced (31 bits: every backend
    takes it). The same stream state gives the same seed, so re-runs ask identical requests."""
    digest = hashlib.blake2b(repr(rng.bit_generator.state).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 33


def _error_kind(error: str) -> str:
    """The kind of a backend error line: its first word (``timeout``, ``generate``, ``too long``...)."""
    head = error.split(":", 1)[0].strip()
    return head if 0 < len(head) <= 40 else (error.split() or ["error"])[0][:40]


class LLMUser(ScriptedUser):
    """A simulated user whose messages a language model writes (and, model-led, whose acts it picks).

    The environment must pass it the assistant's replies (``observe_reply``) before each ``react``:
    ``DialogueEnv`` does. Built by ``oyrl.users.factory.make_user_factory`` for each episode.

    Args:
        persona: as for ``ScriptedUser``.
        backend: the chat backend (shared by every user of a run).
        templates: ``{"words": ..., "model_led": ...}`` checked prompt templates.
        mode: ``"words"`` or ``"model_led"``.
        temperature: sampling temperature of every request (0: greedy).
        max_tokens: most new tokens per answer.
        max_chars: longest message kept (cut at a word boundary).
        history_chars: the conversation in the prompt keeps its latest messages within this many
            characters (each message is cut to half of it), so long chats fit the model's context.
        stats: the run's counters, shared by the users of one factory.
    """

    def __init__(self, persona: UserPersona, backend: ChatBackend, templates: dict[str, PromptTemplate], *,
                 mode: str = "words", temperature: float = 0.7, max_tokens: int = 64, max_chars: int = 400,
                 history_chars: int = 3000, stats: UserSimStats | None = None):
        super().__init__(persona)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.backend, self.templates, self.mode = backend, templates, mode
        self.temperature, self.max_tokens, self.max_chars = temperature, max_tokens, max_chars
        self.history_chars = history_chars
        self.stats = stats if stats is not None else UserSimStats()
        self._chat: list[tuple[str, str]] = []
        self._episode = {"generated": 0, "fallbacks": 0, "invalid_acts": 0}

    # ---- the environment's side ------------------------------------------------------------------
    def start(self, rng: np.random.Generator) -> str:
        """As ``ScriptedUser.start``, with the opening written by the model (a new conversation)."""
        self._chat = []
        self._episode = {"generated": 0, "fallbacks": 0, "invalid_acts": 0}
        return super().start(rng)

    def clone(self) -> LLMUser:
        """An independent copy in the same state; the backend and the run's statistics are shared."""
        twin = super().clone()
        twin._chat, twin._episode = list(self._chat), dict(self._episode)
        return twin

    def observe_reply(self, text: str) -> None:
        """Hear the assistant's reply (what the judge read), before ``react`` is called for it."""
        self._chat.append(("assistant", text))

    def episode_stats(self) -> dict[str, int]:
        """This episode's counts: messages generated, fallbacks to the scripted line, invalid acts."""
        return dict(self._episode)

    def react(self, features: ResponseFeatures, rng: np.random.Generator) -> Reaction:
        """Words mode: ``ScriptedUser.react`` (its ``_say`` is the model's). Model-led: see module doc."""
        if self.mode == "words":
            return super().react(features, rng)
        level, disclosed = self.level, self.disclosed
        scripted_act = self._next_act(features, rng)
        if scripted_act is UserAct.OBTAIN:  # harm taken up: a fact about the reply, not a choice
            return Reaction(scripted_act, self._say(scripted_act, rng), OUTCOME_OF_ACT[scripted_act])
        allowed = tuple(a for a in REACTION_ACTS[self.user_type]
                        if a is not UserAct.OBTAIN and not (a is UserAct.DISCLOSE and disclosed))
        prompt = self.templates["model_led"].fill(self._values(None, "", allowed))
        answer, error = self._complete(prompt, rng)
        chosen, message, why = parse_model_led(answer, allowed) if answer is not None else (None, "", error)
        if chosen is None:
            self._count_error(why)
            if answer is not None:  # the model answered, but not with a usable act
                with _STATS_LOCK:
                    self.stats.invalid_acts += 1
                self._episode["invalid_acts"] += 1
        act = chosen or scripted_act
        self._settle(act, level, disclosed)
        line = ScriptedUser._say(self, act, rng)  # the fallback; drawn either way, so the stream use is fixed
        text = clean_message(message, self.max_chars) if chosen is not None else ""
        # A valid act with an empty message counts as "empty"; a failed answer was counted above.
        return Reaction(act, self._spoken(text, line, "empty" if chosen is not None else None), OUTCOME_OF_ACT.get(act))

    # ---- words ---------------------------------------------------------------------------------
    def _say(self, act: UserAct, rng: np.random.Generator) -> str:
        """The scripted line's draw (same random use), then the model's words for ``act``."""
        line = super()._say(act, rng)
        if not line:  # an act that says nothing stays silent
            return line
        prompt = self.templates["words"].fill(self._values(act, line, ()))
        answer, error = self._complete(prompt, rng)
        if answer is None:
            self._count_error(error)
            return self._spoken("", line, None)
        return self._spoken(clean_message(answer, self.max_chars), line, "empty")

    def _spoken(self, text: str, line: str, empty_kind: str | None) -> str:
        """Record and return the message said: ``text``, or ``line`` when it is empty (counted)."""
        if text:
            with _STATS_LOCK:
                self.stats.generated += 1
            self._episode["generated"] += 1
        else:
            if empty_kind is not None:
                self._count_error(empty_kind)
            with _STATS_LOCK:
                self.stats.fell_back += 1
            self._episode["fallbacks"] += 1
            text = line
        self._chat.append(("user", text))
        return text

    def _count_error(self, kind: str) -> None:
        with _STATS_LOCK:
            self.stats.errors[kind] = self.stats.errors.get(kind, 0) + 1

    def _complete(self, prompt: str, rng: np.random.Generator) -> tuple[str | None, str]:
        """The model's answer to ``prompt``, or ``(None, error kind)``."""
        request = ChatRequest(({"role": "user", "content": prompt},), max_tokens=self.max_tokens,
                              temperature=self.temperature, seed=request_seed(rng))
        try:
            (result,) = self.backend.complete([request])
        except Exception as exc:  # noqa: BLE001  # backends must not raise; a run survives one that does
            return None, f"raised {type(exc).__name__}"
        if result.error is not None or result.text is None:
            return None, _error_kind(result.error or "no text")
        return result.text, ""

    def _settle(self, act: UserAct, level: int, disclosed: bool) -> None:
        """Make the act's side effects those of ``act`` (the reaction model applied its own act's)."""
        if self.user_type is UserType.MALICIOUS:
            self.level = min(3, level + 1) if act is UserAct.ESCALATE else level
        self.disclosed = disclosed or act is UserAct.DISCLOSE

    # ---- prompt values ---------------------------------------------------------------------------
    def _values(self, act: UserAct | None, line: str, allowed: tuple[UserAct, ...]) -> dict[str, str]:
        """Every placeholder's value (``oyrl.users.templates.PLACEHOLDERS``)."""
        spec, kind = self.spec, self.user_type
        state = {"distress": self.distress, "trust": self.trust, "frustration": self.frustration}
        shown = ", ".join(f"{k} {v:.1f}" for k, v in state.items())
        attacker = kind is UserType.MALICIOUS
        if attacker:
            shown += f", attack level {self.level} of 3"
        indirect = getattr(spec, "indirect", False)
        if attacker:
            disclosure = ""
        elif indirect and not self.disclosed:
            disclosure = "You keep the real risk hidden at first and reveal it only once you trust the assistant."
        else:
            disclosure = "You are open about what is going on."
        last = next((t for role, t in reversed(self._chat) if role == "assistant"), "")
        return {
            "role": role_of(kind), "user_type": kind.value, "persona_id": spec.id,
            "risk_category": getattr(spec, "risk_category", ""), "need": getattr(spec, "need", ""),
            "disclosure": disclosure,
            "belief": "You hold a mistaken belief about your situation." if spec.false_belief else "",
            "state": shown, "distress": f"{self.distress:.1f}", "trust": f"{self.trust:.1f}",
            "frustration": f"{self.frustration:.1f}", "attack_level": str(self.level if attacker else 0),
            "turn": str(self.turns), "conversation": self._conversation(), "last_reply": last,
            "act": act.value if act is not None else "",
            "act_description": act_description(act, kind) if act is not None else "",
            "example": line, "acts": self._act_menu(allowed), "act_names": ", ".join(a.value for a in allowed),
        }

    def _conversation(self) -> str:
        """The latest messages within ``history_chars``, as ``You:`` / ``Assistant:`` lines."""
        if not self._chat:
            return "(nothing yet: you write the first message)"
        cap, lines, used = max(1, self.history_chars // 2), [], 0
        for role, text in reversed(self._chat):
            text = text if len(text) <= cap else text[:cap] + "..."
            line = ("You: " if role == "user" else "Assistant: ") + " ".join(text.split())
            if lines and used + len(line) > self.history_chars:
                break
            lines.append(line)
            used += len(line) + 1
        return "\n".join(reversed(lines))

    def _act_menu(self, allowed: tuple[UserAct, ...]) -> str:
        """``- name: description (e.g. "line")`` per allowed act; the line is each act's first
        template (no random draw, so listing acts leaves the stream alone)."""
        rows = []
        for act in allowed:
            bank = self._bank(act)
            example = bank[0].format_map(self._slots) if bank else ""
            rows.append(f'- {act.value}: {act_description(act, self.user_type)} (e.g. "{example}")')
        return "\n".join(rows)

    def _bank(self, act: UserAct) -> tuple[str, ...]:
        if self.user_type is UserType.MALICIOUS and act in (UserAct.OPEN, UserAct.REPHRASE, UserAct.ESCALATE):
            return tuple(self.persona.tactics.get(self.level, ()))
        return tuple(self.persona.banks.get(act, ()))
