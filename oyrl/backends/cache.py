"""The request cache: an answer computed once is never paid for again.

Re-evaluating a policy, re-running a seed or resuming a grid asks the same questions of the same
model; with a cache they cost a sqlite look-up. The key is the sha256 of the canonical JSON of the
backend's ``identity`` (kind, model, server, options) and the request's fields, so two models, two
temperatures or two seeds never share an answer. Only successful answers are stored: a timeout is
asked again next time.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from oyrl.backends.base import BackendStats, ChatRequest, ChatResult
from oyrl.errors import ConfigError

#: The cache file ``make_backend`` opens inside a spec's ``cache_dir``.
CACHE_FILE = "chat_requests.sqlite"


def request_key(identity: str, request: ChatRequest) -> str:
    """The cache key of ``request`` asked of the backend ``identity`` (a sha256 hex digest)."""
    payload = {
        "backend": identity,
        "messages": [dict(m) for m in request.messages],
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
        "seed": request.seed,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class RequestCache:
    """A sqlite file of answers by request key, safe to share between threads (and processes).

    Args:
        path: the sqlite file (its folder is created), or ``None`` for no cache (every ``get``
            misses, ``put`` stores nothing).

    Raises:
        ConfigError: the file cannot be opened as a sqlite database.
    """

    def __init__(self, path: str | Path | None):
        self.path = None if path is None else Path(path)
        # One connection behind a lock: look-ups take microseconds next to a model call, and
        # sqlite connections must not be used by two threads at once.
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30, isolation_level=None)
            # WAL lets parallel runs (a compare grid's processes) read while one writes.
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, text TEXT NOT NULL)")
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"cache {str(self.path)!r}: cannot open it as a sqlite cache: {exc}") from None

    @property
    def enabled(self) -> bool:
        """Whether answers are stored (a path was given and the cache is open)."""
        return self._db is not None

    def get(self, identity: str, request: ChatRequest) -> str | None:
        """The stored answer to ``request`` asked of ``identity``, or ``None``."""
        if self._db is None:
            return None
        with self._lock:
            row = self._db.execute("SELECT text FROM answers WHERE key = ?",
                                   (request_key(identity, request),)).fetchone()
        return None if row is None else row[0]

    def put(self, identity: str, request: ChatRequest, text: str) -> None:
        """Store the answer ``text`` to ``request`` asked of ``identity``."""
        if self._db is None:
            return
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO answers (key, text) VALUES (?, ?)",
                             (request_key(identity, request), text))

    def __len__(self) -> int:
        if self._db is None:
            return 0
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]

    def close(self) -> None:
        """Close the file (a closed cache misses every ``get``)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __repr__(self) -> str:
        return f"RequestCache({None if self.path is None else str(self.path)!r})"


def error_kind(error: str) -> str:
    """The kind of a result's error line (``"timeout: ..."`` -> ``"timeout"``), the key of ``stats.errors``."""
    return error.split(":", 1)[0].strip() or "error"


def complete_cached(
    requests: Sequence[ChatRequest],
    *,
    identity: str,
    cache: RequestCache | None,
    stats: BackendStats,
    lock: threading.Lock,
    compute: Callable[[list[ChatRequest]], list[ChatResult]],
) -> list[ChatResult]:
    """Answer ``requests`` from ``cache`` where it can and by ``compute`` (the misses, in order) otherwise.

    Every backend's ``complete``: stores the successful new answers and counts requests, hits,
    failures (by :func:`error_kind`) and seconds in ``stats`` under ``lock`` (``complete`` may run in
    several threads at once).
    """
    start = time.perf_counter()
    results: list[ChatResult | None] = [None] * len(requests)
    misses: list[int] = []
    for i, request in enumerate(requests):
        text = cache.get(identity, request) if cache is not None else None
        if text is None:
            misses.append(i)
        else:
            results[i] = ChatResult(text, cached=True)
    fresh = compute([requests[i] for i in misses]) if misses else []
    for i, result in zip(misses, fresh, strict=True):
        results[i] = result
        if result.ok and cache is not None:
            cache.put(identity, requests[i], result.text)
    with lock:
        stats.requests += len(requests)
        stats.cache_hits += len(requests) - len(misses)
        for result in fresh:
            if not result.ok:
                stats.count_failure(error_kind(result.error or "empty: no text"))
        stats.seconds += time.perf_counter() - start
    return results  # type: ignore[return-value]  # every slot is filled above
