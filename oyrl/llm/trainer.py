"""Multi-turn GRPO and PPO of an LLM policy on oyrl text environments, with KL control.

One iteration (each process, on its own scenario seeds):

1. **collect**: ``groups * group_size`` dialogues with the current policy (``RolloutEngine``);
2. **reference**: the frozen base model's logprobs of the same tokens;
3. **rewards**: the env's per-turn rewards (trajectory outcome and any shaping terms, each on the
   last token of its turn), minus the Lagrangian harm penalty, minus ``beta * KL_t`` per token when
   the KL goes in the reward;
4. **advantages**, by the algorithm's estimator (``ADVANTAGES``): GRPO normalises each episode's
   return within its group (the members share the seed); PPO runs GAE over the policy's tokens with
   the value head;
5. **update**: ``epochs`` x ``minibatches`` clipped-surrogate steps (the algorithm's ``LOSSES``
   entry), with ``beta * KL`` in the loss when it goes there, gradient clipping and the LR schedule;
6. **control**: the KL controller (fed ``kl/mean``, the token mean of k3) and the Lagrange
   multiplier take one step each.

What makes GRPO GRPO and PPO PPO (loss, advantage estimator, value head, default KL placement,
group size) is one entry each of ``oyrl.config.LLM_ALGORITHMS``; nothing here tests the name.

Under accelerate each process rolls out its own seeds; gradients are averaged by DDP, metrics are
gathered, and only the main process logs and writes checkpoints.
"""

from __future__ import annotations

import json
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from accelerate import Accelerator
from accelerate.utils import gather_object, set_seed
from transformers import get_scheduler

from oyrl.config import LLMExperimentConfig
from oyrl.env.registration import make_envs
from oyrl.errors import OyrlError
from oyrl.llm import checkpoint as ckpt
from oyrl.llm.batch import RolloutBatch
from oyrl.llm.evaluation import HeldOutEvaluator, log_final, run_hparams
from oyrl.llm.kl import make_kl_controller, penalize_rewards
from oyrl.llm.logger import RunLogger, TrainingProgress
from oyrl.llm.losses import ADVANTAGES, KL_ESTIMATORS, LOSSES, AdvantageInputs, LossInputs
from oyrl.llm.models import PolicyModel, build_policy, save_policy
from oyrl.llm.rollout import RolloutEngine
from oyrl.metrics import episode_score
from oyrl.reasoning.measure import declared_summary, reasoning_scalars
from oyrl.train import naming
from oyrl.train.constraint import HarmMultiplier
from oyrl.train.tags import EpisodeRecord, episode_scalars
from oyrl.types import Outcome

MAX_NONFINITE_STEPS = 3
"""Consecutive optimizer steps with a non-finite loss or gradient after which a run stops."""


def run_name(cfg: LLMExperimentConfig) -> str:
    """The run directory's name under ``cfg.log_dir``: ``cfg.name``, else ``<env>__<design>__<algo>__seed<k>``
    (``oyrl.train.naming``, as strategy-level runs are named), e.g. ``Mixed-v0__constructive__grpo__seed0``."""
    return cfg.name or naming.run_name(cfg.env.id, cfg.reward, cfg.algo.name, cfg.seed, cfg.constraint is not None)


def cpu_only() -> bool:
    """Whether this machine has no accelerator.

    Processes started by torchrun or ``accelerate launch --multi_gpu`` on such a machine must be
    told they are CPU processes (``Accelerator(cpu=True)``), or each would think it runs alone.
    """
    return not torch.accelerator.is_available()


class TrainingDiverged(OyrlError):
    """The loss or gradients stayed non-finite; the last good checkpoint is kept."""


@dataclass
class TrainerState:
    """What a checkpoint restores besides weights, optimizer, scheduler and RNG (accelerate's part)."""

    iteration: int = 0
    """Iterations completed (the TensorBoard step of the last one)."""
    optimizer_steps: int = 0
    skipped_steps: int = 0
    """Optimizer steps skipped for a non-finite loss or gradient, over the whole run."""
    kl: dict[str, Any] = field(default_factory=dict)
    lagrange: dict[str, Any] | None = None
    base_eval: dict[str, Any] | None = None
    """Held-out summary of the starting model, for the before/after table."""
    judge_warnings: list[dict[str, Any]] = field(default_factory=list)
    """A cascade judge's exploitation warnings, ``{"iteration", "warning"}`` (``eval.json`` holds them too)."""


class LLMTrainer:
    """GRPO/PPO with KL control for ``cfg``, writing into ``run_dir``.

    Args:
        cfg: the experiment.
        run_dir: TensorBoard logs, ``config.yaml``, checkpoints and ``final/`` go here.
        resume: continue from the newest intact checkpoint in ``run_dir``.
        accelerator: defaults to ``Accelerator(mixed_precision=cfg.precision)``.
        log: prints progress messages (main process only).
    """

    def __init__(
        self, cfg: LLMExperimentConfig, run_dir: Path, resume: bool = False,
        accelerator: Accelerator | None = None, log: Any = print,
    ):
        self.cfg, self.run_dir = cfg, Path(run_dir)
        self.acc = accelerator or Accelerator(mixed_precision=cfg.precision, cpu=cpu_only())
        self.log = log if self.acc.is_main_process else (lambda *a, **k: None)
        if cfg.threads:
            torch.set_num_threads(cfg.threads)
        set_seed(cfg.seed)  # the same on every process: new heads start identical (DDP also broadcasts)
        policy, self.tokenizer, self.reference, self.model_path = build_policy(cfg)
        self.envs = make_envs(cfg.env.id, cfg.reward, cfg.env.kwargs, cfg.episodes_per_iteration)
        self.evaluator = HeldOutEvaluator(cfg, self.acc.process_index, self.acc.num_processes, gather_object,
                                          main=self.acc.is_main_process)
        params = [p for p in policy.parameters() if p.requires_grad]
        # The fused kernel updates all parameters in one call: 4x cheaper than the per-tensor loop on CPU.
        fused = self.acc.device.type in ("cpu", "cuda")
        optimizer = torch.optim.AdamW(params, lr=cfg.algo.learning_rate, weight_decay=cfg.algo.weight_decay, fused=fused)
        steps_per_iteration = cfg.algo.epochs * cfg.algo.minibatches
        scheduler = get_scheduler(
            cfg.algo.lr_schedule, optimizer, num_warmup_steps=cfg.algo.warmup_iterations * steps_per_iteration,
            num_training_steps=cfg.iterations * steps_per_iteration,
        )
        self.model, self.optimizer, self.scheduler = self.acc.prepare(policy, optimizer, scheduler)
        self.policy: PolicyModel = self.acc.unwrap_model(self.model)
        self.reference.lm.to(self.acc.device)
        self.engine = RolloutEngine(self.policy.lm, self.tokenizer, cfg.rollout)
        self.algorithm = cfg.algo.algorithm
        self.loss_fn = LOSSES[self.algorithm.loss]
        self.kl_control = make_kl_controller(cfg.kl)
        self.lagrange = HarmMultiplier(cfg.constraint) if cfg.constraint else None
        self.state = TrainerState()
        self._nonfinite_in_a_row = 0
        self._bar: TrainingProgress | None = None  # while the iterations run (main process)
        if resume:
            self._resume()
        self.logger = RunLogger(self.run_dir, purge_step=self.state.iteration + 1) if self.acc.is_main_process else None

    # ---- the loop ------------------------------------------------------------------------------

    def train(self) -> dict[str, Any]:
        """Run the remaining iterations, evaluate, save ``final/``; returns ``{"base": ..., "final": ...}``
        held-out summaries (``oyrl.metrics.summarize``; ``base`` is None when ``eval.base`` is off)."""
        cfg = self.cfg
        if cfg.eval.base and self.state.base_eval is None:
            self.log(f"evaluating the base model on {cfg.eval.episodes} held-out episodes")
            self.state.base_eval = self.evaluate(tag="base")
        self._iterate()
        self.log(f"evaluating the trained model on {cfg.eval.episodes} held-out episodes")
        final = self.evaluate(tag="eval")
        if self.acc.is_main_process:
            save_policy(self.policy, self.tokenizer, self.run_dir / "final")
            (self.run_dir / "eval.json").write_text(json.dumps(
                {"base": self.state.base_eval, "final": final, "judge_warnings": self.state.judge_warnings}, indent=2))
            log_final(self.logger, cfg, self.state.base_eval, final)
            self.logger.close()
        self.acc.wait_for_everyone()
        return {"base": self.state.base_eval, "final": final}

    def _iterate(self) -> None:
        """The remaining iterations, with their logging, periodic evaluations and checkpoints."""
        cfg = self.cfg
        bar = TrainingProgress(cfg.iterations, self.state.iteration) if self.acc.is_main_process else None
        with bar or nullcontext():
            self._bar = bar
            try:
                while self.state.iteration < cfg.iterations:
                    scalars = self.iteration()
                    self.state.iteration += 1
                    it = self.state.iteration
                    if self.logger:
                        self.logger.scalars(scalars, it)
                        bar.advance(scalars)
                    if cfg.eval.every_iterations and it % cfg.eval.every_iterations == 0 and it < cfg.iterations:
                        self.evaluate(tag="eval")
                    # Not while steps are being skipped: the run may be about to stop, and the checkpoint
                    # it falls back on must be one from before the trouble (pruning would delete it).
                    due = it % cfg.checkpoint.every_iterations == 0 or it == cfg.iterations
                    if due and self._nonfinite_in_a_row == 0:
                        self.save_checkpoint()
            finally:
                self._bar = None

    def iteration(self) -> dict[str, float]:
        """One collect-and-update iteration; returns its TensorBoard scalars (gathered over processes)."""
        cfg, it = self.cfg, self.state.iteration
        start = time.perf_counter()
        seeds, generator = self._iteration_randomness(it)
        batch = self.engine.collect(self.envs, seeds, cfg.algo.group_size, generator)
        t_ref = time.perf_counter()
        ref_logprobs = self.reference.logprobs(batch, cfg.rollout.temperature)
        # KL(pi || pi_ref) per policy token, measured on the sampled tokens (k3: >= 0, low variance).
        kl_tokens = torch.where(batch.action_mask, KL_ESTIMATORS["k3"](batch.old_logprobs, ref_logprobs), 0.0)
        t_adv = time.perf_counter()
        advantages, returns, old_values, shaped = self._advantages(batch, ref_logprobs)
        t_update = time.perf_counter()
        update_stats = self._update(batch, ref_logprobs, advantages, returns, old_values)
        done = time.perf_counter()

        records = gather_object(self._episode_records(batch, kl_tokens, shaped))
        n_episodes = len(records)
        scalars = self._scalars(records, update_stats)
        # The controller holds kl.target in nats per policy token: it is fed kl/mean, the token mean
        # over all processes' episodes (a mean of per-episode means would weight short replies up).
        self.kl_control.update(scalars["kl/mean"], n_episodes)
        if self.lagrange is not None:
            harms = sum(r["record"].outcome is Outcome.HARM for r in records)
            for r in records:  # the penalties were paid locally; the multiplier steps on all episodes
                self.lagrange.observe(r["record"].outcome is Outcome.HARM)
            scalars["constraint/harm_rate"] = harms / n_episodes
            self.lagrange.update()
            scalars["constraint/lambda"] = self.lagrange.value
        gen = batch.perf
        scalars.update({
            "kl/coef": self.kl_control.value,
            "train/learning_rate": self.scheduler.get_last_lr()[0],
            "train/skipped_steps": float(self.state.skipped_steps),
            "perf/generate_s": gen["generate_s"],
            "perf/env_s": gen["env_s"],
            "perf/reference_s": t_adv - t_ref,
            "perf/update_s": done - t_update,
            "perf/iteration_s": done - start,
            "perf/tokens_per_s": gen["tokens_per_s"],
            "perf/env_share": gen["env_s"] / max(done - start, 1e-9),
        })
        scalars.update(self._judge_audit(it + 1))
        return scalars

    def _judge_audit(self, iteration: int) -> dict[str, float]:
        """The training judge's audit window (a cascade judge: ``judge/agreement/<feature>``,
        ``judge/slow_share``), and its exploitation warning, printed and kept in the run."""
        audit = getattr(self.envs[0].unwrapped.judge, "audit", None)  # make_envs: one judge for all envs
        if audit is None:
            return {}
        scalars = audit.take()
        if audit.warning is not None:
            self.log(f"iteration {iteration}: {audit.warning}")
            self.state.judge_warnings.append({"iteration": iteration, "warning": audit.warning})
        return scalars

    # ---- the parts ----------------------------------------------------------------------------

    def _iteration_randomness(self, iteration: int) -> tuple[list[int], torch.Generator]:
        """Scenario seeds (never a held-out one) and the sampling generator of an iteration.

        Both derive from ``(seed, process, iteration)`` alone, so a resumed run replays exactly the
        scenarios and samples an uninterrupted run would have seen.
        """
        rng = np.random.default_rng((self.cfg.seed, self.acc.process_index, iteration))
        held_out = self.cfg.eval.seeds
        seeds: list[int] = []
        while len(seeds) < self.cfg.algo.groups:
            seed = int(rng.integers(2**31))
            if seed not in held_out:
                seeds.append(seed)
        generator = torch.Generator(self.acc.device).manual_seed(int(rng.integers(2**62)))
        return seeds, generator

    def _rewards(self, batch: RolloutBatch) -> torch.Tensor:
        """The env's per-token rewards, less the Lagrangian penalty on the last turn of harmful episodes."""
        rewards = batch.rewards.clone()
        if self.lagrange is not None:
            last = batch.action_mask.shape[1] - 1 - batch.action_mask.flip(1).int().argmax(1)  # last action token
            for i, ep in enumerate(batch.episodes):
                if ep.trajectory.outcome is Outcome.HARM:
                    rewards[i, last[i]] -= self.lagrange.value * self.lagrange.spec.penalty
        return rewards

    @torch.no_grad()
    def _advantages(self, batch: RolloutBatch, ref_logprobs: torch.Tensor):
        """Per-token ``(advantages, returns, rollout values, shaped rewards)`` by the algorithm's
        estimator (``ADVANTAGES``); returns and values are None without a value head."""
        cfg, mask = self.cfg, batch.action_mask
        rewards = self._rewards(batch)
        if cfg.kl_placement == "reward":  # r_t - beta * KL_t on every policy token (Ziegler et al. 2019)
            rewards, _ = penalize_rewards(rewards, batch.old_logprobs, ref_logprobs, mask,
                                          self.kl_control.value, cfg.kl_estimator)
        values = None
        if self.algorithm.value_head:
            _, _, values = self.model(batch, cfg.rollout.temperature, with_entropy=False)
        estimator = ADVANTAGES[self.algorithm.advantages]
        adv, returns = estimator(AdvantageInputs(rewards, mask, batch.group_ids, values), cfg.algo)
        return adv, returns, values, rewards

    def _update(self, batch, ref_logprobs, advantages, returns, old_values) -> dict[str, float]:
        cfg = self.cfg
        in_loss = cfg.kl_placement == "loss"
        n = batch.input_ids.shape[0]
        order = torch.Generator().manual_seed(cfg.seed * 1_000_003 + self.state.iteration)
        sums: dict[str, float] = {}
        count = 0
        self.model.train()
        for epoch in range(cfg.algo.epochs):
            for rows in torch.randperm(n, generator=order).chunk(cfg.algo.minibatches):
                rows = rows.to(batch.input_ids.device)
                mb = batch.select(rows)
                # Entropy is a pass over (tokens, vocabulary): differentiated only when it is in the
                # loss, else computed detached on the first minibatch, for logging.
                in_loss_entropy = cfg.algo.ent_coef > 0
                with self.acc.autocast():
                    logprobs, entropy, values = self.model(
                        mb, cfg.rollout.temperature, in_loss_entropy or count == 0, in_loss_entropy
                    )
                inputs = LossInputs(
                    logprobs=logprobs, old_logprobs=mb.old_logprobs, advantages=advantages[rows],
                    mask=mb.action_mask, ref_logprobs=ref_logprobs[rows] if in_loss else None,
                    values=values, old_values=None if old_values is None else old_values[rows],
                    returns=None if returns is None else returns[rows], entropy=entropy,
                )
                loss, stats = self.loss_fn(inputs, cfg.algo, kl_coef=self.kl_control.value if in_loss else 0.0,
                                           kl_estimator=cfg.kl_estimator)
                if not self._step(loss):
                    continue
                count += 1
                for name, value in stats.items():
                    sums[name] = sums.get(name, 0.0) + float(value)
        out = {name: total / max(count, 1) for name, total in sums.items()}
        if "policy/entropy" in sums:
            out["policy/entropy"] = sums["policy/entropy"]  # measured on the first minibatch only
        return out

    def _step(self, loss: torch.Tensor) -> bool:
        """Backward, clip and step, unless the loss or the gradient is non-finite on any process."""
        finite = self.acc.reduce(torch.isfinite(loss.detach()).float().reshape(1), "sum").item() == self.acc.num_processes
        grad_norm = None
        if finite:
            self.acc.backward(loss)
            grad_norm = self.acc.clip_grad_norm_(self.model.parameters(), self.cfg.algo.max_grad_norm)
            finite = bool(torch.isfinite(grad_norm))  # all-reduced by DDP: the same on every process
        if not finite:
            self.optimizer.zero_grad(set_to_none=True)
            self.state.skipped_steps += 1
            self._nonfinite_in_a_row += 1
            what = "loss" if grad_norm is None else "gradient"
            self.log(f"iteration {self.state.iteration + 1}: non-finite {what}; optimizer step skipped")
            if self._nonfinite_in_a_row >= MAX_NONFINITE_STEPS:
                last = ckpt.latest_valid(self.run_dir, warn=self.log)
                raise TrainingDiverged(
                    f"{MAX_NONFINITE_STEPS} non-finite steps in a row at iteration {self.state.iteration + 1}; "
                    f"stopped. Last good checkpoint: {last or 'none yet'} (resume with --resume after lowering "
                    "algo.learning_rate or raising kl.coef)"
                )
            return False
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.state.optimizer_steps += 1
        self._nonfinite_in_a_row = 0
        return True

    def _episode_records(self, batch: RolloutBatch, kl_tokens: torch.Tensor, shaped: torch.Tensor) -> list[dict]:
        """Per-episode facts for the tags, small enough to gather from every process."""
        kl_tokens, mask = kl_tokens.cpu(), batch.action_mask.cpu()
        out = []
        for i, ep in enumerate(batch.episodes):
            traj = ep.trajectory
            outcome = traj.outcome or Outcome.UNRESOLVED
            score = episode_score(outcome, traj.user_type, traj.harm_delivered, traj.final_state)
            turn_kl = [(float(kl_tokens[i, s:e].sum()), int(mask[i, s:e].sum())) for s, e in ep.reply_spans]
            out.append({
                "record": EpisodeRecord(outcome, traj.user_type, score, ep.reward_terms),
                "kl_sum": float(kl_tokens[i].sum()), "kl_tokens": int(mask[i].sum()), "turn_kl": turn_kl,
                "cut": ep.cut_replies, "turns": ep.turns, "declared": [t.declared for t in traj.turns],
            })
        return out

    def _scalars(self, records: list[dict], update_stats: dict[str, float]) -> dict[str, float]:
        """Outcome, reward, KL (overall, per user type, per turn) and update tags of one iteration."""
        out = episode_scalars([r["record"] for r in records])
        out.update(update_stats)
        out["kl/mean"] = sum(r["kl_sum"] for r in records) / max(sum(r["kl_tokens"] for r in records), 1)
        out["kl/episode"] = float(np.mean([r["kl_sum"] for r in records]))
        by_type: dict[str, list[float]] = {}
        by_turn: dict[int, list[float]] = {}
        for r in records:
            by_type.setdefault(r["record"].user_type.value, []).extend([r["kl_sum"], r["kl_tokens"]])
            for k, (kl_sum, tokens) in enumerate(r["turn_kl"]):
                by_turn.setdefault(k, []).extend([kl_sum, tokens])
        for name, pairs in by_type.items():
            out[f"kl/{name}"] = sum(pairs[0::2]) / max(sum(pairs[1::2]), 1)
        for k, pairs in sorted(by_turn.items()):
            out[f"kl/turn_{k}"] = sum(pairs[0::2]) / max(sum(pairs[1::2]), 1)
        out["episode/mean_turns"] = float(np.mean([r["turns"] for r in records]))
        out["episode/cut_reply_rate"] = sum(r["cut"] for r in records) / max(sum(r["turns"] for r in records), 1)
        out.update(reasoning_scalars(declared_summary((r["record"].user_type, r["declared"]) for r in records)))
        return out

    # ---- evaluation ----------------------------------------------------------------------------

    def evaluate(self, tag: str) -> dict[str, Any]:
        """The current policy on the held-out seeds: ``summarize`` of its episodes (main process's view).

        Every process plays a share of the seeds; the trajectories are gathered. Written to
        TensorBoard under ``<tag>/...`` with a few sample dialogues (``HeldOutEvaluator``).
        """
        what = "the base model" if tag == "base" else "the policy" if self._bar else "the trained model"
        return self.evaluator.evaluate(self.engine, tag, self.state.iteration, self.logger, f"evaluating {what}",
                                       bar=self._bar)

    # ---- checkpoints ---------------------------------------------------------------------------

    def save_checkpoint(self) -> Path:
        """Checkpoint the current iteration (all processes call this)."""
        self.state.kl = self.kl_control.state_dict()
        self.state.lagrange = self.lagrange.state_dict() if self.lagrange else None
        return ckpt.save_checkpoint(self.acc, self.run_dir, self.state.iteration, self.state.__dict__,
                                    self.cfg.checkpoint.keep)

    def _resume(self) -> None:
        found = ckpt.latest_valid(self.run_dir, warn=self.log)
        if found is None:
            raise OyrlError(f"--resume: no intact checkpoint under {self.run_dir / ckpt.CHECKPOINTS}")
        self.acc.load_state(str(found))
        self.state = TrainerState(**ckpt.load_trainer_state(found))
        self.kl_control.load_state_dict(self.state.kl)
        if self.lagrange is not None and self.state.lagrange:
            self.lagrange.load_state_dict(self.state.lagrange)
        self.log(f"resumed from {found} (iteration {self.state.iteration})")

    def hparams(self) -> dict[str, bool | int | float | str]:
        """The config as HParams columns (``oyrl.llm.evaluation.run_hparams``)."""
        return run_hparams(self.cfg)
