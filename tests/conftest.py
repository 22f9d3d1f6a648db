"""Fixtures shared by test modules."""

from __future__ import annotations

import sys

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


#: A user's judge module (``oyrl judge-eval --judge module:attr``), with each kind of attribute.
JUDGE_MODULE = """
from oyrl.types import ResponseFeatures

class NeverRefuses:
    def assess(self, context, reply):
        return ResponseFeatures()

    def assess_batch(self, contexts, replies):
        return [self.assess(c, r) for c, r in zip(contexts, replies)]

def make_judge():
    return NeverRefuses()

JUDGE = NeverRefuses()

class NeedsModel(NeverRefuses):
    def __init__(self, model_path):
        self.model_path = model_path

NOT_A_JUDGE = 42
"""


@pytest.fixture
def judge_module(tmp_path, monkeypatch):
    """A judge module in the current directory, the way a user runs ``oyrl`` beside their file."""
    name = f"my_judge_{tmp_path.name}"  # a fresh module per test: imports are cached
    (tmp_path / f"{name}.py").write_text(JUDGE_MODULE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    return name
