"""A local OpenAI-compatible server for a model directory: ``transformers serve`` on loopback.

For trying the HTTP backend without a GPU server (and for the tests and benchmarks that exercise it
against a real server): ``with local_server(path) as server: ... server.base_url ...``. Needs
transformers' serving extra (``pip install 'transformers[serving]'``: fastapi, uvicorn).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from oyrl.errors import ConfigError


@dataclass(frozen=True)
class LocalServer:
    """A running server: its API root (``base_url`` for an ``openai`` backend) and the model name
    to request (the directory path it serves)."""

    base_url: str
    model: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def local_server(model: str | Path, log_path: str | Path, *, ready_s: float = 90.0) -> Iterator[LocalServer]:
    """Run ``transformers serve MODEL`` on 127.0.0.1 (a free port, offline) until the block ends.

    Args:
        model: a ``save_pretrained`` directory.
        log_path: where the server's output goes (read back in an error).
        ready_s: how long to wait for ``/health`` (about 10 s for the tiny base on two busy cores).

    Raises:
        ConfigError: the server exited or was not ready in time (the log's tail in one line).
    """
    port, log_path = _free_port(), Path(log_path)
    script = Path(sys.executable).with_name("transformers")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([str(script), "serve", str(model), "--host", "127.0.0.1", "--port", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    try:
        _wait_ready(proc, port, log_path, ready_s)
        yield LocalServer(base_url=f"http://127.0.0.1:{port}/v1", model=str(model))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_ready(proc: subprocess.Popen, port: int, log_path: Path, ready_s: float) -> None:
    deadline = time.monotonic() + ready_s
    while True:
        if proc.poll() is not None:
            tail = " | ".join(log_path.read_text(errors="replace").splitlines()[-3:])
            raise ConfigError(f"transformers serve exited ({proc.returncode}): {tail}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise ConfigError(f"transformers serve not ready in {ready_s:.0f} s (log: {log_path})")
        time.sleep(0.25)
