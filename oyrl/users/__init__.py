"""Simulated users: the protocol, the reaction-model parameters and the scripted user."""

from oyrl.users.base import Reaction, UserSimulator
from oyrl.users.params import ReactionParams
from oyrl.users.scripted import ScriptedUser

__all__ = ["Reaction", "ReactionParams", "ScriptedUser", "UserSimulator"]
