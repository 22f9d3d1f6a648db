"""GPU check: GRPO iterations of a ~0.5B chat model in bf16 against a model-written user.

    bash experiments/gpu_check.sh                      # on a CUDA machine, under 5 minutes
    python experiments/gpu_check.py --smoke            # the same path on a CPU, with a toy model

No download: the policy is a randomly initialised model with the architecture of Qwen2.5-0.5B-Instruct
(24 layers, hidden 896, 14 query / 2 key-value heads, MLP 4864, tied embeddings; its published
``config.json``), over the tiny base's locally trained tokenizer, so only the embedding is smaller
than the real model's. Random weights write random text: the figures measure speed and memory, not
learning. The simulated user is model-written (``user: {kind: llm}``, words mode) by the same
architecture on the same device, so each turn pays a user generation as a real run would.

Prints, per phase of an iteration (rollout generation, env steps with the user's generation and the
judge, reference forward, update): seconds and tokens/s; the peak GPU memory; and an MFU estimate:
model FLOPs (2 N per generated or forward token, 6 N per trained token, N = parameters) over the
iteration's wall time, against the card's dense bf16 peak (``--peak-tflops``, default 989: an H100
or H200 SXM).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import torch
from transformers import AutoTokenizer, Qwen2Config, Qwen2ForCausalLM

from oyrl.config import LLMExperimentConfig
from oyrl.llm.models import resolve_model
from oyrl.llm.trainer import LLMTrainer

#: Qwen2.5-0.5B-Instruct's config.json (the vocabulary is the local tokenizer's).
QWEN25_05B = dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
                  num_key_value_heads=2, max_position_embeddings=32768, rope_theta=1_000_000.0,
                  rms_norm_eps=1e-6, tie_word_embeddings=True)
SMOKE = dict(QWEN25_05B, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
             num_key_value_heads=2)


def build_model(out: Path, shape: dict) -> int:
    """Save a randomly initialised model of ``shape`` with the tiny base's tokenizer; its parameter count."""
    tokenizer = AutoTokenizer.from_pretrained(resolve_model("tiny"))
    config = Qwen2Config(vocab_size=len(tokenizer), bos_token_id=tokenizer.bos_token_id,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, **shape)
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(config).to(torch.bfloat16)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return sum(p.numel() for p in model.parameters())


def experiment(model_dir: Path, run_dir: Path, args: argparse.Namespace, device: str) -> LLMExperimentConfig:
    user = {"kind": "llm", "backend": "transformers", "model": str(model_dir), "device": device,
            "dtype": "bfloat16", "max_tokens": 48, "temperature": 1.0}
    return LLMExperimentConfig.model_validate({
        "name": "gpu_check", "log_dir": str(run_dir), "model": str(model_dir),
        "env": {"id": "oyrl/Mixed-v0", "kwargs": {"max_turns": args.turns, "user": user}},
        "precision": "bf16" if device == "cuda" else "no",
        "algo": {"name": "grpo", "groups": args.groups, "group_size": 4, "epochs": 1, "minibatches": 2,
                 "learning_rate": 1e-6},
        "rollout": {"max_new_tokens": args.max_new_tokens, "temperature": 1.0},
        "iterations": args.iterations, "eval": {"base": False, "episodes": 1}, "seed": 0,
    })


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--iterations", type=int, default=3, help="measured iterations (after one warm-up)")
    p.add_argument("--groups", type=int, default=8, help="users per iteration (x4 replies each)")
    p.add_argument("--turns", type=int, default=3, help="assistant turns per training dialogue")
    p.add_argument("--max-new-tokens", type=int, default=128)
    p.add_argument("--peak-tflops", type=float, default=989.0, help="the card's dense bf16 peak")
    p.add_argument("--smoke", action="store_true", help="a toy model on the CPU: checks the script runs")
    args = p.parse_args()
    device = "cuda" if torch.cuda.is_available() and not args.smoke else "cpu"
    if device == "cpu" and not args.smoke:
        raise SystemExit("gpu_check: no CUDA device; run with --smoke to check the script on a CPU")
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp) / "model"
        n_params = build_model(model_dir, SMOKE if args.smoke else QWEN25_05B)
        trainer = LLMTrainer(experiment(model_dir, Path(tmp) / "runs", args, device), Path(tmp) / "runs" / "gpu_check",
                             log=lambda *a, **k: None)
        tokens = {}
        collect = trainer.engine.collect

        def counted(*a, **k):  # the rollout batch's token counts, for the FLOP estimate
            batch = collect(*a, **k)
            tokens["sequence"] = int(batch.attention_mask.sum())
            tokens["action"] = int(batch.action_mask.sum())
            return batch

        trainer.engine.collect = counted
        trainer.iteration()  # warm-up: kernels, allocator, the user's model load
        if device == "cuda":
            torch.cuda.reset_peak_memory_stats()
        rows = []
        for _ in range(args.iterations):
            start = time.perf_counter()
            scalars = trainer.iteration()
            if device == "cuda":
                torch.cuda.synchronize()
            rows.append({**{k: v for k, v in scalars.items() if k.startswith("perf/")}, **tokens,
                         "wall_s": time.perf_counter() - start})
    report(rows, n_params, device, args.peak_tflops)


def report(rows: list[dict], n_params: int, device: str, peak_tflops: float) -> None:
    def mean(key: str) -> float:
        return sum(r[key] for r in rows) / len(rows)

    new_tokens = mean("perf/tokens_per_s") * mean("perf/generate_s")
    # 2N FLOPs per token forward (generation, reference), 6N per trained token (forward + backward).
    flops = 2 * n_params * (new_tokens + mean("sequence")) + 6 * n_params * mean("sequence")
    out = {
        "device": torch.cuda.get_device_name() if device == "cuda" else "cpu",
        "parameters": n_params,
        "iteration_s": mean("wall_s"),
        "generate_s": mean("perf/generate_s"), "generate_tokens_per_s": mean("perf/tokens_per_s"),
        "env_s (user generation + judge)": mean("perf/env_s"),
        "reference_s": mean("perf/reference_s"),
        "reference_tokens_per_s": mean("sequence") / max(mean("perf/reference_s"), 1e-9),
        "update_s": mean("perf/update_s"),
        "update_tokens_per_s": mean("sequence") / max(mean("perf/update_s"), 1e-9),
        "peak_memory_gib": torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else None,
        "mfu": flops / mean("wall_s") / (peak_tflops * 1e12),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
