"""Text utilities shared by the readers of text (the reply judges and the user-message reader).

``normalise`` (lowercase, straight quotes, bounded length), ``fragments`` (regex fragments and the
alternation builders of the word lists) and ``gating`` (anchor gating: run only the regex
alternatives whose words a text contains).
"""
