"""Registration of the oyrl/* environment ids (on ``import oyrl``: Gymnasium 1.x loads no plugins).

Each pack registers two ids: ``oyrl/<Name>-v0`` (DialogueEnv, text actions) and
``oyrl/<Name>-Strategy-v0`` (StrategyEnv, strategy actions). Keyword arguments of ``gym.make``
(``reward=``, ``max_turns=``, ``personas=``, ``judge=``...) reach the environment.
"""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym

from oyrl.env.base import resolve_pack
from oyrl.resources import data_dir

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
                from oyrl.errors import ConfigError

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
