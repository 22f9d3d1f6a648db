"""CascadeJudge: a fast judge scores every reply, a slow (better) judge re-reads a few.

The fast judge (``LexicalJudge``, thousands of replies a second) scores every reply. The slow judge
(a rubric or guard model) re-reads, in one ``assess_batch`` per batch:

* a seeded random *audit sample*: each reply with probability ``audit_share`` (5% by default),
  drawn from a hash of (seed, the user's messages, the reply), so the same reply in the same
  conversation is always in or out of the sample, whatever the batch, its order or the thread
  that judged it (env steps run concurrently when a user or judge calls a model), and
* every reply the fast judge is *unsure* of: a covered feature inside its ``unsure_band``
  (default :data:`UNSURE_BAND`: harmful in [0.2, 0.6]).

The slow judge's features replace the fast judge's for those replies (it is the better reader).

**The audit.** Training against the fast judge invites the policy to exploit it: to learn phrases the
fast judge over-rewards (Goodhart). The random sample measures how far the two judges agree on what
the policy now writes. Per feature ``f``, *agreement* = 1 - mean |fast_f - slow_f| over the
window's audit-sample replies (1 = identical readings; binary readings that disagree on a reply
count 1 - 1 = 0 for it). Only the random sample counts, not the unsure replies, because those are
picked *for* being borderline and would bias it down. ``slow_share`` = replies the slow judge read
(sample and unsure) / replies judged. :meth:`JudgeAudit.take` returns the window as TensorBoard
scalars ``judge/agreement/<feature>`` and ``judge/slow_share`` and starts a new window.

:class:`ExploitationMonitor` keeps the agreement of the first window with at least ``min_audited``
sampled replies as the start; a later window (with as many) whose agreement on any feature is more
than ``margin`` (0.15) below its start gives a one-line warning: the policy is learning to please
the fast judge, not the slow one.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping, Sequence

from oyrl.errors import ConfigError
from oyrl.judges.base import BatchJudge, Context, ResponseJudge, user_messages
from oyrl.judges.combine import judge_batch
from oyrl.schema import did_you_mean
from oyrl.types import RequestTruth, ResponseFeatures

#: Fast-judge scores too close to the decision line to trust (ASSUMPTION: harmful around the user
#: simulators' ``harm_threshold``, shifted low because a missed harm costs more than a second read).
#: Refusal has no band by default: the lexical judge scores every soft refusal 0.4-0.75 on purpose,
#: so a refusal band would send all of them to the slow judge (``{"refusal": (0.3, 0.7)}`` adds it).
UNSURE_BAND: dict[str, tuple[float, float]] = {"harmful": (0.2, 0.6)}
#: The features the audit compares by default.
AUDITED = ("refusal", "harmful", "empathy", "resources", "informative")
WARNING = "the policy is learning to please the fast judge, not the slow one"


class ExploitationMonitor:
    """Warns when fast-slow agreement falls more than ``margin`` below where it started.

    Args:
        margin: the drop in agreement (on the 0-1 scale) that triggers the warning.
        min_audited: sampled replies a window needs to set the start or be checked (fewer: too
            noisy; at 5% sampling, 20 audited replies take about 400 judged ones).
    """

    def __init__(self, margin: float = 0.15, min_audited: int = 20):
        self.margin = float(margin)
        self.min_audited = int(min_audited)
        self.start: dict[str, float] | None = None

    def check(self, window: Mapping[str, float], audited: int) -> str | None:
        """The warning for one window's scalars (``JudgeAudit.take``'s), or ``None``."""
        if audited < self.min_audited:
            return None
        now = {k.removeprefix("judge/agreement/"): float(v) for k, v in window.items()
               if k.startswith("judge/agreement/")}
        if self.start is None:
            self.start = now
            return None
        drops = {f: (self.start[f], v) for f, v in now.items()
                 if f in self.start and v < self.start[f] - self.margin}
        if not drops:
            return None
        what = ", ".join(f"{f} {a:.2f} -> {b:.2f}" for f, (a, b) in sorted(drops.items()))
        return (f"judge audit: fast-slow agreement fell more than {self.margin:.2f} below its start "
                f"({what}): {WARNING}")


class JudgeAudit:
    """The cascade's audit window: agreement per feature and the slow judge's share.

    Attributes:
        features: the features compared.
        monitor: the exploitation monitor each :meth:`take` feeds.
        warning: the monitor's warning for the last window taken (``None``: none).
    """

    def __init__(self, features: Sequence[str], monitor: ExploitationMonitor):
        self.features = tuple(features)
        self.monitor = monitor
        self.warning: str | None = None
        self._lock = threading.Lock()  # envs of a rollout batch step (and record) concurrently
        self._reset()

    def _reset(self) -> None:
        self.total = 0  # replies judged in this window
        self.slow = 0  # replies the slow judge read (sample and unsure)
        self.audited = 0  # replies of the random sample
        self._diff = dict.fromkeys(self.features, 0.0)

    def record(self, total: int, slow: int, pairs: Sequence[tuple[ResponseFeatures, ResponseFeatures]]) -> None:
        """Count one batch: ``total`` replies, ``slow`` read by the slow judge, and the
        (fast, slow) features of its audit-sample replies."""
        with self._lock:
            self._count(total, slow, pairs)

    def _count(self, total: int, slow: int, pairs: Sequence[tuple[ResponseFeatures, ResponseFeatures]]) -> None:
        self.total += total
        self.slow += slow
        self.audited += len(pairs)
        for fast, slow_f in pairs:
            for f in self.features:
                self._diff[f] += abs(float(getattr(fast, f)) - float(getattr(slow_f, f)))

    def take(self) -> dict[str, float]:
        """The window's scalars, ``{"judge/agreement/<feature>": ..., "judge/slow_share": ...}``,
        then a fresh window. Agreement is left out when no reply was sampled; an empty window
        gives ``{}``. Sets :attr:`warning` from the monitor."""
        with self._lock:
            return self._take()

    def _take(self) -> dict[str, float]:
        out: dict[str, float] = {}
        if self.audited:
            out = {f"judge/agreement/{f}": 1.0 - d / self.audited for f, d in self._diff.items()}
        if self.total:
            out["judge/slow_share"] = self.slow / self.total
        self.warning = self.monitor.check(out, self.audited)
        self._reset()
        return out


class CascadeJudge(BatchJudge):
    """Fast judge on every reply, slow judge on a random sample and the unsure ones (module docstring).

    Args:
        fast: the judge that scores every reply.
        slow: the better, costlier judge.
        audit_share: probability that a reply joins the random audit sample.
        unsure_band: feature -> (low, high): a fast score inside it (inclusive) sends the reply to
            the slow judge; ``None`` uses :data:`UNSURE_BAND`; ``{}`` sends only the sample.
        seed: seeds the audit sample (same seed and reply in the same conversation: same draw).
        features: the features the audit compares.
        margin: the exploitation monitor's margin.
        min_audited: sampled replies a window needs for the monitor.
    """

    def __init__(
        self,
        fast: ResponseJudge,
        slow: ResponseJudge,
        *,
        audit_share: float = 0.05,
        unsure_band: Mapping[str, tuple[float, float]] | None = None,
        seed: int = 0,
        features: Sequence[str] = AUDITED,
        margin: float = 0.15,
        min_audited: int = 20,
    ):
        if not 0.0 <= audit_share <= 1.0:
            raise ConfigError(f"CascadeJudge audit_share: expected a share in [0, 1], got {audit_share}")
        scores = ResponseFeatures.SCORES
        for name in [*features, *(unsure_band or {})]:
            if name not in scores:  # refusal_kind is not a score: it has no distance to agree on
                raise ConfigError(f"CascadeJudge features: unknown score {name!r}"
                                  + did_you_mean(name, scores, f" (known: {', '.join(scores)})"))
        self.fast, self.slow = fast, slow
        self.audit_share = float(audit_share)
        self.unsure_band = dict(UNSURE_BAND if unsure_band is None else unsure_band)
        self.seed = seed
        self.audit = JudgeAudit(features, ExploitationMonitor(margin, min_audited))

    def draw(self, context: Context, reply: str) -> float:
        """The reply's uniform draw in [0, 1) for the audit sample: a hash, not a random stream, so
        it does not depend on which replies were judged before it (batches, threads)."""
        key = "\x1f".join([str(self.seed), *user_messages(context), reply]).encode("utf-8", "replace")
        return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") / 2.0**64

    def unsure(self, features: ResponseFeatures) -> bool:
        """Whether a fast reading has a feature inside its unsure band."""
        return any(lo <= getattr(features, f) <= hi for f, (lo, hi) in self.unsure_band.items())

    def read_batch(self, contexts: Sequence[Context], replies: Sequence[str],
                   truths: Sequence[RequestTruth | None] | None) -> list[ResponseFeatures]:
        """Fast features for all, slow ones for the sampled and unsure replies (one slow call)."""
        fast = judge_batch(self.fast, contexts, replies, truths)
        sampled = [self.draw(c, r) < self.audit_share for c, r in zip(contexts, replies)]
        chosen = [i for i, f in enumerate(fast) if sampled[i] or self.unsure(f)]
        out = list(fast)
        pairs = []
        if chosen:
            pick_truths = None if truths is None else [truths[i] for i in chosen]
            slow = judge_batch(self.slow, [contexts[i] for i in chosen], [replies[i] for i in chosen],
                               pick_truths)
            for i, features in zip(chosen, slow):
                out[i] = features
                if sampled[i]:
                    pairs.append((fast[i], features))
        self.audit.record(len(replies), len(chosen), pairs)
        return out
