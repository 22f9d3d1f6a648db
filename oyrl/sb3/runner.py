"""Stable-Baselines3 (PPO, A2C, DQN) on Strategy environments, judged on held-out users.

One run = one config and one seed::

    cfg = load_experiment("experiments/sb3_constructive.yaml")
    metrics = train_run(cfg, seed=0, run_dir=Path("runs/demo") / run_name(cfg, 0))

A run trains on ``n_envs`` copies of ``cfg.env.id`` (a ``DummyVecEnv`` of SB3 ``Monitor``-wrapped
envs), logs DESIGN.md's TensorBoard tags (``docs/tensorboard.md``), evaluates every
``cfg.eval.every_steps`` steps on the held-out seeds, and writes into its run directory::

    events.out.tfevents.*   TensorBoard scalars, config text, HParams
    config.yaml             the config of this run (seeds: [seed]); `oyrl train` re-runs it
    best_model.zip          best held-out constructive score so far (selected on the eval seeds)
    final_model.zip         the model at the end of training
    metrics.json            held-out evaluation of the final model (written last)

Every run is judged by ``evaluate_policy``: the same users (seeds ``cfg.eval.seed..``) for every
design and algorithm, never the run's own training reward, so reward designs compare fairly.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import torch
import yaml
from gymnasium import spaces
from stable_baselines3 import A2C, DQN, PPO
from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.callbacks import BaseCallback, CallbackList
from stable_baselines3.common.logger import HParam, configure
from stable_baselines3.common.monitor import Monitor
from stable_baselines3.common.vec_env import DummyVecEnv, VecEnv

from oyrl.config import ExperimentConfig
from oyrl.env import registration
from oyrl.errors import ConfigError
from oyrl.metrics import summarize
from oyrl.policies.baselines import StrategyPolicy
from oyrl.simulate import run_episodes
from oyrl.strategies import STRATEGIES, Strategy
from oyrl.sb3.callbacks import EpisodeStatsCallback, HeldOutEvalCallback, ProgressCallback
from oyrl.sb3.lagrangian import HarmPenaltyVecEnv, LagrangianCallback
from oyrl.train import naming
from oyrl.train.tags import flat_hparams, summary_scalars


@dataclass(frozen=True)
class Algorithm:
    """How oyrl builds and runs one SB3 algorithm.

    Attributes:
        cls: the SB3 class.
        hyperparameters: ``AlgoSpec`` fields passed to its constructor (same names in SB3).
        log_interval: ``learn(log_interval=)``, how often SB3 writes its own ``rollout/`` and
            ``time/`` tags: in rollouts for on-policy algorithms, in episodes for off-policy ones.
    """

    cls: type[BaseAlgorithm]
    hyperparameters: tuple[str, ...]
    log_interval: int = 1


#: ``cfg.algo.name`` -> algorithm. DQN's log_interval counts episodes: SB3's default of 4 would
#: write its tags almost every step (8 envs end an episode every ~5 steps); 200 episodes are about
#: 1,000 to 1,200 steps, so even a short run writes them.
ALGORITHMS: dict[str, Algorithm] = {
    "ppo": Algorithm(
        PPO, ("learning_rate", "gamma", "n_steps", "batch_size", "n_epochs", "gae_lambda", "clip_range", "ent_coef")
    ),
    "a2c": Algorithm(A2C, ("learning_rate", "gamma", "n_steps", "gae_lambda", "ent_coef")),
    "dqn": Algorithm(
        DQN, ("learning_rate", "gamma", "batch_size", "buffer_size", "exploration_fraction"), log_interval=200
    ),
}

#: Name of the entry oyrl adds to SB3's model zip: ``{"algo": ..., "name": ...}``.
METADATA = "oyrl.json"


def run_name(cfg: ExperimentConfig, seed: int) -> str:
    """``<env>__<design>__<algo>__seed<k>``, e.g. ``Mixed-Strategy-v0__constructive__ppo__seed0``.

    A run under a harm constraint has design ``<design>+lagrangian`` (``oyrl.train.naming``).
    """
    return naming.run_name(cfg.env.id, cfg.reward, cfg.algo.name, seed, constrained=cfg.constraint is not None)


def make_env(cfg: ExperimentConfig) -> gym.Env:
    """``gym.make(cfg.env.id, reward=cfg.reward, **cfg.env.kwargs)`` with one-line errors."""
    return registration.make_env(cfg.env.id, cfg.reward, cfg.env.kwargs)


class _FreshInfos(list):
    """``DummyVecEnv``'s infos buffer, which SB3 deep-copies after every step: copy the list only.

    The copy protects callers from later changes to the dicts; oyrl envs build new info dicts
    (and new values in them) every step and never touch them again, so the list copy already
    gives that. Deep-copying the features, user state and reward terms cost 24 of the 61 us
    a Mixed-Strategy-v0 step took in the VecEnv (measured on one core, 8 envs).
    """

    def __deepcopy__(self, memo: dict) -> list:
        return list(self)


def make_vec_env(cfg: ExperimentConfig) -> VecEnv:
    """The training VecEnv of one run, harm-penalised when ``cfg.constraint`` is set.

    Seeds are set by ``train_run`` after the model is built (SB3's constructor reseeds the env).
    """
    first = make_env(cfg)
    if not isinstance(first.action_space, spaces.Discrete):
        raise ConfigError(
            f"env.id: SB3 runs need strategy actions (an oyrl/<Name>-Strategy-v0 id), got {cfg.env.id!r} "
            f"with action space {first.action_space}"
        )
    envs = [first, *(make_env(cfg) for _ in range(cfg.n_envs - 1))]
    venv = DummyVecEnv([lambda env=env: Monitor(env) for env in envs])
    venv.buf_infos = _FreshInfos(venv.buf_infos)
    return HarmPenaltyVecEnv(venv, cfg.constraint) if cfg.constraint else venv


def build_model(cfg: ExperimentConfig, venv: VecEnv, seed: int) -> BaseAlgorithm:
    """``cfg.algo``'s SB3 algorithm with an MLP policy on ``venv``, seeded with ``seed``."""
    algo = ALGORITHMS[cfg.algo.name]
    return algo.cls(
        "MlpPolicy", venv, seed=seed, device=cfg.algo.device, verbose=0,
        policy_kwargs={"net_arch": list(cfg.algo.net_arch)},
        **{key: getattr(cfg.algo, key) for key in algo.hyperparameters},
    )


def evaluate_policy(cfg: ExperimentConfig, policy: StrategyPolicy, episodes: int | None = None) -> dict:
    """Held-out evaluation: ``summarize`` of ``episodes`` episodes with seeds ``cfg.eval.seed, ...``.

    Args:
        cfg: gives the env (id, reward design for ``mean_return``, ``eval.env_kwargs`` over
            ``env.kwargs``) and the eval seeds.
        policy: any StrategyPolicy (a trained ``SB3Policy``, a baseline from ``get_baseline``).
        episodes: defaults to ``cfg.eval.episodes``.

    Returns:
        ``oyrl.metrics.summarize`` of the episodes (constructive score, outcome rates per type).
    """
    env = registration.make_eval_env(cfg)
    return summarize(run_episodes(env, policy, episodes or cfg.eval.episodes, cfg.eval.seed))


class SB3Policy:
    """A StrategyPolicy playing a trained SB3 model's deterministic (greedy) action.

    Args:
        model: a trained PPO, A2C or DQN model on a Strategy env's observation space.
        name: shown in tables; defaults to the algorithm name.
    """

    def __init__(self, model: BaseAlgorithm, name: str | None = None):
        self.model = model
        self.name = name or type(model).__name__.lower()

    def reset(self, rng: np.random.Generator) -> None:
        """Nothing to reset: the policy is deterministic and memoryless."""

    def choose(self, observation: Any, info: dict[str, Any]) -> Strategy:
        """The model's greedy strategy for ``observation`` (``info`` is not read)."""
        action, _ = self.model.predict(observation, deterministic=True)
        return STRATEGIES[int(action)]

    @classmethod
    def load(cls, path: str | Path, device: str = "cpu") -> SB3Policy:
        """Load a model saved by ``train_run`` (``best_model.zip``, ``final_model.zip``).

        The algorithm is read from the zip's ``oyrl.json`` entry that ``save_model`` adds.
        """
        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"{path}: no such model file")
        try:
            with zipfile.ZipFile(path) as archive:
                meta = json.loads(archive.read(METADATA))
        except (zipfile.BadZipFile, KeyError):
            raise ConfigError(
                f"{path}: not a model saved by oyrl (no {METADATA} inside); load it with SB3 and wrap it, "
                "e.g. SB3Policy(PPO.load(path))"
            ) from None
        return cls(ALGORITHMS[meta["algo"]].cls.load(path, device=device), name=meta["name"])


def save_model(model: BaseAlgorithm, path: Path, algo: str, name: str) -> None:
    """``model.save(path)`` plus the ``oyrl.json`` entry ``SB3Policy.load`` reads."""
    model.save(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(METADATA, json.dumps({"algo": algo, "name": name}))


def hparams(cfg: ExperimentConfig, seed: int) -> dict[str, bool | int | float | str]:
    """The run's settings as HParams values: one column per config leaf, same keys for every run."""
    out = flat_hparams(cfg.model_dump(mode="json", exclude={"seeds", "log_dir", "constraint"}))
    out["seed"] = seed
    c = cfg.constraint
    out["constraint"] = (
        f"harm_rate<={c.harm_rate:g} (lambda_init {c.lambda_init:g}, lr {c.lambda_lr:g}, penalty {c.penalty:g})"
        if c else "none"
    )
    return out


def _write_atomic(path: Path, text: str) -> None:
    """Write then rename, so a reader (another process polling the run) never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def train_run(
    cfg: ExperimentConfig, seed: int, run_dir: Path, progress: Callable[[int, int], None] | None = None
) -> dict:
    """Train one run and evaluate it on the held-out users.

    Args:
        cfg: the experiment (``cfg.seeds`` is ignored: ``seed`` says which run this is).
        seed: seeds torch, the action sampling and (via ``cfg.env_seeds``) the training users.
            The process's torch thread count is set to ``cfg.algo.threads``.
        run_dir: empty or missing directory for the run's files (see the module docstring).
        progress: called as ``progress(steps_done, total_steps)`` about every 1% of training.

    Returns:
        The held-out evaluation (``oyrl.metrics.summarize`` dict) of the **final** model, the
        same dict as ``run_dir/metrics.json``. The final model, not the best, because the best is
        selected on the held-out seeds themselves and its score is biased upwards.

    Raises:
        ConfigError: the env is not a registered Strategy env, or ``run_dir`` holds files already.
    """
    run_dir = Path(run_dir)
    if run_dir.is_dir() and any(run_dir.iterdir()):
        raise ConfigError(f"{run_dir}: the run directory holds files already; delete it or change name/log_dir")
    name = run_name(cfg, seed)
    torch.set_num_threads(cfg.algo.threads)
    venv = make_vec_env(cfg)
    model = build_model(cfg, venv, seed)
    venv.seed(cfg.env_seeds(seed).start)  # after the constructor, which seeds envs with seed + i
    run_dir.mkdir(parents=True, exist_ok=True)
    config_yaml = yaml.safe_dump({**cfg.model_dump(mode="json"), "seeds": [seed]}, sort_keys=False)
    (run_dir / "config.yaml").write_text(config_yaml, encoding="utf-8")

    model.set_logger(configure(str(run_dir), ["tensorboard"]))
    model.logger.record("config", "    " + config_yaml.replace("\n", "\n    "))  # markdown code block
    model.logger.dump(0)
    window = cfg.algo.n_steps * cfg.n_envs
    held_out = HeldOutEvalCallback(
        evaluate=lambda m: evaluate_policy(cfg, SB3Policy(m, name)),
        save=lambda m, path: save_model(m, path, cfg.algo.name, name),
        every_steps=cfg.eval.every_steps,
        run_dir=run_dir,
    )
    callbacks: list[BaseCallback] = [EpisodeStatsCallback(window), held_out]
    if isinstance(venv, HarmPenaltyVecEnv):
        callbacks.append(LagrangianCallback(venv, window))
    if progress is not None:
        callbacks.append(ProgressCallback(progress, cfg.total_steps))
    log_interval = ALGORITHMS[cfg.algo.name].log_interval
    model.learn(cfg.total_steps, callback=CallbackList(callbacks), log_interval=log_interval)
    save_model(model, run_dir / "final_model.zip", cfg.algo.name, name)

    metrics = held_out.final
    final = summary_scalars("final", metrics)
    for tag, value in final.items():
        model.logger.record(tag, value)
    model.logger.record("hparams", HParam(hparams(cfg, seed), final))
    model.logger.dump(model.num_timesteps)
    model.logger.close()
    venv.close()
    _write_atomic(run_dir / "metrics.json", json.dumps(metrics, indent=2))
    return metrics
