"""Errors oyrl raises for bad input. Each carries one line that names the file, field and value."""

from __future__ import annotations

from pathlib import Path


class OyrlError(Exception):
    """Base class: a user-facing problem the CLI prints as one line (exit status 2)."""


class PackError(OyrlError, ValueError):
    """A scenario pack that cannot be loaded: ``<file>: <field path>: <problem>, got <value>``."""


class ConfigError(OyrlError, ValueError):
    """A reward design, experiment config or option that is not valid."""


def read_user_file(path: Path, what: str, error: type[OyrlError]) -> str:
    """The UTF-8 text of a file a user pointed to, or ``error`` with one line: ``<path>: no such <what>``
    or ``<path>: cannot read the <what>: <reason>``."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such {what}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read the {what}: {exc}") from None
