"""Experiment configs: one typed, validated schema, loaded from YAML with ``key=value`` overrides.

Two kinds share it: ``sb3`` (Stable-Baselines3 on Strategy envs) and ``llm`` (GRPO/PPO of a causal LM
on text envs); both use the same env, reward, held-out evaluation and constraint blocks.

Every field is documented once, here, next to its definition. Unknown keys are errors naming the
key and the closest valid one. Values derived from others are computed in each config's properties
(under "derived values"), nowhere else. What makes GRPO GRPO and PPO PPO (loss, advantage estimator,
value head, default KL placement, group requirement) is one ``LLM_ALGORITHMS`` entry each; the
trainer's runtime settings are these specs themselves (the rollout engine samples by ``RolloutSpec``,
the losses read ``LLMAlgoSpec``).

    oyrl train experiments/sb3_constructive.yaml algo.learning_rate=1e-3 seeds=[0,1,2]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    ValidationError,
    field_validator,
    model_validator,
)

from oyrl.errors import ConfigError
from oyrl.schema import StrictModel, did_you_mean, read_yaml


class _Strict(StrictModel):
    model_config = ConfigDict(validate_assignment=True)


class EnvSpec(_Strict):
    """Which environment to train and evaluate on."""

    id: str = "oyrl/Mixed-Strategy-v0"
    """Registered Gymnasium id (``oyrl envs`` lists them)."""
    kwargs: dict[str, Any] = {}
    """Extra ``gym.make`` keyword arguments, e.g. ``{max_turns: 6, reaction_params: {...}}``."""


class AlgoSpec(_Strict):
    """A Stable-Baselines3 algorithm and its hyperparameters (SB3's names and meanings)."""

    name: Literal["ppo", "a2c", "dqn"] = "ppo"
    """SB3 algorithm."""
    learning_rate: float = Field(3e-4, gt=0)
    """Adam learning rate (constant)."""
    gamma: float = Field(0.99, gt=0, le=1)
    """Discount factor per assistant turn."""
    n_steps: int = Field(256, ge=1)
    """PPO/A2C: steps per environment per rollout. Every algorithm also logs training-episode
    statistics and updates the Lagrange multiplier once per ``n_steps * n_envs`` steps."""
    batch_size: int = Field(256, ge=1)
    """PPO/DQN: minibatch size."""
    n_epochs: int = Field(10, ge=1)
    """PPO: passes over each rollout."""
    gae_lambda: float = Field(0.95, ge=0, le=1)
    """PPO/A2C: GAE lambda."""
    clip_range: float = Field(0.2, gt=0)
    """PPO: ratio clip epsilon."""
    ent_coef: float = Field(0.01, ge=0)
    """PPO/A2C: entropy bonus coefficient."""
    buffer_size: int = Field(100_000, ge=1)
    """DQN: replay buffer size."""
    exploration_fraction: float = Field(0.2, gt=0, le=1)
    """DQN: fraction of training over which epsilon decays."""
    net_arch: list[int] = [64, 64]
    """Hidden layer sizes of the policy (and value) network."""
    device: str = "cpu"
    """Torch device; networks this small run fastest on a CPU."""
    threads: int = Field(1, ge=1)
    """Torch CPU threads of the training process (``torch.set_num_threads``): more only add
    synchronisation to these tiny networks, and parallel runs would oversubscribe the cores."""


#: First scenario seed of every held-out evaluation (trainers, ``oyrl eval``, the quickstart): training
#: environments reset with seeds below it, so evaluation users are never training users.
HELDOUT_SEED = 1_000_000


class _HeldOut(_Strict):
    """Held-out evaluation seeds: the same for every run, so designs are judged alike."""

    episodes: int = Field(1000, ge=1)
    """Episodes per evaluation."""
    seed: int = Field(HELDOUT_SEED, ge=0)
    """First evaluation seed; training environments never reset with seeds in
    ``[seed, seed + episodes)``."""

    env_kwargs: dict[str, Any] = {}
    """``gym.make`` keyword arguments of the evaluation env, on top of ``env.kwargs``: e.g.
    ``{max_turns: 8}`` to train on shortened dialogues (cheaper rollouts) and evaluate at the env's
    full turn limit."""

    @property
    def seeds(self) -> range:
        """The held-out scenario seeds."""
        return range(self.seed, self.seed + self.episodes)

    def env_arguments(self, env: EnvSpec) -> dict[str, Any]:
        """``gym.make`` keyword arguments of the evaluation env: ``env_kwargs`` over ``env.kwargs``."""
        return {**env.kwargs, **self.env_kwargs}


class EvalSpec(_HeldOut):
    """Held-out evaluation of a strategy-level run."""

    every_steps: int = Field(20_000, ge=1)
    """Evaluate (and maybe save the best model) every this many environment steps."""


class ConstraintSpec(_Strict):
    """Lagrangian constraint (Safe-RLHF style): keep the harm rate at most ``epsilon``."""

    harm_rate: float = Field(0.02, ge=0, le=1)
    """epsilon: the largest acceptable rate of ``harm`` outcomes."""
    lambda_init: float = Field(1.0, ge=0)
    """Initial multiplier."""
    lambda_lr: float = Field(0.5, gt=0)
    """Multiplier step size per update: ``lambda += lr * (harm_rate - epsilon)``, kept >= 0."""
    penalty: float = Field(1.0, gt=0)
    """Reward subtracted per unit of lambda when an episode ends in harm."""


class ExperimentConfig(_Strict):
    """A strategy-level (Stable-Baselines3) experiment."""

    name: str = Field(min_length=1)
    """Run-name prefix; runs are ``<name>/<env>__<design>__<algo>__seed<k>``."""
    kind: Literal["sb3"] = "sb3"
    """Experiment kind."""
    env: EnvSpec = EnvSpec()
    reward: str = "constructive"
    """Reward design: a built-in name or a YAML path (in a config file, relative to that file)."""
    algo: AlgoSpec = AlgoSpec()
    total_steps: int = Field(200_000, ge=1)
    """Environment steps per run (summed over parallel environments)."""
    n_envs: int = Field(8, ge=1)
    """Parallel environments per run (a DummyVecEnv: the envs are cheap)."""
    seeds: list[NonNegativeInt] = Field([0], min_length=1)
    """One run per seed."""
    eval: EvalSpec = EvalSpec()
    constraint: ConstraintSpec | None = None
    """Optional Lagrangian harm constraint."""
    log_dir: str = "runs"
    """Where runs write TensorBoard logs and models."""

    @model_validator(mode="after")
    def _seeds_valid(self) -> ExperimentConfig:
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"seeds must be distinct, got {self.seeds}")
        held_out = self.eval.seeds
        for seed in self.seeds:
            envs = self.env_seeds(seed)
            if envs.start < held_out.stop and held_out.start < envs.stop:
                raise ValueError(
                    f"run seed {seed} resets its training envs with seeds {envs.start}..{envs.stop - 1}, "
                    f"overlapping the held-out seeds {held_out.start}..{held_out.stop - 1}; "
                    "use a smaller seed or move eval.seed"
                )
        return self

    # ---- derived values --------------------------------------------------------------------------

    def env_seeds(self, seed: int) -> range:
        """First-reset seeds of a run's ``n_envs`` training environments.

        Blocks of ``n_envs`` per run seed, so runs never share a user stream (SB3's default,
        ``seed + i``, would give run 1's first env the users of run 0's second).
        """
        return range(seed * self.n_envs, (seed + 1) * self.n_envs)


# ---- LLM experiments (kind: llm) ----------------------------------------------------------------


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


class LLMAlgoSpec(_Strict):
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


class KLSpec(_Strict):
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


class RolloutSpec(_Strict):
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


class LoraSpec(_Strict):
    """Train a LoRA adapter (needs ``pip install oyrl[lora]``); the adapter-disabled model is the reference."""

    r: int = Field(16, ge=1)
    """Adapter rank."""
    alpha: float = Field(32, gt=0)
    """LoRA scaling alpha."""
    dropout: float = Field(0.0, ge=0, lt=1)
    """Dropout on the adapter's input."""
    target_modules: list[str] | str = "all-linear"
    """Modules that get adapters (peft's ``target_modules``)."""


class LLMEvalSpec(_HeldOut):
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


class CheckpointSpec(_Strict):
    """Checkpoints under ``<run>/checkpoints/``: model (safetensors), optimizer, scheduler, RNG, controllers."""

    every_iterations: int = Field(10, ge=1)
    """Save every this many iterations (and always at the end)."""
    keep: int = Field(2, ge=1)
    """Newest checkpoints kept; older ones are deleted."""


class LLMExperimentConfig(_Strict):
    """An LLM experiment: GRPO or PPO of a causal LM on a text environment."""

    name: str | None = Field(None, min_length=1)
    """The run directory is ``<log_dir>/<name>``; unset, ``<log_dir>/<env>__<design>__<algo>__seed<k>``
    (``oyrl.train.naming.run_name``, as strategy-level runs are named)."""
    kind: Literal["llm"] = "llm"
    """Experiment kind."""
    env: EnvSpec = EnvSpec(id="oyrl/Mixed-v0")
    reward: str = "constructive"
    """Reward design: a built-in name or a YAML path (in a config file, relative to that file)."""
    model: str = "tiny"
    """``tiny`` (the project's CPU base, built and cached on first use), a ``save_pretrained``
    directory, or a hub id."""
    chat_template: str | None = None
    """A Jinja chat template (a file path or the template itself) for tokenizers without one."""
    algo: LLMAlgoSpec = LLMAlgoSpec()
    kl: KLSpec = KLSpec()
    rollout: RolloutSpec = RolloutSpec()
    lora: LoraSpec | None = None
    """Optional LoRA adapter training."""
    iterations: int = Field(100, ge=1)
    """Training iterations (collect + update)."""
    seed: NonNegativeInt = 0
    """Seeds weights of new heads, the training scenarios and sampling."""
    eval: LLMEvalSpec = LLMEvalSpec()
    checkpoint: CheckpointSpec = CheckpointSpec()
    constraint: ConstraintSpec | None = None
    """Optional Lagrangian harm constraint (penalty on the last reward of a harmful episode)."""
    log_dir: str = "runs"
    """Parent of the run directory."""
    precision: Literal["no", "bf16", "fp16"] = "no"
    """Mixed precision (accelerate's ``mixed_precision``); bf16/fp16 on GPU."""
    gradient_checkpointing: bool = False
    """Trade compute for memory in the update's forward pass (large models on GPU)."""
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
    def _user_and_judge_into_env(self) -> LLMExperimentConfig:
        for key in ("user", "judge"):
            value = getattr(self, key)
            if value is None:
                continue
            if key in self.env.kwargs and self.env.kwargs[key] != value:
                raise ValueError(f"{key}: set both as {key} and as env.kwargs.{key}; keep one")
            # Not through assignment (validate_assignment would run this validator again).
            self.env.__dict__["kwargs"] = {**self.env.kwargs, key: value}
        return self

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


# ---- loading with overrides ----------------------------------------------------------------------


def _field_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    out = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        out.append(path)
        ann = field.annotation
        for cand in (ann, *getattr(ann, "__args__", ())):
            if isinstance(cand, type) and issubclass(cand, BaseModel):
                out.extend(_field_paths(cand, f"{path}."))
    return out


def _unknown_key(key: str, model: type[BaseModel]) -> ConfigError:
    paths = _field_paths(model)
    return ConfigError(f"unknown key {key!r}" + did_you_mean(key, paths))


def apply_overrides(raw: dict[str, Any], overrides: list[str], model: type[BaseModel]) -> dict[str, Any]:
    """Set ``a.b.c=value`` overrides (values parsed as YAML) on a raw config mapping."""
    paths = set(_field_paths(model))
    for item in overrides:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(f"override {item!r}: expected key=value, e.g. algo.learning_rate=1e-3")
        if key not in paths and not any(key.startswith(f"{p}.") for p in paths if p.endswith("kwargs")):
            raise _unknown_key(key, model)
        try:
            parsed = yaml.safe_load(value)
        except yaml.YAMLError:
            raise ConfigError(f"override {item!r}: the value is not valid YAML") from None
        node = raw
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"override {item!r}: {part} is not a mapping")
        node[parts[-1]] = parsed
    return raw


def validate(raw: dict[str, Any], model: type[BaseModel], source: str) -> Any:
    """Validate a raw mapping; errors name the source, the key path and the value."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            raise ConfigError(f"{source}: {_unknown_key(key, model)}") from None
        msg = err["msg"].removeprefix("Value error, ")
        if not key:  # a whole-config check: its message names the fields, the input is everything
            raise ConfigError(f"{source}: {msg}") from None
        raise ConfigError(f"{source}: {key}: {msg}, got {err.get('input')!r}") from None


def read_config(path: str | Path) -> dict[str, Any]:
    """A YAML mapping of config keys from a file, with one-line errors."""
    raw = read_yaml(path, "config file", ConfigError)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of config keys, got {type(raw).__name__}")
    return raw


KINDS: dict[str, type[BaseModel]] = {"sb3": ExperimentConfig, "llm": LLMExperimentConfig}


def load_experiment(path: str | Path, overrides: list[str] = ()) -> ExperimentConfig | LLMExperimentConfig:
    """Load an experiment config (its ``kind`` picks the schema), apply ``key=value`` overrides, validate."""
    raw = read_config(path)
    kind = raw.get("kind", "sb3")
    if kind not in KINDS:
        raise ConfigError(f"{path}: kind: expected one of {sorted(KINDS)}, got {kind!r}")
    design = raw.get("reward")
    if isinstance(design, str) and design.endswith((".yaml", ".yml")):
        # Made absolute, so the run's saved config.yaml works from anywhere; overrides stay as typed.
        raw["reward"] = str((Path(path).parent / design).resolve())
    raw = apply_overrides(raw, list(overrides), KINDS[kind])
    return validate(raw, KINDS[kind], str(path))
