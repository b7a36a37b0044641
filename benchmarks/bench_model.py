"""Benchmark: state-organization-year decisions per second and peak memory.

Vectorized engine (1,000 and 10,000 runs of the baseline, 1991-2035, for the five
Central Asian states and for the pooled eleven former Soviet republics) against
the plain per-agent Mesa implementation of the same rule (benchmarks/mesa_engagement.py).
Run: .venv/bin/python benchmarks/bench_model.py
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from mesa_engagement import run_mesa  # noqa: E402

from multivector import CaseBase  # noqa: E402
from multivector.model import load_inputs, simulate  # noqa: E402
from multivector.model.parameters import default_parameters  # noqa: E402


def measure(fn):
    """(seconds, peak MiB): timed without tracing (tracemalloc slows NumPy code), then traced for memory."""
    t0 = time.perf_counter()
    fn()
    dt = time.perf_counter() - t0
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return dt, peak / 2**20


def main() -> None:
    inp = load_inputs(CaseBase.load(), end=2035)
    params = default_parameters()
    cells = inp.T * len(inp.states) * len(inp.lines)
    print(f"baseline 1991-2035: {inp.T} years x {len(inp.states)} states x {len(inp.lines)} organizations")
    rates = {}
    for runs in (1_000, 10_000):
        dt, mem = measure(lambda runs=runs: simulate(inp, params, runs=runs, seed=7))
        rates[runs] = runs * cells / dt
        print(f"vectorized  {runs:>6} runs: {dt:7.2f} s  {rates[runs]:>12,.0f} decisions/s  peak {mem:7.1f} MiB")
    pooled = load_inputs(CaseBase.load(), end=2035, pool=True)
    pcells = pooled.T * len(pooled.states) * len(pooled.lines)
    print(f"pooled 1991-2035: {pooled.T} years x {len(pooled.states)} states x {len(pooled.lines)} organizations")
    dt, mem = measure(lambda: simulate(pooled, params, runs=10_000, seed=7))
    print(f"vectorized  {10_000:>6} runs: {dt:7.2f} s  {10_000 * pcells / dt:>12,.0f} decisions/s  peak {mem:7.1f} MiB"
          "  (pooled)")
    mesa_runs = 5
    dt, mem = measure(lambda: run_mesa(inp, params, runs=mesa_runs, seed=7))
    mesa_rate = mesa_runs * cells / dt
    print(f"Mesa        {mesa_runs:>6} runs: {dt:7.2f} s  {mesa_rate:>12,.0f} decisions/s  peak {mem:7.1f} MiB")
    print(f"speed-up: {rates[1_000] / mesa_rate:,.0f}x (1,000 runs), {rates[10_000] / mesa_rate:,.0f}x (10,000 runs)")


if __name__ == "__main__":
    main()
