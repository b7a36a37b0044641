"""Benchmark: `multivector calibrate` in CPU seconds, and the simulator's decisions per second.

1. `calibrate` (NUTS, 4 chains × 1,000 draws after 500 warm-up, eleven pooled
   states, train <= 2008) as a whole command in a fresh process with JAX's
   compilation cache off (a cold start), CPU seconds of the child (user + sys):
   the issue's target is two minutes on one core.
2. The vectorized simulator (1,000 and 10,000 runs of 1991-2035, the five
   Central Asian states and the pooled eleven) against the plain per-agent Mesa
   implementation of the same rule (benchmarks/mesa_engagement.py).
Run: .venv/bin/python benchmarks/bench_model.py [--no-calibrate]
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
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


def calibrate_cpu_seconds() -> tuple[float, dict]:
    """CPU seconds (user + sys) of `multivector calibrate` in a child process, JAX's cache off."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MULTIVECTOR_JAX_CACHE": "0", "MULTIVECTOR_DATA_DIR": tmp}
        out = subprocess.run([str(Path(sys.executable).with_name("multivector")), "calibrate", "--format", "json",
                              "--out", str(Path(tmp) / "w.json")], env=env, capture_output=True, text=True,
                             check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, json.loads(out)


def main() -> None:
    if "--no-calibrate" not in sys.argv:
        cpu, res = calibrate_cpu_seconds()
        d = res["diagnostics"]
        print(f"calibrate (11 states, train <= 2008, 4 x 1,000 draws): {cpu:.1f} CPU s for the whole command "
              f"(sampling {res['seconds']:.1f} s); R-hat max {d['rhat_max']:.4f}, ESS min {d['ess_bulk_min']:.0f}, "
              f"{d['divergences']} divergences")
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
