"""Lookahead ranking: value candidate replies by the simulated conversations they lead to.

For a conversation state (an env mid-conversation), ``LookaheadRanker.rank`` samples K candidate
replies from the policy, then plays M simulated futures of each: a fork of the state
(``ConversationEnv.fork``) hears the candidate, the simulated user reacts, and the rollout policy
writes the later assistant turns, to the end of the conversation or a horizon of H turns. A
candidate's value is the mean over its futures of the reward design's return from its turn on (or
the constructive score of the whole conversation), with a standard error.

Why futures rather than one judgement of the reply: a reply's worth shows in what the user does
next (a distressed user who accepts help, an attacker who escalates), which the reward design
scores at the end of the conversation; that is the signal the environments give, and the one a
judge of a single reply cannot see.

Common random numbers: future ``m`` of every candidate of a state is a fork seeded by ``(seed,
state, m)``, and its later replies are sampled from one stream of the same key, so candidates
meet the same users' luck and their difference is not noise between their samples (as the
Stackelberg planner compares strategies, ``oyrl.policies.stackelberg``). The standard error of a
difference is then that of the paired per-future differences. Every stream depends on its key
only, and sampling is batch-invariant (``RolloutEngine.sample(exact=True)``, ``LookaheadSpec.exact``), so a candidate's
futures do not depend on which other candidates or states share the batch, or in what order.

Batched: all ``states * K * M`` futures advance together through the rollout engine, one batched
generation per turn.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from oyrl.config import LookaheadSpec
from oyrl.llm.rollout import RolloutEngine, env_pool, stream
from oyrl.metrics import episode_score
from oyrl.types import Outcome, UserType

SCORES = ("return", "constructive")


@dataclass(frozen=True)
class ConversationState:
    """A point in a conversation where the assistant replies next.

    Args:
        env: an oyrl text env (unwrapped or not) whose conversation is under way; the ranker only
            forks it, never steps it.
        seed: the scenario seed the conversation was reset with.
        turn: assistant replies already given.
    """

    env: Any
    seed: int
    turn: int

    @property
    def messages(self) -> list[dict[str, str]]:
        """The conversation so far as chat messages, ending with the user's message."""
        return self.env.unwrapped.messages

    def future(self, m: int, seed: int) -> Any:
        """The env future ``m`` plays in, drawing from ``seed``: a fork of the conversation."""
        return self.env.unwrapped.fork(seed)


@dataclass
class Candidate:
    """One candidate reply and its simulated futures; arrays are ``(M,)``, one entry per future."""

    text: str
    returns: np.ndarray
    """The design's return from the candidate's turn on, per future."""
    constructive: np.ndarray
    """The held-out constructive score of the whole conversation, per future (``episode_score``)."""
    replies: int = 0
    """Assistant replies the futures sampled after the candidate (model calls)."""
    steps: int = 0
    """Simulator steps of the futures (a user reaction and a judge reading each)."""

    def values(self, score: str) -> np.ndarray:
        """The per-future values of ``score`` (``return`` or ``constructive``)."""
        return self.returns if score == "return" else self.constructive

    def mean(self, score: str) -> float:
        """Mean over futures."""
        return float(self.values(score).mean())

    def se(self, score: str) -> float:
        """Standard error of the mean (0 with one future)."""
        v = self.values(score)
        return float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else 0.0


@dataclass
class RankedState:
    """A state's candidates, best first by ``score``."""

    state: ConversationState
    candidates: list[Candidate]
    score: str
    calls: dict[str, int] = field(default_factory=dict)

    @property
    def best(self) -> Candidate:
        return self.candidates[0]

    @property
    def worst(self) -> Candidate:
        return self.candidates[-1]

    def gap(self) -> tuple[float, float]:
        """Best minus worst mean score, and the standard error of that difference from the paired
        per-future differences (the futures share their random streams)."""
        diff = self.best.values(self.score) - self.worst.values(self.score)
        se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0
        return float(diff.mean()), se


class LookaheadRanker:
    """Ranks candidate replies at conversation states by simulated futures (module docstring).

    Args:
        policy: the engine whose model writes the candidates.
        spec: K, M, horizon and score (``oyrl.config.LookaheadSpec``).
        rollout: the engine whose model writes the later turns of each future; default ``policy``.
        seed: the root of every stream (candidates, forks, later replies).
        futures_per_batch: most futures advanced together; default: all of a ``rank`` call. With
            ``spec.exact`` any value gives the same futures (every stream is its own, sampling is
            batch-invariant); ``1`` plays one future at a time (the benchmark's peer).
    """

    def __init__(self, policy: RolloutEngine, spec: LookaheadSpec, rollout: RolloutEngine | None = None,
                 seed: int = 0, futures_per_batch: int | None = None):
        self.policy, self.spec, self.seed = policy, spec, seed
        self.rollout = rollout or policy
        self.futures_per_batch = futures_per_batch

    def _generator(self, *key: int) -> torch.Generator:
        return torch.Generator(self.policy.device).manual_seed(stream(self.seed, *key))

    def candidates(self, states: list[ConversationState]) -> list[list[str]]:
        """K sampled replies per state, each from its own stream ``(seed, state, k)``."""
        k = self.spec.candidates
        prompts = [prompt for s in states for prompt in [self.policy.format.prompt(s.messages)] * k]
        gens = [self._generator(s.seed, s.turn, 0, j) for s in states for j in range(k)]
        with _eval_mode(self.policy.model):
            replies = self.policy.sample(prompts, gens, exact=self.spec.exact)
        texts = [self.policy.reply_prefix + self.policy.tokenizer.decode(r.ids, skip_special_tokens=True)
                 for r in replies]
        return [texts[i * k : (i + 1) * k] for i in range(len(states))]

    def rank(self, states: list[ConversationState], texts: list[list[str]] | None = None) -> list[RankedState]:
        """Value every candidate of every state by ``M`` futures and sort them, best first.

        Args:
            states: conversation states (not stepped).
            texts: the candidates per state; default: ``candidates(states)``.
        """
        texts = texts if texts is not None else self.candidates(states)
        m = self.spec.futures
        # One fork per (state, candidate, future); future m of a state has the same stream for every
        # candidate (common random numbers).
        jobs = [(si, ci, fi) for si, cands in enumerate(texts) for ci in range(len(cands)) for fi in range(m)]
        forks, first, later = [], [], {}
        size = self.futures_per_batch or len(jobs)
        for start in range(0, len(jobs), size):
            part = jobs[start : start + size]
            part_forks = [states[si].future(fi, stream(self.seed, states[si].seed, states[si].turn, 1, fi))
                          for si, _, fi in part]
            with env_pool(part_forks) as pool:
                steps = pool.map(lambda env, job: env.step(texts[job[0]][job[1]]), part_forks, part)
            going = [i for i, step in enumerate(steps) if not (step[2] or step[3])]
            episodes = self._continue([part_forks[i] for i in going], [part[i] for i in going], states)
            later.update((start + i, episode) for i, episode in zip(going, episodes))
            forks += part_forks
            first += steps
        shape = [(len(cands), m) for cands in texts]
        returns, constructive = [np.zeros(sh) for sh in shape], [np.zeros(sh) for sh in shape]
        replies, steps = [np.zeros(sh[0], dtype=int) for sh in shape], [np.zeros(sh[0], dtype=int) for sh in shape]
        for i, (si, ci, fi) in enumerate(jobs):
            _, reward, _, _, info = first[i]
            episode = later.get(i)
            returns[si][ci, fi] = reward + (episode.episode_return if episode else 0.0)
            constructive[si][ci, fi] = _constructive(forks[i], info, episode)
            turns = episode.turns if episode else 0
            replies[si][ci] += turns
            steps[si][ci] += 1 + turns
        ranked = []
        for si, cands in enumerate(texts):
            out = [Candidate(text, returns[si][ci], constructive[si][ci], int(replies[si][ci]), int(steps[si][ci]))
                   for ci, text in enumerate(cands)]
            out.sort(key=lambda c: -c.mean(self.spec.score))  # stable: ties keep the sampling order
            calls = {"candidates": len(cands), "future_replies": sum(c.replies for c in out),
                     "simulator_steps": sum(c.steps for c in out)}
            ranked.append(RankedState(states[si], out, self.spec.score, calls))
        return ranked

    def _continue(self, forks: list[Any], jobs: list[tuple[int, int, int]], states: list[ConversationState]) -> list:
        """The rollout policy's turns after each candidate (up to the horizon), each future sampling
        from the stream of its ``(state, future)`` key."""
        turns = None if self.spec.horizon is None else self.spec.horizon - 1
        if not forks or turns == 0:
            return [None] * len(forks)
        gens = [self._generator(states[si].seed, states[si].turn, 2, fi) for si, _, fi in jobs]
        with _eval_mode(self.rollout.model):
            return self.rollout.proceed(forks, gens, exact=self.spec.exact, turns=turns)


def _constructive(fork: Any, info: dict[str, Any], episode: Any) -> float:
    """The constructive score of a future: its outcome (unresolved when the horizon cut it), the
    user's final latent state, and the most harmful reply of the whole conversation."""
    outcome = info.get("outcome") or (episode.trajectory.outcome if episode else None)
    final_state = episode.trajectory.final_state if episode and episode.turns else info["user_state"]
    return episode_score(outcome or Outcome.UNRESOLVED, UserType(info["user_type"]), fork.harm_delivered, final_state)


@contextmanager
def _eval_mode(model: torch.nn.Module) -> Iterator[None]:
    """No dropout while sampling (as ``RolloutEngine.collect``); the mode is restored after."""
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        model.train(was_training)
