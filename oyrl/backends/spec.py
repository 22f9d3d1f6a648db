"""What a config says about a backend (``BackendSpec``) and the backend it makes (``make_backend``).

A user simulator or judge config holds a ``backend:`` mapping; ``make_backend(mapping, where=...)``
validates it with one-line errors that name the key path, and builds the backend from the
``BACKENDS`` registry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from oyrl.backends.base import ChatBackend, ChatRequest
from oyrl.backends.batching import CoalescingBackend
from oyrl.backends.cache import CACHE_FILE, RequestCache
from oyrl.errors import ConfigError
from oyrl.schema import StrictModel, did_you_mean


class BackendSpec(StrictModel):
    """A chat backend: which kind, which model, and how to reach or run it."""

    backend: Literal["transformers", "openai"]
    """``transformers``: the model runs in this process; ``openai``: an OpenAI-compatible server."""
    model: str
    """transformers: a ``save_pretrained`` directory or hub id; openai: the served model name."""
    base_url: str | None = None
    """openai (required): the server's API root, e.g. ``http://127.0.0.1:8000/v1``."""
    api_key_env: str | None = None
    """openai: the environment variable holding the API key (never the key itself); unset: no key."""
    concurrency: int = Field(8, ge=1, le=1024)
    """openai: requests in flight at once."""
    timeout_s: float = Field(60.0, gt=0)
    """openai: the client's timeout for each try, in seconds."""
    max_retries: int = Field(3, ge=0, le=20)
    """openai: tries after the first for connection errors, timeouts, 429 and 5xx (the client's backoff)."""
    extra_body: dict[str, Any] | None = None
    """openai: fields added to every request body (e.g. ``{chat_template_kwargs: {enable_thinking: false}}``)."""
    batch_size: int = Field(16, ge=1)
    """transformers: most requests per batched ``generate``."""
    device: str = "cpu"
    """transformers: where the model runs (``cpu``, ``cuda``, ``cuda:1``)."""
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    """transformers: the weights' dtype (``auto``: the checkpoint's)."""
    chat_template: str | None = None
    """transformers: a Jinja chat template (text or file) for a tokenizer without one."""
    cache_dir: str | None = None
    """A folder for the request cache (answers are reused across runs); unset: no cache."""
    max_tokens: int = Field(128, ge=1)
    """The default most new tokens of a request (``request``)."""
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    """The default sampling temperature of a request (``request``); 0 is greedy."""

    @model_validator(mode="after")
    def _fits_backend(self) -> BackendSpec:
        if self.backend == "openai" and self.base_url is None:
            raise ValueError("base_url: backend 'openai' needs the server's API root, e.g. 'http://127.0.0.1:8000/v1'")
        misplaced = sorted(self.model_fields_set & ONLY[_other(self.backend)])
        if misplaced:
            raise ValueError(f"{misplaced[0]}: a setting of backend {_other(self.backend)!r}, not {self.backend!r}")
        return self

    def request(self, messages: Sequence[dict[str, str]], *, seed: int | None = None,
                max_tokens: int | None = None, temperature: float | None = None) -> ChatRequest:
        """A request for ``messages`` with this spec's ``max_tokens`` and ``temperature`` unless given."""
        return ChatRequest(
            messages=tuple(dict(m) for m in messages),
            max_tokens=self.max_tokens if max_tokens is None else max_tokens,
            temperature=self.temperature if temperature is None else temperature,
            seed=seed,
        )


#: The settings that belong to one backend only (setting one for the other is an error).
ONLY: dict[str, frozenset[str]] = {
    "openai": frozenset({"base_url", "api_key_env", "concurrency", "timeout_s", "max_retries", "extra_body"}),
    "transformers": frozenset({"batch_size", "device", "dtype", "chat_template"}),
}


#: Most requests merged into one in-process call (the model still generates ``batch_size`` at a time).
COALESCE_MAX_BATCH = 256


def _other(backend: str) -> str:
    return "transformers" if backend == "openai" else "openai"


def _transformers(spec: BackendSpec, cache: RequestCache | None) -> ChatBackend:
    from oyrl.backends.hf import TransformersBackend  # torch and transformers load only when used

    model = TransformersBackend(spec.model, device=spec.device, dtype=spec.dtype, batch_size=spec.batch_size,
                                cache=cache, chat_template=spec.chat_template)
    # The env steps of a rollout batch run concurrently, one request each: merged, they share one
    # batched generate (in chunks of batch_size) instead of a generate per step.
    return CoalescingBackend(model, max_batch=COALESCE_MAX_BATCH)


def _openai(spec: BackendSpec, cache: RequestCache | None) -> ChatBackend:
    from oyrl.backends.openai_http import OpenAIBackend

    assert spec.base_url is not None  # the spec's validator requires it
    return OpenAIBackend(spec.base_url, spec.model, api_key_env=spec.api_key_env, concurrency=spec.concurrency,
                         timeout_s=spec.timeout_s, max_retries=spec.max_retries, cache=cache,
                         extra_body=spec.extra_body)


#: How each kind of backend is built from its spec.
BACKENDS: dict[str, Callable[[BackendSpec, RequestCache | None], ChatBackend]] = {
    "transformers": _transformers,
    "openai": _openai,
}


def validate_spec(spec: dict[str, Any] | BackendSpec, *, where: str) -> BackendSpec:
    """``spec`` as a :class:`BackendSpec`.

    Raises:
        ConfigError: one line, ``<where>.<field>: <problem>, got <value>``; an unknown key names
            the closest known one.
    """
    if isinstance(spec, BackendSpec):
        return spec
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}: expected a mapping of backend settings, got {type(spec).__name__}")
    try:
        return BackendSpec.model_validate(spec)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            raise ConfigError(f"{where}.{key}: unknown key" + did_you_mean(key, BackendSpec.model_fields,
                              f" (known: {', '.join(BackendSpec.model_fields)})")) from None
        msg = err["msg"].removeprefix("Value error, ")
        if not key:  # the cross-field check: its message starts with the field
            raise ConfigError(f"{where}.{msg}") from None
        raise ConfigError(f"{where}.{key}: {msg}, got {err.get('input')!r}") from None


def make_backend(spec: dict[str, Any] | BackendSpec, *, where: str) -> ChatBackend:
    """The backend a spec describes, with its request cache (``cache_dir``) open.

    Args:
        spec: a ``backend:`` mapping from a config, or a validated spec.
        where: the key path of the mapping, e.g. ``"user.backend"``: every error names it.

    Raises:
        ConfigError: a spec that is not valid, or a backend that cannot be built (a model that
            does not load, an API key variable that is not set), in one line.
    """
    spec = validate_spec(spec, where=where)
    try:
        cache = RequestCache(Path(spec.cache_dir).expanduser() / CACHE_FILE) if spec.cache_dir else None
    except ConfigError as exc:
        raise ConfigError(f"{where}.cache_dir: {exc}") from None
    try:
        return BACKENDS[spec.backend](spec, cache)
    except ConfigError as exc:
        raise ConfigError(f"{where}.{exc}") from None
