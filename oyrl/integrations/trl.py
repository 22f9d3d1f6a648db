"""oyrl's text environments inside TRL's ``GRPOTrainer``: a multi-turn ``rollout_func`` and rewards.

``OyrlRollout`` plays whole dialogues with the trainer's current model through oyrl's
``RolloutEngine`` (batched, token in, token out) and hands TRL, per dialogue, turn 0's prompt ids and
everything after it as the "completion": the policy's replies *and* the user turns and template
tokens between them, with ``env_mask`` = 1 exactly on the policy's tokens, so TRL's loss never
trains the model to write the user's words. The environment's rewards travel as extra fields that
``trajectory_reward`` and ``term_reward(name)`` read. See ``docs/trl.md``.

TRL passes a ``rollout_func`` nothing but the prompts, so the prompts must name their scenario:
``OyrlRollout.make_dataset`` builds them from env resets and remembers which seed opened each one
(the same opening can come from several seeds; only the first is kept, so a prompt is one scenario).

Supported TRL versions: ``SUPPORTED_TRL`` (checked on import; the ``rollout_func`` contract is
experimental in TRL and changes between minor versions).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.version import Version

#: The TRL versions whose ``rollout_func`` contract this module follows; pyproject's ``trl`` extra
#: pins the same range (tests/test_trl.py checks they agree).
SUPPORTED_TRL = ">=1.16,<1.17"


def _require_supported_trl() -> None:
    try:
        import trl
    except ImportError:
        raise ImportError("oyrl.integrations.trl needs TRL: pip install 'oyrl[trl]'") from None
    if not SpecifierSet(SUPPORTED_TRL).contains(Version(trl.__version__), prereleases=True):
        raise ImportError(
            f"oyrl.integrations.trl supports trl{SUPPORTED_TRL}, found trl {trl.__version__} (TRL's rollout_func "
            "contract is experimental and changes between versions): pip install 'oyrl[trl]'"
        )


_require_supported_trl()

# Imported after the check: with another TRL these could fail first, with a less helpful error.
from datasets import Dataset
from trl.models import unwrap_model_for_generation

from oyrl.config import RolloutSpec, validate
from oyrl.env.registration import make_env
from oyrl.errors import ConfigError
from oyrl.llm.batch import RolloutBatch
from oyrl.llm.rollout import RolloutEngine
from oyrl.metrics import episode_score
from oyrl.train.tags import EpisodeRecord, episode_scalars
from oyrl.types import Outcome, UserType

__all__ = ["SUPPORTED_TRL", "OyrlRollout", "term_reward", "trajectory_reward"]

Prompt = list[dict[str, str]]

#: GRPOConfig settings OyrlRollout does not implement, with their "off" values: one that would silently
#: not apply is refused, since the sampling must be what TRL's loss assumes.
_UNSUPPORTED_SETTINGS = {
    "top_k": 0, "min_p": None, "repetition_penalty": 1.0, "generation_kwargs": None, "chat_template_kwargs": None,
    "use_vllm": False,
}


def _key(prompt: Prompt) -> tuple[tuple[str, str], ...]:
    return tuple((m["role"], m["content"]) for m in prompt)


class OyrlRollout:
    """A TRL ``rollout_func``: ``rollout(prompts, trainer) -> dict`` plays one dialogue per prompt.

    Use the same instance for the datasets (``make_dataset``) and as ``GRPOTrainer(rollout_func=...)``.
    TRL hands it each prompt ``num_generations`` times in a row (its sampler repeats them); every
    copy is reset with the prompt's seed, so a GRPO group meets one scenario with common random
    numbers (``oyrl.llm.rollout``), and one completion is returned per copy, in order.

    Sampling follows the trainer's ``temperature`` and ``top_p`` (TRL's loss divides the logits by
    the same temperature); the chat template is ``trainer.processing_class``'s.

    Args:
        env_id: a registered oyrl text environment, e.g. ``"oyrl/Mixed-v0"``.
        reward: the env's reward design (built-in name or YAML path); default: the env's default.
        env_kwargs: more ``gym.make`` arguments (``max_turns``, ``personas``, ``judge``...).
        max_new_tokens: longest reply of one turn (default: ``RolloutSpec``'s). TRL's
            ``max_completion_length`` does not cut these completions: the environment decides when a
            dialogue ends.
        system_prompt: a system message before every opening (also in the dataset's prompts).
    """

    def __init__(
        self, env_id: str, reward: str | None = None, env_kwargs: dict[str, Any] | None = None,
        max_new_tokens: int | None = None, system_prompt: str | None = None,
    ):
        self.env_id, self.reward, self.env_kwargs = env_id, reward, dict(env_kwargs or {})
        # RolloutSpec's settings; temperature and top_p are the trainer's, read at each call.
        given = {"max_new_tokens": max_new_tokens, "system_prompt": system_prompt}
        self.rollout = validate({k: v for k, v in given.items() if v is not None}, RolloutSpec, "OyrlRollout")
        self.max_new_tokens, self.system_prompt = self.rollout.max_new_tokens, system_prompt
        self._seeds: dict[tuple[tuple[str, str], ...], int] = {}
        self._envs = [self._make_env()]  # a bad id or kwarg fails here, not at the first training step

    def _make_env(self) -> Any:
        return make_env(self.env_id, self.reward, self.env_kwargs, field="OyrlRollout env_id")

    def make_dataset(self, n: int, seed: int = 0) -> Dataset:
        """``n`` scenarios as a TRL prompt dataset, columns ``prompt`` (chat messages) and ``seed``.

        Seeds ``seed, seed + 1, ...`` are reset in turn; one whose opening prompt this rollout already
        maps to another seed is skipped, so datasets built over disjoint seed ranges (train, eval)
        share no prompt, and building the same dataset twice gives the same rows.

        Raises:
            ConfigError: fewer than ``n`` distinct openings among ``20 * n`` seeds.
        """
        env, rows = self._envs[0], []
        system = [{"role": "system", "content": self.system_prompt}] if self.system_prompt else []
        for s in range(seed, seed + 20 * n):
            prompt = system + env.reset(seed=s)[1]["messages"]
            if self._seeds.setdefault(_key(prompt), s) == s:
                rows.append({"prompt": prompt, "seed": s})
                if len(rows) == n:
                    return Dataset.from_list(rows)
        raise ConfigError(f"make_dataset: only {len(rows)} distinct openings among seeds {seed}..{seed + 20 * n - 1}")

    def __call__(self, prompts: list[Prompt], trainer: Any) -> dict[str, list]:
        """Play one dialogue per prompt with ``trainer``'s model; TRL's ``rollout_func`` contract.

        Returns:
            Per dialogue: ``prompt_ids``, ``completion_ids``, ``logprobs`` (sampling log-probabilities,
            0 on env tokens), ``env_mask`` (1 on policy tokens), and the extra fields ``env_return``,
            ``reward_terms`` (term -> the episode's sum), ``outcome``, ``user_type``, ``constructive_score``.
        """
        missing = [p for p in prompts if _key(p) not in self._seeds]
        if missing:
            raise ConfigError(
                f"OyrlRollout: prompt {missing[0]!r} was not made by this rollout's make_dataset, so its scenario "
                "is unknown; build the trainer's datasets with the same OyrlRollout instance"
            )
        args = trainer.args
        unsupported = [
            f"{name}={getattr(args, name)!r}" for name, off in _UNSUPPORTED_SETTINGS.items()
            if (getattr(args, name) or None) not in (off, None)  # falsy values ({}, 0...) are off too
        ]
        if unsupported:
            raise ConfigError(
                f"OyrlRollout samples with the trainer's model, temperature and top_p only; unset {', '.join(unsupported)}"
            )
        while len(self._envs) < len(prompts):
            self._envs.append(self._make_env())
        config = validate({**self.rollout.model_dump(), "temperature": args.temperature, "top_p": args.top_p},
                          RolloutSpec, "OyrlRollout (the trainer's temperature and top_p)")
        seeds = [self._seeds[_key(p)] for p in prompts]
        # As TRL's own generation: DeepSpeed ZeRO-3 weights gathered, gradient checkpointing off (it
        # disables the KV cache). Sampling draws from torch's global RNG, which TRL seeds with args.seed.
        with unwrap_model_for_generation(
            trainer.model_wrapped, trainer.accelerator, gather_deepspeed3_params=args.ds3_gather_for_generation,
            gradient_checkpointing_kwargs=args.gradient_checkpointing_kwargs,
        ) as model:
            # group_size 1 with repeated seeds: copies of a prompt reset alike; TRL forms the groups.
            batch = RolloutEngine(model, trainer.processing_class, config).collect(self._envs[: len(prompts)], seeds)
        return _trl_rows(batch)


def _trl_rows(batch: RolloutBatch) -> dict[str, list]:
    """A ``RolloutBatch`` as TRL's lists: left padding stripped, each row split where its first reply starts."""
    ids, action, logprobs = batch.input_ids.tolist(), batch.action_mask.int().tolist(), batch.old_logprobs.tolist()
    pads = (batch.attention_mask == 0).sum(1).tolist()
    names = ("prompt_ids", "completion_ids", "logprobs", "env_mask", "env_return", "reward_terms", "outcome",
             "user_type", "constructive_score")
    out: dict[str, list] = {name: [] for name in names}
    for i, ep in enumerate(batch.episodes):
        start = ep.reply_spans[0][0]  # padded coordinates, like the rows
        traj = ep.trajectory
        outcome = traj.outcome or Outcome.UNRESOLVED
        out["prompt_ids"].append(ids[i][pads[i] : start])
        out["completion_ids"].append(ids[i][start:])
        out["logprobs"].append(logprobs[i][start:])
        out["env_mask"].append(action[i][start:])
        out["env_return"].append(ep.episode_return)
        out["reward_terms"].append(ep.reward_terms)
        out["outcome"].append(outcome.value)
        out["user_type"].append(ep.user_type)
        out["constructive_score"].append(episode_score(outcome, traj.user_type, traj.harm_delivered, traj.final_state))
    return out


def trajectory_reward(
    env_return: list[float], outcome: list[str], user_type: list[str],
    reward_terms: list[dict[str, float]], constructive_score: list[float],
    log_metric: Callable[[str, float], None] | None = None, **_: Any,
) -> list[float]:
    """A TRL reward function: each dialogue's return under the env's reward design.

    It also logs oyrl's training tags (``outcome/<name>_rate``, ``outcome/<user_type>/<name>_rate``,
    ``outcome/constructive_score``, ``reward/<term>``: ``docs/tensorboard.md``) through TRL's
    ``log_metric``, so a TRL run's TensorBoard reads like an ``oyrl train`` run's.
    """
    if log_metric is not None:
        records = [
            EpisodeRecord(Outcome(o), UserType(u), score, terms)
            for o, u, score, terms in zip(outcome, user_type, constructive_score, reward_terms)
        ]
        for tag, value in episode_scalars(records).items():
            log_metric(tag, value)
    return [float(r) for r in env_return]


def term_reward(term: str) -> Callable[..., list[float]]:
    """A TRL reward function: one weighted term of the env's reward design, summed over each dialogue.

    Named ``term_<term>`` in TRL's logs (``rewards/term_<term>/mean``). Give it ``reward_weights``
    alongside others to train on a re-weighted design, or weight 0 to only watch it.
    """

    def reward(reward_terms: list[dict[str, float]], **_: Any) -> list[float]:
        if any(term not in terms for terms in reward_terms):
            known = sorted(next(t for t in reward_terms if term not in t))
            raise ConfigError(f"term_reward: the env's reward design has no term {term!r} (its terms: {known})")
        return [float(terms[term]) for terms in reward_terms]

    reward.__name__ = reward.__qualname__ = f"term_{term}"
    return reward
