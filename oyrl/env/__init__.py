"""Gymnasium environments: DialogueEnv (text actions) and StrategyEnv (strategy actions)."""

from oyrl.env.base import ConversationEnv
from oyrl.env.dialogue import DialogueEnv
from oyrl.env.registration import BUILTIN_PACKS, register_pack
from oyrl.env.strategy import OBSERVATION_NAMES, StrategyEnv

__all__ = ["BUILTIN_PACKS", "OBSERVATION_NAMES", "ConversationEnv", "DialogueEnv", "StrategyEnv", "register_pack"]
