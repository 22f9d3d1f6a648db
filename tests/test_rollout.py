"""Rollout engine with a random tiny Llama and a local BPE tokenizer: exact logprobs, token in/out.

No downloads: the tokenizer is trained here on the env's own openings, the model is random. The
chat template drops ``<think>`` reasoning from earlier assistant turns (as Qwen3's does), the case
a re-rendering rollout would get wrong.
"""

from __future__ import annotations

import copy
from types import SimpleNamespace

import gymnasium as gym
import pytest
import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import (
    GPT2Config,
    GPT2LMHeadModel,
    LlamaConfig,
    LlamaForCausalLM,
    PreTrainedTokenizerFast,
)

import oyrl  # noqa: F401  (registers the oyrl/* ids)
from oyrl.config import RolloutSpec, validate
from oyrl.errors import ConfigError
from oyrl.llm.chat_format import ChatFormat
from oyrl.llm.losses import KL_ESTIMATORS
from oyrl.llm.rollout import RolloutEngine
from oyrl.llm.scoring import SharedPrompts, forward_logprobs, length_chunks

torch.set_num_threads(1)

#: ChatML that strips "<think>...</think>" from every assistant message but the last.
TEMPLATE = (
    "{%- for m in messages -%}"
    "{%- set content = m['content'] -%}"
    "{%- if m['role'] == 'assistant' and not loop.last and '</think>' in content -%}"
    "{%- set content = content.split('</think>')[-1].lstrip() -%}"
    "{%- endif -%}"
    "{{ '<|im_start|>' + m['role'] + '\n' + content + '<|im_end|>\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\n' }}{%- endif -%}"
)
ENV_ID = "oyrl/Mixed-v0"


@pytest.fixture(scope="module")
def tokenizer():
    env = gym.make(ENV_ID)
    corpus = [env.reset(seed=s)[1]["messages"][0]["content"] for s in range(200)]
    corpus += ["I hear you. You are not alone; a crisis line can help.", "Sorry, I can't help with that."] * 20
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    specials = ["<|pad|>", "<|im_start|>", "<|im_end|>"]
    alphabet = pre_tokenizers.ByteLevel.alphabet()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=specials, initial_alphabet=alphabet, show_progress=False)
    bpe.train_from_iterator(corpus, trainer)
    tok = PreTrainedTokenizerFast(tokenizer_object=bpe, pad_token="<|pad|>", eos_token="<|im_end|>")
    tok.add_tokens(["<think>", "</think>"])
    tok.chat_template = TEMPLATE
    return tok


@pytest.fixture(scope="module")
def model(tokenizer):
    torch.manual_seed(0)
    cfg = LlamaConfig(
        hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
        vocab_size=len(tokenizer), max_position_embeddings=4096, pad_token_id=tokenizer.pad_token_id,
    )
    lm = LlamaForCausalLM(cfg).eval()
    # A bias towards end-of-turn, so one batch mixes replies that stop with replies cut at max_new_tokens.
    head = torch.nn.Linear(64, len(tokenizer), bias=True)
    with torch.no_grad():
        head.weight.copy_(lm.lm_head.weight)
        head.bias.zero_()
        head.bias[tokenizer.convert_tokens_to_ids("<|im_end|>")] = 2.5
    lm.lm_head = head
    return lm


class Recording(gym.Wrapper):
    """Keeps the actions the env received."""

    def __init__(self, env):
        super().__init__(env)
        self.received: list[str] = []

    def reset(self, **kw):
        self.received = []
        return self.env.reset(**kw)

    def step(self, action):
        self.received.append(action)
        return self.env.step(action)


class ScriptedLM(torch.nn.Module):
    """A deterministic 'policy' that replies with ``script`` token by token, whatever the prompt."""

    def __init__(self, script: list[int], vocab: int):
        super().__init__()
        self.script, self.vocab = script, vocab
        self.anchor = torch.nn.Parameter(torch.zeros(1))  # gives the engine a device
        self.head = torch.nn.Identity()  # the output layer: scores pass through it
        self.prefills: list[torch.Tensor] = []

    class Steps(SimpleNamespace):
        """The 'cache': how many tokens were generated; copied to rows like a KV cache."""

        def reorder_cache(self, rows):
            pass

    def get_output_embeddings(self):
        return self.head

    def forward(self, input_ids, attention_mask, position_ids, cache=None, use_cache=False, logits_to_keep=0):
        step = 0 if cache is None else cache.n
        if cache is None:  # a prefill: keep the (first distinct) prompt
            self.prefills.append(input_ids[0][attention_mask[0].bool()].tolist())
        scores = torch.full((*input_ids.shape, self.vocab), -30.0)
        scores[..., self.script[min(step, len(self.script) - 1)]] = 30.0
        return SimpleNamespace(logits=self.head(scores[:, -logits_to_keep:]), cache=self.Steps(n=step + 1))


def _envs(n, max_turns=3):
    return [Recording(gym.make(ENV_ID, max_turns=max_turns)) for _ in range(n)]


@pytest.fixture(scope="module")
def rollout(model, tokenizer):
    """2 groups x 3 episodes of up to 3 turns, temperature 0.8, prefills recorded by a forward hook."""
    prefills = []

    def keep_prefill(module, args, kw):
        if kw["input_ids"].shape[1] > 1:
            prefills.append((kw["input_ids"].clone(), kw["attention_mask"].clone()))

    hook = model.register_forward_pre_hook(keep_prefill, with_kwargs=True)
    envs = _envs(6)
    engine = RolloutEngine(model, tokenizer, RolloutSpec(max_new_tokens=12, temperature=0.8))
    batch = engine.collect(envs, seeds=[11, 12], group_size=3, generator=torch.Generator().manual_seed(0))
    hook.remove()
    return SimpleNamespace(batch=batch, envs=envs, prefills=prefills, engine=engine)


def test_forward_scores_only_action_tokens_exactly_as_a_full_forward_would(model, rollout):
    b = rollout.batch
    with torch.no_grad():
        out = forward_logprobs(model, b, temperature=0.8, with_entropy=True, keep_hidden=True)
        full = model(input_ids=b.input_ids, attention_mask=b.attention_mask, position_ids=b.position_ids).logits
    logp = (full.float() / 0.8).log_softmax(-1)[:, :-1]
    m = b.action_mask
    expected = torch.nn.functional.pad(logp.gather(-1, b.input_ids[:, 1:, None]).squeeze(-1), (1, 0))
    torch.testing.assert_close(out.logprobs[m], expected[m], atol=1e-5, rtol=0)
    entropy = torch.nn.functional.pad(-(logp.exp() * logp).sum(-1), (1, 0))
    torch.testing.assert_close(out.entropy[m], entropy[m], atol=1e-5, rtol=0)
    assert (out.logprobs[~m] == 0).all() and (out.entropy[~m] == 0).all()
    assert out.hidden.shape == (int(m.sum()), model.config.hidden_size)


def test_sampling_logprobs_match_a_fresh_forward_and_reference_kl_is_zero(model, rollout):
    b = rollout.batch
    with torch.no_grad():
        fresh = forward_logprobs(model, b, temperature=0.8).logprobs
        ref = forward_logprobs(copy.deepcopy(model), b, temperature=0.8).logprobs
    m = b.action_mask
    assert m.sum() > 50
    torch.testing.assert_close(fresh[m], b.old_logprobs[m], atol=1e-4, rtol=0)
    assert (b.old_logprobs[~m] == 0).all()
    for estimator in KL_ESTIMATORS.values():
        assert torch.equal(estimator(fresh, ref)[m], torch.zeros(int(m.sum())))


def test_action_mask_is_exactly_the_generated_replies(tokenizer, rollout):
    b = rollout.batch
    for i, (ep, env) in enumerate(zip(b.episodes, rollout.envs)):
        spans = ep.reply_spans
        assert env.received == ep.replies and len(spans) == ep.turns >= 1
        inside = torch.zeros_like(b.action_mask[i])
        for (start, end), reply in zip(spans, ep.replies):
            assert b.action_mask[i, start:end].all()
            assert tokenizer.decode(b.input_ids[i, start:end], skip_special_tokens=True) == reply
            inside[start:end] = True
        assert torch.equal(b.action_mask[i], inside)  # nothing else is trainable
        # each turn's reward sits on its last token; they sum to the episode's return
        assert set(b.rewards[i].nonzero().flatten().tolist()) <= {end - 1 for _, end in spans}
        assert b.rewards[i].sum().item() == pytest.approx(b.returns[i].item(), abs=1e-5)
        assert ep.outcome is not None and ep.reward_terms


def test_each_turn_prompt_extends_the_previous_turn_tokens(rollout):
    """What the model was prefilled with at turn k is exactly each active row's tokens before reply k."""
    b = rollout.batch
    assert len(rollout.prefills) == max(ep.turns for ep in b.episodes)
    for turn, (ids, attn) in enumerate(rollout.prefills):
        prefilled = [tuple(ids[row][attn[row].bool()].tolist()) for row in range(ids.shape[0])]
        expected = set()
        for i, ep in enumerate(b.episodes):
            if ep.turns > turn:  # still talking at turn k: its prompt is its row up to reply k
                start = ep.reply_spans[turn][0]
                expected.add(tuple(b.input_ids[i, :start][b.attention_mask[i, :start].bool()].tolist()))
        assert len(prefilled) == len(set(prefilled)) and set(prefilled) == expected  # each distinct prompt once
        if turn == 0:  # a GRPO group shares its first prompt: one prefill row per group
            assert len(prefilled) == len(set(b.group_ids.tolist())) < len(b.episodes)


def test_grpo_group_members_share_the_opening(rollout):
    b = rollout.batch
    assert b.group_ids.tolist() == [0, 0, 0, 1, 1, 1]
    for g in (0, 1):
        rows = (b.group_ids == g).nonzero().flatten().tolist()
        first_prompts = set()
        for r in rows:
            start = b.episodes[r].reply_spans[0][0]
            first_prompts.add(tuple(b.input_ids[r, :start][b.attention_mask[r, :start].bool()].tolist()))
        assert len(first_prompts) == 1
        assert len({rollout.envs[r].unwrapped.opening for r in rows}) == 1


def test_replies_stop_at_end_of_turn_or_are_cut_at_max_new_tokens(tokenizer, rollout):
    eot = tokenizer.convert_tokens_to_ids("<|im_end|>")
    b, lengths = rollout.batch, set()
    stopped = cut = 0
    for i, ep in enumerate(b.episodes):
        for start, end in ep.reply_spans:
            reply = b.input_ids[i, start:end].tolist()
            assert eot not in reply[:-1]
            if reply[-1] == eot:
                stopped += 1
            else:
                assert len(reply) == 12
                cut += 1
            lengths.add(len(reply))
        assert ep.cut_replies == sum(b.input_ids[i, e - 1].item() != eot for _, e in ep.reply_spans)
    assert stopped and cut  # the batch really mixed rows that finished early with rows still generating


def _script(tokenizer, text):
    return tokenizer(text, add_special_tokens=False)["input_ids"] + [tokenizer.convert_tokens_to_ids("<|im_end|>")]


def test_reasoning_kept_in_tokens_although_the_template_drops_it(tokenizer):
    script = _script(tokenizer, "<think>they sound upset</think> I hear you. Are you safe?")
    lm = ScriptedLM(script, len(tokenizer))
    env = _envs(1, max_turns=2)
    batch = RolloutEngine(lm, tokenizer, RolloutSpec(max_new_tokens=64)).collect(env, seeds=[3])
    ep = batch.episodes[0]
    assert ep.turns == 2 and ep.cut_replies == 0
    assert env[0].received[0] == "<think>they sound upset</think> I hear you. Are you safe?"
    assert "<think>" not in env[0].unwrapped.messages[1]["content"]  # the env strips it for the user
    second_prompt = lm.prefills[1]
    first_reply = batch.input_ids[0, ep.reply_spans[0][0] : ep.reply_spans[0][1]].tolist()
    assert first_reply == script and second_prompt[: len(lm.prefills[0]) + len(script)] == lm.prefills[0] + script
    # The template itself would re-render turn 1 without its reasoning: not an extension.
    fmt, messages = ChatFormat(tokenizer), env[0].unwrapped.messages[:3]
    messages[1] = {"role": "assistant", "content": env[0].received[0]}
    rerendered = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert "<think>" not in rerendered and "<think>" in tokenizer.decode(second_prompt)
    # ...while the delta is exactly the template's rendering of the closing and the user's turn.
    delta = second_prompt[len(lm.prefills[0]) + len(script) :]
    user = messages[2]["content"]
    assert tokenizer.decode(delta) == f"\n<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"
    assert rerendered.endswith(tokenizer.decode([script[-1], *delta]))
    assert fmt.end_of_turn == script[-1]


def test_max_new_tokens_cuts_and_the_template_closes_the_turn(tokenizer):
    script = _script(tokenizer, "Here is a long answer with many words in it for you")
    eot = script[-1]
    lm = ScriptedLM(script, len(tokenizer))
    batch = RolloutEngine(lm, tokenizer, RolloutSpec(max_new_tokens=5)).collect(_envs(1, max_turns=2), seeds=[4])
    ep = batch.episodes[0]
    row = batch.input_ids[0].tolist()
    (s0, e0), _ = ep.reply_spans
    assert e0 - s0 == 5 and row[s0:e0] == script[:5] and ep.cut_replies == 2
    assert row[e0] == eot and not batch.action_mask[0, e0]  # closing added by the template, not trained


def test_same_seed_and_same_replies_give_identical_episodes(tokenizer):
    # Common random numbers: group members reset with one seed share the user's random stream.
    lm = ScriptedLM(_script(tokenizer, "I'm sorry you're going through this. Are you safe right now?"), len(tokenizer))
    batch = RolloutEngine(lm, tokenizer, RolloutSpec(max_new_tokens=40)).collect(_envs(3), seeds=[5], group_size=3)
    rows = batch.input_ids.tolist()
    assert rows[0] == rows[1] == rows[2]
    assert len({(e.outcome, e.episode_return, e.turns) for e in batch.episodes}) == 1


def test_top_p_samples_inside_the_nucleus_and_records_untruncated_logprobs(model, tokenizer):
    engine = RolloutEngine(model, tokenizer, RolloutSpec(max_new_tokens=8, top_p=0.3))
    batch = engine.collect(_envs(2, max_turns=2), seeds=[21, 22], generator=torch.Generator().manual_seed(1))
    m = batch.action_mask
    with torch.no_grad():
        logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask,
                       position_ids=batch.position_ids).logits
    probs = logits[:, :-1].softmax(-1)
    picked = probs.gather(-1, batch.input_ids[:, 1:, None])
    mass_above = torch.where(probs > picked, probs, 0.0).sum(-1)  # mass of strictly likelier tokens
    assert (mass_above[m[:, 1:]] < 0.3).all()
    recorded = batch.old_logprobs[:, 1:][m[:, 1:]]
    torch.testing.assert_close(picked.squeeze(-1).log()[m[:, 1:]], recorded, atol=1e-4, rtol=0)


def test_config_and_collect_validate_their_input(model, tokenizer):
    with pytest.raises(ConfigError, match="rollout: temperature: Input should be greater than 0"):
        validate({"temperature": 0.0}, RolloutSpec, "rollout")
    with pytest.raises(ConfigError, match="need len"):
        RolloutEngine(model, tokenizer).collect(_envs(3), seeds=[1, 2], group_size=2)


def test_conversations_past_a_learned_position_table_get_a_one_line_error(model, tokenizer):
    """GPT-2-style models index a table of positions: past its end they must stop with a clear message."""
    torch.manual_seed(0)
    gpt2 = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), n_positions=40, n_embd=32, n_layer=1, n_head=2,
                                      pad_token_id=tokenizer.pad_token_id)).eval()
    engine = RolloutEngine(gpt2, tokenizer, RolloutSpec(max_new_tokens=16))
    assert engine.max_positions == 40 and RolloutEngine(model, tokenizer).max_positions is None  # rotary: no table
    generator = torch.Generator().manual_seed(0)
    assert len(engine.sample([[5] * 24], generator)) == 1  # 24 + 16 = 40 positions: fits
    with pytest.raises(ConfigError, match=r"conversation of 25 tokens plus max_new_tokens=16 exceeds .* 40 positions"):
        engine.sample([[5] * 3, [5] * 25], generator)


def test_system_prompt_opens_the_first_prompt(tokenizer):
    ids = ChatFormat(tokenizer, "Be kind.").prompt([{"role": "user", "content": "hi"}])
    expected = "<|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
    assert tokenizer.decode(ids) == expected


def _scores_like_a_full_pass(model, b):
    """forward_logprobs on ``b``: logprobs, entropy, hidden states and gradients as one padded full pass gives."""
    m = b.action_mask

    def full_pass():
        out = model(input_ids=b.input_ids, attention_mask=b.attention_mask, position_ids=b.position_ids,
                    output_hidden_states=True)
        logp = (out.logits.float() / 0.8).log_softmax(-1)[:, :-1]
        entropy = torch.nn.functional.pad(-(logp.exp() * logp).sum(-1), (1, 0))
        picked = torch.nn.functional.pad(logp.gather(-1, b.input_ids[:, 1:, None]).squeeze(-1), (1, 0))
        return picked, entropy, out.hidden_states[-1][:, :-1][m[:, 1:]]

    def grads(logprobs):
        model.zero_grad()
        (logprobs[m] * torch.linspace(-1, 1, int(m.sum()))).sum().backward()  # any weighting of the tokens
        return [p.grad.clone() for p in model.parameters()]

    out = forward_logprobs(model, b, temperature=0.8, with_entropy=True, keep_hidden=True)
    logprobs, entropy, hidden = full_pass()
    torch.testing.assert_close(out.logprobs[m], logprobs[m], atol=1e-5, rtol=0)
    torch.testing.assert_close(out.logprobs[m], b.old_logprobs[m], atol=1e-4, rtol=0)
    torch.testing.assert_close(out.entropy[m], entropy[m], atol=1e-5, rtol=0)
    # The hook receives the final hidden states after the model's last norm, as the output layer does.
    torch.testing.assert_close(model.get_output_embeddings().weight @ out.hidden.T,
                               model.get_output_embeddings().weight @ hidden.T, atol=1e-4, rtol=0)
    for g_ours, g_full in zip(grads(out.logprobs), grads(full_pass()[0])):
        torch.testing.assert_close(g_ours, g_full, atol=1e-5, rtol=1e-4)
    model.zero_grad()


def test_shared_prompts_score_and_differentiate_like_a_full_pass(model, tokenizer):
    """GRPO's group members share their prompt: scoring runs it once, with the same values and gradients."""
    engine = RolloutEngine(model, tokenizer, RolloutSpec(max_new_tokens=10, temperature=0.8))
    b = engine.collect(_envs(8, max_turns=1), seeds=[31, 32], group_size=4, generator=torch.Generator().manual_seed(2))
    split = SharedPrompts.split(b)
    assert split is not None and split.prompt_ids.shape[0] == 2 and split.rows.tolist() == [0] * 4 + [1] * 4
    assert split.ids.numel() + split.prompt_ids.numel() < 0.8 * b.input_ids.numel()
    _scores_like_a_full_pass(model, b)
    # Distinct prompts (PPO's groups of one) leave nothing to share: one full pass.
    assert SharedPrompts.split(b.select([0, 4])) is None


def test_rows_of_very_different_lengths_score_in_chunks_like_a_full_pass(model, tokenizer):
    engine = RolloutEngine(model, tokenizer, RolloutSpec(max_new_tokens=24, temperature=0.8))
    envs = _envs(4, max_turns=1) + _envs(4, max_turns=4)
    b = engine.collect(envs, seeds=list(range(50, 58)), generator=torch.Generator().manual_seed(3))
    chunks = length_chunks(b.attention_mask)
    assert len(chunks) >= 2 and sorted(torch.cat([rows for rows, _ in chunks]).tolist()) == list(range(8))
    lengths = b.attention_mask.sum(1)
    for rows, first in chunks:  # each chunk keeps exactly the columns its longest row needs
        assert first == b.input_ids.shape[1] - lengths[rows].max()
    assert SharedPrompts.split(b) is None
    _scores_like_a_full_pass(model, b)


def test_length_chunks_trade_padding_against_passes():
    mask = torch.tensor([[0] * 90 + [1] * 10, [0] * 90 + [1] * 10, [1] * 100, [0] + [1] * 99])
    assert [(r.tolist(), first) for r, first in length_chunks(mask, overhead=10)] == [([0, 1], 90), ([3, 2], 0)]
    assert [(r.tolist(), first) for r, first in length_chunks(mask, overhead=0)][1:] == [([3], 1), ([2], 0)]
    assert [(r.tolist(), first) for r, first in length_chunks(mask, overhead=1000)] == [([0, 1, 3, 2], 0)]


def test_exact_sampling_makes_each_reply_independent_of_the_batch(model, tokenizer):
    """In the exact layout a prompt's reply and its logprobs are bitwise the same alone, in a batch
    of 2 (fewer rows than the matrix kernels' batch path) or among 8 prompts of other lengths, one of
    them long enough that the batch's keys pass the fused attention kernel's 512-key block."""
    engine = RolloutEngine(model, tokenizer, RolloutSpec(max_new_tokens=24, temperature=1.0))
    fmt = engine.format
    prompts = [fmt.prompt(gym.make(ENV_ID).reset(seed=s)[1]["messages"]) for s in range(40, 48)]
    prompts[3] = prompts[3] + fmt.delta("ok, and then what should i do about it all?", None) * 3
    prompts[6] = prompts[6] + fmt.delta("ok, and then what should i do about it all?", None) * 14
    assert len({len(p) for p in prompts}) > 4 and len(prompts[6]) > 512 > len(prompts[3]) > 128

    def replies(rows):
        gens = [torch.Generator().manual_seed(100 + i) for i in rows]
        return [(r.ids, r.logprobs) for r in engine.sample([prompts[i] for i in rows], gens, exact=True)]

    together = replies(range(8))
    assert [replies([i])[0] for i in range(8)] == together
    assert replies([3, 5]) == [together[3], together[5]]
    with pytest.raises(ConfigError, match="one generator per prompt"):
        engine.sample(prompts[:2], torch.Generator(), exact=True)


def test_every_sampler_defaults_to_the_configs_rollout_spec(model, tokenizer):
    """One definition of the sampling settings: the engine's defaults, ``oyrl eval``'s and its Python
    API's are ``RolloutSpec``'s; the engine's old settings class is the spec, with a warning."""
    import inspect

    from oyrl.cli import build_parser
    from oyrl.eval.policies import LanguageModelPolicy

    spec = RolloutSpec()
    assert RolloutEngine(model, tokenizer).config == spec
    defaults = inspect.signature(LanguageModelPolicy).parameters
    assert {k: defaults[k].default for k in ("max_new_tokens", "temperature", "top_p")} == spec.model_dump(
        exclude={"system_prompt"})
    args = build_parser().parse_args(["eval", "always_hard_refusal"])
    assert (args.max_new_tokens, args.temperature) == (spec.max_new_tokens, spec.temperature)
    with pytest.warns(DeprecationWarning, match="RolloutConfig has moved to oyrl.config.RolloutSpec"):
        from oyrl.llm.rollout import RolloutConfig
    assert RolloutConfig is RolloutSpec
