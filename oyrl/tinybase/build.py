"""The tiny CPU base model: a refusal-leaning chat LM built locally in about two minutes.

No weights can be downloaded where oyrl's tests and CPU experiments run, so the default policy for
text environments is built here from the project's own material (``docs/tiny_base.md``):

1. a corpus of multi-turn dialogues with the packs' simulated users, replies written by
   ``ResponseGrammar`` in a refusal-leaning strategy mix (``oyrl.tinybase.corpus``);
2. a byte-level BPE tokenizer trained on it, wrapped as ``PreTrainedTokenizerFast`` with a chat
   template whose end-of-turn token ``<|end|>`` is also the EOS, so ``generate`` stops after a reply;
3. a Llama-style causal LM of about 1.1M parameters, supervised on the assistant tokens only.

``build_tiny_base`` saves it with ``save_pretrained`` (it loads with the ``Auto*`` classes like a
hub model) under a cache key of the recipe, the seed and the sources that write the corpus, and
writes atomically, so an interrupted build never leaves a directory that loads.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import math
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import gymnasium as gym
import numpy as np
import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

from oyrl.errors import ConfigError
from oyrl.progress import Advance, PhaseProgress, library_bars_off
from oyrl.tinybase.corpus import REFUSAL_LEANING_MIX, behaviour, grammar_responder, messages_of, play
from oyrl.types import Trajectory

log = logging.getLogger(__name__)

BOS, END, PAD = "<|begin|>", "<|end|>", "<|pad|>"
ROLES = ("system", "user", "assistant")
SPECIAL_TOKENS = (PAD, BOS, END, *(f"<|{role}|>" for role in ROLES))

#: Role header, content, end-of-turn. The assistant's content and ``<|end|>`` are marked as
#: generation, so ``return_assistant_tokens_mask=True`` gives the SFT loss mask (and TRL's
#: ``assistant_only_loss`` works with it).
CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] not in ['system', 'user', 'assistant'] %}"
    "{{ raise_exception('chat roles are system, user and assistant, got ' + message['role']) }}"
    "{% endif %}"
    "{{ '<|' + message['role'] + '|>\\n' }}"
    "{% if message['role'] == 'assistant' %}"
    "{% generation %}{{ message['content'] + '<|end|>' }}{% endgeneration %}"
    "{% else %}{{ message['content'] + '<|end|>' }}{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}"
)

#: One SFT example: token ids, and 1 where the token is the assistant's (in the loss).
Example = tuple[list[int], list[int]]

CACHE_ENV = "OYRL_CACHE"
METADATA = "tiny_base.json"


@dataclass(frozen=True)
class TinyBaseRecipe:
    """Everything a build depends on besides the seed (the cache key hashes it).

    The defaults fit the 3-minute budget on two shared CPU cores (``docs/tiny_base.md``).
    """

    env_id: str = "oyrl/Mixed-v0"
    """text environment whose simulated users write the user turns"""
    episodes: int = 1000
    """dialogues in the corpus (one epoch of SFT with the default steps and batch)"""
    mix: tuple[tuple[str, float], ...] = REFUSAL_LEANING_MIX
    """(strategy, weight) of the corpus replies"""
    vocab_size: int = 2048
    """BPE vocabulary, special tokens included"""
    max_len: int = 512
    """context length; longer dialogues are cut after the last assistant turn that fits"""
    hidden_size: int = 128
    """model width"""
    layers: int = 4
    """transformer blocks"""
    heads: int = 4
    """attention heads (head size 32)"""
    kv_heads: int = 2
    """key/value heads (grouped-query attention, as Llama 3 uses)"""
    intermediate_size: int = 448
    """SwiGLU hidden size"""
    steps: int = 500
    """optimiser steps (at this scale the number of updates matters more than the batch)"""
    batch_size: int = 2
    """dialogues per step"""
    lr: float = 3e-3
    """peak AdamW learning rate (small models take high rates)"""
    warmup: int = 20
    """linear warm-up steps before the cosine decay"""
    weight_decay: float = 0.05
    """AdamW weight decay on matrices"""
    max_new_tokens: int = 200
    """the saved generation config's reply budget (the longest corpus replies fit)"""
    threads: int = 1
    """torch threads while building: a second thread only pays on a free core (on busy shared
    cores it made SFT 2.5x slower, docs/tiny_base.md); one also keeps builds bitwise equal across
    machines with different core counts"""
    assess_share: float = 0.0
    """share of the corpus dialogues that open with the system prompt ``ASSESS_PROMPT`` and whose
    replies open with a declared ``<assess>`` block, with realistic mistakes
    (``oyrl.tinybase.reasoned``); 0 writes the default corpus"""

    def __post_init__(self) -> None:
        if not 0.0 <= self.assess_share <= 1.0:
            raise ConfigError(f"assess_share: expected a share in [0, 1], got {self.assess_share}")

    @classmethod
    def quick(cls) -> TinyBaseRecipe:
        """A seconds-long recipe for tests: a handful of dialogues, a minute model, a few steps."""
        return cls(episodes=16, vocab_size=320, max_len=256, hidden_size=32, layers=1, heads=2,
                   kv_heads=1, intermediate_size=64, steps=6, batch_size=4, warmup=2, max_new_tokens=32)

    @classmethod
    def reasoned(cls) -> TinyBaseRecipe:
        """The ``tiny_reasoned`` recipe: the default with ``REASONED_SHARE`` of block-carrying dialogues."""
        from oyrl.tinybase.reasoned import REASONED_SHARE

        return cls(assess_share=REASONED_SHARE)

    def to_json(self) -> dict:
        """The recipe as plain JSON values. Fields added since the first cached builds are left out
        at their default value, so those builds keep their recipe hash."""
        values = dataclasses.asdict(self)
        for name, default in _ADDED_FIELDS.items():
            if values[name] == default:
                del values[name]
        return json.loads(json.dumps(values))


#: Recipe fields added after builds were cached, with the default that leaves them out of the hash.
_ADDED_FIELDS = {"assess_share": 0.0}


def _sources(recipe: TinyBaseRecipe) -> list[Path]:
    """Files whose text shapes the corpus: the reply writers, the env's pack folder and, for a
    block-carrying corpus, the block writers."""
    here, writer = Path(__file__).parent, Path(__file__).parents[1] / "writer"
    writers = [writer / "grammar.py", *sorted(writer.glob("phrases*.py")), here / "corpus.py", Path(__file__)]
    # A mixture pack names sibling packs, so the whole folder counts.
    packs = sorted(Path(gym.spec(recipe.env_id).kwargs["pack"]).parent.glob("*.yaml"))
    if recipe.assess_share > 0:
        from oyrl.tinybase.reasoned import sources

        return writers + packs + sources()
    return writers + packs


def cache_key(recipe: TinyBaseRecipe, seed: int) -> str:
    """Hash of the recipe, the seed and the sources that write the corpus (16 hex digits).

    The judge and user simulator are not hashed: they only steer which pack lines follow which
    reply. After changing them, rebuild with ``force=True``.
    """
    digest = hashlib.sha256(json.dumps({"recipe": recipe.to_json(), "seed": seed}, sort_keys=True).encode())
    for path in _sources(recipe):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def default_dir(recipe: TinyBaseRecipe, seed: int) -> Path:
    """``$OYRL_CACHE`` (default ``./.oyrl_cache``) ``/tiny_base-<cache_key>``."""
    return Path(os.environ.get(CACHE_ENV, ".oyrl_cache")) / f"tiny_base-{cache_key(recipe, seed)}"


def train_tokenizer(texts: list[str], vocab_size: int) -> PreTrainedTokenizerFast:
    """A byte-level BPE tokenizer trained on ``texts``, with the special tokens and chat template."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, min_frequency=2, special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False,
    )
    tok.train_from_iterator(texts, trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=BOS, eos_token=END, pad_token=PAD,
        additional_special_tokens=[f"<|{role}|>" for role in ROLES],
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def encode_dialogues(
    tokenizer: PreTrainedTokenizerFast, dialogues: list[list[dict[str, str]]], max_len: int
) -> list[Example]:
    """(token ids, assistant mask) per dialogue, cut after the last assistant turn within ``max_len``."""
    end_id = tokenizer.convert_tokens_to_ids(END)
    out = []
    for messages in dialogues:
        enc = tokenizer.apply_chat_template(messages, return_dict=True, return_assistant_tokens_mask=True)
        ids, mask = enc["input_ids"], enc["assistant_masks"]
        # The template renders a prefix of messages as a prefix of tokens, so cutting after an
        # assistant <|end|> leaves a well-formed shorter dialogue.
        ends = [i + 1 for i in range(min(len(ids), max_len)) if ids[i] == end_id and mask[i]]
        if ends:
            out.append((ids[: ends[-1]], mask[: ends[-1]]))
    return out


def _batches(examples: list[Example], batch_size: int, rng: np.random.Generator) -> Iterator[list[Example]]:
    """Endless batches: each epoch shuffled, then grouped by length so little is padding."""
    while True:
        order = rng.permutation(len(examples))
        window = batch_size * 16
        batches = []
        for start in range(0, len(order), window):
            chunk = sorted(order[start : start + window], key=lambda i: len(examples[i][0]))
            batches += [chunk[j : j + batch_size] for j in range(0, len(chunk), batch_size)]
        for b in rng.permutation(len(batches)):
            yield [examples[i] for i in batches[b]]


def _collate(batch: list[Example], pad_id: int) -> dict[str, torch.Tensor]:
    width = max(len(ids) for ids, _ in batch)
    input_ids = torch.full((len(batch), width), pad_id)
    labels = torch.full((len(batch), width), -100)
    attention = torch.zeros((len(batch), width), dtype=torch.long)
    for row, (ids, mask) in enumerate(batch):
        t = torch.tensor(ids)
        input_ids[row, : len(ids)] = t
        labels[row, : len(ids)] = torch.where(torch.tensor(mask, dtype=torch.bool), t, -100)
        attention[row, : len(ids)] = 1
    return {"input_ids": input_ids, "attention_mask": attention, "labels": labels}


def supervise(
    model: LlamaForCausalLM, examples: list[Example], recipe: TinyBaseRecipe, pad_id: int, seed: int,
    progress: Advance | None = None,
) -> list[float]:
    """SFT with the loss on assistant tokens only; returns the loss of every step.

    AdamW with linear warm-up and cosine decay to a tenth of the peak rate, gradient norm clipped
    at 1 (the nanoGPT/Llama recipe); no decay on norms and biases. ``progress(1, "loss ...")`` is
    called after every step.
    """
    decay = [p for p in model.parameters() if p.ndim >= 2]
    no_decay = [p for p in model.parameters() if p.ndim < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": recipe.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=recipe.lr, betas=(0.9, 0.95))

    def rate(step: int) -> float:
        if step < recipe.warmup:
            return (step + 1) / recipe.warmup
        progress = (step - recipe.warmup) / max(1, recipe.steps - recipe.warmup)
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, rate)
    batches = _batches(examples, recipe.batch_size, np.random.default_rng((seed, 2)))
    model.train()
    losses = []
    for step in range(recipe.steps):
        loss = model(**_collate(next(batches), pad_id)).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        losses.append(loss.item())
        if progress is not None:
            progress(1, f"loss {losses[-1]:.3f}")
        if step % 50 == 0 or step == recipe.steps - 1:
            log.info("tiny base SFT step %d/%d loss %.3f", step + 1, recipe.steps, losses[-1])
    model.eval()
    return losses


def _write_corpus(
    recipe: TinyBaseRecipe, seed: int
) -> tuple[list[Trajectory], list[list[dict[str, str]]], dict[str, int] | None]:
    """The corpus, written by the grammar with the packs' simulated users: the played dialogues,
    the same as chat messages (with the prompt and blocks where ``assess_share`` draws them), and
    the block counts (None without blocks)."""
    # One dialogue at a time: the grammar gains nothing from batches, and each env takes ~0.3 s to
    # make. It also keeps the recorded strategies in play order (one dialogue after another).
    strategies: list = []
    respond = grammar_responder(recipe.mix, np.random.default_rng((seed, 1)), record=strategies)
    with PhaseProgress("tiny base: corpus dialogues", total=recipe.episodes) as bar:
        trajectories = play(recipe.env_id, recipe.episodes, seed, respond, batch=1, progress=bar.advance)
    if recipe.assess_share == 0:
        return trajectories, [messages_of(t) for t in trajectories], None
    from oyrl.tinybase.reasoned import add_blocks

    env = gym.make(recipe.env_id)
    specs = {p.spec.id: p.spec for p in env.unwrapped.pack.personas}
    env.close()
    dialogues, counts = add_blocks(trajectories, strategies, specs, recipe.assess_share,
                                   np.random.default_rng((seed, 3)))
    return trajectories, dialogues, counts


def _tokenize(
    dialogues: list[list[dict[str, str]]], recipe: TinyBaseRecipe
) -> tuple[PreTrainedTokenizerFast, list[Example]]:
    """The tokenizer trained on the corpus, and the corpus encoded with it."""
    with PhaseProgress("tiny base: tokenizer, encoding"):
        tokenizer = train_tokenizer([m["content"] for d in dialogues for m in d], recipe.vocab_size)
        examples = encode_dialogues(tokenizer, dialogues, recipe.max_len)
    # Set after encoding, which reads whole dialogues before cutting them (no length warnings).
    tokenizer.model_max_length = recipe.max_len
    return tokenizer, examples


def _build_into(folder: Path, recipe: TinyBaseRecipe, seed: int, key: str) -> None:
    """Build the model and save it into the (empty) ``folder``."""
    t0 = time.perf_counter()
    trajectories, dialogues, blocks = _write_corpus(recipe, seed)
    t1 = time.perf_counter()
    tokenizer, examples = _tokenize(dialogues, recipe)
    t2 = time.perf_counter()
    special_ids = {"bos_token_id": tokenizer.bos_token_id, "eos_token_id": tokenizer.eos_token_id,
                   "pad_token_id": tokenizer.pad_token_id}
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=recipe.hidden_size, intermediate_size=recipe.intermediate_size,
        num_hidden_layers=recipe.layers, num_attention_heads=recipe.heads, num_key_value_heads=recipe.kv_heads,
        max_position_embeddings=recipe.max_len,
        tie_word_embeddings=True,  # the LM head reuses the embeddings: a fifth of the weights saved
        **special_ids,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    with PhaseProgress("tiny base: SFT steps", total=recipe.steps) as bar:
        losses = supervise(model, examples, recipe, tokenizer.pad_token_id, seed, progress=bar.advance)
    t3 = time.perf_counter()
    # Plain sampling (T=1, no top-k/p): generate then draws from the distribution that RL
    # optimises and the KL term compares against.
    model.generation_config = GenerationConfig(
        **special_ids, do_sample=True, temperature=1.0, top_k=0, top_p=1.0,
        max_new_tokens=recipe.max_new_tokens,
    )
    with library_bars_off():  # a one-shard "Writing model shards" bar says nothing
        model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    corpus_behaviour = behaviour(trajectories)
    corpus = {"dialogues": len(examples), "tokens": sum(len(ids) for ids, _ in examples),
              "assistant_tokens": sum(sum(m) for _, m in examples), "refusal_by_user_type":
              {k: round(v["refusal"], 3) for k, v in corpus_behaviour.items()}}
    if blocks is not None:
        corpus["blocks"] = blocks  # drawn per dialogue, before dialogues are cut to max_len
    (folder / METADATA).write_text(json.dumps({
        "cache_key": key, "seed": seed, "recipe": recipe.to_json(),
        "parameters": sum(p.numel() for p in model.parameters()),
        "corpus": corpus,
        "loss": {"first": losses[0], "last10": float(np.mean(losses[-10:]))},
        "seconds": {"corpus": t1 - t0, "tokenizer": t2 - t1, "sft": t3 - t2,
                    "total": time.perf_counter() - t0},
    }, indent=2))


def build_tiny_base(
    out_dir: Path | None = None, seed: int = 0, force: bool = False, recipe: TinyBaseRecipe | None = None
) -> Path:
    """Build (or find in the cache) the tiny base model; returns its ``save_pretrained`` directory.

    Args:
        out_dir: where the model goes; default ``default_dir(recipe, seed)``. An existing directory
            of the same build is returned at once.
        seed: seeds the corpus, the initial weights and the batch order. Builds with the same
            recipe and seed are bitwise equal on the same software and CPU type.
        force: rebuild even when the directory exists (then replaced only once the new build is
            complete).
        recipe: the build recipe; default ``TinyBaseRecipe()``.

    Returns:
        A directory that ``AutoModelForCausalLM.from_pretrained`` and
        ``AutoTokenizer.from_pretrained`` load; ``tiny_base.json`` in it records the recipe and
        build figures.

    Raises:
        ConfigError: ``out_dir`` exists but holds something else.
    """
    recipe = recipe or TinyBaseRecipe()
    key = cache_key(recipe, seed)
    final = Path(out_dir) if out_dir is not None else default_dir(recipe, seed)
    if final.exists() and any(final.iterdir()) and not force:
        meta = final / METADATA
        found = json.loads(meta.read_text()).get("cache_key") if meta.is_file() else None
        if found == key:
            return final
        raise ConfigError(
            f"{final} exists but holds another build (cache key {found}, this recipe and seed give {key}); "
            "pass force=True to replace it or choose another out_dir"
        )
    final.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and rename: a rename is atomic, so the target either holds a whole
    # model or does not exist, whatever interrupts the build.
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.building-", dir=final.parent))
    threads = torch.get_num_threads()
    try:
        start = time.perf_counter()
        torch.set_num_threads(recipe.threads)
        _build_into(tmp, recipe, seed, key)
        log.info("built tiny base %s in %.0f s", final, time.perf_counter() - start)
        if final.exists() and any(final.iterdir()):  # force=True, or another process finished first
            if not force:
                return final
            old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
            os.replace(final, old / final.name)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
    finally:
        torch.set_num_threads(threads)
        shutil.rmtree(tmp, ignore_errors=True)
    return final
