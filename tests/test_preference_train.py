"""Training on preference pairs with TRL (``kind: dpo | orpo | sft``): tiny runs that change the
weights, save a loadable ``final/``, evaluate as ``kind: llm`` runs do and log TRL's scalars; and the
one-line errors of bad data and configs.

Runs use the quick tiny base (``quick_base``) and a 16-pair dataset built here in TRL's
conversational format (the format ``oyrl pairs`` writes).
"""

from __future__ import annotations

import json
from pathlib import Path

import gymnasium as gym
import pytest
import torch
import yaml
from datasets import Dataset, load_from_disk
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from transformers import AutoModelForCausalLM
from trl.data_utils import is_conversational

import oyrl
from oyrl.config import PreferenceConfig, apply_overrides, load_experiment
from oyrl.errors import ConfigError
from oyrl.preference.train import METHODS, PreferenceTrainer, trl_arguments

ROOT = Path(__file__).resolve().parents[1]
EMPATHIC = ("That sounds really hard, and I'm glad you told me. You deserve support: you can call or text a crisis "
            "line any time, or talk to someone you trust. Would you like to tell me more?")
REFUSAL = "I can't help with that."


@pytest.fixture(scope="module")
def pairs_dir(tmp_path_factory) -> Path:
    """16 pairs: openings of oyrl/Mixed-v0, an empathic reply with a resource over a hard refusal."""
    env = gym.make("oyrl/Mixed-v0")
    rows = []
    for seed in range(16):
        _, info = env.reset(seed=seed)
        rows.append({
            "prompt": info["messages"], "chosen": [{"role": "assistant", "content": EMPATHIC}],
            "rejected": [{"role": "assistant", "content": REFUSAL}],
            "chosen_score": 0.6, "rejected_score": -0.2, "chosen_se": 0.1, "rejected_se": 0.1, "gap": 0.8,
            "gap_se": 0.14, "user_type": info["user_type"].value, "persona_id": info.get("persona_id", "p"),
            "turn": 0, "seed": seed, "round": 1,
        })
    path = tmp_path_factory.mktemp("pairs") / "pairs"
    Dataset.from_list(rows).save_to_disk(str(path))
    return path


def preference_config(quick_base, tmp_path, data, **overrides) -> PreferenceConfig:
    """A run of seconds: 2 optimizer steps of 4 pairs, 4 held-out episodes of 3 turns, 16-token replies."""
    raw = {
        "name": "p", "kind": "dpo", "model": str(quick_base), "data": str(data),
        "env": {"id": "oyrl/Mixed-v0", "kwargs": {"max_turns": 3}}, "rollout": {"max_new_tokens": 16}, "threads": 1,
        "train": {"max_steps": 2, "batch_size": 4, "learning_rate": 1e-3},
        "eval": {"episodes": 4, "batch_size": 4, "samples": 1}, "log_dir": str(tmp_path),
    }
    raw = apply_overrides(raw, [f"{key}={json.dumps(value)}" for key, value in overrides.items()], PreferenceConfig)
    return PreferenceConfig.model_validate(raw)


def a_weight(model: torch.nn.Module) -> torch.Tensor:
    return model.model.layers[0].self_attn.q_proj.weight.detach().clone()


def test_the_test_pairs_are_in_trls_conversational_format(pairs_dir):
    row = load_from_disk(str(pairs_dir))[0]
    assert is_conversational(row)
    assert row["prompt"][-1]["role"] == "user" and row["chosen"][0]["role"] == "assistant"


@pytest.mark.parametrize("kind", ["dpo", "orpo", "sft"])
def test_a_two_step_run_changes_the_weights_saves_final_and_evaluates_like_kind_llm(
    quick_base, tmp_path, pairs_dir, one_thread, kind
):
    cfg = preference_config(quick_base, tmp_path, pairs_dir, kind=kind, **{"eval.base": kind == "dpo"})
    run = tmp_path / "p"
    before = a_weight(AutoModelForCausalLM.from_pretrained(quick_base))
    results = PreferenceTrainer(cfg, run, log=lambda *a, **k: None).train()

    trained = AutoModelForCausalLM.from_pretrained(run / "final")
    assert not torch.equal(before, a_weight(trained))
    report = json.loads((run / "eval.json").read_text())
    assert report["final"] == results["final"] and report["final"]["episodes"] == 4
    assert (report["base"] is not None) == (kind == "dpo") and report["rounds"][0]["steps"] == 2
    assert yaml.safe_load((run / "config.yaml").read_text())["kind"] == kind
    events = EventAccumulator(str(run), size_guidance={"scalars": 0, "tensors": 0})
    events.Reload()
    tags = set(events.Tags()["scalars"])
    assert {"train/loss", "train/learning_rate", "eval/constructive_score", "final/constructive_score"} <= tags
    assert ("base/constructive_score" in tags) == (kind == "dpo")
    assert ("train/rewards/margins" in tags) == (kind != "sft")  # DPO's and ORPO's implicit rewards
    assert [e.step for e in events.Scalars("train/loss")] == [1, 2]
    assert "eval/samples/text_summary" in events.Tags()["tensors"]


def test_the_evaluation_is_the_one_kind_llm_runs(quick_base, tmp_path, pairs_dir, one_thread):
    """The same held-out users, sampling streams and summary as ``LLMTrainer.evaluate`` on the same model."""
    from oyrl.config import LLMExperimentConfig
    from oyrl.llm.trainer import LLMTrainer

    cfg = preference_config(quick_base, tmp_path, pairs_dir)
    pref = PreferenceTrainer(cfg, tmp_path / "p", log=lambda *a, **k: None)
    llm_cfg = LLMExperimentConfig.model_validate({
        "kind": "llm", "model": str(quick_base), "env": cfg.env.model_dump(), "rollout": {"max_new_tokens": 16},
        "algo": {"groups": 1, "group_size": 2}, "eval": cfg.eval.model_dump(), "log_dir": str(tmp_path),
    })
    llm = LLMTrainer(llm_cfg, tmp_path / "llm")
    assert pref.evaluate(pref._load(pref.model_path), "base") == llm.evaluate("base")


def test_lora_trains_an_adapter_and_saves_a_merged_model(quick_base, tmp_path, pairs_dir, one_thread):
    cfg = preference_config(quick_base, tmp_path, pairs_dir, lora={"r": 4, "alpha": 8}, **{"eval.base": False})
    PreferenceTrainer(cfg, tmp_path / "p", log=lambda *a, **k: None).train()
    final = tmp_path / "p" / "final"
    assert not (final / "adapter_config.json").exists()
    trained = AutoModelForCausalLM.from_pretrained(final)
    assert not torch.equal(a_weight(AutoModelForCausalLM.from_pretrained(quick_base)), a_weight(trained))


def test_train_settings_reach_trl_under_its_names(quick_base, tmp_path, pairs_dir):
    cfg = preference_config(quick_base, tmp_path, pairs_dir, seed=3, **{
        "train.epochs": 2.0, "train.warmup_ratio": 0.25, "train.lr_schedule": "cosine", "train.beta": 0.3,
        "train.gradient_accumulation_steps": 2,
    })
    args = trl_arguments(cfg, tmp_path / "trl", max_positions=256)
    assert args["num_train_epochs"] == 2.0 and args["warmup_steps"] == 0.25 and args["lr_scheduler_type"] == "cosine"
    assert args["beta"] == 0.3 and args["gradient_accumulation_steps"] == 2 and args["seed"] == 3
    assert args["max_length"] == 256 and args["save_strategy"] == "no" and args["report_to"] == "none"
    assert "beta" not in trl_arguments(cfg.model_copy(update={"kind": "sft"}), tmp_path, None)
    config = METHODS["dpo"]
    import trl

    built = getattr(trl, config.config)(**args)  # every argument is one TRL's config takes
    assert built.beta == 0.3 and not built.bf16


def test_rounds_write_pairs_with_the_current_model_and_train_from_it(quick_base, tmp_path, pairs_dir, one_thread):
    """Iterated DPO: round 1 trains on ``data``; round 2 ranks its own pairs (``oyrl pairs``'s writer)
    with round 1's model as the policy, and trains that model on them."""
    pairs_config = tmp_path / "pairs.yaml"
    pairs_config.write_text(yaml.safe_dump({
        "kind": "pairs", "model": str(quick_base), "env": {"id": "oyrl/Mixed-v0", "kwargs": {"max_turns": 3}},
        "rollout": {"max_new_tokens": 16}, "lookahead": {"candidates": 3, "futures": 2, "horizon": 2},
        "states": {"seeds": 6, "turns": 1}, "min_gap_z": 0.0,
    }))
    cfg = preference_config(quick_base, tmp_path, pairs_dir, rounds=2, pairs=str(pairs_config), **{"eval.base": False})
    run = tmp_path / "p"
    PreferenceTrainer(cfg, run, log=lambda *a, **k: None).train()

    written = json.loads((run / "round2" / "pairs.json").read_text())
    assert written["model"] == str(run / "round1" / "model") and written["round"] == 2
    assert set(load_from_disk(str(run / "round2" / "pairs"))["round"]) == {2}
    rounds = json.loads((run / "eval.json").read_text())["rounds"]
    assert [r["data"] for r in rounds] == [str(pairs_dir), str(run / "round2" / "pairs")]
    assert [r["model"] for r in rounds] == [str(run / "round1" / "model"), str(run / "final")]
    round1 = a_weight(AutoModelForCausalLM.from_pretrained(run / "round1" / "model"))
    assert not torch.equal(round1, a_weight(AutoModelForCausalLM.from_pretrained(run / "final")))
    events = EventAccumulator(str(run), size_guidance={"scalars": 0})
    events.Reload()
    assert [e.step for e in events.Scalars("train/loss")][:3] == [1, 2, 3]  # round 2 steps on from round 1


# ---- bad input ----------------------------------------------------------------------------------


def test_bad_data_gets_one_line_errors_before_any_model_loads(quick_base, tmp_path, pairs_dir):
    missing = tmp_path / "nowhere"
    with pytest.raises(ConfigError, match=f"data: {missing}: no such dataset directory"):
        PreferenceTrainer(preference_config(quick_base, tmp_path, missing), tmp_path / "p")
    not_a_dataset = tmp_path / "empty_dir"
    not_a_dataset.mkdir()
    with pytest.raises(ConfigError, match="not a dataset saved with save_to_disk"):
        PreferenceTrainer(preference_config(quick_base, tmp_path, not_a_dataset), tmp_path / "p")
    no_rejected = tmp_path / "no_rejected"
    load_from_disk(str(pairs_dir)).remove_columns("rejected").save_to_disk(str(no_rejected))
    with pytest.raises(ConfigError, match=f"data: {no_rejected}: no column rejected") as err:
        PreferenceTrainer(preference_config(quick_base, tmp_path, no_rejected), tmp_path / "p")
    assert "\n" not in str(err.value)
    # SFT trains on the chosen replies only: the same dataset serves it.
    PreferenceTrainer(preference_config(quick_base, tmp_path, no_rejected, kind="sft"), tmp_path / "p")
    assert not (tmp_path / "p").exists()  # nothing written before train()


@pytest.mark.parametrize(("raw", "message"), [
    ({}, "kind dpo needs data (a dataset from `oyrl pairs`) or pairs (a pairs config)"),
    ({"data": "d", "rounds": 2}, "rounds: 2 rounds need pairs (a pairs config) to make each round's data"),
])
def test_configs_without_data_get_one_line_errors(tmp_path, raw, message):
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump({"kind": "dpo", **raw}))
    with pytest.raises(ConfigError, match=f"^{path}: {message}$".replace("(", r"\(").replace(")", r"\)")):
        load_experiment(path)


def test_a_pairs_config_of_another_kind_is_refused(quick_base, tmp_path, pairs_dir):
    other = tmp_path / "llm.yaml"
    other.write_text(yaml.safe_dump({"kind": "llm"}))
    cfg = preference_config(quick_base, tmp_path, pairs_dir, pairs=str(other))
    with pytest.raises(ConfigError, match=f"pairs: {other} is a kind llm config; expected kind: pairs"):
        PreferenceTrainer(cfg, tmp_path / "p")


@pytest.mark.parametrize("name", ["sft_mixed", "dpo_mixed", "orpo_mixed"])
def test_shipped_preference_configs_validate(name):
    cfg = load_experiment(ROOT / "experiments" / f"{name}.yaml")
    assert cfg.kind == name.split("_")[0] and cfg.data == "runs/pairs_mixed/pairs"
