"""The held-out evaluation of a language-model run: the model plays ``cfg.eval``'s users, and the
summary goes to the caller, to TensorBoard (``<tag>/...`` and a few sample dialogues) and, at the
end, to the HParams table.

``kind: llm`` (``oyrl.llm.trainer``) and the preference kinds (``oyrl.preference.train``) both
evaluate through ``HeldOutEvaluator``, so their before/after numbers are the same measurement: the
same seeds, envs, sampling streams and tags.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch

from oyrl.config import LanguageModelRun, LLMEvalSpec
from oyrl.env.registration import make_eval_envs
from oyrl.llm.logger import RunLogger, TrainingProgress
from oyrl.llm.rollout import RolloutEngine
from oyrl.metrics import summarize
from oyrl.progress import PhaseProgress
from oyrl.train.tags import flat_hparams, summary_scalars
from oyrl.types import Trajectory


class HeldOutEvaluator:
    """Plays the held-out seeds of ``cfg.eval`` (``eval.env_kwargs`` over ``env.kwargs``) with a model.

    Under several processes every process plays its share of the seeds and ``gather`` collects the
    trajectories (accelerate's ``gather_object``); one process plays them all.

    Args:
        cfg: the run: a ``LanguageModelRun`` with an ``eval`` block (``LLMEvalSpec``).
        process_index: this process's rank.
        num_processes: processes sharing the seeds.
        gather: every process's trajectories from this one's; identity for a single process.
        main: whether this process shows progress.
    """

    def __init__(self, cfg: LanguageModelRun, process_index: int = 0, num_processes: int = 1,
                 gather: Callable[[list[Trajectory]], list[Trajectory]] = list, main: bool = True):
        spec: LLMEvalSpec = cfg.eval
        self.spec, self.gather, self.main = spec, gather, main
        self.envs = make_eval_envs(cfg, min(spec.batch_size, spec.episodes))
        self.seeds = list(spec.seeds)[process_index::num_processes]

    @torch.no_grad()
    def evaluate(self, engine: RolloutEngine, tag: str, step: int, logger: RunLogger | None, description: str,
                 bar: TrainingProgress | None = None) -> dict[str, Any]:
        """``summarize`` of the model's held-out episodes (all processes' when gathered).

        Args:
            engine: samples the model's replies (``exact=False``: the fast kernels, the same users and
                sampling streams in any batch, equal up to float rounding; ``oyrl eval`` computes exactly).
            tag: the TensorBoard namespace (``base``, ``eval``).
            step: the TensorBoard step.
            logger: the run's stream; None off the main process.
            description: what the progress display says (``evaluating the base model``).
            bar: the training bar, during training: progress goes on its status line instead of a bar
                of its own (one live display at a time).
        """
        with evaluation_progress(description, len(self.seeds), bar, self.main) as on_done:
            played = engine.play(self.envs, self.seeds, self.spec.seed, exact=False, on_done=on_done)
        trajectories = self.gather(played)
        summary = summarize(trajectories)
        if logger:
            logger.scalars(summary_scalars(tag, summary), step)
            logger.samples(tag, trajectories[: self.spec.samples], step)
        return summary


@contextmanager
def evaluation_progress(description: str, total: int, bar: TrainingProgress | None = None,
                        main: bool = True) -> Iterator[Callable[[int], None] | None]:
    """A callback counting the held-out dialogues that ended: on ``bar``'s status when given, else on a
    bar of its own; None off the main process."""
    if not main:
        yield None
    elif bar is not None:
        done = 0

        def on_done(n: int) -> None:
            nonlocal done
            done += n
            bar.status(f"{description}: {done}/{total} episodes")

        yield on_done
    else:
        with PhaseProgress(description, total=total) as own:
            yield own.advance


def run_hparams(cfg: LanguageModelRun) -> dict[str, bool | int | float | str]:
    """The config as HParams columns (``oyrl.train.tags.flat_hparams``; ``log_dir`` left out)."""
    return flat_hparams(cfg.model_dump(mode="json", exclude={"log_dir"}))


def log_final(logger: RunLogger, cfg: LanguageModelRun, base: dict | None, final: dict) -> None:
    """The run's settings with its final (``final/...``) and base (``base/...``) held-out metrics in
    the HParams table."""
    metrics = summary_scalars("final", final) | (summary_scalars("base", base) if base else {})
    logger.hparams(run_hparams(cfg), metrics)
