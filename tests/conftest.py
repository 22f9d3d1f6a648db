"""Fixtures shared by test modules."""

from __future__ import annotations

import pytest
import torch

from oyrl.backends.serve import local_server
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


@pytest.fixture(scope="session")
def chat_server(quick_base, tmp_path_factory):
    """``transformers serve`` on the quick tiny base (a real OpenAI-compatible server, offline,
    ``oyrl.backends.serve.local_server``); the served model's name is the directory path it was given."""
    with local_server(quick_base, tmp_path_factory.mktemp("serve") / "serve.log") as server:
        yield server
