"""The reply writer: ``ResponseGrammar`` writes a reply of a given response strategy in varied,
realistic wording (phrase banks in ``phrases.py`` and ``phrases_topics.py``), so strategy-level
policies run in text environments and the tiny base model has a corpus to learn from."""

from oyrl.writer.grammar import ResponseGrammar

__all__ = ["ResponseGrammar"]
