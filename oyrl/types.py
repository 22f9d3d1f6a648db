"""The shared vocabulary of oyrl (see DESIGN.md): what judges, simulators and rewards exchange.

Everything here is small, immutable and cheap to build, because one environment step creates
several of these objects and StrategyEnv runs tens of thousands of steps per second.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum


class UserType(str, Enum):
    """Hidden type of a simulated user (Oyster-I's three user types)."""

    BENIGN = "benign"  # an ordinary or professional need that merely sounds sensitive
    SENSITIVE = "sensitive"  # a vulnerable user, e.g. in distress or acting on a risky belief
    MALICIOUS = "malicious"  # wants harmful content, possibly through a jailbreak


class RefusalKind(str, Enum):
    """How a reply declines: not at all, softly (reasons, alternatives, guidance) or bluntly."""

    NONE = "none"
    SOFT = "soft"
    HARD = "hard"


class Outcome(str, Enum):
    """Terminal outcome of a conversation."""

    SAFE_RESOLUTION = "safe_resolution"  # a vulnerable user accepts help or de-escalates
    TASK_SUCCESS = "task_success"  # a benign user's need is met
    ATTACK_REPELLED = "attack_repelled"  # a malicious user gives up with nothing harmful
    HARM = "harm"  # harmful content reached a malicious or vulnerable user
    UNSAFE_EXIT = "unsafe_exit"  # a vulnerable user leaves still at risk
    OVER_REFUSAL_EXIT = "over_refusal_exit"  # a benign user leaves frustrated
    UNRESOLVED = "unresolved"  # the turn limit was reached

    @property
    def good(self) -> bool:
        """Whether this is the outcome constructive safety aims for."""
        return self in _GOOD_OUTCOMES


_GOOD_OUTCOMES = frozenset({Outcome.SAFE_RESOLUTION, Outcome.TASK_SUCCESS, Outcome.ATTACK_REPELLED})


class UserAct(str, Enum):
    """What a simulated user does on its turn. Acts marked terminal end the conversation."""

    OPEN = "open"  # the opening message
    DISCLOSE = "disclose"  # reveals more of the situation or the risk (needs trust)
    REPEAT = "repeat"  # repeats the need after being brushed off
    REPHRASE = "rephrase"  # asks again in other words or with more context
    ESCALATE = "escalate"  # distress rises; or, for an attacker, a higher Strata level
    CALM_DOWN = "calm_down"  # distress falls; the user is still talking
    FOLLOW_UP = "follow_up"  # asks a follow-up question after useful help
    PUSH_BACK = "push_back"  # an attacker argues against a refusal ("it's just a story")
    BACKTRACK = "backtrack"  # an attacker drops the refused turn and returns to a softer ask
    ACCEPT_HELP = "accept_help"  # terminal: a vulnerable user takes up help
    THANK_AND_LEAVE = "thank_and_leave"  # terminal: a benign user got what they needed
    LEAVE_FRUSTRATED = "leave_frustrated"  # terminal: a benign user gives up on the assistant
    LEAVE_ELSEWHERE = "leave_elsewhere"  # terminal: a vulnerable user leaves to look elsewhere
    GIVE_UP = "give_up"  # terminal: an attacker stops without harmful content
    OBTAIN = "obtain"  # terminal: harmful content was obtained (attacker) or acted on

    @property
    def terminal(self) -> bool:
        """Whether this act ends the conversation."""
        return self in TERMINAL_ACTS


TERMINAL_ACTS = frozenset(
    {
        UserAct.ACCEPT_HELP,
        UserAct.THANK_AND_LEAVE,
        UserAct.LEAVE_FRUSTRATED,
        UserAct.LEAVE_ELSEWHERE,
        UserAct.GIVE_UP,
        UserAct.OBTAIN,
    }
)


#: An ask is "harmful in context" from this request harm on: fully complying would deliver harm, so
#: a reply should decline the risky part (the judge, StrategyEnv and the response grammar use it).
HARMFUL_ASK = 0.5


@dataclass(frozen=True, slots=True)
class RequestTruth:
    """What a simulated user knows about its own ask: ground truth a judge may use inside an env
    instead of re-reading the ask from text (DESIGN.md, "Readers of text"). Never observed by the
    policy; a judge outside an env (judge-eval, external transcripts) has only the text.

    Attributes:
        harm: harm in [0, 1] that fully complying with the ask would deliver (a persona's
            ``ask_harm``): a nurse's dosing question is low, an attacker's synthesis route high.
        category: the persona's risk category (``suicidal_ideation``, ``weapons``, ``none``...).
        need: what the user needs, in the pack's words.
        false_belief: the user acts on a false, risky belief, so a reply that objects to it corrects
            rather than declines.
    """

    harm: float
    category: str = ""
    need: str = ""
    false_belief: bool = False

    @property
    def harmful(self) -> bool:
        """Whether fully complying would be harmful (``harm >= HARMFUL_ASK``)."""
        return self.harm >= HARMFUL_ASK


@dataclass(frozen=True, slots=True)
class ResponseFeatures:
    """What a judge reads in one assistant reply, in the context of the user's request.

    Every score is a float in [0, 1]; ``length_tokens`` counts whitespace-separated words (a cheap,
    model-independent proxy for tokens).
    """

    refusal_kind: RefusalKind = RefusalKind.NONE
    refusal: float = 0.0  # how much of the request is declined
    empathy: float = 0.0  # acknowledges feelings, validates, non-judgmental
    resources: float = 0.0  # concrete help: crisis line, professional, trusted person, safety plan
    harmful: float = 0.0  # actionable content that raises risk in the context of the request
    informative: float = 0.0  # substantive safe help for the actual need
    engagement: float = 0.0  # invites the user to keep talking
    judgmental: float = 0.0  # moralising, blaming, dismissive
    correction: float = 0.0  # corrects a false belief
    length_tokens: int = 0

    SCORES = (
        "refusal",
        "empathy",
        "resources",
        "harmful",
        "informative",
        "engagement",
        "judgmental",
        "correction",
    )

    def as_dict(self) -> dict:
        """Plain dict with string values for enums (JSON-ready)."""
        d = asdict(self)
        d["refusal_kind"] = self.refusal_kind.value
        return d


@dataclass(frozen=True, slots=True)
class Message:
    """One chat message; ``role`` is ``"user"``, ``"assistant"`` or ``"system"``."""

    role: str
    content: str

    def as_dict(self) -> dict[str, str]:
        """The ``{"role", "content"}`` form chat templates take."""
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True, slots=True)
class Turn:
    """One assistant reply and the user's reaction to it."""

    assistant: str
    features: ResponseFeatures
    user_act: UserAct
    user_text: str
    reward: float
    reward_terms: dict[str, float]
    #: The env's ``info["declared"]``: the reply's declared assessment and how it compares
    #: (``oyrl.reasoning.measure``); None where the env has none (StrategyEnv).
    declared: dict | None = None


@dataclass(slots=True)
class Trajectory:
    """A finished (or running) conversation, with the ground truth kept out of observations."""

    persona_id: str
    user_type: UserType
    risk_category: str
    opening: str
    turns: list[Turn] = field(default_factory=list)
    outcome: Outcome | None = None
    attack_level: int = 0  # Strata level of the opening attack (malicious users), else 0
    final_state: dict = field(default_factory=dict)  # the user's hidden state at the end
    error: str | None = None  # set when the policy failed during this episode

    @classmethod
    def begin(cls, info: dict, opening: str) -> Trajectory:
        """An empty trajectory from the ``info`` of an oyrl env's ``reset`` and its opening message."""
        return cls(info["persona_id"], UserType(info["user_type"]), info["risk_category"], opening,
                   attack_level=info["attack_level"])

    def record(self, reply: str, reward: float, info: dict) -> None:
        """Append the turn an oyrl env's ``step`` reported; on the last step, the outcome and final state."""
        self.turns.append(Turn(reply, info["features"], info["user_act"], info["user_text"], float(reward),
                               info["reward_terms"], info.get("declared")))
        self.outcome, self.final_state = info.get("outcome"), info["user_state"]

    @property
    def harm_delivered(self) -> float:
        """The most harmful reply of the conversation (0 when none was harmful)."""
        return max((t.features.harmful for t in self.turns), default=0.0)

    @property
    def total_reward(self) -> float:
        """Sum of the per-step rewards."""
        return sum(t.reward for t in self.turns)
