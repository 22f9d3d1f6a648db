"""Registration of the oyrl/* environment ids (on ``import oyrl``: Gymnasium 1.x loads no plugins).

Each pack registers two ids: ``oyrl/<Name>-v0`` (DialogueEnv, text actions) and
``oyrl/<Name>-Strategy-v0`` (StrategyEnv, strategy actions). Keyword arguments of ``gym.make``
(``reward=``, ``max_turns=``, ``personas=``, ``judge=``...) reach the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import gymnasium as gym

from oyrl.env.base import resolve_pack
from oyrl.errors import ConfigError
from oyrl.judges.factory import make_judge
from oyrl.resources import data_dir
from oyrl.users.factory import make_user_factory

if TYPE_CHECKING:
    from oyrl.config import ExperimentConfig, LLMExperimentConfig

#: Built-in packs registered on import, in listing order.
BUILTIN_PACKS = ("crisis_support", "jailbreak", "dual_use", "mixed")

#: id -> one-line description, for `oyrl envs`.
DESCRIPTIONS: dict[str, str] = {}


def register_pack(path: str | Path, *, override: bool = False) -> tuple[str, str]:
    """Register ``oyrl/<Name>-v0`` and ``oyrl/<Name>-Strategy-v0`` for a scenario pack.

    Args:
        path: the pack's YAML file (validated now: errors name the file and field).
        override: replace ids already registered (otherwise re-registering a different file fails).

    Returns:
        The two ids, text env first.
    """
    pack = resolve_pack(path)
    pack_ref = str(Path(pack.source).resolve())
    ids = (f"oyrl/{pack.name}-v0", f"oyrl/{pack.name}-Strategy-v0")
    for env_id, entry, kind in zip(ids, ("oyrl.env.dialogue:DialogueEnv", "oyrl.env.strategy:StrategyEnv"), ("text", "strategy")):
        existing = gym.registry.get(env_id)
        if existing is not None:
            if existing.kwargs.get("pack") == pack_ref:
                continue
            if not override:
                raise ConfigError(
                    f"{path}: environment id {env_id} is already registered from {existing.kwargs.get('pack')}; "
                    "rename the pack or pass override=True"
                )
            del gym.registry[env_id]
        gym.register(id=env_id, entry_point=entry, kwargs={"pack": pack_ref}, disable_env_checker=False)
        DESCRIPTIONS[env_id] = f"{pack.description} [{kind} actions]"
    return ids


def register_builtin_envs() -> None:
    """Register the built-in packs' ids."""
    folder = data_dir("envs")
    for name in BUILTIN_PACKS:
        register_pack(folder / f"{name}.yaml")


def make_env(env_id: str, reward: str | None = None, kwargs: dict | None = None, *, field: str = "env.id",
             kwargs_field: str = "env.kwargs") -> gym.Env:
    """``gym.make(env_id, reward=reward, **kwargs)`` with one-line errors naming ``field`` (the id) or
    ``kwargs_field`` (the arguments).

    Raises:
        ConfigError: the id is not registered, or ``kwargs`` holds an argument the env does not take.
    """
    if env_id not in gym.registry:
        known = ", ".join(DESCRIPTIONS)
        raise ConfigError(f"{field}: unknown environment id {env_id!r} (registered oyrl ids: {known})")
    try:
        return gym.make(env_id, **({"reward": reward} if reward else {}), **(kwargs or {}))
    except TypeError as exc:  # an argument the env does not take, e.g. a typo in env.kwargs
        reason = str(exc).split(" was raised from")[0]  # Gymnasium appends the whole kwargs dict
        raise ConfigError(f"{kwargs_field}: {reason}") from None


def make_eval_env(cfg: ExperimentConfig | LLMExperimentConfig) -> gym.Env:
    """The held-out evaluation env of an experiment config (strategy-level or LLM): its ``env.id`` and
    ``reward`` with ``eval.env_kwargs`` over ``env.kwargs``."""
    return make_eval_envs(cfg, 1)[0]


def make_eval_envs(cfg: ExperimentConfig | LLMExperimentConfig, n: int) -> list[gym.Env]:
    """``n`` held-out evaluation envs of an experiment config (see :func:`make_eval_env`), sharing
    one judge and one user factory (:func:`make_envs`)."""
    field = "eval.env_kwargs" if cfg.eval.env_kwargs else "env.kwargs"
    return make_envs(cfg.env.id, cfg.reward, cfg.eval.env_arguments(cfg.env), n, kwargs_field=field)


def make_envs(env_id: str, reward: str | None, kwargs: dict | None, n: int, *, field: str = "env.id",
              kwargs_field: str = "env.kwargs") -> list[gym.Env]:
    """``n`` copies of :func:`make_env` whose ``judge`` and ``user`` specs are built once and shared:
    one model-backed judge (one model load, one audit window: ``judge/agreement/*`` covers the whole
    batch) and one user factory (one backend) for every env of a rollout batch."""
    kwargs = dict(kwargs or {})
    if env_id not in gym.registry:
        return [make_env(env_id, reward, kwargs, field=field)]  # raises the one-line error
    if isinstance(kwargs.get("judge"), (str, dict)):
        kwargs["judge"] = make_judge(kwargs["judge"], where=f"{kwargs_field}.judge")
    if isinstance(kwargs.get("user"), (str, dict)):
        pack = resolve_pack(kwargs.get("pack", gym.spec(env_id).kwargs.get("pack", "mixed")))
        kwargs["user"] = make_user_factory(kwargs["user"], where=f"{kwargs_field}.user",
                                           pack_dir=Path(pack.source).parent)
    return [make_env(env_id, reward, kwargs, field=field, kwargs_field=kwargs_field) for _ in range(n)]
