"""Benchmark: peak memory of the big requests (issue 15's limits), each in a fresh process.

- `simulate --runs 20000` of the baseline with and without `--out` (the per-run
  table is streamed to Parquet in row groups; target: with --out under 1.5× without);
- BDM and SMP on 1,000 actors (votes summed over blocks of voters, not an
  actors³ array).
Run: .venv/bin/python benchmarks/bench_memory.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SIMULATE = """
import resource, sys
from multivector.cli import main
sys.argv = ["multivector", "simulate", "{scenario}", "--runs", "{runs}", "--format", "json"] + {extra}
try:
    import contextlib, io
    with contextlib.redirect_stdout(io.StringIO()):
        main()
except SystemExit:
    pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""

NEGOTIATE = """
import resource
import numpy as np
from multivector.negotiation import NegotiationProblem
from multivector.negotiation.models import get_model
rng = np.random.default_rng(0)
n = {n}
problem = NegotiationProblem(name="many", actors=tuple(f"a{{i}}" for i in range(n)),
                             position=rng.uniform(0, 100, (n, 1)), capability=rng.uniform(1, 10, n),
                             salience=rng.uniform(20, 100, (n, 1)))
pred = get_model("{model}").predict(problem)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def peak(code: str) -> tuple[float, float]:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return float(out.stdout.strip().splitlines()[-1]), time.perf_counter() - t0


def main() -> None:
    scenario = ROOT / "scenarios" / "baseline.yaml"
    runs = 20_000
    with tempfile.TemporaryDirectory() as tmp:
        plain, t_plain = peak(SIMULATE.format(scenario=scenario, runs=runs, extra=[]))
        print(f"simulate --runs {runs}             peak {plain:8.0f} MiB  {t_plain:6.1f} s", flush=True)
        out, t_out = peak(SIMULATE.format(scenario=scenario, runs=runs, extra=["--out", f"{tmp}/out"]))
        print(f"simulate --runs {runs} --out DIR   peak {out:8.0f} MiB  {t_out:6.1f} s   ratio {out / plain:.2f}"
              f" (target < 1.5)", flush=True)
    for model in ("bdm", "smp"):
        mem, dt = peak(NEGOTIATE.format(n=1000, model=model))
        print(f"{model} on 1,000 actors              peak {mem:8.0f} MiB  {dt:6.1f} s", flush=True)


if __name__ == "__main__":
    main()
