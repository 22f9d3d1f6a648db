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

from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.callbacks import BaseCallback

from oyrl.metrics import episode_score
from oyrl.strategies import STRATEGIES
from oyrl.train.tags import EpisodeRecord, episode_scalars, summary_scalars


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
        self._episodes: list[EpisodeRecord] = []

    def _on_step(self) -> bool:
        for i, info in enumerate(self.locals["infos"]):
            self._strategies[info["strategy"]] += 1
            terms = self._open_terms[i]
            terms.update(info["reward_terms"])
            outcome = info.get("outcome")  # set on the last step only, terminated or truncated
            if outcome is not None:
                score = episode_score(outcome, info["user_type"], info["harm_delivered"], info["user_state"])
                self._episodes.append(EpisodeRecord(outcome, info["user_type"], score, self._open_terms.pop(i)))
        return True

    def _on_rollout_end(self) -> None:
        if self.num_timesteps - self._last_write >= self.window:
            self._write()

    def _on_training_end(self) -> None:
        self._write()

    def _write(self) -> None:
        if not self._episodes:
            return
        for tag, value in episode_scalars(self._episodes).items():
            self.logger.record(tag, value)
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
