"""The chat-backend protocol: how simulated users and judges call a language model.

A backend answers a batch of chat requests. Two ship with oyrl (``docs/model_backends.md``):
in-process ``transformers`` (one batched ``generate`` per call) and OpenAI-compatible HTTP through
the ``openai`` client (vLLM, SGLang, Ollama, ``transformers serve``, hosted APIs; requests run
concurrently). A backend never raises for one request that failed after its retries: the result
carries a one-line ``error`` and the caller decides (an LLM user falls back to the scripted words, a
model judge to the fast judge), so a run survives a dead or overloaded server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """One chat completion to compute.

    Attributes:
        messages: the chat, oldest first, as ``({"role": ..., "content": ...}, ...)``.
        max_tokens: most new tokens to generate.
        temperature: 0.0 is greedy decoding.
        seed: sampling seed (with ``temperature > 0``), so a re-run asks the same question and hits
            the cache; ``None`` leaves it to the backend.
    """

    messages: tuple[dict[str, str], ...]
    max_tokens: int = 128
    temperature: float = 0.0
    seed: int | None = None


@dataclass(frozen=True, slots=True)
class ChatResult:
    """A request's answer: ``text`` or, when every try failed, ``error`` (one line)."""

    text: str | None
    error: str | None = None
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and self.text is not None


@dataclass(slots=True)
class BackendStats:
    """Counters since the backend was built (read them for logs and benchmarks).

    Attributes:
        requests: requests asked of ``complete``, cache hits included.
        cache_hits: requests answered from the cache (no model call).
        retries: tries after the first (HTTP backends: as the client sent them).
        failures: requests whose result carries an ``error``.
        seconds: wall-clock seconds spent in ``complete``.
        errors: failures by kind (``"timeout"``, ``"http 500"``...).
        calls: model calls made: HTTP requests sent (retries included) or batched ``generate`` calls.
    """

    requests: int = 0
    cache_hits: int = 0
    retries: int = 0
    failures: int = 0
    seconds: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    calls: int = 0

    def count_failure(self, kind: str) -> None:
        """One more failed request of ``kind``."""
        self.failures += 1
        self.errors[kind] = self.errors.get(kind, 0) + 1


@runtime_checkable
class ChatBackend(Protocol):
    """Answers chat requests; ``complete(requests)[i]`` answers ``requests[i]``."""

    #: What the backend is (kind and model), e.g. ``"openai:Qwen/Qwen3-0.6B@http://127.0.0.1:8000/v1"``;
    #: part of every cache key, so two models never share answers. Never holds a secret.
    identity: str
    stats: BackendStats

    def complete(self, requests: Sequence[ChatRequest]) -> list[ChatResult]:
        """Answer every request (in one batch or concurrently); never raises for a single failure."""
        ...

    def close(self) -> None:
        """Release the model or the connection pool."""
        ...
