"""Preference learning from simulated futures: pairs of replies ranked by the conversations they lead
to (``pairs``), and training on them with TRL, DPO, ORPO or SFT (``train``). ``docs/preferences.md``.
"""
