"""Bridges from oyrl's environments to other training libraries.

* ``oyrl.integrations.trl``: a ``rollout_func`` and reward functions for TRL's ``GRPOTrainer``
  (``docs/trl.md``; needs ``pip install 'oyrl[trl]'``).

Nothing is imported here, so ``import oyrl.integrations`` never requires an optional library.
"""
