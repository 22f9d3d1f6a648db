"""Simulated users: the protocol, the reaction-model parameters, the persona a user is drawn from
and the scripted user."""

from oyrl.users.base import Reaction, UserSimulator
from oyrl.users.params import HELDOUT_REACTION_PARAMS, ReactionParams
from oyrl.users.persona import UserPersona
from oyrl.users.scripted import ScriptedUser

__all__ = ["HELDOUT_REACTION_PARAMS", "Reaction", "ReactionParams", "ScriptedUser", "UserPersona", "UserSimulator"]
