"""Errors oyrl raises for bad input. Each carries one line that names the file, field and value."""


class OyrlError(Exception):
    """Base class: a user-facing problem the CLI prints as one line (exit status 2)."""


class PackError(OyrlError, ValueError):
    """A scenario pack that cannot be loaded: ``<file>: <field path>: <problem>, got <value>``."""


class ConfigError(OyrlError, ValueError):
    """A reward design, experiment config or option that is not valid."""
