"""Reward-design comparisons (``oyrl compare``): a grid of designs (and reaction-model variants) x
seeds trained in parallel (``grid.py``) and its summary: mean and 95% CI per design, CSV, Markdown
and a Pareto plot (``summary.py``). ``docs/compare_tutorial.md`` is the user's guide."""

from oyrl.compare.grid import load_grid, run_grid
from oyrl.compare.summary import write_summary

__all__ = ["load_grid", "run_grid", "write_summary"]
