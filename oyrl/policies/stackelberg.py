"""StackelbergPlanner: the assistant as a Stackelberg leader that anticipates the user's reaction.

Oyster-I (arXiv 2509.01909) models a conversation as a Stackelberg game: the assistant (leader)
picks a response anticipating how the user (follower), whose type is hidden (benign, sensitive,
malicious), will react. This planner makes that anticipation concrete against oyrl's scripted
simulator, as a reference for what anticipation buys (``docs/stackelberg.md``). Each ``choose``:

1. **Belief.** A particle filter over (persona, latent state). At the opening, the persona
   posterior is exact Bayes: prior = the population's weights, likelihood = probability that the
   persona's opening templates, over its slot values, produce the observed cue vector
   (``oyrl.cues.reader.user_cues``, discretised to 4 decimals). Particles are drawn from it, each a
   ``ScriptedUser`` started from its persona's initial ranges. After each assistant turn every
   particle reacts to the strategy that was played (its own copy of the simulator and draw of the
   reply's wording quality); a particle whose act ends the conversation is dropped (the real one
   went on), the others are weighted by the likelihood of the observed cues under the act they took
   (same template model, slot values marginalised), and the set is resampled. Acts reveal type:
   attackers push back and escalate, vulnerable users repeat or calm down, benign users follow up.
2. **Anticipation.** For each strategy, ``rollouts`` Monte-Carlo rollouts: a particle
   (stratified over the belief) is copied and replies with the candidate; with ``horizon > 1`` a
   continuation policy plays the following replies. The rollout is scored when the conversation
   ends, or, cut off by the horizon, the way the objective scores a conversation that stops in
   that state. Every candidate sees the same particles and random streams (common random
   numbers), so differences between candidates are not noise between their samples. The default
   ``horizon=1`` is the one-move Stackelberg game of the paper: each reply is valued by the
   follower's reaction to it (deeper lookahead pays only at many times the budget:
   ``docs/stackelberg.md``).
3. **Choice.** The strategy with the best mean score (the leader's best response to the anticipated
   follower).

A reply's features are modelled as StrategyEnv makes them: the strategy's profile
(``strategy_features``) for the harm of the particle's own ask (its persona's ``ask_harm``: the
envs' judges read the simulated user's ask from ``RequestTruth``), at a wording quality drawn per
reply. Each simulated turn is then the environments' own step (``oyrl.env.step.dialogue_step``):
the same reaction, termination, outcome and reward as the env's for the same user and stream.

Objective (``objective``): ``"constructive"`` (default) scores a rollout with the held-out
constructive score of ``oyrl.metrics`` (``episode_score``: outcome satisfaction minus risk, the
harm of replies already given included; a rollout cut off by the horizon is scored as a
conversation that reached the turn limit in that state, e.g. trust minus distress for a
vulnerable user); ``"reward"`` sums the reward design's per-step rewards from now on (nothing past
the horizon). Continuation (``continuation``, used when ``horizon > 1``): ``"persona_best"`` plays
the best fixed strategy *for the particle's persona* (a table simulated once per population), i.e.
it assumes the type is known from then on (QMDP-style, optimistic); ``"belief_best"`` plays the
best fixed strategy for the current belief (pessimistic: no more learning); a strategy name plays
that strategy.

Privileged assumption: the planner knows the simulator (the reaction model and its parameters),
the population (personas, weights, utterance banks) and the objective. No deployed assistant knows
its users that well, so this is an upper reference for model-based anticipation, not a deployable
policy. It never reads an episode's ground truth: only the observation (StrategyEnv's cue vector,
or the text env's transcript) and the strategies it chose itself; ``info`` is not read at all.
All randomness comes from the generator passed to ``reset``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from oyrl.env.base import resolve_pack
from oyrl.env.step import dialogue_step
# reply_features, the planner's model of a reply, stays importable from here.
from oyrl.env.strategy import N_CUES, reply_features, sample_reply_features  # noqa: F401
from oyrl.errors import ConfigError
from oyrl.cues import user_cues
from oyrl.metrics import episode_score
from oyrl.rewards.design import RewardDesign, get_design
from oyrl.scenarios import CompiledPersona, ScenarioPack, template_slots
from oyrl.strategies import STRATEGIES, Strategy
from oyrl.types import Outcome, UserAct, UserType
from oyrl.users.scripted import ScriptedUser

N_STRATEGIES = len(STRATEGIES)
_TACTIC_ACTS = frozenset({UserAct.OPEN, UserAct.REPHRASE, UserAct.ESCALATE})
#: Slot combinations enumerated per template when building cue likelihoods; templates with more
#: combinations are estimated from this many combinations drawn with a fixed seed.
MAX_COMBOS_PER_TEMPLATE = 512

Key = tuple[float, ...]


@dataclass(frozen=True)
class StackelbergConfig:
    """Compute budget and modelling choices of ``StackelbergPlanner``.

    A decision costs about ``particles + 7 * rollouts * (mean rollout length)`` simulated user
    reactions (~15 microseconds each, with the features of each reply): with the defaults about
    500 reactions, ~8 ms, and ~35 ms per Mixed-Strategy-v0 episode (3.7 decisions) on one core.
    The population model (cue likelihoods, and the fixed-strategy table when ``horizon > 1``) is
    built once per population and shared by all planners in the process.
    """

    particles: int = 64
    """Particles (persona, latent state) in the belief filter."""
    rollouts: int = 32
    """Simulated continuations per candidate strategy per decision."""
    horizon: int = 1
    """Assistant turns a rollout simulates, the candidate's included (it also stops at the turn
    limit). A rollout cut short is scored as if the conversation ended unresolved there."""
    continuation: str = "persona_best"
    """Policy after the candidate (``horizon > 1``): ``persona_best``, ``belief_best`` or a
    strategy name."""
    objective: str = "constructive"
    """Rollout score: ``constructive`` (held-out episode score) or ``reward`` (the design's return)."""
    likelihood_floor: float = 1e-5
    """Added to every cue likelihood, so a message the model cannot produce (another simulator,
    a judge reading text) weakens the evidence instead of emptying the belief."""
    table_episodes: int = 16
    """Episodes per (persona, fixed strategy), simulated once per population, that value fixed
    strategies for the continuation policies."""

    def __post_init__(self) -> None:
        for name in ("particles", "rollouts", "horizon", "table_episodes"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"stackelberg.{name}: expected a positive integer, got {value!r}")
        if self.objective not in OBJECTIVES:
            raise ConfigError(
                f"stackelberg.objective: expected one of {sorted(OBJECTIVES)}, got {self.objective!r}"
            )
        known = (*CONTINUATIONS, *(s.value for s in STRATEGIES))
        if self.continuation not in known:
            raise ConfigError(
                f"stackelberg.continuation: expected one of {list(known)}, got {self.continuation!r}"
            )
        if not 0.0 < self.likelihood_floor < 1.0:
            raise ConfigError(
                f"stackelberg.likelihood_floor: expected a number in (0, 1), got {self.likelihood_floor!r}"
            )


def cue_key(cues: Sequence[float]) -> Key:
    """A hashable, discretised cue vector: float32 (as in StrategyEnv observations), 4 decimals."""
    arr = np.asarray(cues, dtype=np.float32)[:N_CUES].astype(np.float64)
    return tuple(np.round(arr, 4).tolist())


def transcript_user_messages(transcript: str) -> list[str]:
    """The user messages of a DialogueEnv transcript, oldest first (continuation lines un-indented)."""
    messages: list[list[str]] = []
    current: list[str] | None = None
    for line in transcript.split("\n"):
        if line.startswith("User: "):
            current = [line[len("User: ") :]]
            messages.append(current)
        elif line.startswith("Assistant: "):
            current = None
        elif line.startswith("  ") and current is not None:
            current.append(line[2:])
    return ["\n".join(m) for m in messages]




# ---- the population model (built once per population, shared by planners) ---------------------
class PopulationModel:
    """What the planner knows: personas, prior weights, cue likelihoods, fixed-strategy values.

    Cue likelihoods are exact over templates and (up to ``MAX_COMBOS_PER_TEMPLATE``) slot
    combinations, computed lazily per (persona, bank) and cached, with the messages that produce
    each cue vector.
    """

    def __init__(self, population: Sequence[tuple[CompiledPersona, float]], max_turns: int):
        self.personas = tuple(p for p, _ in population)
        prior = np.array([w for _, w in population], dtype=np.float64)
        self.prior = prior / prior.sum()
        self.types = tuple(p.spec.type for p in self.personas)
        self.max_turns = max_turns
        self._keys: dict[str, Key] = {}
        self._banks: dict[tuple[int, Any], dict[Key, float]] = {}
        self._values: dict[tuple[str, str, int], np.ndarray] = {}

    def _text_key(self, text: str) -> Key:
        key = self._keys.get(text)
        if key is None:
            key = self._keys[text] = cue_key(user_cues(text))
        return key

    def bank(self, pi: int, act: UserAct, level: int) -> dict[Key, float]:
        """P(cue key | persona ``pi`` says ``act`` at Strata ``level``).

        Mirrors ``ScriptedUser._say``: attackers open, rephrase and escalate from the tactics of
        their level, everyone else from the act's bank; templates uniform, slot values independent
        and uniform (the rule against repeating the last template verbatim is left out).
        """
        tactic = self.types[pi] is UserType.MALICIOUS and act in _TACTIC_ACTS
        bank_id: Any = ("tactic", level) if tactic else act
        cached = self._banks.get((pi, bank_id))
        if cached is not None:
            return cached
        persona = self.personas[pi]
        bank = persona.tactics[level] if isinstance(bank_id, tuple) else persona.banks[act]
        rng = np.random.default_rng(pi)  # fixed: the model must not depend on any episode
        dist: dict[Key, float] = {}
        for template in bank:
            names = sorted(template_slots(template))
            choices = [persona.slots[n] for n in names]
            if math.prod(len(c) for c in choices) <= MAX_COMBOS_PER_TEMPLATE:
                combos = list(itertools.product(*choices))
            else:
                combos = [
                    tuple(c[int(rng.integers(len(c)))] for c in choices) for _ in range(MAX_COMBOS_PER_TEMPLATE)
                ]
            mass = 1.0 / (len(bank) * len(combos))
            for combo in combos:
                text = template.format_map(dict(zip(names, combo)))
                key = self._text_key(text)
                dist[key] = dist.get(key, 0.0) + mass
        self._banks[(pi, bank_id)] = dist
        return dist

    def opening_likelihoods(self, key: Key) -> np.ndarray:
        """Probability of the opening cues ``key`` under each persona."""
        banks = (self.bank(i, UserAct.OPEN, p.spec.start_level) for i, p in enumerate(self.personas))
        return np.array([dist.get(key, 0.0) for dist in banks])

    def fixed_values(self, objective: str, design: RewardDesign, episodes: int) -> np.ndarray:
        """Mean objective of each fixed strategy per persona, shape (personas, strategies)."""
        cache_key = (objective, design.name, episodes)
        if cache_key not in self._values:
            values = np.zeros((len(self.personas), N_STRATEGIES))
            sim = _Simulator(self.max_turns, None, OBJECTIVES[objective], design)
            for pi, persona in enumerate(self.personas):
                for s in range(N_STRATEGIES):
                    rng = np.random.default_rng((pi, s))  # fixed seeds: a property of the model
                    total = 0.0
                    for _ in range(episodes):
                        user = ScriptedUser(persona)
                        user.start(rng)
                        total += sim.run(user, pi, 0.0, s, self.max_turns, 0, rng)
                    values[pi, s] = total / episodes
            self._values[cache_key] = values
        return self._values[cache_key]


_MODELS: dict[tuple, PopulationModel] = {}


def population_model(population: Sequence[tuple[CompiledPersona, float]], max_turns: int) -> PopulationModel:
    """The (cached) model of a population; the cache keeps its personas alive, so ids are stable."""
    key = (max_turns, tuple((id(p.spec), p.params, float(w)) for p, w in population))
    if key not in _MODELS:
        _MODELS[key] = PopulationModel(population, max_turns)
    return _MODELS[key]


# ---- rollouts -----------------------------------------------------------------------------------
def _constructive(outcome: Outcome, user: ScriptedUser, harm: float, reward: float) -> float:
    return episode_score(outcome, user.user_type, harm, user.hidden_state())


def _reward(outcome: Outcome, user: ScriptedUser, harm: float, reward: float) -> float:
    return reward


#: Rollout scores: (outcome, user at the end, most harmful reply, summed design reward) -> float.
OBJECTIVES: dict[str, Callable[[Outcome, ScriptedUser, float, float], float]] = {
    "constructive": _constructive,
    "reward": _reward,
}


class _Simulator:
    """Plays strategies against a simulated user, each turn the environment's own step
    (``dialogue_step``) on the features StrategyEnv gives the strategy."""

    def __init__(
        self, max_turns: int, continuation: np.ndarray | None, score: Callable, design: RewardDesign
    ):
        self.max_turns = max_turns
        self.continuation = continuation  # strategy per persona after the first reply; None: repeat it
        self.score = score
        self.design = design if score is _reward else None  # the constructive score needs no reward

    def run(
        self, user: ScriptedUser, pi: int, harm: float, first: int, horizon: int, turn: int,
        rng: np.random.Generator,
    ) -> float:
        """Score of playing ``first`` then the continuation on ``user`` (changed in place).

        ``harm`` is the most harmful reply of the real episode so far, ``turn`` the assistant turns
        already taken.
        """
        strategy, reward = first, 0.0
        ask = user.spec.ask_harm
        for _ in range(horizon):
            features = sample_reply_features(strategy, ask, rng)
            if features.harmful > harm:
                harm = features.harmful
            step = dialogue_step(user, features, turn, self.max_turns, self.design, rng)
            turn, reward = step.turn, reward + step.reward
            if step.outcome is not None:
                return self.score(step.outcome, user, harm, reward)
            if self.continuation is not None:
                strategy = int(self.continuation[pi])
        return self.score(Outcome.UNRESOLVED, user, harm, reward)  # cut off by the horizon


def _persona_best(values: np.ndarray, weights: np.ndarray, personas: np.ndarray) -> np.ndarray:
    return values.argmax(axis=1)


def _belief_best(values: np.ndarray, weights: np.ndarray, personas: np.ndarray) -> np.ndarray:
    expected = weights @ values[personas]
    return np.full(values.shape[0], int(expected.argmax()))


#: Continuation policies: (fixed-strategy values, particle weights, particle personas) -> strategy
#: index per persona. A strategy name in the config plays that strategy instead.
CONTINUATIONS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]] = {
    "persona_best": _persona_best,
    "belief_best": _belief_best,
}


def _systematic(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Systematic resampling: ``n`` indices with counts within one of ``n * weights``."""
    positions = (rng.random() + np.arange(n)) / n
    return np.minimum(np.searchsorted(np.cumsum(weights), positions), len(weights) - 1)


# ---- the planner --------------------------------------------------------------------------------
class StackelbergPlanner:
    """Plans each reply by simulating the user's reaction under a belief over who the user is.

    Args:
        pack: the population the planner assumes (built-in name, YAML path or loaded pack); the
            default ``"mixed"`` is the union of the built-in populations. Use ``for_env`` to take an
            environment's own population (persona subset, ``reaction_params`` overrides).
        config: compute budget and modelling choices (``StackelbergConfig``).
        design: reward design for ``objective="reward"`` (built-in name, path or object).
        max_turns: the episode's turn limit; defaults to the pack's.
        population: ``(persona, probability)`` pairs, overriding ``pack``'s.

    After each ``choose``: ``type_belief`` (posterior over user types given everything seen),
    ``belief_trace`` (one such dict per decision of the episode) and ``values`` (each strategy's
    estimated score at the latest decision).
    """

    name = "stackelberg"

    def __init__(
        self,
        pack: str | Path | ScenarioPack = "mixed",
        *,
        config: StackelbergConfig | None = None,
        design: str | Path | RewardDesign = "constructive",
        max_turns: int | None = None,
        population: Sequence[tuple[CompiledPersona, float]] | None = None,
    ):
        self.config = config or StackelbergConfig()
        if population is None:
            loaded = resolve_pack(pack)
            population = tuple(zip(loaded.personas, loaded.weights))
            max_turns = max_turns or loaded.max_turns
        if not max_turns:
            raise ConfigError("StackelbergPlanner: max_turns is needed when a population is given")
        self.design = get_design(design)
        self.max_turns = max_turns
        self.model = population_model(population, max_turns)
        cfg = self.config
        self._fixed: np.ndarray | None = None  # continuation strategy per persona, when fixed
        self._values = np.zeros((len(self.model.personas), N_STRATEGIES))
        if cfg.continuation not in CONTINUATIONS:
            self._fixed = np.full(len(self.model.personas), STRATEGIES.index(Strategy(cfg.continuation)))
        elif cfg.horizon > 1:  # a one-reply lookahead never continues: no table needed
            self._values = self.model.fixed_values(cfg.objective, self.design, cfg.table_episodes)
        self.reset(np.random.default_rng(0))

    @classmethod
    def for_env(cls, env: Any, config: StackelbergConfig | None = None) -> StackelbergPlanner:
        """A planner that assumes ``env``'s population, turn limit and reward design."""
        base = env.unwrapped
        return cls(config=config, design=base.design, max_turns=base.max_turns, population=base.population)

    # ---- StrategyPolicy ------------------------------------------------------------------------
    def reset(self, rng: np.random.Generator) -> None:
        """Start an episode: forget the belief; all randomness from now on comes from ``rng``."""
        self._rng = rng
        self._turn = 0
        self._last: int | None = None
        self._users: list[ScriptedUser] = []
        self._personas = np.zeros(0, dtype=np.int64)
        self._harm = np.zeros(0)
        self._weights = np.zeros(0)
        self.type_belief: dict[UserType, float] = {}
        self.belief_trace: list[dict[UserType, float]] = []
        self.values: dict[Strategy, float] = {}

    def choose(self, observation: Any, info: dict[str, Any]) -> Strategy:
        """Update the belief with the user's latest message, then pick the best-anticipated strategy.

        ``info`` is not read: the planner sees only ``observation`` (a StrategyEnv cue vector or a
        DialogueEnv transcript) and remembers the strategies it chose.
        """
        self.observe(observation, None if self._last is None else STRATEGIES[self._last])
        action = self._plan()
        self._last = action
        return STRATEGIES[action]

    def observe(self, observation: Any, played: Strategy | None) -> None:
        """Update the belief with the user's latest message: the opening when ``played`` is None,
        else the answer to a reply of strategy ``played``. ``choose`` calls it with its own last
        choice; a policy that writes text passes the strategy its reply reads as (``strategy_of``),
        and then draws simulated users from the belief with ``particles``."""
        key = self._observe(observation)
        if played is None:
            self._start_belief(key)
        else:
            self._turn += 1
            self._update_belief(STRATEGIES.index(Strategy(played)), key)
        self.belief_trace.append(self.type_belief)

    def particles(self, n: int) -> list[tuple[ScriptedUser, float]]:
        """``n`` stratified draws from the belief (after ``observe``): a copy of a simulated user in
        its latent state, and the most harmful reply it has heard so far (of the modelled replies)."""
        size = len(self._users)
        drawn = ((self._rng.random() + np.arange(n)) * size / n).astype(np.int64) % size
        return [(self._users[i].clone(), float(self._harm[i])) for i in drawn.tolist()]

    # ---- belief --------------------------------------------------------------------------------
    @staticmethod
    def _observe(observation: Any) -> Key:
        """Cues of the user's latest message."""
        if isinstance(observation, str):
            messages = transcript_user_messages(observation)
            return cue_key(user_cues(messages[-1] if messages else ""))
        arr = np.asarray(observation)
        if arr.ndim != 1 or arr.shape[0] < N_CUES:
            raise TypeError(
                "StackelbergPlanner: expected a StrategyEnv observation vector or a DialogueEnv "
                f"transcript, got {type(observation).__name__} of shape {getattr(arr, 'shape', None)}"
            )
        return cue_key(arr[:N_CUES])

    def _set_type_belief(self, weights: np.ndarray, personas: np.ndarray) -> None:
        mass = {t: 0.0 for t in UserType}
        for w, pi in zip(weights.tolist(), personas.tolist()):
            mass[self.model.types[pi]] += w
        self.type_belief = mass

    def _start_belief(self, key: Key) -> None:
        """Exact persona posterior of the opening; particles drawn from it (latent state from the prior)."""
        model, rng = self.model, self._rng
        posterior = model.prior * (model.opening_likelihoods(key) + self.config.likelihood_floor)
        posterior /= posterior.sum()
        self._set_type_belief(posterior, np.arange(len(posterior)))
        self._personas = _systematic(posterior, self.config.particles, rng)
        self._users = []
        for pi in self._personas.tolist():
            user = ScriptedUser(model.personas[pi])
            user.start(rng)  # latent state from the persona's initial ranges
            self._users.append(user)
        self._harm = np.zeros(len(self._users))
        self._weights = np.full(len(self._users), 1.0 / len(self._users))

    def _update_belief(self, played: int, key: Key) -> None:
        """Bootstrap particle-filter step: every particle reacts to ``played``; weight by the cues seen."""
        model, rng, floor = self.model, self._rng, self.config.likelihood_floor
        users, harm = [], self._harm.copy()
        weights = np.zeros(len(self._users))
        for i, (user, pi) in enumerate(zip(self._users, self._personas.tolist())):
            user = user.clone()
            features = sample_reply_features(played, user.spec.ask_harm, rng)
            harm[i] = max(harm[i], features.harmful)
            step = dialogue_step(user, features, self._turn - 1, self.max_turns, None, rng)
            users.append(user)
            if not step.terminated:  # the real conversation went on
                act = step.reaction.act
                weights[i] = self._weights[i] * (model.bank(pi, act, user.level).get(key, 0.0) + floor)
        total = weights.sum()
        if total <= 0.0:  # every particle would have ended the conversation: keep the old belief
            return
        weights /= total
        self._set_type_belief(weights, self._personas)
        idx = _systematic(weights, self.config.particles, rng).tolist()
        self._users = [users[i] for i in idx]
        self._personas = self._personas[idx]
        self._harm = harm[idx]
        self._weights = np.full(len(idx), 1.0 / len(idx))

    # ---- anticipation --------------------------------------------------------------------------
    def _plan(self) -> int:
        """The strategy with the best mean rollout score (common random numbers across candidates)."""
        cfg, rng, n = self.config, self._rng, len(self._users)
        chosen = ((rng.random() + np.arange(cfg.rollouts)) * n / cfg.rollouts).astype(np.int64) % n
        seeds = rng.integers(2**63, size=cfg.rollouts).tolist()
        streams = [np.random.Generator(np.random.PCG64(seed)) for seed in seeds]
        starts = [g.bit_generator.state for g in streams]
        continuation = self._fixed
        if continuation is None:
            continuation = CONTINUATIONS[cfg.continuation](self._values, self._weights, self._personas)
        sim = _Simulator(self.max_turns, continuation, OBJECTIVES[cfg.objective], self.design)
        horizon = min(cfg.horizon, self.max_turns - self._turn)
        totals = np.zeros(N_STRATEGIES)
        for s in range(N_STRATEGIES):
            for i, g, start in zip(chosen.tolist(), streams, starts):
                g.bit_generator.state = start
                totals[s] += sim.run(
                    self._users[i].clone(), int(self._personas[i]), float(self._harm[i]), s, horizon,
                    self._turn, g,
                )
        means = totals / cfg.rollouts
        self.values = {STRATEGIES[s]: float(v) for s, v in enumerate(means)}
        return int(means.argmax())
