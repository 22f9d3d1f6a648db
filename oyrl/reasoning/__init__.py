"""Interpretable reasoning control: the declared assessment a policy may open its reply with, and
how it is measured against the hidden truth and against what the reply does (``docs/reasoning.md``)."""

from oyrl.reasoning.block import Declared, DeclaredStatus, format_block, split_declared
from oyrl.reasoning.measure import check_declared, declared_summary, harm_level, reasoning_scalars

__all__ = ["Declared", "DeclaredStatus", "check_declared", "declared_summary", "format_block", "harm_level",
           "reasoning_scalars", "split_declared"]
