"""Reward terms and reward designs (named weighted compositions of terms)."""

from oyrl.rewards.design import RewardDesign, builtin_designs, get_design, load_design, register_design
from oyrl.rewards.terms import REWARD_TERMS, StepContext, register_term

__all__ = [
    "REWARD_TERMS",
    "RewardDesign",
    "StepContext",
    "builtin_designs",
    "get_design",
    "load_design",
    "register_design",
    "register_term",
]
