"""``python -m oyrl`` (and ``accelerate launch -m oyrl``) runs the ``oyrl`` command."""

import sys

from oyrl.cli import main

sys.exit(main())
