"""Scoring a batch of episodes: the log-probability of each of the policy's tokens under a model.

The trainer scores every batch twice or more (the reference model once, the policy in each
minibatch of each epoch), so a forward pass here does only the work those numbers need:

- **Only positions that predict an action token reach the output layer.** A forward pre-hook on it
  (``output_layer_rows``) keeps those rows of the hidden states, so the ``(positions, vocabulary)`` logits, their
  log-sum-exp and their backward are never computed for prompts, user turns or padding (in the
  tiny base the output layer is a fifth of the forward cost). Whatever the model does after its
  output layer (e.g. Gemma's logit soft-capping) still applies.
- **A prompt shared by several rows runs once.** GRPO's group members start from the same prompt,
  token for token. The distinct prompts run first (with a KV cache), the cache is copied to each
  row, like beams, and each row's continuation runs on top of it: with 4 completions of up to 32
  tokens per 30-70-token prompt, 50-70% of the tokens of a padded full pass. Gradients flow through the
  copied cache into the prompt's single pass, whose gradient is then the sum over the rows, as in a
  full pass. Used when it saves at least a fifth of the tokens (a second model call has its own
  per-layer overhead) and the model keeps a cache in training (not under gradient checkpointing).
- **Otherwise rows run in length-sorted chunks.** Multi-turn episodes differ a lot in length (half
  of a quickstart batch is padding), and a padded pass computes every padding column. Rows are split
  into the chunks of similar length that minimise the tokens computed plus a per-pass overhead
  (``length_chunks``), each chunk trimmed to its longest row; one chunk when that is cheapest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from oyrl.llm.batch import RolloutBatch
from oyrl.llm.compat import cache_argument, cache_of, left_pad, output_layer_rows

#: Share prompts only when that removes at least this fraction of the tokens of a full pass.
MIN_SAVING = 0.2
#: What one more forward pass costs, in tokens: the per-layer overhead of a call (about 4 ms for the
#: tiny base on one CPU thread, the compute of ~90 tokens), rounded up for larger models' kernels.
PASS_OVERHEAD_TOKENS = 128


@dataclass
class TokenOutputs:
    """What one forward pass over a batch gives the trainer; per-token tensors are ``(N, T)`` aligned
    with ``input_ids`` and 0 off the action mask (only the policy's tokens are ever scored)."""

    logprobs: Tensor
    """log pi(x_t | x_<t) of each action token."""
    entropy: Tensor | None = None
    """Entropy of the distribution each action token was drawn from."""
    hidden: Tensor | None = None
    """``(M, H)``: the final hidden states that predicted the ``M`` action tokens, in mask order (the
    input of the output layer; PPO's value head reads them)."""


@dataclass
class SharedPrompts:
    """A batch as its distinct prompts, ``(U, P)`` left-padded, and each row's continuation,
    ``(N, S)`` right-padded. A row's prompt stops one token short of its first reply: that last
    token starts the continuation, where it predicts the reply's first token."""

    prompt_ids: Tensor  # (U, P)
    prompt_mask: Tensor  # (U, P)
    prompt_positions: Tensor  # (U, P)
    rows: Tensor  # (N,) the distinct prompt each row continues
    ids: Tensor  # (N, S)
    mask: Tensor  # (N, S), 0 on right padding
    positions: Tensor  # (N, S), continuing the prompt's
    predicts_action: Tensor  # (N, S) bool: the next token is an action token

    @classmethod
    def split(cls, batch: RolloutBatch) -> SharedPrompts | None:
        """The split of ``batch``, or None when it would not save ``MIN_SAVING`` of the tokens
        (every prompt distinct, as in PPO, or too short to matter)."""
        actions, n, width = batch.action_mask, *batch.action_mask.shape
        if not actions.any(1).all():
            return None
        start = (width - batch.attention_mask.sum(1)).tolist()  # rows are right-aligned
        cut = actions.int().argmax(1) - 1  # each row's last prompt token
        cuts = cut.tolist()
        if any(c <= s for s, c in zip(start, cuts)):  # a one-token prompt: nothing to share
            return None
        ids = batch.input_ids.tolist()  # one device-to-host copy, not one per row
        distinct: dict[tuple[int, ...], int] = {}
        rows = [distinct.setdefault(tuple(row[s:c]), len(distinct)) for row, s, c in zip(ids, start, cuts)]
        longest, rest = max(map(len, distinct)), int((width - cut).max())
        if len(distinct) * longest + n * rest > (1 - MIN_SAVING) * n * width:
            return None
        dev = batch.input_ids.device
        prompt_ids, prompt_mask, prompt_positions = (t.to(dev) for t in left_pad([list(p) for p in distinct], 0))
        index = cut[:, None] + torch.arange(rest, device=dev)  # (N, S) columns of each continuation
        inside = index < width
        clamped = index.clamp(max=width - 1)
        return cls(
            prompt_ids, prompt_mask, prompt_positions, torch.tensor(rows, device=dev),
            ids=batch.input_ids.gather(1, clamped),
            mask=inside.long(),
            positions=batch.position_ids.gather(1, clamped),
            predicts_action=actions.gather(1, (index + 1).clamp(max=width - 1)) & (index + 1 < width),
        )


def _uses_cache_in_training(model: torch.nn.Module) -> bool:
    # Gradient checkpointing turns the cache off in training (transformers warns and drops it); its
    # modules carry a `gradient_checkpointing` flag whatever the transformers version.
    return not any(getattr(m, "gradient_checkpointing", False) for m in model.modules())


def length_chunks(attention_mask: Tensor, overhead: int = PASS_OVERHEAD_TOKENS) -> list[tuple[Tensor, int]]:
    """Rows grouped by length into the chunks that minimise the tokens computed, padding included,
    plus ``overhead`` tokens per forward pass; each as ``(rows, first column)`` of the right-aligned
    batch, the first column being where its longest row starts.

    An exact partition by dynamic programming over the rows sorted by length: a chunk is always a
    run of consecutive lengths (any other grouping pads more), and the best split of the first ``b``
    rows ends in a chunk ``[a, b)`` on top of the best split of the first ``a``.
    """
    lengths = attention_mask.sum(1)
    order = lengths.argsort(stable=True)
    sorted_lengths = lengths[order].cpu().numpy()
    n, width = len(sorted_lengths), attention_mask.shape[1]
    best, start = np.zeros(n + 1), np.zeros(n + 1, dtype=int)
    for b in range(1, n + 1):  # best[b]: the cheapest split of the b shortest rows
        costs = best[:b] + (b - np.arange(b)) * sorted_lengths[b - 1] + overhead
        start[b] = int(costs.argmin())
        best[b] = costs[start[b]]
    chunks, b = [], n
    while b > 0:
        a = start[b]
        chunks.append((order[a:b], width - int(sorted_lengths[b - 1])))
        b = a
    return chunks[::-1]


def forward_logprobs(
    model: torch.nn.Module, batch: RolloutBatch, temperature: float = 1.0, with_entropy: bool = False,
    entropy_grad: bool = False, keep_hidden: bool = False,
) -> TokenOutputs:
    """Log-probabilities of a batch's action tokens under ``model`` (see the module docstring).

    Use it for the policy at update time and for the reference model; with the sampling temperature,
    the policy's values equal ``batch.old_logprobs`` before any update.

    Args:
        model: a causal LM with ``get_output_embeddings()`` (any transformers model, peft-wrapped or not).
        batch: the episodes.
        temperature: the sampling temperature the logprobs are taken under.
        with_entropy: also return the entropy per action token.
        entropy_grad: keep the entropy in the autograd graph (an entropy bonus); else it is detached,
            for logging, and costs no backward.
        keep_hidden: also return the hidden states of the action positions.
    """
    targets = batch.action_mask[:, 1:]  # position t predicts token t + 1
    rank = targets.flatten().cumsum(0).view_as(targets) - 1  # each action token's index in mask order
    kept: dict[str, Tensor] = {}  # output_layer_rows: "rows" in, "hidden" (M, H) out, in mask order
    passes: list[tuple[Tensor, Tensor, Tensor]] = []  # (ranks, logits, hidden) of each pass's tokens
    with output_layer_rows(model, kept):
        shared = SharedPrompts.split(batch) if _uses_cache_in_training(model) else None
        if shared is not None:
            kept["rows"] = torch.zeros_like(shared.prompt_mask, dtype=torch.bool)  # prompts predict no action
            prompts = model(input_ids=shared.prompt_ids, attention_mask=shared.prompt_mask,
                            position_ids=shared.prompt_positions, use_cache=True)
            cache = cache_of(prompts)
            cache.reorder_cache(shared.rows)
            kept["rows"] = shared.predicts_action
            logits = model(input_ids=shared.ids, attention_mask=torch.cat([shared.prompt_mask[shared.rows], shared.mask], 1),
                           position_ids=shared.positions, use_cache=True, **{cache_argument(model): cache}).logits
            passes.append((rank[targets], logits, kept["hidden"]))
        else:
            for rows, first in length_chunks(batch.attention_mask):
                sub = targets[rows, first:]
                kept["rows"] = torch.nn.functional.pad(sub, (0, 1))
                logits = model(input_ids=batch.input_ids[rows, first:], attention_mask=batch.attention_mask[rows, first:],
                               position_ids=batch.position_ids[rows, first:], use_cache=False).logits
                passes.append((rank[rows, first:][sub], logits, kept["hidden"]))

    order = torch.cat([ranks for ranks, _, _ in passes]).argsort()  # back to mask order

    def per_token(parts: list[Tensor]) -> Tensor:  # (M,) pieces -> (N, T), 0 off the mask
        values = torch.cat(parts)[order]
        grid = torch.zeros(targets.shape, dtype=values.dtype, device=values.device).masked_scatter(targets, values)
        return torch.nn.functional.pad(grid, (1, 0))

    action_ids = batch.input_ids[:, 1:][targets]  # (M,) in mask order
    picked, entropy = [], []
    for ranks, logits, _ in passes:
        logits = logits.float() / temperature  # (M_pass, V)
        ids = action_ids[ranks]
        # log_softmax gathered at one index, without materialising (M, V) log-probabilities.
        picked.append(logits.gather(-1, ids[:, None]).squeeze(-1) - logits.logsumexp(-1))
        if with_entropy:
            logp = (logits if entropy_grad else logits.detach()).log_softmax(-1)
            entropy.append(-(logp.exp() * logp).sum(-1))
    return TokenOutputs(
        per_token(picked), entropy=per_token(entropy) if with_entropy else None,
        hidden=torch.cat([hidden for _, _, hidden in passes])[order] if keep_hidden else None,
    )
