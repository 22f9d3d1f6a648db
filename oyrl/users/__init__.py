"""Simulated users: the protocol, the reaction-model parameters, the persona a user is drawn from,
the scripted user, and the model-written user with the spec and factory an env builds users from."""

from oyrl.users.base import Reaction, UserSimulator
from oyrl.users.factory import UserSpec, make_user_factory
from oyrl.users.llm import LLMUser, UserSimStats
from oyrl.users.params import HELDOUT_REACTION_PARAMS, ReactionParams
from oyrl.users.persona import UserPersona
from oyrl.users.scripted import ScriptedUser

__all__ = ["HELDOUT_REACTION_PARAMS", "LLMUser", "Reaction", "ReactionParams", "ScriptedUser", "UserPersona",
           "UserSimStats", "UserSimulator", "UserSpec", "make_user_factory"]
