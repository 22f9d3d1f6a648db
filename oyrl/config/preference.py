"""Preference learning from simulated futures: ``kind: pairs`` (rank candidate replies by the
conversations they lead to and write preference pairs) and ``kind: dpo`` / ``orpo`` / ``sft``
(train on those pairs with TRL, then evaluate as ``kind: llm`` runs are). ``docs/preferences.md``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, NonNegativeInt, model_validator

from oyrl.config.base import HELDOUT_SEED, ConfigModel
from oyrl.config.llm import LanguageModelRun, LLMEvalSpec, LoraSpec


class LookaheadSpec(ConfigModel):
    """How candidate replies are valued: by the simulated conversations that follow them.

    A state costs ``candidates`` replies plus ``candidates * futures`` simulated futures of up to
    ``horizon`` assistant turns each (the candidate's own turn included).
    """

    candidates: int = Field(4, ge=2)
    """K: replies sampled from the policy at each conversation state."""
    futures: int = Field(4, ge=1)
    """M: simulated futures per candidate. Future ``m`` of every candidate gets the same simulator
    stream (common random numbers), so candidates are compared on the same users' luck."""
    horizon: int | None = Field(None, ge=1)
    """H: assistant turns a future plays, the candidate's included; unset: to the env's turn limit.
    A future cut by the horizon is scored as the conversation stands then (``score``)."""
    score: Literal["return", "constructive"] = "return"
    """What ranks candidates: ``return`` (the reward design's rewards from the candidate's turn on)
    or ``constructive`` (the held-out constructive score of the whole conversation,
    ``oyrl.metrics.episode_score``). Both are recorded."""
    rollout_model: str | None = None
    """The policy that writes the assistant turns after the candidate; unset: the policy that
    wrote the candidates."""
    exact: bool = True
    """Sample in the rollout engine's batch-invariant layout (``RolloutEngine.sample(exact=True)``):
    a candidate's futures are then bitwise the same whatever else shares the batch (tested). Off,
    attention takes the fused kernel (about 2x faster on CPU for the tiny base) and futures agree
    across batches up to float rounding, which can flip a sampled token now and then."""
    states_per_batch: int = Field(8, ge=1)
    """Conversation states ranked together: all their ``K * M`` futures advance in one batch."""


class StatesSpec(ConfigModel):
    """Which conversation states get ranked: the openings of ``seeds`` training scenarios, and the
    states the policy itself reaches from them."""

    seeds: int = Field(64, ge=1)
    """Scenario seeds walked, ``first_seed ... first_seed + seeds - 1``."""
    first_seed: NonNegativeInt = 0
    """First scenario seed; the walk must stay below the held-out seeds."""
    turns: int = Field(2, ge=1)
    """States per seed: the opening (turn 0) and the next ``turns - 1`` states of one conversation
    the policy plays from it (fewer when it ends sooner)."""


class PairsConfig(LanguageModelRun):
    """``oyrl pairs CONFIG``: rank candidates by simulated futures and write a preference dataset
    (``<log_dir>/<name>/pairs``, ``datasets.load_from_disk``) in TRL's conversational format."""

    kind: Literal["pairs"] = "pairs"
    """Experiment kind."""
    lookahead: LookaheadSpec = LookaheadSpec()
    states: StatesSpec = StatesSpec()
    min_gap_z: float = Field(1.0, ge=0)
    """Noise rule: a state gives a pair (its best and worst candidate) only when the gap between
    their mean scores exceeds ``min_gap_z`` standard errors of the paired per-future differences
    (and is above zero); a gap within noise is dropped and counted."""

    @model_validator(mode="after")
    def _states_below_heldout(self) -> PairsConfig:
        last = self.states.first_seed + self.states.seeds - 1
        if last >= HELDOUT_SEED:
            raise ValueError(f"states: seeds {self.states.first_seed}..{last} reach the held-out seeds "
                             f"(from {HELDOUT_SEED}); pairs must come from training scenarios")
        return self


class PreferenceTrainSpec(ConfigModel):
    """The TRL trainer's settings (TRL's names and meanings: ``DPOConfig``, ``ORPOConfig``, ``SFTConfig``)."""

    learning_rate: float = Field(5e-5, gt=0)
    """AdamW peak learning rate."""
    epochs: float = Field(1.0, gt=0)
    """Passes over the dataset (``num_train_epochs``)."""
    max_steps: int = Field(-1, ge=-1)
    """Optimizer steps; -1: as many as ``epochs`` take."""
    batch_size: int = Field(8, ge=1)
    """Pairs (or SFT examples) per device per step (``per_device_train_batch_size``)."""
    gradient_accumulation_steps: int = Field(1, ge=1)
    """Steps whose gradients are summed before an update."""
    lr_schedule: Literal["constant", "linear", "cosine"] = "linear"
    """``lr_scheduler_type``."""
    warmup_ratio: float = Field(0.0, ge=0, lt=1)
    """Share of the steps of linear warm-up."""
    beta: float = Field(0.1, gt=0)
    """DPO: the KL strength beta of the implicit reward (Rafailov et al. 2023). ORPO: the weight
    lambda of the odds-ratio term (Hong et al. 2024; TRL calls it ``beta`` too). Unused by SFT."""
    max_length: int | None = Field(None, ge=8)
    """Longest prompt + reply in tokens; longer examples are cut (TRL's ``max_length``). Unset:
    the model's positions."""
    logging_steps: int = Field(1, ge=1)
    """Log the trainer's scalars every this many steps."""
    precision: Literal["no", "bf16", "fp16"] = "no"
    """Mixed precision (TRL's ``bf16`` / ``fp16``; TRL itself defaults to bf16): bf16/fp16 on GPU."""
    gradient_checkpointing: bool = False
    """Trade compute for memory in the forward pass (large models on GPU; TRL's default is on)."""


class PreferenceConfig(LanguageModelRun):
    """``kind: dpo | orpo | sft``: train ``model`` with TRL on a preference dataset, then evaluate it on
    the held-out users like a ``kind: llm`` run (same seeds, table and TensorBoard tags)."""

    kind: Literal["dpo", "orpo", "sft"]
    """``dpo`` (TRL's ``DPOTrainer``; the reference is the starting model, as TRL makes it),
    ``orpo`` (``ORPOTrainer``: no reference) or ``sft`` (``SFTTrainer`` on the chosen replies: a
    warm-up for ORPO or DPO)."""
    data: str | None = None
    """A dataset directory written by ``oyrl pairs``, e.g. ``runs/pairs_mixed/pairs``."""
    pairs: str | None = None
    """A ``kind: pairs`` config (in a config file, relative to that file): each round writes its pairs with the model it starts from (the
    current policy), in ``<run>/round<r>/pairs``. Needed for ``rounds > 1``; with ``data`` too,
    ``data`` serves the first round."""
    rounds: int = Field(1, ge=1)
    """Iterated (online) preference optimisation: rounds of pairs -> training, each starting from
    the previous round's model, which is also its DPO reference."""
    train: PreferenceTrainSpec = PreferenceTrainSpec()
    lora: LoraSpec | None = None
    """Optional LoRA adapter training (peft, through TRL)."""
    eval: LLMEvalSpec = LLMEvalSpec()

    @model_validator(mode="after")
    def _data_named(self) -> PreferenceConfig:
        if self.data is None and self.pairs is None:
            raise ValueError(f"kind {self.kind} needs data (a dataset from `oyrl pairs`) or pairs (a pairs config)")
        if self.rounds > 1 and self.pairs is None:
            raise ValueError(f"rounds: {self.rounds} rounds need pairs (a pairs config) to make each round's data")
        return self
