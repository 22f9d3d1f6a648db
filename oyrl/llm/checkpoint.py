"""Atomic, verifiable training checkpoints under ``<run>/checkpoints/iter_<NNNNNN>/``.

A checkpoint is accelerate's ``save_state`` (model weights in safetensors, optimizer, LR scheduler,
each process's RNG states) plus ``trainer_state.json`` (iteration, KL controllers, Lagrange
multiplier...) and a ``manifest.json`` of every file's size and SHA-256, written last.

Atomic: everything is written into a temporary sibling directory that is renamed into place once
complete, so a crash (even SIGKILL) leaves either the whole checkpoint or none of it. Verifiable: a
checkpoint whose manifest is missing or does not match its files (a partial copy, a truncated or
edited file) is skipped on resume, with a message, in favour of the newest one that is intact.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from accelerate import Accelerator


class _TiedWeightsNotice(logging.Filter):
    """Drop accelerate's warning that a tied tensor (e.g. ``lm_head.weight`` tied to the embeddings)
    is stored once in safetensors: expected, and loading re-ties it (tested)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Removed shared tensor" not in record.getMessage()


logging.getLogger("accelerate.utils.other").addFilter(_TiedWeightsNotice())

CHECKPOINTS = "checkpoints"
STATE = "trainer_state.json"
MANIFEST = "manifest.json"
PREFIX = "iter_"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _manifest(folder: Path) -> dict[str, dict[str, Any]]:
    return {
        str(p.relative_to(folder)): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def save_checkpoint(accelerator: Accelerator, run_dir: Path, iteration: int, state: dict[str, Any], keep: int) -> Path:
    """Write the checkpoint of ``iteration`` atomically; every process must call this.

    Args:
        accelerator: the run's accelerator (its prepared model, optimizer and scheduler are saved).
        run_dir: the run directory.
        iteration: iterations completed.
        state: the trainer's own JSON-serialisable state.
        keep: newest checkpoints to keep; older ones are deleted.

    Returns:
        The checkpoint directory.
    """
    root = Path(run_dir) / CHECKPOINTS
    final = root / f"{PREFIX}{iteration:06d}"
    tmp = root / f".tmp-{final.name}"
    if accelerator.is_main_process:
        shutil.rmtree(tmp, ignore_errors=True)  # left by a crash during an earlier save
        tmp.mkdir(parents=True)
    accelerator.wait_for_everyone()
    accelerator.save_state(str(tmp), safe_serialization=True)
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        (tmp / STATE).write_text(json.dumps(state, indent=2))
        (tmp / MANIFEST).write_text(json.dumps(_manifest(tmp), indent=2))
        _fsync_tree(tmp)
        if final.exists():  # re-saved after a resume from an older checkpoint
            shutil.rmtree(final)
        os.replace(tmp, final)
        for old in checkpoints(run_dir)[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
    accelerator.wait_for_everyone()
    return final


def _fsync_tree(folder: Path) -> None:
    """Flush the files to disk before the rename publishes them (else a power cut can leave a
    renamed directory of empty files)."""
    for p in folder.rglob("*"):
        if p.is_file():
            with p.open("rb") as f:
                os.fsync(f.fileno())


def checkpoints(run_dir: Path) -> list[Path]:
    """The run's checkpoint directories, oldest first (temporary ones excluded)."""
    root = Path(run_dir) / CHECKPOINTS
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith(PREFIX))


def verify(checkpoint: Path) -> str | None:
    """Why ``checkpoint`` cannot be used, or None when every file matches its manifest."""
    manifest_path = checkpoint / MANIFEST
    if not manifest_path.is_file():
        return "no manifest.json (an interrupted or foreign save)"
    try:
        manifest = json.loads(manifest_path.read_text())
    except json.JSONDecodeError:
        return "manifest.json is not valid JSON"
    for name, expected in manifest.items():
        path = checkpoint / name
        if not path.is_file():
            return f"{name} is missing"
        if path.stat().st_size != expected["bytes"]:
            return f"{name} has {path.stat().st_size} bytes, the manifest says {expected['bytes']}"
        if _sha256(path) != expected["sha256"]:
            return f"{name} does not match its checksum"
    return None


def latest_valid(run_dir: Path, warn: Any = print) -> Path | None:
    """The newest intact checkpoint of a run; each corrupted newer one is reported through ``warn``."""
    for checkpoint in reversed(checkpoints(run_dir)):
        problem = verify(checkpoint)
        if problem is None:
            return checkpoint
        warn(f"checkpoint {checkpoint} is corrupted ({problem}); trying the previous one")
    return None


def load_trainer_state(checkpoint: Path) -> dict[str, Any]:
    """The ``trainer_state.json`` of a checkpoint."""
    return json.loads((checkpoint / STATE).read_text())
