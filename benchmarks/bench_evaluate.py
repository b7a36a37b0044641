"""Benchmark: `multivector evaluate` with all forecasters and five origins, on one core.

The first run fits the engagement model at every origin unless the calibration
cache already holds the fits (it reports which); the second run is the warm
figure the target is about (< 5 minutes on one core). One core: the process is
pinned with `taskset` where it exists and its BLAS and OpenMP pools get one thread.
Run: .venv/bin/python benchmarks/bench_evaluate.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

TARGET_SECONDS = 300.0
BIN = Path(sys.executable).with_name("multivector")


def run_once() -> float:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "COLUMNS": "80"}
    cmd = [str(BIN), "evaluate", "--format", "csv"]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    print("multivector evaluate: forecasters model, persistence, base_rate, logit; origins 2000-2016; 500 runs")
    first = run_once()
    print(f"  first run (fits any origin missing from the calibration cache): {first:7.1f} s")
    warm = [run_once() for _ in range(2)]
    median = sorted(warm)[len(warm) // 2]
    print(f"  warm runs: {', '.join(f'{w:.1f}' for w in warm)} s  (target < {TARGET_SECONDS:.0f} s on one core: "
          f"{'met' if median < TARGET_SECONDS else 'NOT met'})")


if __name__ == "__main__":
    main()
