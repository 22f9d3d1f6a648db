"""The conversation loop shared by DialogueEnv (text actions) and StrategyEnv (strategy actions).

One step: the subclass turns its action into ResponseFeatures (a judge reading text, or a strategy
profile), the simulated user reacts, and the reward design scores the step (``oyrl.env.step``:
``dialogue_step``, which the Stackelberg planner's simulated futures share). Ground truth about the
user (type, persona, latent state) goes to ``info`` only, for analysis and for rewards.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import gymnasium as gym
from gymnasium.utils import seeding

from oyrl.env.step import dialogue_step
from oyrl.errors import ConfigError
from oyrl.reasoning.block import Declared
from oyrl.schema import did_you_mean
from oyrl.resources import builtin_pack_path
from oyrl.rewards.design import RewardDesign, get_design
from oyrl.scenarios import CompiledPersona, ScenarioPack, load_pack
from oyrl.types import RequestTruth, ResponseFeatures, UserType
from oyrl.users.base import Reaction
from oyrl.users.factory import make_user_factory, parse_user_spec
from oyrl.users.params import ReactionParams
from oyrl.users.scripted import ScriptedUser

ObsT = TypeVar("ObsT")
ActT = TypeVar("ActT")


@lru_cache(maxsize=64)
def _cached_pack(path: str, mtime: float, split: str) -> ScenarioPack:
    return load_pack(path, split)


def resolve_pack(pack: str | Path | ScenarioPack, split: str = "train") -> ScenarioPack:
    """A pack's ``split`` from an object, a YAML path or a built-in name (loaded once per file version).

    A loaded ``ScenarioPack`` holds one split only, so asking it for another is an error rather
    than a silent fall back to the split it holds.
    """
    if isinstance(pack, ScenarioPack):
        if pack.split != split:
            raise ConfigError(
                f"split: pack {pack.name} was loaded for split {pack.split!r}; pass its path or name "
                f"to get another split, got {split!r}"
            )
        return pack
    path = Path(pack)
    if not path.is_file():
        path = builtin_pack_path(str(pack))
    return _cached_pack(str(path.resolve()), path.stat().st_mtime, split)


def _checked_params(overrides: dict[str, float]) -> dict[str, float]:
    names = ReactionParams.names()
    for key, value in overrides.items():
        if key not in names:
            raise ConfigError(f"reaction_params.{key}: unknown reaction parameter" + did_you_mean(key, names))
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ConfigError(f"reaction_params.{key}: expected a number, got {value!r}")
    return {k: float(v) for k, v in overrides.items()}


def format_state(state: dict[str, Any]) -> str:
    """``key=value`` pairs of a hidden state, floats to two decimals (for humans)."""
    return ", ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in state.items())


class ConversationEnv(gym.Env[ObsT, ActT], Generic[ObsT, ActT]):
    """Base class: a conversation with one simulated user per episode.

    Args:
        pack: scenario pack (built-in name such as ``"mixed"``, YAML path, or loaded pack).
        reward: reward design (built-in name, YAML path, or ``RewardDesign``).
        max_turns: assistant turns before truncation; defaults to the pack's ``episode.max_turns``.
        personas: restrict sampling to these persona ids of the split (e.g. one user type).
        reaction_params: reaction-model parameters to set for every persona, over the pack's own
            overrides (for sensitivity sweeps, or a held-out population such as
            ``oyrl.users.params.HELDOUT_REACTION_PARAMS["impatient"]``), e.g.
            ``{"leave_hard_refusal_logit": 2.0}``.
        split: ``"train"`` (default) draws only the pack's train personas and templates;
            ``"heldout"`` only the personas marked ``heldout: true``, with the held-out templates
            (``docs/scenario_packs.md``, "Held-out simulators"). The loader compiles one split, so
            a train env holds no held-out content at all. ``info["split"]`` reports it.
        user: which simulated user each episode gets: ``None`` or ``"scripted"`` (the scripted
            user), a user spec mapping such as ``{"kind": "llm", "backend": "transformers",
            "model": path}`` (``docs/llm_users.md``; text envs only), or a prebuilt factory
            (``persona -> ScriptedUser`` or subclass, e.g. ``oyrl.users.factory.make_user_factory(...)``).
            A model-written user reports its episode's fallbacks as ``info["user_sim"]``.

    ``reset(options={"persona": id})`` forces the persona of one episode (GRPO groups, evaluation).
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 1}  # fps: Gymnasium asks; a chat has no frame rate
    #: Whether the assistant's action is text a model-written user can read (DialogueEnv).
    TEXT_ACTIONS = False
    #: The declared assessment of the reply being stepped (DialogueEnv sets it in ``_features``).
    _declared: Declared | None = None

    def __init__(
        self,
        pack: str | Path | ScenarioPack = "mixed",
        reward: str | Path | RewardDesign = "constructive",
        max_turns: int | None = None,
        personas: list[str] | None = None,
        reaction_params: dict[str, float] | None = None,
        render_mode: str | None = None,
        split: str = "train",
        user: Any = None,
    ):
        self.pack = resolve_pack(pack, split)
        self.split = split
        self.design = get_design(reward)
        if max_turns is not None and (not isinstance(max_turns, int) or max_turns < 1):
            raise ConfigError(f"max_turns: expected a positive integer, got {max_turns!r}")
        self.max_turns = max_turns or self.pack.max_turns
        chosen = self.pack.personas, self.pack.weights
        if personas is not None:
            known = {p.spec.id: (p, w) for p, w in zip(*chosen)}
            missing = [pid for pid in personas if pid not in known]
            if missing or not personas:
                raise ConfigError(
                    f"personas: unknown persona id {missing[0] if missing else None!r} in the {split} split of pack {self.pack.name}"
                )
            total = sum(known[pid][1] for pid in personas)
            chosen = tuple(known[pid][0] for pid in personas), tuple(known[pid][1] / total for pid in personas)
        overrides = _checked_params(reaction_params or {})
        self._personas: tuple[CompiledPersona, ...] = tuple(
            replace(p, params=p.params.updated(overrides)) for p in chosen[0]
        )
        self._cum_weights = tuple(sum(chosen[1][: i + 1]) for i in range(len(chosen[1])))
        self._by_id = {p.spec.id: p for p in self._personas}
        if render_mode not in (None, "ansi"):
            raise ConfigError(f"render_mode: expected None or 'ansi', got {render_mode!r}")
        self.render_mode = render_mode
        self.user_factory = self._make_user_factory(user)
        self._released = False
        self.user: ScriptedUser | None = None
        self._hear: Any = None
        self._sim_stats: Any = None
        self.turn = 0
        self._done = True
        self._max_harmful = 0.0
        self._persona_info: dict[str, Any] = {}
        self.truth: RequestTruth | None = None

    @property
    def population(self) -> tuple[tuple[CompiledPersona, float], ...]:
        """The personas ``reset`` draws from (with ``reaction_params`` applied) and their probabilities.

        The environment's configuration, not any episode's ground truth: model-based planners
        (``StackelbergPlanner.for_env``) use it as their prior over users.
        """
        lows = (0.0, *self._cum_weights[:-1])
        return tuple((p, c - low) for p, c, low in zip(self._personas, self._cum_weights, lows))

    # ---- subclass hooks ------------------------------------------------------------------------
    def _features(self, action: ActT) -> tuple[ResponseFeatures, str]:
        """Judge the action: its features and the assistant text to record."""
        raise NotImplementedError

    def _observe(self, reaction: Reaction | None) -> ObsT:
        raise NotImplementedError

    def _start(self, opening: str) -> None:
        """Reset subclass state for a new conversation that opens with ``opening``."""

    def _record(self, reply: str, user_text: str, info: dict[str, Any]) -> None:
        """Append one exchange to subclass state and fill subclass-specific info."""

    # ---- Gymnasium API ------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[ObsT, dict]:
        super().reset(seed=seed)
        persona_id = (options or {}).get("persona")
        if persona_id is not None:
            if persona_id not in self._by_id:
                raise ConfigError(
                    f"options.persona: unknown persona id {persona_id!r} in the {self.split} split of pack {self.pack.name}"
                )
            persona = self._by_id[persona_id]
        else:
            u = self.np_random.random()
            persona = next((p for p, c in zip(self._personas, self._cum_weights) if u < c), self._personas[-1])
        self._meet(self.user_factory(persona))
        opening = self.user.start(self.np_random)
        self.opening = opening
        self.turn = 0
        self._done = False
        self._max_harmful = 0.0
        self._start(opening)
        self._persona_info["attack_level"] = self.user.level if self.user.user_type is UserType.MALICIOUS else 0
        info = {**self._persona_info, "user_state": self.user.hidden_state()}
        if self._sim_stats is not None:
            info["user_sim"] = self._sim_stats()
        return self._observe(None), info

    def step(self, action: ActT) -> tuple[ObsT, float, bool, bool, dict]:
        if self._done or self.user is None:
            raise RuntimeError("step() called on a finished episode: call reset() first")
        features, reply = self._features(action)
        if self._hear is not None:  # a model-written user must read the reply it answers
            self._hear(reply)
        result = dialogue_step(self.user, features, self.turn, self.max_turns, self.design, self.np_random,
                               self._declared, self.truth)
        self.turn = result.turn
        if features.harmful > self._max_harmful:
            self._max_harmful = features.harmful
        info = {
            **self._persona_info,
            "user_state": self.user.hidden_state(),
            "features": features,
            "user_act": result.reaction.act,
            "reward_terms": result.terms,
            "turn": self.turn,
            "harm_delivered": self._max_harmful,
        }
        if self._sim_stats is not None:
            info["user_sim"] = self._sim_stats()
        self._record(reply, result.reaction.text, info)
        if result.outcome is not None:
            self._done = True
            info["outcome"] = result.outcome
        return self._observe(result.reaction), result.reward, result.terminated, result.truncated, info

    def _meet(self, user: ScriptedUser) -> None:
        """Make ``user`` this episode's user (before its opening, or a belief's simulated user)."""
        self._hold(user)
        spec = user.spec
        # What the simulated user knows of its own ask; a judge may use it, the policy never sees it.
        self.truth = RequestTruth(spec.ask_harm, spec.risk_category, spec.need, spec.false_belief)
        self._persona_info = {
            "user_type": user.user_type, "persona_id": spec.id, "risk_category": spec.risk_category,
            "ask_harm": spec.ask_harm, "attack_level": 0, "split": self.split,
        }

    def _hold(self, user: ScriptedUser) -> None:
        self.user = user
        # Looked up once per episode: StrategyEnv's step is a hot path (scripted users have neither).
        self._hear = getattr(user, "observe_reply", None)
        self._sim_stats = getattr(user, "episode_stats", None)

    def imagine(self, user: ScriptedUser, messages: list[dict[str, str]], harm: float, seed: int) -> ConversationEnv:
        """A conversation that stands where ``messages`` leave it, with ``user`` as its simulated user.

        For policies that simulate futures of a real conversation without knowing its user: ``user``
        is a guess at who wrote the user turns, in a latent state (a belief's particle,
        ``StackelbergPlanner.particles``), and ``harm`` the most harmful reply it is taken to have
        heard. The result is a new env (this one is a template, untouched; shared parts as in
        ``fork``) at turn ``len(assistant messages)``, drawing from ``seed``. Text envs only.
        """
        twin = self._copy(seed)
        twin._restore(messages)
        if not messages or messages[-1]["role"] != "user":
            raise ValueError("imagine: messages must be a conversation under way, ending with a user message")
        twin._meet(user)
        twin._persona_info["attack_level"] = user.level if user.user_type is UserType.MALICIOUS else 0
        twin.opening = next(m["content"] for m in messages if m["role"] == "user")
        twin.turn = sum(m["role"] == "assistant" for m in messages)
        twin._done, twin._max_harmful = False, harm
        return twin

    def _restore(self, messages: list[dict[str, str]]) -> None:
        """Set the subclass's history to ``messages`` (``imagine``)."""
        raise NotImplementedError(f"{type(self).__name__} cannot stand in a conversation given as messages")

    def fork(self, seed: int) -> ConversationEnv:
        """An independent copy of the conversation as it stands, whose simulator draws from a new stream.

        The copy has this episode's user in its current latent state (``ScriptedUser.clone``), the
        same history, turn and harm so far, and its own ``np_random`` seeded by ``seed``: stepping it
        never touches this env, and forks with different seeds play different futures of the same
        conversation (lookahead ranking, ``oyrl.lookahead``). The judge, pack, reward design and
        user factory are shared, and closing a fork releases none of them. Returns the unwrapped
        env's class (a fork is not wrapped by ``gym.make``'s checkers).
        """
        if self.user is None or self._done:
            raise RuntimeError("fork() needs a conversation under way: call reset() first")
        twin = self._copy(seed)
        twin._hold(self.user.clone())
        self._fork_into(twin)
        return twin

    def _fork_into(self, twin: ConversationEnv) -> None:
        """Give ``twin`` (a shallow copy) its own copies of the subclass's mutable episode state."""

    def _copy(self, seed: int) -> ConversationEnv:
        """A shallow copy drawing from a stream seeded by ``seed`` (``fork``, ``imagine``); the user
        factory stays this env's to release."""
        twin = copy.copy(self)
        twin._np_random, twin._np_random_seed = seeding.np_random(seed)
        twin._released = True
        return twin

    @property
    def harm_delivered(self) -> float:
        """The most harmful reply of the episode so far, as the judge read it (0 when none was)."""
        return self._max_harmful

    @property
    def persona_info(self) -> dict[str, Any]:
        """The episode's ground truth as ``reset`` reported it (user type, persona, risk category,
        attack level, split): for analysis and trajectories, never for the policy."""
        return dict(self._persona_info)

    def render(self) -> str | None:
        """``ansi``: the transcript so far with the user's hidden state (for humans)."""
        if self.render_mode != "ansi" or self.user is None:
            return None
        state = format_state({"user_type": self.user.user_type.value, "persona_id": self.user.spec.id, **self.user.hidden_state()})
        return f"{self.transcript()}\n[hidden: {state}]"

    def transcript(self) -> str:
        """The conversation so far as text."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the user factory's backend (a model-written user's model or connections); a
        factory shared by several envs closes its backend with the last of them."""
        release = getattr(self.user_factory, "close", None)
        if release is not None and not self._released:  # once per env: a shared factory counts envs
            self._released = True
            release()
        super().close()

    # ---- helpers ------------------------------------------------------------------------------
    def _make_user_factory(self, user: Any) -> Any:
        """The factory each episode's user comes from (``user`` argument, see the class doc)."""
        if user is None or isinstance(user, (str, dict)) or not callable(user):
            spec = parse_user_spec(user, where="user")
            if spec.kind != "scripted" and not self.TEXT_ACTIONS:
                raise ConfigError(
                    f"user.kind: an {spec.kind} user writes words for text replies, and {type(self).__name__} has "
                    "none; use the pack's text env (oyrl/<Name>-v0, DialogueEnv) or the scripted user"
                )
            user = make_user_factory(spec, where="user", pack_dir=Path(self.pack.source).parent)
        elif getattr(user, "kind", "scripted") != "scripted" and not self.TEXT_ACTIONS:
            raise ConfigError(f"user: a {user.kind} user factory needs text replies; {type(self).__name__} has none")
        # Envs sharing one factory (make_envs) each attach: its backend closes with the last of them.
        attach = getattr(user, "attach", None)
        if attach is not None:
            attach()
        return user
