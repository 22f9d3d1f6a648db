"""Stable-Baselines3 callbacks: DESIGN.md's TensorBoard tags from training episodes, held-out
evaluation with best-model saving, and a progress hook.

Every tag is described in ``docs/tensorboard.md``. Callbacks write through the model's SB3 logger
(``self.logger.record`` then ``dump(step)``), so SB3's own tags (``train/``, ``rollout/``,
``time/``) and oyrl's land in one event file per run, with the environment step as x-axis.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.callbacks import BaseCallback

from oyrl.metrics import episode_score
from oyrl.strategies import STRATEGIES
from oyrl.types import Outcome, UserType


def summary_scalars(prefix: str, summary: dict) -> dict[str, float]:
    """A ``oyrl.metrics.summarize`` result as TensorBoard scalars under ``prefix/``.

    Tags: ``<prefix>/constructive_score``, ``<prefix>/mean_turns``, ``<prefix>/<outcome>_rate`` for
    every outcome, and ``<prefix>/<user_type>/constructive_score`` for each user type present.
    """
    out = {
        f"{prefix}/constructive_score": summary["constructive_score"],
        f"{prefix}/mean_turns": summary["overall"]["mean_turns"],
    }
    for outcome in Outcome:
        out[f"{prefix}/{outcome.value}_rate"] = summary["overall"][f"{outcome.value}_rate"]
    for user_type, block in summary["by_user_type"].items():
        out[f"{prefix}/{user_type}/constructive_score"] = block["constructive_score"]
    return out


class _Episode(NamedTuple):
    outcome: Outcome
    user_type: UserType
    score: float
    terms: Counter  # term -> the episode's sum of that weighted term


class EpisodeStatsCallback(BaseCallback):
    """Log outcome, reward-term and strategy statistics of the training episodes.

    Reads the VecEnv ``infos`` of every step: ``info["strategy"]`` and ``info["reward_terms"]``
    each turn, ``info["outcome"]`` (with ``user_type``, ``user_state`` and ``harm_delivered``) on
    an episode's last step. Every ``window`` environment steps (checked at rollout ends) it logs,
    over the episodes that ended since the last write:

    * ``outcome/<outcome>_rate`` and ``outcome/<user_type>/<outcome>_rate``: share of episodes;
    * ``outcome/constructive_score``: ``oyrl.metrics.episode_score`` of those episodes (the
      stochastic training policy on training users: a progress signal, not the evaluation);
    * ``reward/total`` and ``reward/<term>``: per-episode sums of the design's reward and of each
      weighted term, averaged over episodes;
    * ``strategy/<strategy>_rate``: share of assistant turns that played each strategy.

    Args:
        window: environment steps (summed over the parallel envs) between writes.
    """

    def __init__(self, window: int):
        super().__init__()
        self.window = window
        self._last_write = 0
        self._open_terms: dict[int, Counter] = defaultdict(Counter)  # env index -> running sums
        self._strategies: Counter = Counter()
        self._episodes: list[_Episode] = []

    def _on_step(self) -> bool:
        for i, info in enumerate(self.locals["infos"]):
            self._strategies[info["strategy"]] += 1
            terms = self._open_terms[i]
            terms.update(info["reward_terms"])
            outcome = info.get("outcome")  # set on the last step only, terminated or truncated
            if outcome is not None:
                score = episode_score(outcome, info["user_type"], info["harm_delivered"], info["user_state"])
                self._episodes.append(_Episode(outcome, info["user_type"], score, self._open_terms.pop(i)))
        return True

    def _on_rollout_end(self) -> None:
        if self.num_timesteps - self._last_write >= self.window:
            self._write()

    def _on_training_end(self) -> None:
        self._write()

    def _write(self) -> None:
        if not self._episodes:
            return
        n = len(self._episodes)
        outcomes = Counter(e.outcome for e in self._episodes)
        for outcome in Outcome:
            self.logger.record(f"outcome/{outcome.value}_rate", outcomes[outcome] / n)
        for user_type in UserType:
            of_type = Counter(e.outcome for e in self._episodes if e.user_type is user_type)
            n_type = sum(of_type.values())
            if n_type == 0:
                continue
            for outcome in Outcome:
                self.logger.record(f"outcome/{user_type.value}/{outcome.value}_rate", of_type[outcome] / n_type)
        self.logger.record("outcome/constructive_score", sum(e.score for e in self._episodes) / n)
        sums: Counter = Counter()
        for e in self._episodes:
            sums.update(e.terms)
        self.logger.record("reward/total", sum(sums.values()) / n)
        for term, total in sums.items():
            self.logger.record(f"reward/{term}", total / n)
        turns = sum(self._strategies.values())
        for strategy in STRATEGIES:
            self.logger.record(f"strategy/{strategy.value}_rate", self._strategies[strategy] / turns)
        self.logger.dump(self.num_timesteps)
        self._episodes.clear()
        self._strategies.clear()
        self._last_write = self.num_timesteps


class HeldOutEvalCallback(BaseCallback):
    """Evaluate on the held-out users every ``every_steps`` steps; keep the best model.

    Logs ``eval/...`` (see ``summary_scalars``) and saves ``best_model.zip`` in ``run_dir`` whenever
    the held-out constructive score beats the best so far. The final model is evaluated at the end
    of training (after SB3's last update, which follows the last step) into ``final``; a periodic
    evaluation falling on the last rollout is left to that one.

    Args:
        evaluate: model -> ``summarize`` dict on the held-out seeds.
        save: (model, path) -> None, writes a loadable model file.
        every_steps: environment steps (summed over the parallel envs) between evaluations.
        run_dir: where ``best_model.zip`` goes.
    """

    def __init__(
        self,
        evaluate: Callable[[BaseAlgorithm], dict],
        save: Callable[[BaseAlgorithm, Path], None],
        every_steps: int,
        run_dir: Path,
    ):
        super().__init__()
        self.evaluate, self.save, self.every_steps, self.run_dir = evaluate, save, every_steps, run_dir
        self.best_score = float("-inf")
        self.final: dict | None = None
        self._last_eval_step = 0
        self._total_steps = 0

    def _on_training_start(self) -> None:
        self._total_steps = self.locals["total_timesteps"]  # learn()'s locals

    def _on_step(self) -> bool:
        due = self.num_timesteps // self.every_steps > self._last_eval_step // self.every_steps
        if due and self.num_timesteps < self._total_steps:
            self._evaluate()
        return True

    def _on_training_end(self) -> None:
        self.final = self._evaluate()

    def _evaluate(self) -> dict:
        summary = self.evaluate(self.model)
        self._last_eval_step = self.num_timesteps
        if summary["constructive_score"] > self.best_score:
            self.best_score = summary["constructive_score"]
            self.save(self.model, self.run_dir / "best_model.zip")
        for tag, value in summary_scalars("eval", summary).items():
            self.logger.record(tag, value)
        self.logger.record("eval/best_constructive_score", self.best_score)
        self.logger.dump(self.num_timesteps)
        return summary


class ProgressCallback(BaseCallback):
    """Call ``progress(steps_done, total_steps)`` about every 1% of training and at the end."""

    def __init__(self, progress: Callable[[int, int], None], total_steps: int):
        super().__init__()
        self.progress, self.total_steps = progress, total_steps
        self._every = max(1, total_steps // 100)
        self._last = 0

    def _on_step(self) -> bool:
        if self.num_timesteps - self._last >= self._every:
            self._last = self.num_timesteps
            self.progress(min(self.num_timesteps, self.total_steps), self.total_steps)
        return True

    def _on_training_end(self) -> None:
        self.progress(self.total_steps, self.total_steps)
