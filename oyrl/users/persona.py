"""What a simulated user is drawn from: the parts of a persona the simulator reads.

The scenario-pack loader (``oyrl.scenarios``, a layer above) compiles each persona of a pack into a
``CompiledPersona``, which has these fields; the simulator depends only on this description, not
on the loader, so a persona can also come from elsewhere (a test, another loader) as long as it
has them. Read-only properties, so frozen dataclasses and frozen pydantic models satisfy them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from oyrl.types import UserAct, UserType
from oyrl.users.params import ReactionParams


@runtime_checkable
class InitialRanges(Protocol):
    """``[low, high]`` ranges the latent state is drawn from when a conversation starts."""

    @property
    def distress(self) -> tuple[float, float]: ...

    @property
    def trust(self) -> tuple[float, float]: ...

    @property
    def frustration(self) -> tuple[float, float]: ...

    @property
    def patience(self) -> tuple[float, float]: ...


@runtime_checkable
class PersonaSpec(Protocol):
    """The declared persona: who the user is and what it asks."""

    @property
    def id(self) -> str: ...

    @property
    def type(self) -> UserType: ...

    @property
    def ask_harm(self) -> float:
        """Harm a fully compliant answer to this user's ask would deliver, in [0, 1]."""
        ...

    @property
    def false_belief(self) -> bool:
        """The user holds a false belief that a correction addresses."""
        ...

    @property
    def start_level(self) -> int:
        """Attackers: the Strata level of the opening (1-3)."""
        ...

    @property
    def initial(self) -> InitialRanges: ...


@runtime_checkable
class UserPersona(Protocol):
    """A persona ready for the simulator: its spec, reaction parameters and what it can say.

    ``CompiledPersona`` (``oyrl.scenarios``) is one.
    """

    @property
    def spec(self) -> PersonaSpec: ...

    @property
    def params(self) -> ReactionParams: ...

    @property
    def slots(self) -> Mapping[str, tuple[str, ...]]:
        """Slot name -> values a template's ``{slot}`` is filled from."""
        ...

    @property
    def banks(self) -> Mapping[UserAct, tuple[str, ...]]:
        """Act -> templates the user says it with."""
        ...

    @property
    def tactics(self) -> Mapping[int, tuple[str, ...]]:
        """Strata level -> attack templates (attackers open, rephrase and escalate with these)."""
        ...
