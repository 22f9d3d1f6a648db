"""The in-process backend: a ``transformers`` causal LM answering a batch with one ``generate``.

The model and tokenizer load once; each ``complete`` renders every request with the tokenizer's
chat template (``add_generation_prompt``), pads on the left so every answer starts at the same
position, and runs one batched ``generate`` per ``batch_size`` requests. The loaders here are also
the LLM trainer's (``oyrl.llm.models`` imports them), so a model loads the same way everywhere.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path

import torch
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    LogitsProcessor,
    LogitsProcessorList,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from oyrl.backends.base import BackendStats, ChatRequest, ChatResult
from oyrl.backends.cache import RequestCache, complete_cached
from oyrl.errors import ConfigError

#: The ``dtype`` names a backend accepts ("auto": the dtype the checkpoint was saved in).
DTYPES: dict[str, torch.dtype | str] = {
    "auto": "auto", "float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16,
}


def load_tokenizer(name: str, chat_template: str | None = None) -> PreTrainedTokenizerBase:
    """The tokenizer of ``name``, with a chat template (its own or ``chat_template``) and a pad token.

    Raises:
        ConfigError: it cannot be loaded, or it has no chat template and none was given.
    """
    try:
        tokenizer = AutoTokenizer.from_pretrained(name)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"model {name!r}: cannot load its tokenizer: {str(exc).splitlines()[0]}") from None
    if chat_template is not None:
        path = Path(chat_template)
        tokenizer.chat_template = path.read_text(encoding="utf-8") if path.is_file() else chat_template
    if not getattr(tokenizer, "chat_template", None):
        raise ConfigError(
            f"model {name!r}: its tokenizer has no chat template; give one with chat_template=path/to/template.jinja "
            "(a Jinja template rendering system/user/assistant messages, e.g. a copy of the instruct model's)"
        )
    if tokenizer.pad_token_id is None:  # left padding needs a pad id; it is always masked out
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_causal_lm(name: str, dtype: torch.dtype | str = "auto") -> PreTrainedModel:
    """``AutoModelForCausalLM.from_pretrained(name)`` with a one-line error when it fails."""
    try:
        return AutoModelForCausalLM.from_pretrained(name, dtype=dtype)
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"model {name!r}: cannot be loaded: {str(exc).splitlines()[0]}") from None


def _fingerprint(model: str, chat_template: str | None) -> str:
    """A short digest of a local model directory's files (name, size, mtime) and the chat template,
    so a retrained model in the same directory does not hit the old model's cached answers."""
    digest = hashlib.sha256((chat_template or "").encode("utf-8"))
    path = Path(model)
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            stat = file.stat()
            digest.update(f"{file.relative_to(path)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:12]


class TransformersBackend:
    """A causal LM in this process, answering each chunk of ``batch_size`` requests with one ``generate``.

    Greedy (``temperature == 0``) answers do not depend on how requests are batched: a batch runs at
    the largest ``max_tokens`` of its requests and each answer is cut to its own (greedy decoding is
    prefix-stable). ``generate`` samples a whole batch from one generator, so sampled requests are
    grouped by ``(temperature, seed)`` and each group is seeded with its seed (``None``: unseeded); a
    sampled answer is reproducible for the same group, and the cache makes re-runs identical. Other
    sampling settings (``top_k``, ``top_p``) are the model's ``generation_config``'s.

    Args:
        model: a ``save_pretrained`` directory or a hub id.
        device: where the model runs (``"cpu"``, ``"cuda"``, ``"cuda:1"``...).
        dtype: ``"auto"`` (the checkpoint's), ``"float32"``, ``"bfloat16"`` or ``"float16"``.
        batch_size: most requests per ``generate``.
        cache: answers already computed (``None``: no cache).
        chat_template: a Jinja chat template (text or file) for a tokenizer without one.

    Raises:
        ConfigError: a bad ``dtype``/``batch_size``, or a model or tokenizer that cannot be loaded.
    """

    def __init__(self, model: str, *, device: str = "cpu", dtype: str = "auto", batch_size: int = 16,
                 cache: RequestCache | None = None, chat_template: str | None = None):
        if dtype not in DTYPES:
            raise ConfigError(f"dtype: unknown dtype {dtype!r} (known: {', '.join(DTYPES)})")
        if batch_size < 1:
            raise ConfigError(f"batch_size: must be at least 1, got {batch_size}")
        self.model_name = str(model)
        self.batch_size = batch_size
        self.cache = cache
        self.stats = BackendStats()
        self.identity = f"transformers:{self.model_name}@{dtype}#{_fingerprint(self.model_name, chat_template)}"
        self.tokenizer = load_tokenizer(self.model_name, chat_template)
        self.tokenizer.padding_side = "left"
        try:
            self.device = torch.device(device)
        except RuntimeError:
            raise ConfigError(f"device: unknown device {device!r} (e.g. 'cpu', 'cuda', 'cuda:1')") from None
        self.model = load_causal_lm(self.model_name, dtype=DTYPES[dtype]).to(self.device).eval()
        self.context = getattr(self.model.config, "max_position_embeddings", None)
        self._lock = threading.Lock()  # the stats
        # One batch at a time: generate seeds torch's global RNG, and a fast tokenizer used from two
        # threads at once can fail ("Already borrowed").
        self._model_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TransformersBackend({self.identity!r}, device={str(self.device)!r}, batch_size={self.batch_size})"

    def complete(self, requests: Sequence[ChatRequest]) -> list[ChatResult]:
        """Answer ``requests`` (cached ones from the cache), one ``generate`` per chunk of ``batch_size``."""
        return complete_cached(requests, identity=self.identity, cache=self.cache, stats=self.stats,
                               lock=self._lock, compute=self._compute)

    def _compute(self, requests: list[ChatRequest]) -> list[ChatResult]:
        with self._model_lock:
            return self._compute_locked(requests)

    def _compute_locked(self, requests: list[ChatRequest]) -> list[ChatResult]:
        results: list[ChatResult | None] = [None] * len(requests)
        members: list[tuple[int, list[int]]] = []
        for i, request in enumerate(requests):
            ids = self._prompt_ids(request)
            if self.context is not None and len(ids) + request.max_tokens > self.context:
                error = (f"too long: a prompt of {len(ids)} tokens and max_tokens {request.max_tokens} "
                         f"exceed the model's context of {self.context}")
                results[i] = ChatResult(None, error=error)
                continue
            members.append((i, ids))
        # Greedy and sampled requests, whatever their seeds, share batches: each row samples with its
        # own generator (_RowSampler), so a batch costs one generate.
        members.sort(key=lambda m: len(m[1]))  # similar lengths together: less padding
        for start in range(0, len(members), self.batch_size):
            chunk = members[start:start + self.batch_size]
            answers = self._generate([ids for _, ids in chunk], [requests[i] for i, _ in chunk])
            for (i, _), answer in zip(chunk, answers, strict=True):
                results[i] = answer
        return results  # type: ignore[return-value]  # every slot is filled above

    def _prompt_ids(self, request: ChatRequest) -> list[int]:
        text = self.tokenizer.apply_chat_template(list(request.messages), tokenize=False, add_generation_prompt=True)
        # The rendered template already holds its special tokens (BOS...): add none.
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def _generate(self, prompts: list[list[int]], requests: list[ChatRequest]) -> list[ChatResult]:
        """One batched ``generate`` for ``prompts``; each answer decoded from its own new tokens only."""
        enc = self.tokenizer.pad({"input_ids": prompts}, return_tensors="pt").to(self.device)
        sampler = _RowSampler(requests, self.device)
        try:
            with torch.no_grad():
                with self._lock:
                    self.stats.calls += 1
                # Greedy over the sampler's one-hot scores: the sampler picks every token.
                out = self.model.generate(**enc, max_new_tokens=max(r.max_tokens for r in requests),
                                          pad_token_id=self.tokenizer.pad_token_id, do_sample=False,
                                          temperature=None, top_k=None, top_p=None,
                                          logits_processor=LogitsProcessorList([sampler]))
        except (RuntimeError, ValueError) as exc:  # out of memory, a bad generation setting: fail this chunk only
            line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return [ChatResult(None, error=f"generate: {line}")] * len(prompts)
        new = out[:, enc["input_ids"].shape[1]:]
        return [ChatResult(self.tokenizer.decode(row[:r.max_tokens], skip_special_tokens=True))
                for row, r in zip(new, requests, strict=True)]

    def close(self) -> None:
        """Drop the model (its memory is freed when nothing else holds it)."""
        self.model = None  # type: ignore[assignment]
        if self.device.type == "cuda":
            torch.cuda.empty_cache()


class _RowSampler(LogitsProcessor):
    """Picks each row's next token: the argmax for a greedy request (temperature 0), else a draw at
    the request's temperature from its own generator, seeded with the request's seed.

    Per-row generators make a sampled answer independent of which requests share its batch (up to
    float rounding of the batch shape) and leave the caller's RNG alone, so concurrent users batch
    together and re-runs ask the same questions (the cache hits). Plain temperature sampling: the
    model's generation_config top_k/top_p are not applied. A sampled request without a seed draws
    from torch's global RNG.
    """

    def __init__(self, requests: Sequence[ChatRequest], device: torch.device):
        self.temperatures = [r.temperature for r in requests]
        self.generators = [torch.Generator(device).manual_seed(r.seed) if r.temperature > 0 and r.seed is not None
                           else None for r in requests]

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        picks = []
        for row, (temperature, generator) in enumerate(zip(self.temperatures, self.generators)):
            if temperature <= 0:
                picks.append(scores[row].argmax())
            else:
                probs = torch.softmax(scores[row].float() / temperature, dim=-1)
                picks.append(torch.multinomial(probs, 1, generator=generator)[0])
        chosen = torch.full_like(scores, float("-inf"))
        chosen[torch.arange(len(picks), device=scores.device), torch.stack(picks)] = 0.0
        return chosen
