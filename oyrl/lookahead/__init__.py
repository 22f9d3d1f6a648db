"""Anticipation by simulation: rank candidate replies by the simulated futures they lead to
(``ranking``), and a policy that decodes that way at every turn (``decoding``)."""
