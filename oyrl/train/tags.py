"""DESIGN.md's TensorBoard scalars from finished episodes, for every trainer (SB3 and LLM).

Every tag is described in ``docs/tensorboard.md``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from oyrl.reasoning.measure import reasoning_scalars
from oyrl.types import Outcome, UserType


class EpisodeRecord(NamedTuple):
    """What the training tags need of one finished episode."""

    outcome: Outcome
    user_type: UserType
    score: float  # oyrl.metrics.episode_score
    terms: Counter | dict  # reward term -> the episode's sum of that weighted term


def episode_scalars(episodes: Sequence[EpisodeRecord]) -> dict[str, float]:
    """Outcome rates, the constructive score and reward terms of some training episodes.

    Tags:

    * ``outcome/<outcome>_rate`` and ``outcome/<user_type>/<outcome>_rate``: share of episodes;
    * ``outcome/constructive_score``: mean ``episode_score`` (the stochastic training policy on
      training users: a progress signal, not the evaluation);
    * ``reward/total`` and ``reward/<term>``: per-episode sums of the design's reward and of each
      weighted term, averaged over episodes.
    """
    n = len(episodes)
    if n == 0:
        return {}
    out: dict[str, float] = {}
    outcomes = Counter(e.outcome for e in episodes)
    for outcome in Outcome:
        out[f"outcome/{outcome.value}_rate"] = outcomes[outcome] / n
    for user_type in UserType:
        of_type = Counter(e.outcome for e in episodes if e.user_type is user_type)
        n_type = sum(of_type.values())
        for outcome in Outcome if n_type else ():
            out[f"outcome/{user_type.value}/{outcome.value}_rate"] = of_type[outcome] / n_type
    out["outcome/constructive_score"] = sum(e.score for e in episodes) / n
    sums: Counter = Counter()
    for e in episodes:
        sums.update(e.terms)
    out["reward/total"] = sum(sums.values()) / n
    for term, total in sums.items():
        out[f"reward/{term}"] = total / n
    return out


def summary_scalars(prefix: str, summary: dict) -> dict[str, float]:
    """A ``oyrl.metrics.summarize`` result as TensorBoard scalars under ``prefix/``.

    Tags: ``<prefix>/constructive_score``, ``<prefix>/mean_turns``, ``<prefix>/<outcome>_rate`` for
    every outcome, ``<prefix>/<user_type>/constructive_score`` for each user type present, and
    ``<prefix>/reasoning/...`` when some reply declared an assessment (``reasoning_scalars``).
    """
    out = {
        f"{prefix}/constructive_score": summary["constructive_score"],
        f"{prefix}/mean_turns": summary["overall"]["mean_turns"],
    }
    for outcome in Outcome:
        out[f"{prefix}/{outcome.value}_rate"] = summary["overall"][f"{outcome.value}_rate"]
    for user_type, block in summary["by_user_type"].items():
        out[f"{prefix}/{user_type}/constructive_score"] = block["constructive_score"]
    out.update(reasoning_scalars(summary.get("declared"), f"{prefix}/reasoning"))
    return out


def flat_hparams(config: dict, whole: tuple[str, ...] = ("env.kwargs",)) -> dict[str, bool | int | float | str]:
    """A config dump as HParams values: one ``a.b.c`` column per leaf (same keys for every run).

    Args:
        config: ``model_dump(mode="json")`` of an experiment config.
        whole: mappings kept as one JSON column rather than split (free-form ones like ``env.kwargs``).
    """
    out: dict[str, bool | int | float | str] = {}

    def flatten(node: dict, prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict) and f"{prefix}{key}" not in whole:
                flatten(value, f"{prefix}{key}.")
            else:
                out[f"{prefix}{key}"] = value if isinstance(value, (bool, int, float, str)) else json.dumps(value)

    flatten(config, "")
    return out
