"""``oyrl pairs``: preference pairs from simulated futures, as a Hugging Face dataset.

Walk: for each training scenario seed, the opening (turn 0) and the next ``states.turns - 1`` states
of one conversation the policy plays from it (sampled from the stream of ``(seed, scenario)``).
The states are rebuilt by resetting the env with the seed and replaying the policy's replies once,
which gives the same simulated user in the same latent states (an env's randomness is its seed's);
each is kept as a fork of the replay.

Rank: ``oyrl.lookahead.ranking.LookaheadRanker`` values K candidates per state by M futures each.

Pair: the best and the worst candidate of a state, kept when the gap between their mean scores is
above zero and above ``min_gap_z`` standard errors of the paired per-future differences (the
noise rule); identical texts and gaps within noise are dropped and counted.

Output (``<out>/pairs``, ``datasets.load_from_disk``): TRL's conversational preference format,
``prompt`` (chat messages: the system prompt if any, the conversation up to the user's last
message), ``chosen`` and ``rejected`` (one assistant message each), plus ``chosen_score``,
``rejected_score``, ``chosen_se``, ``rejected_se``, ``gap``, ``gap_se``, ``user_type``,
``persona_id``, ``turn``, ``seed`` and ``round``. ``<out>/pairs.json`` counts states, pairs,
drops and calls.

Resumable: states are ranked in chunks of seeds, each saved as a shard (``<out>/shards/``) with
its counts; a rerun skips finished chunks. Every stream depends on its seed and state only, so a
resumed run writes the same pairs as an uninterrupted one.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

import torch

from oyrl.config import PairsConfig
from oyrl.env.registration import make_envs
from oyrl.errors import OyrlError
from oyrl.llm.models import load_sampler
from oyrl.llm.rollout import stream
from oyrl.lookahead.ranking import ConversationState, LookaheadRanker, RankedState
from oyrl.progress import PhaseProgress, library_bars_off

#: Counts ``pairs.json`` reports, summed over chunks.
COUNTS = ("states", "pairs", "dropped_within_noise", "dropped_identical", "walk_replies", "candidates",
          "future_replies", "simulator_steps")


def _datasets():
    try:
        import datasets
    except ImportError:
        raise OyrlError("oyrl pairs writes a Hugging Face dataset: pip install 'oyrl[trl]' (or datasets)") from None
    return datasets


def pair_row(ranked: RankedState, min_gap_z: float, system: list[dict[str, str]], round_: int) -> dict | str:
    """The dataset row of a ranked state, or why it gives none (``identical`` / ``within_noise``)."""
    best, worst, score = ranked.best, ranked.worst, ranked.score
    if best.text.strip() == worst.text.strip():
        return "identical"
    gap, gap_se = ranked.gap()
    if gap <= 0 or gap <= min_gap_z * gap_se:
        return "within_noise"
    info = ranked.state.env.unwrapped.persona_info
    return {
        "prompt": system + ranked.state.messages,
        "chosen": [{"role": "assistant", "content": best.text}],
        "rejected": [{"role": "assistant", "content": worst.text}],
        "chosen_score": best.mean(score), "rejected_score": worst.mean(score),
        "chosen_se": best.se(score), "rejected_se": worst.se(score),
        "gap": gap, "gap_se": gap_se,
        "user_type": info["user_type"].value, "persona_id": info["persona_id"],
        "turn": ranked.state.turn, "seed": ranked.state.seed, "round": round_,
    }


class PairWriter:
    """Writes ``cfg``'s preference dataset into ``out_dir`` (module docstring).

    Args:
        cfg: the pairs experiment.
        out_dir: where ``pairs/``, ``pairs.json`` and ``shards/`` go.
        model: the policy; default ``cfg.model`` (iterated DPO passes the latest model).
        round_: written into every row's ``round`` column.
    """

    def __init__(self, cfg: PairsConfig, out_dir: Path, model: str | None = None, round_: int = 1, log: Any = print):
        self.cfg, self.out, self.round, self.log = cfg, Path(out_dir), round_, log
        self.model = model or cfg.model
        if cfg.threads:
            torch.set_num_threads(cfg.threads)
        per_chunk = max(1, cfg.lookahead.states_per_batch // cfg.states.turns)
        first, n = cfg.states.first_seed, cfg.states.seeds
        self.chunks = [list(range(s, min(s + per_chunk, first + n))) for s in range(first, first + n, per_chunk)]
        # The envs first: a bad id, design or argument fails before a model loads.
        self.envs = make_envs(cfg.env.id, cfg.reward, cfg.env.kwargs, per_chunk)
        self.engine = load_sampler(self.model, cfg.rollout, cfg.chat_template)
        rollout = load_sampler(cfg.lookahead.rollout_model, cfg.rollout, cfg.chat_template) if cfg.lookahead.rollout_model else None
        self.ranker = LookaheadRanker(self.engine, cfg.lookahead, rollout, seed=cfg.seed)
        self.system = [{"role": "system", "content": cfg.rollout.system_prompt}] if cfg.rollout.system_prompt else []

    def fingerprint(self) -> str:
        """What the shards depend on: the config (less where it is written) and the policy."""
        what = self.cfg.model_dump(mode="json", exclude={"name", "log_dir"}) | {"model": self.model, "round": self.round}
        return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:16]

    def write(self) -> Path:
        """Rank every chunk not yet on disk, then join the shards into ``<out>/pairs``; returns that path."""
        shards = self.out / "shards"
        self._check_resumable(shards)
        done = sorted(p.name for p in shards.glob("chunk-*") if (p / "counts.json").exists())
        start = time.perf_counter()
        total = self.cfg.states.seeds
        with PhaseProgress("ranking candidates by simulated futures", total=total, done=sum(
                len(c) for i, c in enumerate(self.chunks) if f"chunk-{i:05d}" in done)) as bar:
            for i, seeds in enumerate(self.chunks):
                if f"chunk-{i:05d}" in done:
                    continue
                self._write_chunk(shards / f"chunk-{i:05d}", seeds)
                bar.advance(len(seeds))
        return self._join(shards, time.perf_counter() - start)

    def _check_resumable(self, shards: Path) -> None:
        stamp = shards / "fingerprint.txt"
        if stamp.exists() and stamp.read_text() != self.fingerprint():
            raise OyrlError(f"{shards} holds shards of another config or model; remove {self.out} or change name/log_dir")
        shards.mkdir(parents=True, exist_ok=True)
        stamp.write_text(self.fingerprint())

    def states(self, seeds: list[int]) -> tuple[list[ConversationState], int]:
        """The walk's states for ``seeds`` and the replies it sampled (module docstring)."""
        turns = self.cfg.states.turns
        walkers = self.envs[: len(seeds)]
        walked = []
        if turns > 1:
            for env, seed in zip(walkers, seeds):
                env.reset(seed=seed)
            gens = [torch.Generator(self.engine.device).manual_seed(stream(self.cfg.seed, s, 3)) for s in seeds]
            walked = self.engine.proceed(walkers, gens, exact=True, turns=turns - 1)
        states = []
        for j, (env, seed) in enumerate(zip(walkers, seeds)):
            replies = walked[j].replies if walked else []
            ended = walked[j].outcome is not None if walked else False
            # One replay of the walk from the same seed meets the same user in the same states; each is
            # kept as a fork (the ranker only forks a state, so the fork's own stream is never drawn).
            env.reset(seed=seed)
            kept = len(replies) + (0 if ended else 1)  # a reply that ended it leaves no state
            for t in range(kept):
                states.append(ConversationState(env.unwrapped.fork(stream(self.cfg.seed, seed, t, 4)), seed, t))
                if t + 1 < kept:
                    env.step(replies[t])
        return states, sum(len(w.replies) for w in walked)

    def _write_chunk(self, path: Path, seeds: list[int]) -> None:
        states, walk_replies = self.states(seeds)
        ranked = self.ranker.rank(states)
        rows, counts = [], dict.fromkeys(COUNTS, 0)
        counts.update(states=len(states), walk_replies=walk_replies)
        for r in ranked:
            row = pair_row(r, self.cfg.min_gap_z, self.system, self.round)
            if isinstance(row, str):
                counts[f"dropped_{row}"] += 1
            else:
                rows.append(row)
            for key, value in r.calls.items():
                counts[key] += value
        counts["pairs"] = len(rows)
        tmp = path.with_name(path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        (tmp / "rows.json").write_text(json.dumps(rows))
        (tmp / "counts.json").write_text(json.dumps(counts))
        tmp.rename(path)  # a chunk is on disk whole or not at all

    def _join(self, shards: Path, wall_s: float) -> Path:
        datasets = _datasets()
        rows, counts = [], dict.fromkeys(COUNTS, 0)
        for i in range(len(self.chunks)):
            chunk = shards / f"chunk-{i:05d}"
            rows += json.loads((chunk / "rows.json").read_text())
            for key, value in json.loads((chunk / "counts.json").read_text()).items():
                counts[key] += value
        if not rows:
            raise OyrlError(f"{self.out}: no pair survived the noise rule ({counts['states']} states; "
                            f"{counts['dropped_within_noise']} within noise, {counts['dropped_identical']} identical); "
                            "raise lookahead.futures or states.seeds, or lower min_gap_z")
        target = self.out / "pairs"
        shutil.rmtree(target, ignore_errors=True)
        with library_bars_off():  # "Saving the dataset": one line of ours says it below
            datasets.Dataset.from_list(rows).save_to_disk(str(target))
        futures = counts["candidates"] * self.cfg.lookahead.futures
        summary = {**counts, "model": self.model, "round": self.round, "wall_s": wall_s,
                   "futures_per_s": futures / wall_s if wall_s > 0 else None}
        (self.out / "pairs.json").write_text(json.dumps(summary, indent=2))
        self.log(f"{counts['pairs']} pairs from {counts['states']} states ({counts['dropped_within_noise']} within "
                 f"noise, {counts['dropped_identical']} identical dropped): {target}")
        return target


def write_pairs(cfg: PairsConfig, out_dir: Path, model: str | None = None, round_: int = 1, log: Any = print) -> Path:
    """Write ``cfg``'s pairs into ``out_dir`` (resuming what is there) and return the dataset's directory."""
    return PairWriter(cfg, out_dir, model, round_, log).write()
