"""Benchmark: a cold `multivector evaluate` (five origins, every forecaster), in CPU seconds.

Cold: an empty cache folder, so every fit (the engagement model's too) is done.
Both driver modes are timed, each as its own process; the target of issue 21 is
a cold run in at most 5 minutes on two cores, measured here as at most 300 CPU
seconds per mode (user + system of the process and its children), which is
what one core would need. A warm rerun (the model's fits cached) is timed too.
Without the transition model of issue 21 installed (no nested reference) the
engagement model of the second design is left out (its simulated fit takes about
19 minutes an origin) and the benchmark says so.

Run: .venv/bin/python benchmarks/bench_evaluate.py [--forecasters a,b,...]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_CPU_SECONDS = 300.0
BIN = Path(sys.executable).with_name("multivector")


def default_forecasters() -> tuple[str, str]:
    from multivector.evaluate.registry import available_forecasters, nested_available

    names = list(available_forecasters())
    if nested_available():
        return ",".join(names), "every forecaster"
    return (",".join(n for n in names if n != "model"),
            "references only: the installed engagement model has no nested reference (second design)")


def run_once(forecasters: str, drivers: str, cache: str) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one `multivector evaluate` in its own process."""
    env = {**os.environ, "MULTIVECTOR_CACHE_DIR": cache, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "COLUMNS": "80"}
    cmd = [str(BIN), "evaluate", "--format", "csv", "--forecasters", forecasters, "--drivers", drivers]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"multivector evaluate failed:\n{done.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forecasters", default=None, help="comma-separated (default: every forecaster available)")
    a = ap.parse_args()
    names, what = (a.forecasters, "as given") if a.forecasters else default_forecasters()
    print(f"multivector evaluate, origins 2000-2016, forecasters {names} ({what})")
    with tempfile.TemporaryDirectory(prefix="mv-bench-eval-") as cache:
        for drivers in ("coded", "frozen"):
            cpu, wall = run_once(names, drivers, cache)
            ok = "met" if cpu <= TARGET_CPU_SECONDS else "NOT met"
            print(f"  cold, --drivers {drivers:6s}: {cpu:7.1f} CPU s ({wall:6.1f} s wall)  "
                  f"target <= {TARGET_CPU_SECONDS:.0f} CPU s: {ok}")
        cpu, wall = run_once(names, "coded", cache)
        print(f"  warm, --drivers coded : {cpu:7.1f} CPU s ({wall:6.1f} s wall)")


if __name__ == "__main__":
    main()
