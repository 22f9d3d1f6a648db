"""Run names that say what ran (STYLE.md): ``<env>__<design>__<algo>__seed<k>``.

Strategy-level runs (``oyrl.sb3``) are named so under their experiment's directory, LLM runs
(``oyrl.llm``) unless their config sets ``name``; a comparison's runs (``oyrl.compare``) take the
SB3 names.
"""

from __future__ import annotations

from oyrl.rewards import get_design


def run_name(env_id: str, reward: str, algo: str, seed: int, constrained: bool = False) -> str:
    """``<env>__<design>__<algo>__seed<k>``, e.g. ``Mixed-Strategy-v0__constructive__ppo__seed0``.

    Args:
        env_id: the Gymnasium id; its namespace (``oyrl/``) is dropped.
        reward: the reward design, a built-in name or a YAML path: the design's own ``name`` is used.
        algo: the algorithm's name.
        seed: the run's seed.
        constrained: a run under a harm constraint; its design reads ``<design>+lagrangian``.
    """
    design = get_design(reward).name + ("+lagrangian" if constrained else "")
    return f"{env_id.rsplit('/', 1)[-1]}__{design}__{algo}__seed{seed}"
