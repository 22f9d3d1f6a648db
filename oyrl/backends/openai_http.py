"""The HTTP backend: any OpenAI-compatible chat server, through the official ``openai`` client.

vLLM, SGLang, Ollama, ``transformers serve`` and hosted APIs speak ``/v1/chat/completions``. Requests
of one ``complete`` run concurrently on ``concurrency`` worker threads. The client retries what is
worth retrying (connection errors, timeouts, 408/409/429/5xx; ``Retry-After`` honoured) with
exponential backoff and jitter, ``max_retries`` times; a request that still fails becomes a result
with a one-line ``error``, never an exception.

Secrets: the API key is read from the environment variable ``api_key_env`` names, handed to the
client and kept nowhere else; it is scrubbed from every error line, and ``identity`` and ``repr``
never hold it.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import openai

from oyrl.backends.base import BackendStats, ChatRequest, ChatResult
from oyrl.backends.cache import RequestCache, complete_cached
from oyrl.errors import ConfigError

#: The key a local server without authentication is sent (the client refuses to run without one).
NO_KEY = "EMPTY"
#: The client's header with the number of tries already made for a request (0 on the first try).
RETRY_HEADER = "x-stainless-retry-count"


def _public_url(base_url: str) -> str:
    """``base_url`` without user:password, query or fragment (they may hold credentials)."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def read_api_key(api_key_env: str | None) -> str:
    """The API key from the environment variable ``api_key_env`` (``None``: a local server, no key).

    Raises:
        ConfigError: the variable is not set (the message names the variable, never a value).
    """
    if api_key_env is None:
        return NO_KEY
    key = os.environ.get(api_key_env)
    if not key:
        raise ConfigError(f"api_key_env: the environment variable {api_key_env!r} is not set "
                          "(export the API key in it)")
    return key


class OpenAIBackend:
    """An OpenAI-compatible chat server answering requests concurrently.

    Args:
        base_url: the server's API root, e.g. ``"http://127.0.0.1:8000/v1"``.
        model: the served model name (``"model"`` field of each request).
        api_key_env: the environment variable holding the API key; ``None`` for a server without
            authentication (the key sent is ``"EMPTY"``).
        concurrency: requests in flight at once (worker threads).
        timeout_s: the client's timeout for each try (connect, read, write), in seconds.
        max_retries: tries after the first, by the client, for retryable failures.
        cache: answers already computed (``None``: no cache).
        extra_body: fields added to every request body (e.g. ``{"top_k": 20}`` or vLLM's
            ``{"chat_template_kwargs": {"enable_thinking": False}}``); part of ``identity``.

    Raises:
        ConfigError: a bad ``base_url``, ``concurrency``, ``timeout_s`` or ``max_retries``, or
            ``api_key_env`` naming a variable that is not set.
    """

    def __init__(self, base_url: str, model: str, *, api_key_env: str | None = None, concurrency: int = 8,
                 timeout_s: float = 60, max_retries: int = 3, cache: RequestCache | None = None,
                 extra_body: dict[str, Any] | None = None):
        if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).hostname:
            raise ConfigError(f"base_url: expected an http(s) URL such as 'http://127.0.0.1:8000/v1', got {base_url!r}")
        for name, value, low in (("concurrency", concurrency, 1), ("timeout_s", timeout_s, 1e-3),
                                 ("max_retries", max_retries, 0)):
            if value < low:
                raise ConfigError(f"{name}: must be at least {low}, got {value!r}")
        api_key = read_api_key(api_key_env)
        self._scrub = [api_key] if api_key != NO_KEY else []
        self.model = model
        self.base_url = _public_url(base_url)
        self.concurrency = concurrency
        self.extra_body = dict(extra_body) if extra_body else None
        options = "+" + json.dumps(self.extra_body, sort_keys=True, separators=(",", ":")) if self.extra_body else ""
        self.identity = f"openai:{model}@{self.base_url}{options}"
        self.cache = cache
        self.stats = BackendStats()
        self._lock = threading.Lock()
        # Our own HTTP client only to hook its requests: each try carries the retry header, which
        # counts calls and retries exactly (the client keeps no counter we can read on failure).
        http_client = openai.DefaultHttpxClient(event_hooks={"request": [self._on_request]})
        self._client = openai.OpenAI(base_url=base_url, api_key=api_key, timeout=timeout_s,
                                     max_retries=max_retries, http_client=http_client)
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="oyrl-openai")

    def __repr__(self) -> str:
        return f"OpenAIBackend({self.identity!r}, concurrency={self.concurrency})"

    def _on_request(self, request: Any) -> None:
        tries = request.headers.get(RETRY_HEADER, "0")
        with self._lock:
            self.stats.calls += 1
            if tries.isdigit() and int(tries) > 0:
                self.stats.retries += 1

    def complete(self, requests: Sequence[ChatRequest]) -> list[ChatResult]:
        """Answer ``requests`` (cached ones from the cache), ``concurrency`` at a time, in order."""
        return complete_cached(requests, identity=self.identity, cache=self.cache, stats=self.stats,
                               lock=self._lock, compute=lambda todo: list(self._pool.map(self._ask, todo)))

    def _ask(self, request: ChatRequest) -> ChatResult:
        """One request, the client's retries included; every failure becomes an error result."""
        kwargs: dict[str, Any] = {"model": self.model, "messages": [dict(m) for m in request.messages],
                                  "max_tokens": request.max_tokens, "temperature": request.temperature}
        if request.seed is not None:
            kwargs["seed"] = request.seed
        if self.extra_body:
            kwargs["extra_body"] = self.extra_body
        try:
            completion = self._client.chat.completions.create(**kwargs)
        # A backend never raises for one request (base.py): whatever the server or client did, the
        # caller gets a one-line error and falls back.
        except Exception as exc:  # noqa: BLE001
            return ChatResult(None, error=self._describe(exc))
        # The client does not validate the body's shape (a server may send any JSON): check it here.
        choices = getattr(completion, "choices", None)
        message = getattr(choices[0], "message", None) if isinstance(choices, list) and choices else None
        if message is None:
            return ChatResult(None, error="invalid answer: the response holds no choices[0].message")
        text = getattr(message, "content", None)
        if not isinstance(text, str) or not text:
            return ChatResult(None, error="empty answer: the server returned no message content")
        return ChatResult(text)

    def _describe(self, exc: Exception) -> str:
        """A one-line ``"<kind>: <detail>"`` for a failed request, with the API key scrubbed out."""
        if isinstance(exc, openai.APITimeoutError):
            kind = "timeout"
        elif isinstance(exc, openai.APIConnectionError):
            kind = "connection"
        elif isinstance(exc, openai.APIStatusError):
            kind = f"http {exc.status_code}"
        else:  # a body that is not the JSON of a chat completion, or anything else unforeseen
            kind = "invalid answer"
        line = f"{kind}: {type(exc).__name__}: {str(exc) or '-'}"
        if isinstance(exc, openai.APIConnectionError) and exc.__cause__ is not None:  # e.g. connection refused
            line += f" ({type(exc.__cause__).__name__}: {exc.__cause__})"
        line = " ".join(line.split())
        for secret in self._scrub:  # before cutting, so no piece of the key survives at the cut
            line = line.replace(secret, "***")
        return line[:300]

    def close(self) -> None:
        """Stop the workers and close the connection pool."""
        self._pool.shutdown(wait=True)
        self._client.close()
