"""LLM experiments: ``kind: llm``, GRPO or PPO of a causal LM on a text environment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, NonNegativeInt, field_validator, model_validator

from oyrl.config.base import ConfigModel, ConstraintSpec, EnvSpec, HeldOutSpec


@dataclass(frozen=True)
class LLMAlgorithm:
    """What makes an LLM algorithm itself: one entry of ``LLM_ALGORITHMS`` per ``algo.name``.

    Config validation, the trainer and the model builder read these instead of testing the name,
    so a variant (say Dr. GRPO's or RLOO's advantages) is one more entry. The hyperparameters stay
    in ``LLMAlgoSpec``; this is what they cannot change.
    """

    loss: str
    """Key of ``oyrl.llm.losses.LOSSES``: the per-token objective of the update."""
    advantages: str
    """Key of ``oyrl.llm.losses.ADVANTAGES``: how the shaped rewards become per-token advantages."""
    value_head: bool
    """The policy carries a critic (a scalar head on its last hidden state), trained by the loss."""
    kl_placement: Literal["loss", "reward"]
    """Where the KL penalty goes when ``kl.placement`` is not set: as in the algorithm's paper."""
    min_group_size: int = 1
    """Smallest ``algo.group_size`` the advantage estimator works with."""
    group_note: str = ""
    """Why ``min_group_size`` (said in the config error)."""


#: ``algo.name`` -> the algorithm. Sources: GRPO, Shao et al. 2024 (advantages relative to the other
#: replies to the same user, no critic, KL in the loss); PPO for language models, Ziegler et al. 2019
#: and InstructGPT (GAE with a value head, KL in the reward).
LLM_ALGORITHMS: dict[str, LLMAlgorithm] = {
    "grpo": LLMAlgorithm(loss="grpo", advantages="group", value_head=False, kl_placement="loss",
                         min_group_size=2, group_note="advantages are relative to the group"),
    "ppo": LLMAlgorithm(loss="ppo", advantages="gae", value_head=True, kl_placement="reward"),
}

#: The KL estimator of each placement when ``kl.estimator`` is not set (Schulman 2020's names): k3 in
#: the loss (GRPO's: unbiased, low variance, never negative); k1 in the reward, whose sum over an
#: episode is an unbiased estimate of the sequence KL the return then pays (Ziegler et al. 2019).
KL_ESTIMATOR_DEFAULTS: dict[str, str] = {"loss": "k3", "reward": "k1"}


class LLMAlgoSpec(ConfigModel):
    """GRPO or PPO on an LLM policy; one iteration = collect episodes, then update on them."""

    name: str = "grpo"
    """A key of ``LLM_ALGORITHMS``: ``grpo`` (group-normalised episode returns, no critic) or ``ppo``
    (value head, GAE)."""
    learning_rate: float = Field(1e-4, gt=0)
    """AdamW peak learning rate."""
    lr_schedule: Literal["constant", "linear", "cosine"] = "constant"
    """Learning-rate schedule over all optimizer steps (after warm-up)."""
    warmup_iterations: NonNegativeInt = 0
    """Iterations of linear warm-up from 0."""
    weight_decay: float = Field(0.0, ge=0)
    """AdamW weight decay."""
    groups: int = Field(8, ge=1)
    """Scenario seeds per iteration and process."""
    group_size: int = Field(4, ge=1)
    """Episodes per scenario seed (GRPO's G), at least the algorithm's ``min_group_size`` (2 for GRPO).
    Episodes per iteration and process: ``groups * group_size``."""
    epochs: int = Field(1, ge=1)
    """Passes over each iteration's episodes."""
    minibatches: int = Field(1, ge=1)
    """Optimizer steps per epoch (episodes are split evenly)."""
    max_grad_norm: float = Field(1.0, gt=0)
    """Gradient clipping by global norm."""
    clip_eps: float = Field(0.2, gt=0)
    """Ratio clip epsilon of the surrogate objective (Schulman et al. 2017)."""
    ent_coef: float = Field(0.0, ge=0)
    """Entropy bonus weight (entropy is logged either way)."""
    scale_advantages: bool = True
    """GRPO: divide by the group's std; False gives Dr. GRPO's mean-only centring (Liu et al. 2025)."""
    gamma: float = Field(1.0, gt=0, le=1)
    """PPO: discount per policy token."""
    gae_lambda: float = Field(0.95, ge=0, le=1)
    """PPO: GAE lambda."""
    vf_coef: float = Field(0.5, ge=0)
    """PPO: value-loss weight."""
    vf_clip: float | None = Field(0.2, gt=0)
    """PPO: clip of the value change around the rollout's values per update; null for an unclipped
    value loss."""

    @field_validator("name")
    @classmethod
    def _known_algorithm(cls, name: str) -> str:
        if name not in LLM_ALGORITHMS:
            raise ValueError(f"expected one of {', '.join(sorted(LLM_ALGORITHMS))}")
        return name

    @model_validator(mode="after")
    def _groups_valid(self) -> LLMAlgoSpec:
        need = self.algorithm.min_group_size
        if self.group_size < need:
            raise ValueError(f"{self.name} needs group_size >= {need} ({self.algorithm.group_note}), "
                             f"got {self.group_size}")
        if self.minibatches > self.groups * self.group_size:
            raise ValueError(f"minibatches ({self.minibatches}) exceeds the episodes per iteration "
                             f"({self.groups * self.group_size})")
        return self

    @property
    def algorithm(self) -> LLMAlgorithm:
        """The registry entry of ``name``."""
        return LLM_ALGORITHMS[self.name]


class KLSpec(ConfigModel):
    """KL control against the reference (starting) model."""

    placement: Literal["loss", "reward"] | None = None
    """``loss``: ``+ beta * KL`` in the loss; ``reward``: ``- beta * KL_t`` on every policy token's reward.
    Default: the algorithm's (``LLMAlgorithm.kl_placement``: ``loss`` for GRPO, ``reward`` for PPO)."""
    estimator: Literal["k1", "k2", "k3"] | None = None
    """Per-token KL estimator (Schulman 2020). Default: the placement's (``KL_ESTIMATOR_DEFAULTS``: k3
    in the loss, k1 in the reward)."""
    controller: Literal["fixed", "adaptive"] = "fixed"
    """A key of ``oyrl.llm.kl.KL_CONTROLLERS``. ``adaptive``: beta follows ``target`` (Ziegler et al.
    2019), in either placement."""
    coef: float = Field(0.04, ge=0)
    """beta (the initial beta when adaptive)."""
    target: float | None = Field(None, gt=0)
    """Adaptive: the KL to hold, in nats per policy token: the token mean of k3 over the iteration's
    episodes (``kl/mean``), which is what the controller is fed."""
    horizon: int = Field(10_000, ge=1)
    """Adaptive: episodes over which beta can change by 20%."""

    @model_validator(mode="after")
    def _target_given(self) -> KLSpec:
        if self.controller == "adaptive" and self.target is None:
            raise ValueError("kl.controller adaptive needs kl.target (nats per policy token, e.g. 0.05)")
        return self


class RolloutSpec(ConfigModel):
    """How replies are sampled: the settings of ``oyrl.llm.rollout.RolloutEngine`` (training, the
    trainer's evaluation, ``oyrl eval`` and the TRL rollout all sample through it)."""

    max_new_tokens: int = Field(112, ge=1)
    """Longest reply in tokens; a longer one is cut (and closed by the chat template, masked out of
    the loss). 112: the tiny base's empathic replies end with the crisis resource after ~90 tokens,
    and a shorter budget cuts it off (vulnerable users then never reach a safe resolution)."""
    temperature: float = Field(1.0, gt=0)
    """Softmax temperature; logprobs are recorded, and the loss recomputes them, under
    ``logits / temperature``."""
    top_p: float = Field(1.0, gt=0, le=1)
    """Nucleus sampling mass. Below 1 the sampled distribution is the truncated one, while the recorded
    logprobs stay those of the untruncated policy (as the loss recomputes them): slightly off-policy."""
    system_prompt: str | None = None
    """System message placed before each opening, if any."""


class LoraSpec(ConfigModel):
    """Train a LoRA adapter (needs ``pip install oyrl[lora]``); the adapter-disabled model is the reference."""

    r: int = Field(16, ge=1)
    """Adapter rank."""
    alpha: float = Field(32, gt=0)
    """LoRA scaling alpha."""
    dropout: float = Field(0.0, ge=0, lt=1)
    """Dropout on the adapter's input."""
    target_modules: list[str] | str = "all-linear"
    """Modules that get adapters (peft's ``target_modules``)."""


class LLMEvalSpec(HeldOutSpec):
    """Held-out evaluation of an LLM run: before training (the base) and after, on the same seeds."""

    episodes: int = Field(300, ge=1)
    """Episodes per evaluation."""
    every_iterations: NonNegativeInt = 0
    """Also evaluate every this many iterations (0: only at the end)."""
    base: bool = True
    """Evaluate the starting model too, for the before/after table."""
    samples: NonNegativeInt = 3
    """Dialogues written to TensorBoard as text per evaluation."""
    batch_size: int = Field(64, ge=1)
    """Dialogues generated at once."""


class CheckpointSpec(ConfigModel):
    """Checkpoints under ``<run>/checkpoints/``: model (safetensors), optimizer, scheduler, RNG, controllers."""

    every_iterations: int = Field(10, ge=1)
    """Save every this many iterations (and always at the end)."""
    keep: int = Field(2, ge=1)
    """Newest checkpoints kept; older ones are deleted."""


class LanguageModelRun(ConfigModel):
    """What every run of a language model against the simulator names: the env, the reward design,
    the model and how it samples, the simulated users and the judge. ``kind: llm`` and the
    preference kinds (``oyrl.config.preference``) build on it."""

    name: str | None = Field(None, min_length=1)
    """The run directory is ``<log_dir>/<name>``; unset, ``<log_dir>/<env>__<design>__<algo>__seed<k>``
    (``oyrl.train.naming.run_name``, as strategy-level runs are named)."""
    env: EnvSpec = EnvSpec(id="oyrl/Mixed-v0")
    reward: str = "constructive"
    """Reward design: a built-in name or a YAML path (in a config file, relative to that file)."""
    model: str = "tiny"
    """``tiny`` (the project's CPU base, built and cached on first use), a ``save_pretrained``
    directory, or a hub id."""
    chat_template: str | None = None
    """A Jinja chat template (a file path or the template itself) for tokenizers without one."""
    rollout: RolloutSpec = RolloutSpec()
    seed: NonNegativeInt = 0
    """Seeds weights of new heads, the training scenarios and sampling."""
    log_dir: str = "runs"
    """Parent of the run directory."""
    threads: int | None = Field(None, ge=1)
    """Torch CPU threads per process; default: torch's choice."""
    user: str | dict[str, Any] | None = None
    """The simulated users of the training and evaluation envs: ``scripted`` (default) or a user
    spec such as ``{kind: llm, backend: openai, base_url: ..., model: ...}`` (``docs/llm_users.md``).
    Lands in the envs' ``user`` argument; ``env.kwargs.user`` may not be set beside it."""
    judge: str | dict[str, Any] | None = None
    """The reply judge of the training and evaluation envs: ``lexical`` (default) or a judge spec
    such as ``{kind: cascade, fast: lexical, slow: {kind: guard, ...}}`` (``docs/model_judges.md``).
    Lands in the envs' ``judge`` argument; ``env.kwargs.judge`` may not be set beside it."""

    @model_validator(mode="after")
    def _user_and_judge_into_env(self) -> LanguageModelRun:
        for key in ("user", "judge"):
            value = getattr(self, key)
            if value is None:
                continue
            if key in self.env.kwargs and self.env.kwargs[key] != value:
                raise ValueError(f"{key}: set both as {key} and as env.kwargs.{key}; keep one")
            # Not through assignment (validate_assignment would run this validator again).
            self.env.__dict__["kwargs"] = {**self.env.kwargs, key: value}
        return self


class LLMExperimentConfig(LanguageModelRun):
    """An LLM experiment: GRPO or PPO of a causal LM on a text environment."""

    kind: Literal["llm"] = "llm"
    """Experiment kind."""
    algo: LLMAlgoSpec = LLMAlgoSpec()
    kl: KLSpec = KLSpec()
    lora: LoraSpec | None = None
    """Optional LoRA adapter training."""
    iterations: int = Field(100, ge=1)
    """Training iterations (collect + update)."""
    eval: LLMEvalSpec = LLMEvalSpec()
    checkpoint: CheckpointSpec = CheckpointSpec()
    constraint: ConstraintSpec | None = None
    """Optional Lagrangian harm constraint (penalty on the last reward of a harmful episode)."""
    precision: Literal["no", "bf16", "fp16"] = "no"
    """Mixed precision (accelerate's ``mixed_precision``); bf16/fp16 on GPU."""
    gradient_checkpointing: bool = False
    """Trade compute for memory in the update's forward pass (large models on GPU)."""

    # ---- derived values --------------------------------------------------------------------------

    @property
    def kl_placement(self) -> str:
        """Where the KL penalty goes: the configured placement or the algorithm's default."""
        return self.kl.placement or self.algo.algorithm.kl_placement

    @property
    def kl_estimator(self) -> str:
        """The configured estimator or the placement's default (``KL_ESTIMATOR_DEFAULTS``)."""
        return self.kl.estimator or KL_ESTIMATOR_DEFAULTS[self.kl_placement]

    @property
    def episodes_per_iteration(self) -> int:
        """Episodes each process plays per iteration."""
        return self.algo.groups * self.algo.group_size
