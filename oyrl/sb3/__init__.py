"""Stable-Baselines3 runs on StrategyEnvs: the runner (``runner.py``: algorithms, training,
held-out evaluation, ``SB3Policy``), its callbacks (TensorBoard tags, evaluation, progress) and
the Lagrangian harm constraint (``lagrangian.py``)."""

from oyrl.sb3.runner import SB3Policy, evaluate_policy, run_name, train_run

__all__ = ["SB3Policy", "evaluate_policy", "run_name", "train_run"]
