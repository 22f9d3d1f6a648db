"""TRL's GRPOTrainer trains the tiny CPU base on oyrl/Mixed-v0 through ``oyrl.integrations.trl``.

    pip install -e '.[trl]'
    python experiments/trl_grpo_mixed.py
    tensorboard --logdir runs/trl_grpo_mixed

20 GRPO steps of 4 users x 4 whole dialogues (4 turns, up to 64 tokens a reply) with the
constructive reward and a KL penalty to the base, at ``experiments/quickstart.yaml``'s learning rate,
KL coefficient and dialogue length; about 2 minutes on one CPU thread, plus the tiny base's build on first use (about 2
minutes, then cached in ``.oyrl_cache/``). TensorBoard gets TRL's tags and oyrl's (``outcome/...``,
``reward/...``, logged by ``trajectory_reward``). Writes ``runs/trl_grpo_mixed/`` (replaced each run).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import torch
from trl import GRPOConfig, GRPOTrainer

from oyrl.integrations.trl import OyrlRollout, trajectory_reward
from oyrl.tinybase.build import build_tiny_base

RUN_DIR = Path("runs/trl_grpo_mixed")


def main() -> None:
    torch.set_num_threads(1)  # the tiny model's matrices are too small to share: more threads only contend
    shutil.rmtree(RUN_DIR, ignore_errors=True)
    # transformers 5 takes TensorBoard's directory from the environment, not from the arguments.
    os.environ["TENSORBOARD_LOGGING_DIR"] = str(RUN_DIR / "tensorboard")
    # Quickstart's dialogues: 4 turns fit the tiny base's 512-token context.
    rollout = OyrlRollout("oyrl/Mixed-v0", reward="constructive", env_kwargs={"max_turns": 4}, max_new_tokens=64)
    # TRL turns activation checkpointing on by default; a 1M-parameter model only pays its recomputation.
    args = GRPOConfig(
        output_dir=str(RUN_DIR), use_cpu=True, bf16=False, activation_checkpointing=False, seed=0,
        max_steps=20, per_device_train_batch_size=16, num_generations=4, learning_rate=5e-4, beta=0.02,
        logging_steps=1, report_to=["tensorboard"], save_strategy="no",
    )
    trainer = GRPOTrainer(
        model=str(build_tiny_base()), reward_funcs=trajectory_reward, args=args,
        train_dataset=rollout.make_dataset(256, seed=0), rollout_func=rollout,
    )
    trainer.train()
    trainer.save_model(str(RUN_DIR / "model"))
    print(f"TensorBoard logs: {RUN_DIR / 'tensorboard'}  (tensorboard --logdir {RUN_DIR})")
    print(f"Trained model: {RUN_DIR / 'model'}")


if __name__ == "__main__":
    main()
