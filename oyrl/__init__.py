"""oyrl: reinforcement learning of LLM policies from simulated user feedback, for constructive safety.

``import oyrl`` registers the ``oyrl/*`` Gymnasium ids (``gym.register_envs(oyrl)`` keeps linters
quiet about the otherwise unused import).
"""

from oyrl import _moved
from oyrl.env import DialogueEnv, StrategyEnv, register_pack
from oyrl.env.registration import register_builtin_envs
from oyrl.errors import ConfigError, OyrlError, PackError
from oyrl.judges import LexicalJudge, ResponseJudge
from oyrl.metrics import constructive_score
from oyrl.rewards import RewardDesign, get_design, register_design, register_term
from oyrl.scenarios import load_pack
from oyrl.strategies import STRATEGIES, Strategy
from oyrl.types import (
    Message,
    Outcome,
    RefusalKind,
    RequestTruth,
    ResponseFeatures,
    Trajectory,
    Turn,
    UserAct,
    UserType,
)
from oyrl.users import ReactionParams, ScriptedUser, UserSimulator

__version__ = "0.1.0"

register_builtin_envs()
_moved.install()  # old import paths of modules moved in 0.2 keep working for one release

__all__ = [
    "STRATEGIES",
    "ConfigError",
    "DialogueEnv",
    "LexicalJudge",
    "Message",
    "Outcome",
    "OyrlError",
    "PackError",
    "ReactionParams",
    "RefusalKind",
    "RequestTruth",
    "ResponseFeatures",
    "ResponseJudge",
    "RewardDesign",
    "ScriptedUser",
    "Strategy",
    "StrategyEnv",
    "Trajectory",
    "Turn",
    "UserAct",
    "UserSimulator",
    "UserType",
    "constructive_score",
    "get_design",
    "load_pack",
    "register_design",
    "register_pack",
    "register_term",
]
