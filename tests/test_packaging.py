"""A non-editable install carries the built-in scenario packs, reward designs and user prompt templates."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_packs_and_designs(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=600,
    )
    (wheel,) = tmp_path.glob("oyrl-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for pack in ROOT.glob("envs/*.yaml"):
        assert f"oyrl/_data/envs/{pack.name}" in names
    for ladders in ROOT.glob("envs/ladders/*.yaml"):  # the packs' ladder files (docs/boundary.md)
        assert f"oyrl/_data/envs/ladders/{ladders.name}" in names
    for design in ROOT.glob("rewards/*.yaml"):
        assert f"oyrl/_data/rewards/{design.name}" in names
    assert "oyrl/resources.py" in names
    for template in ROOT.glob("oyrl/users/prompts/*.txt"):  # model-written users' built-in prompts
        assert f"oyrl/users/prompts/{template.name}" in names
