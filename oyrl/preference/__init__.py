"""Preference learning from simulated futures: pairs ranked by lookahead (``pairs``) and training
on them with TRL (``train``). ``docs/preferences.md``."""
