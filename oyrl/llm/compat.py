"""What the LLM trainer needs from transformers models, across versions and wrappers: padding,
the KV-cache keyword and object, the position limit of learned position tables, switching the
attention implementation, and restricting the output layer to some rows.

Kept apart from the rollout engine so the engine reads as sampling and bookkeeping; the scoring
passes (``scoring.py``) use the same helpers.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch
from torch import Tensor


def left_pad(seqs: list[Sequence[int]], pad_id: int, width: int | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """``(input_ids, attention_mask, position_ids)``, each ``(B, width)``, right-aligned rows;
    ``width`` defaults to the longest sequence."""
    return _pad(seqs, pad_id, width, left=True)


def right_pad(seqs: list[Sequence[int]], pad_id: int, width: int | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """As ``left_pad``, with every row starting at column 0."""
    return _pad(seqs, pad_id, width, left=False)


def _pad(seqs: list[Sequence[int]], pad_id: int, width: int | None, left: bool) -> tuple[Tensor, Tensor, Tensor]:
    width = width or max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    attn = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        cols = slice(width - len(s), width) if left else slice(0, len(s))
        ids[i, cols] = torch.tensor(s, dtype=torch.long)
        attn[i, cols] = 1
    return ids, attn, (attn.cumsum(-1) - 1).clamp(min=0)


@contextmanager
def output_layer_rows(model: torch.nn.Module, select: dict[str, Tensor], min_rows: int = 0) -> Iterator[None]:
    """While active, the model's output layer sees only the hidden states at ``select["rows"]``, a
    bool mask over ``(batch, positions)`` that may change between calls; the kept ``(M, H)`` states
    are left in ``select["hidden"]``, row by row. The logits of a call are then ``(M, V)``, or
    ``(min_rows, V)`` when fewer are kept (copies of the first fill up; see ``MIN_ROWS``).

    Whatever the model does after its output layer (e.g. Gemma's logit soft-capping) still applies.
    """

    def keep(module: torch.nn.Module, args: tuple) -> tuple:
        select["hidden"] = hidden = args[0][select["rows"]]
        if 0 < hidden.shape[0] < min_rows:
            hidden = torch.cat([hidden, hidden[:1].expand(min_rows - hidden.shape[0], -1)])
        return (hidden, *args[1:])

    hook = model.get_output_embeddings().register_forward_pre_hook(keep)
    try:
        yield
    finally:
        hook.remove()


def unwrapped(model: torch.nn.Module) -> torch.nn.Module:
    """The transformers model under a peft wrapper (which forwards calls and keyword arguments to it)."""
    return model.get_base_model() if hasattr(model, "get_base_model") else model


def position_limit(model: torch.nn.Module) -> int | None:
    """Positions a model with learned absolute position embeddings can index (GPT-2 and GPT-Neo's
    ``wpe``, OPT's ``embed_positions``, which reserves ``offset`` rows); None for relative schemes
    (rotary, ALiBi), which have no hard limit and run past their training length untrained."""
    for name, module in unwrapped(model).named_modules():
        if isinstance(module, torch.nn.Embedding) and (name.endswith("wpe") or "position" in name):
            return module.num_embeddings - getattr(module, "offset", 0)
    return None


def cache_argument(model: torch.nn.Module) -> str:
    """The keyword ``model.forward`` takes a KV cache under (transformers 5 renamed ``past_key_values``
    to ``cache``); under peft, the base model's signature counts."""
    return "cache" if "cache" in inspect.signature(unwrapped(model).forward).parameters else "past_key_values"


def cache_of(output: Any) -> Any:
    """The KV cache a causal LM's forward returned (``cache`` or ``past_key_values``)."""
    return output.cache if hasattr(output, "cache") else output.past_key_values


@contextmanager
def attention(model: torch.nn.Module, implementation: str) -> Iterator[None]:
    """A transformers model with another attention implementation for the duration (when it can switch)."""
    base = unwrapped(model)
    previous = getattr(getattr(base, "config", None), "_attn_implementation", None)
    if previous in (None, implementation) or not hasattr(base, "set_attn_implementation"):
        yield
        return
    base.set_attn_implementation(implementation)
    try:
        yield
    finally:
        base.set_attn_implementation(previous)


def plain_dynamic_cache(cache: Any) -> bool:
    """Whether ``cache`` is a transformers ``DynamicCache`` of full-attention layers (keys and values
    of shape ``(batch, heads, positions, head dim)`` and nothing else), which can be padded and joined."""
    layers = getattr(cache, "layers", None)
    return bool(layers) and all(type(layer).__name__ == "DynamicLayer" for layer in layers)
