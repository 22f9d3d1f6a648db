"""TRL interoperability (``oyrl.integrations.trl``): TRL's ``GRPOTrainer`` trains through ``OyrlRollout``.

One module-scoped run (3 GRPO steps on oyrl/Mixed-v0 with the quick tiny base) with spies on the
rollout, on TRL's scoring and on the reward functions; the tests check what TRL received against
replays of the same scenarios in fresh environments, fed the policy's replies as read from its tokens.
"""

from __future__ import annotations

import importlib
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
import trl
from transformers import AutoTokenizer
from trl import GRPOConfig, GRPOTrainer

from oyrl.env.registration import make_env
from oyrl.errors import ConfigError
from oyrl.integrations.trl import SUPPORTED_TRL, OyrlRollout, term_reward, trajectory_reward

ROOT = Path(__file__).resolve().parents[1]
ENV_ID, ENV_KWARGS = "oyrl/Mixed-v0", {"max_turns": 3}
BATCH, GENERATIONS, STEPS = 4, 2, 3  # completions per step: 2 prompts x 2
TERMS = ("trust_change", "length_cost")


@dataclass
class Run:
    trainer: GRPOTrainer
    seeds: dict[tuple, int]  # the dataset's prompt -> seed
    rollouts: list[tuple[list, dict]]  # (prompts, what OyrlRollout returned) per generation
    scored: list[dict]  # what TRL's _generate_and_score_completions returned per generation
    rewards: dict[str, list[list[float]]]  # reward function name -> its values per generation


def key(prompt: list[dict]) -> tuple:
    return tuple((m["role"], m["content"]) for m in prompt)


@pytest.fixture(scope="module")
def run(quick_base, tmp_path_factory) -> Run:
    rollout = OyrlRollout(ENV_ID, env_kwargs=ENV_KWARGS, max_new_tokens=64)
    dataset = rollout.make_dataset(8, seed=0)
    rollouts, scored, rewards = [], [], {}

    def spy_rollout(prompts, trainer):
        out = rollout(prompts, trainer)
        rollouts.append((prompts, out))
        return out

    def spied(fn):
        def wrapper(**kwargs):
            values = fn(**kwargs)
            rewards.setdefault(fn.__name__, []).append(values)
            return values

        wrapper.__name__ = fn.__name__  # TRL names (and logs) reward functions by __name__
        return wrapper

    funcs = [trajectory_reward, *(term_reward(t) for t in TERMS)]
    args = GRPOConfig(
        output_dir=str(tmp_path_factory.mktemp("trl")), use_cpu=True, bf16=False, activation_checkpointing=False,
        per_device_train_batch_size=BATCH, num_generations=GENERATIONS, max_steps=STEPS, learning_rate=1e-3,
        reward_weights=[1.0, 0.0, 0.0], report_to=[], save_strategy="no", logging_steps=1, disable_tqdm=True, seed=0,
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRL_EXPERIMENTAL_SILENCE", "1")  # rollout_func's "experimental" warning
        trainer = GRPOTrainer(
            model=str(quick_base), reward_funcs=[spied(f) for f in funcs], args=args, train_dataset=dataset,
            rollout_func=spy_rollout,
        )
    score = trainer._generate_and_score_completions

    def spy_score(inputs):
        out = score(inputs)
        scored.append(out)
        return out

    trainer._generate_and_score_completions = spy_score
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the tiny model gains nothing from more, and the CPUs are shared
    try:
        trainer.train()
    finally:
        torch.set_num_threads(threads)
    return Run(trainer, {key(r["prompt"]): r["seed"] for r in dataset}, rollouts, scored, rewards)


@pytest.fixture(scope="module")
def tokenizer(quick_base):
    return AutoTokenizer.from_pretrained(quick_base)


def runs(mask: list[int]) -> list[tuple[int, int, int]]:
    """Maximal runs of equal values: ``(value, start, end)``."""
    out, start = [], 0
    for t in range(1, len(mask) + 1):
        if t == len(mask) or mask[t] != mask[start]:
            out.append((mask[start], start, t))
            start = t
    return out


@dataclass
class Replay:
    prompt: list[dict]
    prompt_ids: list[int]
    completion_ids: list[int]
    env_mask: list[int]
    logprobs: list[float]
    opening: list[dict]  # the replayed env's reset messages
    replies: list[list[int]]  # the 1-runs of env_mask
    env_tokens: list[list[int]]  # the 0-runs
    user_texts: list[str]  # the user's message after each non-final reply
    ends_after_last_reply: bool
    episode_return: float
    terms: Counter


def replay(seed: int, prompt, prompt_ids, completion_ids, env_mask, logprobs, tokenizer) -> Replay:
    """The dialogue replayed in a fresh env: reset with the dataset's seed, stepped with each reply decoded
    from the env_mask = 1 tokens exactly as the engine decodes them."""
    pieces = runs(env_mask)
    replies = [completion_ids[s:e] for v, s, e in pieces if v == 1]
    env = make_env(ENV_ID, None, ENV_KWARGS)
    opening = env.reset(seed=seed)[1]["messages"]
    total, terms, users, done = 0.0, Counter(), [], False
    for ids in replies:
        assert not done, "the env ended before the last policy segment"
        _, reward, terminated, truncated, info = env.step(tokenizer.decode(ids, skip_special_tokens=True))
        total += reward
        terms.update(info["reward_terms"])
        done = terminated or truncated
        if not done:
            users.append(info["messages"][-1]["content"])
    return Replay(
        prompt, prompt_ids, completion_ids, env_mask, logprobs, opening, replies,
        [completion_ids[s:e] for v, s, e in pieces if v == 0], users, done, total, terms,
    )


@pytest.fixture(scope="module")
def replays(run, tokenizer) -> list[list[Replay]]:
    return [
        [
            replay(run.seeds[key(p)], p, *(out[f][i] for f in ("prompt_ids", "completion_ids", "env_mask", "logprobs")),
                   tokenizer)
            for i, p in enumerate(prompts)
        ]
        for prompts, out in run.rollouts
    ]


def test_grpo_trainer_runs_through_the_rollout(run):
    assert run.trainer.state.global_step == STEPS
    assert len(run.rollouts) == len(run.scored) == STEPS  # one generation per step
    for prompts, out in run.rollouts:
        # TRL's sampler hands each prompt num_generations times in a row; one completion per copy.
        assert len(prompts) == BATCH
        assert all(prompts[i] == prompts[i - i % GENERATIONS] for i in range(len(prompts)))
        assert prompts[0] != prompts[GENERATIONS]
        assert {len(values) for values in out.values()} == {len(prompts)}
    logged = run.trainer.state.log_history[0]  # trajectory_reward's oyrl tags reach TRL's logs
    assert {"outcome/constructive_score", "reward/total", *(f"reward/{t}" for t in TERMS)} <= logged.keys()
    assert sum(logged[k] for k in logged if k.count("/") == 1 and k.endswith("_rate")) == pytest.approx(1)


def test_env_mask_is_one_exactly_on_policy_tokens(replays, tokenizer):
    for r in (r for batch in replays for r in batch):
        assert r.opening == r.prompt, "the prompt's seed opens the same scenario"
        assert r.env_mask[0] == 1 and r.env_mask[-1] == 1  # a reply first; the env has the last word
        assert r.ends_after_last_reply and len(r.user_texts) == len(r.env_tokens) == len(r.replies) - 1
        # Every user message lies in env tokens: the 0-run between two replies holds the user's turn.
        for ids, user in zip(r.env_tokens, r.user_texts):
            assert user in tokenizer.decode(ids, clean_up_tokenization_spaces=False)
        # And the tokens are the chat template's rendering of the dialogue, with the replies exactly at the
        # 1-runs: a reply that stopped on <|end|> (EOS) sampled it, a cut one is closed by the template.
        replies = [tokenizer.decode(ids, clean_up_tokenization_spaces=False) for ids in r.replies]
        messages = list(r.prompt)
        for k, text in enumerate(replies):
            messages.append({"role": "assistant", "content": text.removesuffix(tokenizer.eos_token)})
            if k < len(r.user_texts):
                messages.append({"role": "user", "content": r.user_texts[k]})
        rendered = tokenizer.apply_chat_template(messages, tokenize=False)
        if r.replies[-1][-1] != tokenizer.eos_token_id:
            rendered = rendered.removesuffix(tokenizer.eos_token)
        text = tokenizer.decode(r.prompt_ids + r.completion_ids, clean_up_tokenization_spaces=False)
        assert text == rendered
        assert all(lp == 0 for lp, m in zip(r.logprobs, r.env_mask) if m == 0)
        assert all(lp <= 0 for lp, m in zip(r.logprobs, r.env_mask) if m == 1) and sum(r.logprobs) < 0
    # Both ways a reply ends occurred: on a sampled EOS (the template's copy skipped) and cut at max_new_tokens.
    ends = Counter(ids[-1] == tokenizer.eos_token_id for batch in replays for r in batch for ids in r.replies)
    assert ends[True] and ends[False]


def test_trl_loss_mask_is_the_env_mask(run):
    for (prompts, out), scored in zip(run.rollouts, run.scored):
        loss_mask = (scored["completion_mask"] * scored["tool_mask"]).tolist()  # as TRL's loss combines them
        for i, env_mask in enumerate(out["env_mask"]):
            n = len(env_mask)
            assert scored["completion_ids"][i, :n].tolist() == out["completion_ids"][i]
            assert scored["prompt_ids"][i, -len(out["prompt_ids"][i]) :].tolist() == out["prompt_ids"][i]
            assert loss_mask[i][:n] == env_mask and not any(loss_mask[i][n:])


def test_rewards_trl_saw_are_the_env_returns(run, replays):
    for k, batch in enumerate(replays):
        assert run.rewards["trajectory_reward"][k] == pytest.approx([r.episode_return for r in batch], abs=1e-6)
        for term in TERMS:
            assert run.rewards[f"term_{term}"][k] == pytest.approx([r.terms[term] for r in batch], abs=1e-6)
    assert any(v != 0 for values in run.rewards["term_length_cost"] for v in values)  # not vacuous
    # reward_weights [1, 0, 0]: the reward TRL optimised is the trajectory return.
    assert run.trainer.state.log_history[-2]["reward"] == pytest.approx(
        sum(run.rewards["trajectory_reward"][-1]) / len(run.rewards["trajectory_reward"][-1]), abs=1e-5
    )


def test_make_dataset_gives_one_seed_per_distinct_opening():
    rollout = OyrlRollout(ENV_ID)
    train = rollout.make_dataset(300, seed=0)
    prompts = [key(p) for p in train["prompt"]]
    assert len(set(prompts)) == 300 and train["seed"] == sorted(train["seed"])
    assert train["seed"][-1] > 300 - 1, "Mixed-v0 repeats openings: some seeds were skipped"
    assert rollout.make_dataset(300, seed=0)["seed"] == train["seed"]  # building again: the same rows
    held_out = rollout.make_dataset(50, seed=10_000)
    assert not {key(p) for p in held_out["prompt"]} & set(prompts)
    system = OyrlRollout(ENV_ID, system_prompt="Be kind.").make_dataset(1)["prompt"][0]
    assert system[0] == {"role": "system", "content": "Be kind."} and system[1:] == train["prompt"][0]


def test_bad_input_fails_clearly(tmp_path):
    rollout = OyrlRollout(ENV_ID)
    prompts = rollout.make_dataset(2)["prompt"]
    with pytest.raises(ConfigError, match="not made by this rollout's make_dataset"):
        rollout([[{"role": "user", "content": "hello"}]], trainer=None)
    args = GRPOConfig(output_dir=str(tmp_path), use_cpu=True, top_k=20, repetition_penalty=1.1)
    with pytest.raises(ConfigError, match=r"temperature and top_p only; unset top_k=20, repetition_penalty=1.1$"):
        rollout(prompts, SimpleNamespace(args=args))
    with pytest.raises(ConfigError, match="unknown environment id"):
        OyrlRollout("oyrl/Nope-v0")
    with pytest.raises(ConfigError, match="no term 'nope'"):
        term_reward("nope")(reward_terms=[{"outcome": 1.0}])


@pytest.mark.parametrize("installed", ["1.15.2", "1.17.0", None])
def test_unsupported_trl_fails_on_import(monkeypatch, installed):
    if installed is None:
        monkeypatch.setitem(sys.modules, "trl", None)  # as if not installed
        expected = r"needs TRL: pip install 'oyrl\[trl\]'"
    else:
        monkeypatch.setattr(trl, "__version__", installed)
        expected = rf"supports trl>=1.16,<1.17, found trl {installed} .*pip install 'oyrl\[trl\]'"
    monkeypatch.delitem(sys.modules, "oyrl.integrations.trl")  # restored after the test
    with pytest.raises(ImportError, match=expected):
        importlib.import_module("oyrl.integrations.trl")


def test_pyproject_pins_the_supported_trl():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert extras["trl"] == [f"trl{SUPPORTED_TRL}"]
    assert f"trl{SUPPORTED_TRL}" in extras["test"]
