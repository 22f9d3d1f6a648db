"""Chat backends: how simulated users and judges call a language model (``docs/model_backends.md``).

``make_backend(spec, where=...)`` builds one from a config's ``backend:`` mapping: in-process
``transformers`` (:class:`TransformersBackend`) or an OpenAI-compatible server
(:class:`OpenAIBackend`). :class:`CoalescingBackend` merges concurrent one-request calls into
batches; :class:`RequestCache` makes a repeated request free. The two concrete backends load
lazily, so importing this package pulls in neither torch nor the ``openai`` client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oyrl.backends.base import BackendStats, ChatBackend, ChatRequest, ChatResult
from oyrl.backends.batching import CoalescingBackend
from oyrl.backends.cache import RequestCache, request_key
from oyrl.backends.spec import BACKENDS, BackendSpec, make_backend, validate_spec

if TYPE_CHECKING:
    from oyrl.backends.hf import TransformersBackend
    from oyrl.backends.openai_http import OpenAIBackend

_LAZY = {"TransformersBackend": "oyrl.backends.hf", "OpenAIBackend": "oyrl.backends.openai_http"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'oyrl.backends' has no attribute {name!r}")


__all__ = [
    "BACKENDS",
    "BackendSpec",
    "BackendStats",
    "ChatBackend",
    "ChatRequest",
    "ChatResult",
    "CoalescingBackend",
    "OpenAIBackend",
    "RequestCache",
    "TransformersBackend",
    "make_backend",
    "request_key",
    "validate_spec",
]
