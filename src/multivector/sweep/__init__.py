"""Sweeps: many scenarios over uncertain factors, global sensitivity analysis and scenario discovery.

spec (what to sweep) → design (the points) → execute (chunks as tasks, part files, manifest,
resume; points runs the engine for one chunk) → analyze (Sobol' indices, Morris screening,
PRIM boxes; prim is our implementation of the peeling algorithm).
"""

from .execute import SweepError, open_executor, read_results, run_sweep
from .spec import SweepSpec, load_spec, parse_spec

__all__ = ["SweepError", "SweepSpec", "load_spec", "open_executor", "parse_spec", "read_results", "run_sweep"]
