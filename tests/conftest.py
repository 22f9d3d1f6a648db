"""Fixtures shared by test modules."""

from __future__ import annotations

import pytest

from oyrl.policies.tiny_base import TinyBaseRecipe, build_tiny_base


@pytest.fixture(scope="session")
def quick_base(tmp_path_factory):
    """A seconds-long build of the tiny base (``TinyBaseRecipe.quick()``): a real ``save_pretrained``
    directory with a chat template, so code for hub models runs on it unchanged."""
    return build_tiny_base(tmp_path_factory.mktemp("tiny") / "model", seed=0, recipe=TinyBaseRecipe.quick())
