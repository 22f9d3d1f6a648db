"""Fixtures shared by test modules."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from oyrl.tinybase.build import TinyBaseRecipe, build_tiny_base


@pytest.fixture(scope="session")
def quick_base(tmp_path_factory):
    """A seconds-long build of the tiny base (``TinyBaseRecipe.quick()``): a real ``save_pretrained``
    directory with a chat template, so code for hub models runs on it unchanged."""
    return build_tiny_base(tmp_path_factory.mktemp("tiny") / "model", seed=0, recipe=TinyBaseRecipe.quick())


@pytest.fixture
def one_thread():
    """Torch on one thread for the test: a second thread on busy shared cores is slower, not faster."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@dataclass(frozen=True)
class ChatServer:
    """A running OpenAI-compatible server: its API root and the name of the model it serves."""

    base_url: str
    model: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def chat_server(quick_base, tmp_path_factory):
    """``transformers serve`` on the quick tiny base (a real OpenAI-compatible server, offline); the
    served model's name is the directory path it was given."""
    port = _free_port()
    script = Path(sys.executable).with_name("transformers")
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([str(script), "serve", str(quick_base), "--host", "127.0.0.1", "--port", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 90  # about 10 s on two busy cores
        while True:
            if proc.poll() is not None:
                pytest.fail(f"transformers serve exited ({proc.returncode}): {log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"transformers serve not ready in 90 s: {log_path.read_text()[-2000:]}")
            time.sleep(0.25)
        yield ChatServer(base_url=f"http://127.0.0.1:{port}/v1", model=str(quick_base))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
