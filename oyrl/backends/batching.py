"""Coalescing: many threads asking one request each, answered by one batched call.

The env steps of a rollout batch run concurrently, and each step's simulated user (or judge) asks
its own question. Called one by one, an in-process model would run a ``generate`` per step; through
a :class:`CoalescingBackend` the questions that arrive within a short window are merged into one
``inner.complete`` call (one batched ``generate``, or one burst of concurrent HTTP requests).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future

from oyrl.backends.base import BackendStats, ChatBackend, ChatRequest, ChatResult
from oyrl.errors import ConfigError

_STOP = object()


class CoalescingBackend:
    """Merges concurrent ``complete`` calls into batched calls of ``inner``.

    One worker thread waits for a first call, gathers the calls arriving within ``window_s`` after
    it (up to ``max_batch`` requests), answers them with one ``inner.complete`` and hands each caller
    its own slice. Calls that arrive while ``inner`` works wait for the next batch, so under load the
    batches fill without waiting for the window.

    Args:
        inner: the backend that answers the merged batches (closed by :meth:`close`).
        max_batch: most requests per ``inner.complete`` (a single call with more runs alone).
        window_s: how long to wait for more calls after the first, in seconds.

    Raises:
        ConfigError: ``max_batch`` below 1 or a negative ``window_s``.
    """

    def __init__(self, inner: ChatBackend, max_batch: int = 64, window_s: float = 0.005):
        if max_batch < 1:
            raise ConfigError(f"max_batch: must be at least 1, got {max_batch}")
        if window_s < 0:
            raise ConfigError(f"window_s: must be at least 0, got {window_s}")
        self.inner = inner
        self.max_batch = max_batch
        self.window_s = window_s
        #: ``inner.complete`` calls made (each a merged batch).
        self.batches = 0
        self._queue: queue.Queue = queue.Queue()
        self._closed = False
        self._worker = threading.Thread(target=self._run, name="oyrl-coalesce", daemon=True)
        self._worker.start()

    @property
    def identity(self) -> str:
        return self.inner.identity

    @property
    def stats(self) -> BackendStats:
        return self.inner.stats

    def __repr__(self) -> str:
        return f"CoalescingBackend({self.inner!r}, max_batch={self.max_batch}, window_s={self.window_s})"

    def complete(self, requests: Sequence[ChatRequest]) -> list[ChatResult]:
        """Answer ``requests`` in a batch shared with the other threads' calls (blocks until answered).

        Raises:
            RuntimeError: the backend is closed.
        """
        if self._closed:
            raise RuntimeError("CoalescingBackend.complete called after close()")
        if not requests:
            return []
        future: Future = Future()
        self._queue.put((list(requests), future))
        return future.result()

    def _gather(self, first: tuple) -> tuple[list[tuple], tuple | None]:
        """The calls to answer together, starting with ``first``, and a call held over for the next
        batch (it would overflow ``max_batch``), or the stop marker."""
        batch, size = [first], len(first[0])
        deadline = time.monotonic() + self.window_s
        while size < self.max_batch:
            try:
                item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if item is _STOP or size + len(item[0]) > self.max_batch:
                return batch, item
            batch.append(item)
            size += len(item[0])
        return batch, None

    def _run(self) -> None:
        held = None
        while True:
            item = held if held is not None else self._queue.get()
            held = None
            if item is _STOP:
                return
            batch, held = self._gather(item)
            self._answer(batch)

    def _answer(self, batch: list[tuple]) -> None:
        requests = [r for reqs, _ in batch for r in reqs]
        self.batches += 1
        try:
            results = self.inner.complete(requests)
        except Exception as exc:  # noqa: BLE001  # a bug in inner: every waiting caller sees it, none hangs
            for _, future in batch:
                future.set_exception(exc)
            return
        start = 0
        for reqs, future in batch:
            future.set_result(results[start:start + len(reqs)])
            start += len(reqs)

    def close(self) -> None:
        """Answer the calls already queued, stop the worker, then close ``inner``."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(_STOP)
        self._worker.join()
        while not self._queue.empty():  # a call that raced close() past the check: fail it, never hang it
            item = self._queue.get_nowait()
            if item is not _STOP:
                item[1].set_exception(RuntimeError("CoalescingBackend.complete called after close()"))
        self.inner.close()
