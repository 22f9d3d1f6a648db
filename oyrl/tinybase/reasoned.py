"""The ``tiny_reasoned`` corpus: dialogues whose replies open with a declared ``<assess>`` block.

A share of the corpus dialogues (``TinyBaseRecipe.assess_share``) opens with the system prompt
:data:`ASSESS_PROMPT`, and every assistant reply of those dialogues opens with the block
(``oyrl.reasoning.block.format_block``): the user's need from the persona, the user type, risk
category and harm level from the episode's truth, and the strategy the grammar wrote. The other
dialogues carry neither prompt nor block, as in the default corpus. So the model learns to declare
when asked to (``rollout.system_prompt: ASSESS_PROMPT``) and still answers plainly otherwise.

The blocks are not perfect (:class:`BlockMistakes`, ``docs/tiny_base.md``): a safety-tuned model's
reading of a user is not either, and RL on the ``assessment`` and ``faithfulness`` terms needs
something to improve. Each block draws its mistakes independently:

* a wrong user type (15%), mostly benign <-> sensitive confusions;
* a harm level one off the truth (10%);
* a strategy other than the one the reply is written in (10%);
* a field missing or misspelled (5%): the block is malformed;
* the last reply of a dialogue cut inside its block (5% of last replies, about 2% of blocks):
  the reply is the unclosed block alone, as a reply cut by its token budget.

The grammar writes the replies while the dialogues are played, blocks are added afterwards: the
simulated users react to the reply body, which is what the env passes to the judge and the user
once it has stripped a block (a cut block is only ever a dialogue's last reply, so no user reacts
to it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from oyrl.reasoning.block import FIELDS, format_block
from oyrl.reasoning.measure import harm_level
from oyrl.strategies import Strategy
from oyrl.tinybase.corpus import messages_of
from oyrl.types import Trajectory, UserType

#: The system prompt of the block-carrying corpus dialogues (and of ``quickstart_reasoned``'s rollouts).
ASSESS_PROMPT = "Open your reply with an <assess> block."

#: ``tiny_reasoned``'s share of block-carrying dialogues (``TinyBaseRecipe.reasoned``).
REASONED_SHARE = 0.7

#: Where a wrong user type goes: mostly the benign/sensitive confusion (a nurse's dosing question
#: read as distress, a distressed user read as curious), less often a misread attacker.
WRONG_USER: dict[UserType, tuple[tuple[UserType, float], ...]] = {
    UserType.BENIGN: ((UserType.SENSITIVE, 0.8), (UserType.MALICIOUS, 0.2)),
    UserType.SENSITIVE: ((UserType.BENIGN, 0.8), (UserType.MALICIOUS, 0.2)),
    UserType.MALICIOUS: ((UserType.BENIGN, 0.7), (UserType.SENSITIVE, 0.3)),
}

#: Misspellings of field names (a malformed block names a field the parser does not know).
MISSPELT = {"need": "ned", "user": "usr", "risk": "risc", "level": "lvl", "strategy": "stratgy"}


@dataclass(frozen=True)
class BlockMistakes:
    """Per-block mistake rates of the corpus blocks (each drawn independently)."""

    wrong_user: float = 0.15
    """the user type is another one (``WRONG_USER``)"""
    wrong_level: float = 0.10
    """the harm level is one off (within 0-3)"""
    wrong_strategy: float = 0.10
    """the declared strategy is not the one the reply is written in"""
    bad_field: float = 0.05
    """one field is left out or its name misspelt: the block does not parse"""
    cut_last: float = 0.05
    """a dialogue's last reply is only its block, cut before ``</assess>``"""


MISTAKES = BlockMistakes()


def sources() -> list[Path]:
    """Files whose text shapes a block-carrying corpus (hashed into its cache key only)."""
    reasoning = Path(__file__).parents[1] / "reasoning"
    return [Path(__file__), reasoning / "block.py", reasoning / "measure.py"]


def _block(spec, traj: Trajectory, strategy: Strategy, rng: np.random.Generator,
           m: BlockMistakes, counts: dict[str, int]) -> str:
    """One block for a reply of ``strategy`` in ``traj``, with its drawn mistakes (counted)."""
    user, level, declared = traj.user_type, harm_level(spec.ask_harm), strategy
    if rng.random() < m.wrong_user:
        options = WRONG_USER[user]
        user = options[int(rng.choice(len(options), p=[w for _, w in options]))][0]
        counts["wrong_user"] += 1
    if rng.random() < m.wrong_level:
        level = level + 1 if level == 0 or (level < 3 and rng.random() < 0.5) else level - 1
        counts["wrong_level"] += 1
    if rng.random() < m.wrong_strategy:
        others = [s for s in Strategy if s is not strategy]
        declared = others[int(rng.integers(len(others)))]
        counts["wrong_strategy"] += 1
    block = format_block(spec.need, user, traj.risk_category, level, declared)
    if rng.random() < m.bad_field:
        body = block[len("<assess>"):-len("</assess>")]
        parts = body.split("; ")
        i = int(rng.integers(len(FIELDS)))
        if rng.random() < 0.5:
            del parts[i]
        else:
            key, _, value = parts[i].partition(": ")
            parts[i] = f"{MISSPELT[key]}: {value}"
        block = "<assess>" + "; ".join(parts) + "</assess>"
        counts["bad_field"] += 1
    return block


def add_blocks(
    trajectories: Sequence[Trajectory], strategies: Sequence[Strategy], specs: dict, share: float,
    rng: np.random.Generator, mistakes: BlockMistakes = MISTAKES,
) -> tuple[list[list[dict[str, str]]], dict[str, int]]:
    """The corpus dialogues as chat messages, ``share`` of them with the prompt and the blocks.

    Args:
        trajectories: the played dialogues, in play order.
        strategies: the strategy of every reply, in play order (one dialogue after another).
        specs: persona id -> persona spec (``need``, ``ask_harm``).
        share: probability that a dialogue carries the prompt and the blocks.
        rng: the only randomness (which dialogues, the mistakes, where a block is cut).
        mistakes: the per-block mistake rates.

    Returns:
        The dialogues (``messages_of`` with a system message and blocks where drawn), and counts:
        ``dialogues``, ``blocks``, and each kind of mistake (``cut`` for cut blocks).
    """
    if sum(len(t.turns) for t in trajectories) != len(strategies):
        raise ValueError(f"strategies: expected one per reply ({sum(len(t.turns) for t in trajectories)}), "
                         f"got {len(strategies)}")
    counts = dict.fromkeys(("dialogues", "blocks", "wrong_user", "wrong_level", "wrong_strategy",
                            "bad_field", "cut"), 0)
    out, next_reply = [], 0
    for traj in trajectories:
        messages = messages_of(traj)
        written = strategies[next_reply : next_reply + len(traj.turns)]
        next_reply += len(traj.turns)
        if rng.random() >= share:
            out.append(messages)
            continue
        counts["dialogues"] += 1
        replies = [i for i, msg in enumerate(messages) if msg["role"] == "assistant"]
        for turn, i in enumerate(replies):
            block = _block(specs[traj.persona_id], traj, written[turn], rng, mistakes, counts)
            counts["blocks"] += 1
            if i == replies[-1] and rng.random() < mistakes.cut_last:
                # Cut after "<assess>" and at least a few characters, before the closing tag.
                cut = int(rng.integers(len("<assess>") + 4, len(block) - len("</assess>")))
                messages[i] = {"role": "assistant", "content": block[:cut]}
                counts["cut"] += 1
            else:
                messages[i] = {"role": "assistant", "content": f"{block}\n{messages[i]['content']}"}
        out.append([{"role": "system", "content": ASSESS_PROMPT}, *messages])
    return out, counts
