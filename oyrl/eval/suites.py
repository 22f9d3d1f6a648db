"""Evaluation suites and simulators, and the runner that plays policies on them.

A **suite** is a population of users: a built-in pack. A **simulator** is how those users are
simulated: ``in_distribution`` is the training simulator; the held-out ones are persona variants and
utterance templates reserved for evaluation (``split="heldout"``, never sampled by a training env)
and alternative reaction-model parameter sets (``oyrl.users.params.HELDOUT_REACTION_PARAMS``). A
policy whose gain holds in distribution but not on the held-out simulators learned the simulator,
not the skill.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

from oyrl.config import HELDOUT_SEED
from oyrl.errors import ConfigError
from oyrl.eval.policies import EvalPolicy
from oyrl.progress import Advance
from oyrl.types import Trajectory

#: suite -> built-in pack name (``oyrl/<Pack>-v0`` and ``oyrl/<Pack>-Strategy-v0``).
SUITES: dict[str, str] = {
    "constructive": "Mixed",
    "crisis": "CrisisSupport",
    "jailbreak": "Jailbreak",
    "dual_use": "DualUse",
}

IN_DISTRIBUTION = "in_distribution"
#: The in-distribution personas with a model-written user (``EvalConfig.user``, ``docs/llm_users.md``).
LLM = "llm"


def simulators() -> dict[str, dict[str, Any]]:
    """simulator name -> env keyword arguments: the training simulator and every held-out one."""
    from oyrl.users.params import HELDOUT_REACTION_PARAMS

    out: dict[str, dict[str, Any]] = {IN_DISTRIBUTION: {}, "heldout_personas": {"split": "heldout"}}
    for name, params in HELDOUT_REACTION_PARAMS.items():
        out[f"heldout_params/{name}"] = {"reaction_params": dict(params)}
    return out


def select_simulators(choice: str, user: Any = None) -> list[str]:
    """``in_distribution``, ``heldout`` (in distribution *and* every held-out simulator, side by side),
    ``llm`` (the in-distribution personas with the model-written user ``user``; ``heldout`` adds it
    when a user is given), or one simulator's name."""
    known = list(simulators()) + ([LLM] if user is not None else [])
    if choice == "heldout":
        return known
    if choice == LLM and user is None:
        raise ConfigError("--simulator llm: give the model-written user with --user (a YAML file or mapping, "
                          "e.g. {kind: llm, backend: openai, base_url: ..., model: ...})")
    if choice not in known:
        raise ConfigError(f"--simulator: unknown simulator {choice!r}; choose heldout or one of {sorted(known)}")
    return [choice]


@dataclass
class EvalConfig:
    """What to evaluate on."""

    suite: str = "constructive"
    episodes: int = 500
    seed: int = HELDOUT_SEED
    """First scenario seed (the training runs' held-out seeds start here too)."""
    simulator: str = IN_DISTRIBUTION
    reward: str = "constructive"
    env_kwargs: dict[str, Any] = field(default_factory=dict)
    """Extra ``gym.make`` arguments (e.g. ``max_turns``), applied to every simulator."""
    user: Any = None
    """The ``llm`` simulator's user spec (``{kind: llm, ...}``); text policies only: strategy-level
    policies write no words, so they meet the scripted user there."""
    judge: Any = None
    """The reply judge of the text envs (a judge spec, ``docs/model_judges.md``); default lexical.
    A cascade judge's audit is taken per policy (``report.json``'s ``judge_audit``)."""

    def __post_init__(self):
        if self.suite not in SUITES:
            raise ConfigError(f"--suite: unknown suite {self.suite!r}; choose one of {sorted(SUITES)}")
        if self.episodes < 1:
            raise ConfigError(f"--episodes: expected a positive number, got {self.episodes}")

    @property
    def seeds(self) -> list[int]:
        """The scenario seeds, the same for every policy and simulator."""
        return list(range(self.seed, self.seed + self.episodes))

    def env_id(self, interface: str) -> str:
        """The suite's env for a policy interface (``text`` or ``strategy``)."""
        pack = SUITES[self.suite]
        return f"oyrl/{pack}-v0" if interface == "text" else f"oyrl/{pack}-Strategy-v0"


def play(policies: list[EvalPolicy], config: EvalConfig, progress: Any = None,
         advance: Advance | None = None, audits: dict[str, dict[str, dict]] | None = None,
         ) -> dict[str, dict[str, list[Trajectory]]]:
    """Every policy on every selected simulator: ``{simulator: {policy name: trajectories}}``.

    ``progress(policy, simulator)`` is called before each run (for a display); ``advance(n)`` as
    episodes end (for a progress bar), with the run as its status at the start of each. With a
    cascade judge, ``audits[simulator][policy]`` receives its audit window of each run.
    """
    from oyrl.judges.factory import make_judge
    from oyrl.users.factory import make_user_factory

    judge = make_judge(config.judge, where="--judge") if config.judge is not None else None
    audit = getattr(judge, "audit", None)
    out: dict[str, dict[str, list[Trajectory]]] = {}
    for simulator in select_simulators(config.simulator, config.user):
        text_kwargs = {"judge": judge} if judge is not None else {}
        if simulator == LLM and any(p.interface == "text" for p in policies):
            text_kwargs["user"] = make_user_factory(config.user, where="--user")
        base = {**config.env_kwargs, **simulators().get(simulator, {}), "reward": config.reward}
        out[simulator] = {}
        for policy in policies:
            if progress:
                progress(policy.name, simulator)
            if advance is not None:
                advance(0, f"{policy.name} on {simulator}")
            kwargs = {**base, **text_kwargs} if policy.interface == "text" else base
            out[simulator][policy.name] = _play_counted(policy, config.env_id(policy.interface), config.seeds,
                                                        kwargs, config.seed, advance)
            if audit is not None and policy.interface == "text" and audits is not None:
                window = audit.take()
                audits.setdefault(simulator, {})[policy.name] = {"scalars": window, "warning": audit.warning}
    return out


def _play_counted(policy: EvalPolicy, env_id: str, seeds: list[int], kwargs: dict[str, Any], seed: int,
                  advance: Advance | None) -> list[Trajectory]:
    """``policy.play``, its episodes counted by ``advance``: as they end where ``play`` takes a
    ``progress`` callback, all at once when it returns otherwise (a policy written before it)."""
    if advance is None:
        return policy.play(env_id, seeds, kwargs, seed)
    if "progress" in inspect.signature(policy.play).parameters:
        return policy.play(env_id, seeds, kwargs, seed, progress=advance)
    trajectories = policy.play(env_id, seeds, kwargs, seed)
    advance(len(seeds))
    return trajectories
