"""What the rollout engine returns: per-dialogue bookkeeping (``EpisodeInfo``) and the padded batch
the losses read (``RolloutBatch``)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import torch
from torch import Tensor

from oyrl.types import Trajectory


@dataclass
class EpisodeInfo:
    """One dialogue of a batch: its trajectory (ground truth for analysis) and token bookkeeping."""

    group: int
    seed: int
    trajectory: Trajectory
    replies: list[str] = field(default_factory=list)  # the exact strings passed to env.step
    reply_spans: list[tuple[int, int]] = field(default_factory=list)  # [start, end) in the padded row
    cut_replies: int = 0  # replies that hit max_new_tokens

    @property
    def user_type(self) -> str:
        """The hidden user type, e.g. ``"sensitive"``."""
        return self.trajectory.user_type.value

    @property
    def outcome(self) -> str | None:
        """The outcome's name, or None while running."""
        return self.trajectory.outcome.value if self.trajectory.outcome is not None else None

    @property
    def turns(self) -> int:
        """Assistant turns played."""
        return len(self.trajectory.turns)

    @property
    def episode_return(self) -> float:
        """Sum of the env's rewards."""
        return self.trajectory.total_reward

    @property
    def reward_terms(self) -> dict[str, float]:
        """Each weighted reward term summed over the turns."""
        out: dict[str, float] = {}
        for turn in self.trajectory.turns:
            for name, value in turn.reward_terms.items():
                out[name] = out.get(name, 0.0) + float(value)
        return out


@dataclass
class RolloutBatch:
    """Padded episodes, one row each, left-padded like generation; per-token tensors are ``(N, T)``.

    Entry ``[i, t]`` of a per-token tensor is about token ``input_ids[i, t]``.
    """

    input_ids: Tensor  # (N, T) long
    attention_mask: Tensor  # (N, T) long, 0 on left padding
    position_ids: Tensor  # (N, T) long, counting from 0 at each row's first real token
    action_mask: Tensor  # (N, T) bool, True on tokens the policy sampled
    old_logprobs: Tensor  # (N, T) float, log pi(token | prefix) at sampling; 0 off the mask
    rewards: Tensor  # (N, T) float, each turn's env reward on the turn's last policy token
    episode_ids: Tensor  # (N,) long
    returns: Tensor  # (N,) float, sum of the episode's env rewards
    group_ids: Tensor  # (N,) long, episodes sharing a scenario seed
    episodes: list[EpisodeInfo]
    perf: dict[str, float] = field(default_factory=dict)  # perf/<name> TensorBoard values

    def to(self, device: torch.device | str) -> RolloutBatch:
        """The batch with its tensors on ``device``."""
        return replace(self, **{name: t.to(device) for name, t in self._tensors().items()})

    def select(self, rows: Tensor | list[int]) -> RolloutBatch:
        """A minibatch of rows (padding columns are kept)."""
        rows = torch.as_tensor(rows, dtype=torch.long, device=self.input_ids.device)
        picked = {name: t[rows] for name, t in self._tensors().items()}
        return replace(self, **picked, episodes=[self.episodes[i] for i in rows.tolist()])

    def _tensors(self) -> dict[str, Tensor]:
        return {f.name: getattr(self, f.name) for f in fields(self) if isinstance(getattr(self, f.name), Tensor)}
