"""The models of an LLM run: the policy (with a value head for PPO, a LoRA adapter if asked) and the
frozen reference it is kept close to.

Any causal LM that ``transformers`` loads takes the same path: ``model: tiny`` (or ``tiny_reasoned``,
the variant that declares an assessment when asked) only resolves to the project's locally built
base (``oyrl.tinybase.build``) before ``from_pretrained``.
"""

from __future__ import annotations

import copy
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from oyrl.backends.hf import load_causal_lm, load_tokenizer
from oyrl.config import LLMExperimentConfig, LoraSpec, RolloutSpec
from oyrl.errors import ConfigError
from oyrl.llm.batch import RolloutBatch
from oyrl.llm.rollout import RolloutEngine
from oyrl.llm.scoring import forward_logprobs

TINY = "tiny"
#: The tiny base whose corpus declares an ``<assess>`` block under ``ASSESS_PROMPT`` (docs/tiny_base.md).
TINY_REASONED = "tiny_reasoned"


def resolve_model(name: str) -> str:
    """A ``from_pretrained`` argument: ``tiny`` and ``tiny_reasoned`` become the cached tiny base's
    directory (each built once, under its own cache key)."""
    if name not in (TINY, TINY_REASONED):
        path = Path(name).expanduser()
        if (path.is_absolute() or name.startswith((".", "~"))) and not path.exists():
            raise ConfigError(f"model {name!r}: no such directory (give a save_pretrained directory, a hub id, "
                              "'tiny' or 'tiny_reasoned')")
        return str(path) if path.exists() else name
    from oyrl.tinybase.build import TinyBaseRecipe, build_tiny_base

    return str(build_tiny_base(recipe=TinyBaseRecipe.reasoned() if name == TINY_REASONED else None))


def lora_config(spec: LoraSpec) -> Any:
    """peft's ``LoraConfig`` of a ``lora`` block (what ``add_lora`` applies, and TRL's ``peft_config``)."""
    try:
        from peft import LoraConfig
    except ImportError:
        raise ConfigError("lora: needs peft; install it with pip install 'oyrl[lora]'") from None
    return LoraConfig(r=spec.r, lora_alpha=spec.alpha, lora_dropout=spec.dropout,
                      target_modules=spec.target_modules, task_type="CAUSAL_LM")


def add_lora(model: PreTrainedModel, spec: LoraSpec) -> nn.Module:
    """Wrap ``model`` with a trainable LoRA adapter (Hu et al. 2022); the base weights freeze."""
    config = lora_config(spec)
    from peft import get_peft_model

    return get_peft_model(model, config)


class PolicyModel(nn.Module):
    """A causal LM, optionally with a scalar value head on its last hidden state (PPO's critic).

    ``forward`` returns per-token tensors aligned with ``input_ids`` (``(N, T)``, 0 off the action
    mask): ``logprobs[:, t] = log pi(x_t | x_<t)`` under ``logits / temperature``, the entropy of that
    distribution, and ``values[:, t]``, the value of the state in which ``x_t`` was sampled (read
    from the final hidden state at ``t - 1``, as the logits are).

    Args:
        lm: the causal LM (a peft model under LoRA).
        value_head: add a critic (an algorithm with ``LLMAlgorithm.value_head``: PPO).
    """

    def __init__(self, lm: nn.Module, value_head: bool = False):
        super().__init__()
        self.lm = lm
        hidden = lm.config.hidden_size
        # Zero-initialised, so the critic starts at V = 0 and the first updates are the policy's own.
        self.value_head = nn.Linear(hidden, 1) if value_head else None
        if self.value_head is not None:
            nn.init.zeros_(self.value_head.weight)
            nn.init.zeros_(self.value_head.bias)

    def forward(
        self, batch: RolloutBatch, temperature: float = 1.0, with_entropy: bool = False, entropy_grad: bool = False
    ) -> tuple[Tensor, Tensor | None, Tensor | None]:
        """``(logprobs, entropy, values)``, each ``(N, T)`` and 0 off the action mask; entropy is None
        unless asked (and detached unless ``entropy_grad``), values None without a value head."""
        out = forward_logprobs(self.lm, batch, temperature, with_entropy, entropy_grad,
                               keep_hidden=self.value_head is not None)
        values = None
        if self.value_head is not None:
            head = self.value_head(out.hidden.to(self.value_head.weight.dtype)).squeeze(-1).float()  # (M,)
            targets = batch.action_mask[:, 1:]
            values = torch.zeros(targets.shape, device=head.device).masked_scatter(targets, head)
            values = nn.functional.pad(values, (1, 0))
        return out.logprobs, out.entropy, values


class Reference:
    """The frozen starting policy that KL is measured against.

    Under LoRA it is the policy itself with the adapter disabled (no second copy of the weights);
    otherwise a frozen deep copy made before any update.

    Args:
        policy_lm: the policy's causal LM (unwrapped), before training.
        lora: whether ``policy_lm`` is a peft model.
    """

    def __init__(self, policy_lm: nn.Module, lora: bool):
        self.lora = lora
        if lora:
            self.lm = policy_lm
        else:
            self.lm = copy.deepcopy(policy_lm).eval().requires_grad_(False)

    @torch.no_grad()
    def logprobs(self, batch: RolloutBatch, temperature: float = 1.0) -> Tensor:
        """``(N, T)`` reference log-probabilities of the batch's tokens (under the sampling temperature)."""
        context = self.lm.disable_adapter() if self.lora else nullcontext()
        was_training = self.lm.training
        self.lm.eval()
        try:
            with context:
                return forward_logprobs(self.lm, batch, temperature).logprobs
        finally:
            self.lm.train(was_training)


def build_policy(cfg: LLMExperimentConfig) -> tuple[PolicyModel, PreTrainedTokenizerBase, Reference, str]:
    """Load the configured model and tokenizer; returns ``(policy, tokenizer, reference, resolved name)``."""
    name = resolve_model(cfg.model)
    tokenizer = load_tokenizer(name, cfg.chat_template)
    lm = load_causal_lm(name, dtype=torch.float32)  # master weights in fp32; accelerate autocasts bf16/fp16
    if cfg.gradient_checkpointing:
        lm.gradient_checkpointing_enable()
    if cfg.lora is not None:
        lm = add_lora(lm, cfg.lora)
    reference = Reference(lm, lora=cfg.lora is not None)
    return PolicyModel(lm, value_head=cfg.algo.algorithm.value_head), tokenizer, reference, name


def load_sampler(model: str, rollout: RolloutSpec, chat_template: str | None = None,
                 reply_prefix: str | None = None) -> RolloutEngine:
    """A rollout engine on ``model`` (``tiny``, a ``save_pretrained`` directory or a hub id), in
    eval mode with fp32 weights: how evaluation, ``oyrl pairs`` and lookahead decoding sample."""
    name = resolve_model(model)
    lm = load_causal_lm(name, dtype=torch.float32).eval()
    return RolloutEngine(lm, load_tokenizer(name, chat_template), rollout, reply_prefix=reply_prefix)


def save_policy(policy: PolicyModel, tokenizer: Any, out_dir: Path) -> None:
    """Write a directory ``AutoModelForCausalLM`` / ``AutoTokenizer`` load (LoRA merged into the weights)."""
    save_causal_lm(policy.lm, tokenizer, out_dir)


def save_causal_lm(lm: nn.Module, tokenizer: Any, out_dir: Path) -> None:
    """Write ``lm`` (a peft model's adapter merged into a copy of its weights) and ``tokenizer`` as a
    directory ``AutoModelForCausalLM`` / ``AutoTokenizer`` load without peft."""
    if hasattr(lm, "merge_and_unload"):  # peft: a merged copy, so the saved model needs no peft
        lm = copy.deepcopy(lm).merge_and_unload()
    lm.save_pretrained(out_dir, safe_serialization=True)
    tokenizer.save_pretrained(out_dir)
