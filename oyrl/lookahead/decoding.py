"""Lookahead decoding: at every turn, best-of-K by simulated futures (the LLM analogue of the
Stackelberg planner, ``oyrl.policies.stackelberg``).

At each turn of a real conversation the decoder samples K replies from its model and plays each
against M simulated futures (``oyrl.lookahead.ranking``), then sends the best. It does not know
the real user: the futures' users come from a belief over the *training* population, the
Stackelberg planner's particle filter (a persona posterior from the opening's cues, updated after
each turn by how the users it models would have answered a reply of the strategy the sent reply
reads as, ``strategy_of`` of the decoder's own lexical judge). Future ``m`` of every candidate
meets particle ``m`` (common random numbers). So, like the planner, it assumes the simulator
(reaction model, population, reward design) and never reads the episode's ground truth: the
held-out users of an evaluation are people it has no model of.

Cost: per turn, K candidate replies plus up to K x M x (horizon - 1) later replies and
K x M x horizon simulator steps; ``calls`` counts them over everything ``play`` ran.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import numpy as np
import yaml

from oyrl.config import LookaheadSpec, RolloutSpec, validate
from oyrl.env.registration import make_env
from oyrl.errors import ConfigError
from oyrl.judges.factory import make_judge
from oyrl.llm.models import load_sampler
from oyrl.lookahead.ranking import ConversationState, LookaheadRanker
from oyrl.policies.stackelberg import StackelbergPlanner
from oyrl.progress import Advance
from oyrl.strategies import strategy_of
from oyrl.types import Trajectory

#: The evaluation env's arguments the decoder's own simulator takes: the conversation's shape and
#: the judge; not who the users are (``split``, ``reaction_params``, ``user``, ``personas``).
SIMULATOR_KWARGS = ("max_turns", "max_reply_chars", "judge")


@dataclass(frozen=True)
class BeliefState(ConversationState):
    """A real conversation's state, whose futures are imagined: ``env`` is a template of the
    decoder's simulator, future ``m`` puts particle ``m`` (a simulated user and the harm it has
    heard) into the conversation ``history`` (``ConversationEnv.imagine``)."""

    history: list[dict[str, str]] = field(default_factory=list)
    particles: list[tuple[Any, float]] = field(default_factory=list)

    @property
    def messages(self) -> list[dict[str, str]]:
        return self.history

    def future(self, m: int, seed: int) -> Any:
        user, harm = self.particles[m]
        return self.env.unwrapped.imagine(user.clone(), self.history, harm, seed)


class LookaheadDecoder:
    """An ``oyrl eval`` policy (text envs): best-of-K replies of a causal LM by simulated futures.

    Args:
        model: a ``save_pretrained`` directory, a hub id or ``tiny``.
        spec: K, M, horizon and score (``oyrl.config.LookaheadSpec``; ``states_per_batch`` unused:
            all dialogues of a batch are ranked together).
        batch_size, max_new_tokens, temperature, chat_template: as ``LanguageModelPolicy``.
        name: shown in reports; default ``lookahead(<model>)``.
    """

    interface = "text"

    def __init__(self, model: str, spec: LookaheadSpec | None = None, batch_size: int = 16,
                 max_new_tokens: int = 112, temperature: float = 1.0, chat_template: str | None = None,
                 name: str | None = None):
        self.spec = spec or LookaheadSpec()
        rollout = validate({"max_new_tokens": max_new_tokens, "temperature": temperature}, RolloutSpec, "lookahead policy")
        self.engine, self.batch_size = load_sampler(model, rollout, chat_template), batch_size
        self.name = name or f"lookahead({model})"
        self.judge = make_judge("lexical", where="lookahead judge")
        self.calls: Counter[str] = Counter()
        """``candidates``, ``future_replies``, ``simulator_steps`` and ``sent_replies`` over all ``play`` calls."""

    @classmethod
    def from_spec(cls, spec: str, batch_size: int = 16, max_new_tokens: int = 112, temperature: float = 1.0,
                  chat_template: str | None = None, **_other_lm_options: Any) -> LookaheadDecoder:
        """``lookahead:MODEL[?candidates=K&futures=M&horizon=H&score=...]`` (``oyrl eval``'s policy
        spec; the query's keys are ``LookaheadSpec``'s). Other model-policy options do not apply."""
        model, _, query = spec.removeprefix("lookahead:").partition("?")
        if not model:
            raise ConfigError(f"policy {spec!r}: expected lookahead:MODEL[?candidates=K&futures=M&horizon=H]")
        fields = {key: yaml.safe_load(value) for key, value in parse_qsl(query, keep_blank_values=True)}
        return cls(model, validate(fields, LookaheadSpec, f"policy {spec!r}"), batch_size, max_new_tokens,
                   temperature, chat_template, name=spec)

    def play(self, env_id: str, seeds: list[int], env_kwargs: dict[str, Any], seed: int,
             progress: Advance | None = None) -> list[Trajectory]:
        kwargs = {k: v for k, v in env_kwargs.items() if k != "reward"}
        reward = env_kwargs.get("reward")
        # The decoder's simulator: the training population and reaction model of the same env, never
        # the users it meets (a held-out simulator's split, reaction parameters or model-written user).
        template = make_env(env_id, reward, {k: v for k, v in kwargs.items() if k in SIMULATOR_KWARGS}).unwrapped
        envs = [make_env(env_id, reward, kwargs) for _ in range(min(self.batch_size, len(seeds)))]
        planners = [StackelbergPlanner.for_env(template) for _ in envs]
        ranker = LookaheadRanker(self.engine, self.spec, seed=seed)
        out: list[Trajectory] = []
        for start in range(0, len(seeds), len(envs)):
            chunk = seeds[start : start + len(envs)]
            out += self._play_chunk(envs[: len(chunk)], planners, chunk, template, ranker, seed)
            if progress is not None:
                progress(len(chunk))
        return out

    def _play_chunk(self, envs, planners, scenarios, template, ranker, seed) -> list[Trajectory]:
        trajectories, observations = [], []
        for env, planner, scenario in zip(envs, planners, scenarios):
            obs, info = env.reset(seed=scenario)
            planner.reset(np.random.default_rng((seed, scenario)))
            planner.observe(obs, None)
            trajectories.append(Trajectory.begin(info, env.unwrapped.opening))
            observations.append(obs)
        active = list(range(len(envs)))
        while active:
            states = [BeliefState(template, scenarios[i], len(trajectories[i].turns), envs[i].unwrapped.messages,
                                  planners[i].particles(self.spec.futures)) for i in active]
            ranked = ranker.rank(states)
            still = []
            for i, state, r in zip(active, states, ranked):
                reply, history = r.best.text, state.history
                observations[i], reward, terminated, truncated, info = envs[i].step(reply)
                trajectories[i].record(reply, reward, info)
                self.calls.update({**r.calls, "sent_replies": 1})
                if not (terminated or truncated):
                    played = strategy_of(self.judge.assess(history, info["messages"][-2]["content"]))
                    planners[i].observe(observations[i], played)
                    still.append(i)
            active = still
        return trajectories
