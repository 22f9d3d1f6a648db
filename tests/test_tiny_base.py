"""The tiny base model: corpus, chat template, generation stop, save/load, determinism, cache.

Fast tests build with ``TinyBaseRecipe.quick()`` (seconds); the slow test builds the default recipe
(about three minutes) and checks the behaviour the project relies on: a refusal-leaning policy of
1-5M parameters whose replies stop at the end-of-turn token.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import torch
from jinja2 import TemplateError
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    LogitsProcessor,
    LogitsProcessorList,
    PreTrainedTokenizerFast,
)

from oyrl.errors import ConfigError
from oyrl.tinybase import build as tiny_base
from oyrl.tinybase.corpus import (
    REFUSAL_LEANING_MIX,
    behaviour,
    fit_context,
    grammar_responder,
    messages_of,
    play,
    probe,
)
from oyrl.tinybase.build import END, TinyBaseRecipe, build_tiny_base, encode_dialogues

QUICK = TinyBaseRecipe.quick()
CHAT = [
    {"role": "system", "content": "Be kind."},
    {"role": "user", "content": "I can't sleep."},
    {"role": "assistant", "content": "That sounds hard.\n1. Breathe."},
    {"role": "user", "content": "thanks"},
]


def weights_digest(path) -> str:
    """Hash of every tensor of the saved model, in name order."""
    state = AutoModelForCausalLM.from_pretrained(path).state_dict()
    digest = hashlib.sha256()
    for name in sorted(state):
        digest.update(name.encode() + state[name].numpy().tobytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def tokenizer(quick_base):
    return AutoTokenizer.from_pretrained(quick_base)


def _corpus(episodes: int, seed: int):
    respond = grammar_responder(REFUSAL_LEANING_MIX, np.random.default_rng(seed))
    return play("oyrl/Mixed-v0", episodes, seed, respond, batch=1)


def test_corpus_is_deterministic_multi_turn_and_refusal_leaning():
    trajectories = _corpus(80, seed=3)
    assert [messages_of(t) for t in trajectories] == [messages_of(t) for t in _corpus(80, seed=3)]
    dialogues = [messages_of(t) for t in trajectories]
    assert all(d[0]["role"] == "user" and d[-1]["role"] == "assistant" for d in dialogues)
    assert all(a["role"] != b["role"] for d in dialogues for a, b in zip(d, d[1:]))
    assert np.mean([len(d) > 2 for d in dialogues]) > 0.5  # most dialogues go on after the first reply
    table = behaviour(trajectories)
    assert {"benign", "sensitive", "malicious", "all"} <= set(table)
    # 65% of replies are refusals by strategy; the judge also reads empathic declines as soft refusals.
    for user_type in ("benign", "sensitive", "malicious"):
        assert 0.5 <= table[user_type]["refusal"] <= 0.9, (user_type, table[user_type])


def test_chat_template_renders_round_trips_and_masks_assistant_tokens(tokenizer):
    text = tokenizer.apply_chat_template(CHAT, tokenize=False)
    assert text == (
        "<|begin|><|system|>\nBe kind.<|end|><|user|>\nI can't sleep.<|end|>"
        "<|assistant|>\nThat sounds hard.\n1. Breathe.<|end|><|user|>\nthanks<|end|>"
    )
    prompt = tokenizer.apply_chat_template(CHAT, tokenize=False, add_generation_prompt=True)
    assert prompt == text + "<|assistant|>\n"
    enc = tokenizer.apply_chat_template(CHAT, tokenize=True, add_generation_prompt=True, return_dict=True)
    assert enc["input_ids"] == tokenizer(prompt, add_special_tokens=False)["input_ids"]
    assert tokenizer.decode(enc["input_ids"]) == prompt
    plain = tokenizer.decode(enc["input_ids"], skip_special_tokens=True)
    assert plain == "\nBe kind.\nI can't sleep.\nThat sounds hard.\n1. Breathe.\nthanks\n"
    masked = tokenizer.apply_chat_template(CHAT, return_dict=True, return_assistant_tokens_mask=True)
    ids = [i for i, m in zip(masked["input_ids"], masked["assistant_masks"]) if m]
    assert tokenizer.decode(ids) == "That sounds hard.\n1. Breathe.<|end|>"
    with pytest.raises(TemplateError, match="roles"):
        tokenizer.apply_chat_template([{"role": "tool", "content": "x"}], tokenize=False)


def test_long_dialogues_are_cut_after_an_assistant_turn(tokenizer):
    long = [{"role": r, "content": "word " * 8} for _ in range(6) for r in ("user", "assistant")]
    ((ids, mask),) = encode_dialogues(tokenizer, [long], max_len=150)
    assert len(ids) <= 150 and ids[-1] == tokenizer.convert_tokens_to_ids(END) and mask[-1] == 1
    full = tokenizer.apply_chat_template(long, return_dict=True)["input_ids"]
    assert full[: len(ids)] == ids and len(full) > len(ids)


def test_long_conversations_lose_their_oldest_exchanges_first(tokenizer):
    long = [{"role": r, "content": f"{r} turn {i} " + "word " * 8} for i in range(6) for r in ("user", "assistant")]
    long = long[:-1]  # ends with the user's turn, as a prompt does
    kept = fit_context(long, tokenizer, max_tokens=150)
    prompt = tokenizer.apply_chat_template(kept, add_generation_prompt=True, return_dict=True)["input_ids"]
    assert len(prompt) <= 150 and kept == long[-len(kept) :] and kept[0]["role"] == "user"
    assert len(fit_context(long, tokenizer, max_tokens=100_000)) == len(long)
    assert fit_context(long, tokenizer, max_tokens=1) == long[-1:]


class _ForceEndAfter(LogitsProcessor):
    """Makes the end-of-turn token the only choice once ``n`` tokens were generated."""

    def __init__(self, prompt_len: int, n: int, end_id: int):
        self.at, self.end_id = prompt_len + n, end_id

    def __call__(self, input_ids, scores):
        if input_ids.shape[1] >= self.at:
            scores = torch.full_like(scores, -float("inf"))
            scores[:, self.end_id] = 0.0
        return scores


def test_saved_model_loads_with_auto_classes_and_generation_stops_at_end_of_turn(quick_base, tokenizer):
    model = AutoModelForCausalLM.from_pretrained(quick_base)
    assert isinstance(tokenizer, PreTrainedTokenizerFast)
    end_id = tokenizer.convert_tokens_to_ids(END)
    assert tokenizer.eos_token == END and model.generation_config.eos_token_id == end_id
    assert model.generation_config.pad_token_id == tokenizer.pad_token_id != end_id
    assert model.config.max_position_embeddings == QUICK.max_len == tokenizer.model_max_length
    enc = tokenizer.apply_chat_template(CHAT, add_generation_prompt=True, return_dict=True, return_tensors="pt")
    n = enc["input_ids"].shape[1]
    torch.manual_seed(0)
    force = LogitsProcessorList([_ForceEndAfter(n, 3, end_id)])
    out = model.generate(**enc, max_new_tokens=30, logits_processor=force)
    assert out.shape[1] == n + 4 and out[0, -1].item() == end_id  # three tokens, then <|end|> ends it


def test_build_is_deterministic_for_a_seed(quick_base, tmp_path):
    again = build_tiny_base(tmp_path / "again", seed=0, recipe=QUICK)
    other = build_tiny_base(tmp_path / "other", seed=1, recipe=QUICK)
    assert weights_digest(again) == weights_digest(quick_base) != weights_digest(other)
    assert (again / "tokenizer.json").read_bytes() == (quick_base / "tokenizer.json").read_bytes()


def _files(folder):
    """Every file under ``folder``: relative path -> (bytes, modification time in ns)."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_cache_hit_reuses_the_build_untouched(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(tiny_base.CACHE_ENV, str(tmp_path / "cache"))
    path = build_tiny_base(seed=0, recipe=QUICK)
    assert path == tmp_path / "cache" / f"tiny_base-{tiny_base.cache_key(QUICK, 0)}"
    before = _files(tmp_path / "cache")
    monkeypatch.setattr(tiny_base, "_build_into", pytest.fail)  # a rebuild would now fail the test
    monkeypatch.setenv("OYRL_PROGRESS", "1")  # a build would draw its bars: a cache hit draws none
    capsys.readouterr()
    assert build_tiny_base(seed=0, recipe=QUICK) == path
    # Nothing written, rewritten or left beside it (no temporary build folder), and no phase ran.
    assert _files(tmp_path / "cache") == before
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [path.name]
    assert capsys.readouterr().err == ""
    keys = {tiny_base.cache_key(QUICK, 0), tiny_base.cache_key(QUICK, 1), tiny_base.cache_key(TinyBaseRecipe(), 0)}
    assert len(keys) == 3


def test_interrupted_build_leaves_no_model(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(tiny_base, "supervise", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_tiny_base(tmp_path / "model", recipe=QUICK)
    assert list(tmp_path.iterdir()) == []  # neither the model nor its temporary folder


def test_out_dir_of_another_build_is_refused_unless_forced(quick_base, tmp_path):
    path = build_tiny_base(tmp_path / "model", seed=0, recipe=QUICK)
    with pytest.raises(ConfigError, match="force=True"):
        build_tiny_base(path, seed=1, recipe=QUICK)
    assert build_tiny_base(path, seed=1, recipe=QUICK, force=True) == path
    assert weights_digest(path) != weights_digest(quick_base)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


@pytest.mark.slow
def test_full_build_is_a_refusal_leaning_chat_model(tmp_path, one_thread):
    path = build_tiny_base(tmp_path / "model", seed=0)
    model = AutoModelForCausalLM.from_pretrained(path)
    assert 1_000_000 <= sum(p.numel() for p in model.parameters()) <= 5_000_000
    table, trajectories = probe(path, episodes=80, seed=1, max_turns=2)
    tokenizer = AutoTokenizer.from_pretrained(path)
    lengths = [len(tokenizer(t.assistant)["input_ids"]) for traj in trajectories for t in traj.turns]
    # Replies end with <|end|> well before the generation budget, as the corpus replies do.
    assert np.mean([n < model.generation_config.max_new_tokens - 5 for n in lengths]) >= 0.9
    # Refusal-leaning whoever asks (the corpus has 65% refusals by strategy); per type the sample is
    # ~50 replies, hence the lower bar there.
    assert table["all"]["refusal"] >= 0.5, table
    for user_type in ("benign", "sensitive", "malicious"):
        assert table[user_type]["refusal"] >= 0.45, (user_type, table)
