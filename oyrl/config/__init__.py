"""Experiment configs: one typed, validated schema, loaded from YAML with ``key=value`` overrides.

Two kinds share it: ``sb3`` (Stable-Baselines3 on Strategy envs) and ``llm`` (GRPO/PPO of a causal LM
on text envs); both use the same env, reward, held-out evaluation and constraint blocks.

Every field is documented once, next to its definition (``base.py``: what every kind shares; ``sb3.py``,
``llm.py``: one kind each). Unknown keys are errors naming the
key and the closest valid one. Values derived from others are computed in each config's properties
(under "derived values"), nowhere else. What makes GRPO GRPO and PPO PPO (loss, advantage estimator,
value head, default KL placement, group requirement) is one ``LLM_ALGORITHMS`` entry each; the
trainer's runtime settings are these specs themselves (the rollout engine samples by ``RolloutSpec``,
the losses read ``LLMAlgoSpec``).

    oyrl train experiments/sb3_constructive.yaml algo.learning_rate=1e-3 seeds=[0,1,2]
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from oyrl.config.base import (
    HELDOUT_SEED,
    ConfigModel,
    ConstraintSpec,
    EnvSpec,
    HeldOutSpec,
    apply_overrides,
    read_config,
    validate,
)
from oyrl.config.llm import (
    KL_ESTIMATOR_DEFAULTS,
    LLM_ALGORITHMS,
    CheckpointSpec,
    KLSpec,
    LanguageModelRun,
    LLMAlgorithm,
    LLMAlgoSpec,
    LLMEvalSpec,
    LLMExperimentConfig,
    LoraSpec,
    RolloutSpec,
)
from oyrl.config.preference import (
    LookaheadSpec,
    PairsConfig,
    PreferenceConfig,
    PreferenceTrainSpec,
    StatesSpec,
)
from oyrl.config.sb3 import AlgoSpec, EvalSpec, ExperimentConfig
from oyrl.errors import ConfigError

__all__ = [
    "HELDOUT_SEED", "KINDS", "KL_ESTIMATOR_DEFAULTS", "LLM_ALGORITHMS", "AlgoSpec", "CheckpointSpec", "ConfigModel",
    "ConstraintSpec", "EnvSpec", "EvalSpec", "ExperimentConfig", "HeldOutSpec", "KLSpec", "LLMAlgoSpec",
    "LLMAlgorithm", "LLMEvalSpec", "LLMExperimentConfig", "LanguageModelRun", "LookaheadSpec", "LoraSpec",
    "PairsConfig", "PreferenceConfig", "PreferenceTrainSpec", "RolloutSpec", "StatesSpec", "apply_overrides",
    "load_experiment", "read_config", "validate",
]

KINDS: dict[str, type[BaseModel]] = {
    "sb3": ExperimentConfig, "llm": LLMExperimentConfig, "pairs": PairsConfig,
    "dpo": PreferenceConfig, "orpo": PreferenceConfig, "sft": PreferenceConfig,
}

Experiment = ExperimentConfig | LLMExperimentConfig | PairsConfig | PreferenceConfig


def load_experiment(path: str | Path, overrides: list[str] = ()) -> Experiment:
    """Load an experiment config (its ``kind`` picks the schema), apply ``key=value`` overrides, validate."""
    raw = read_config(path)
    kind = raw.get("kind", "sb3")
    if kind not in KINDS:
        raise ConfigError(f"{path}: kind: expected one of {sorted(KINDS)}, got {kind!r}")
    for key in ("reward", "pairs"):  # a YAML file beside the config (a design may also be a built-in name)
        value = raw.get(key)
        if isinstance(value, str) and value.endswith((".yaml", ".yml")):
            # Made absolute, so the run's saved config.yaml works from anywhere; overrides stay as typed.
            raw[key] = str((Path(path).parent / value).resolve())
    raw = apply_overrides(raw, list(overrides), KINDS[kind])
    return validate(raw, KINDS[kind], str(path))
