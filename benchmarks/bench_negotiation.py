"""Negotiation-model speed: issues per second on the DEU dev file, and BDM on a 30-actor issue.

Usage: ``python benchmarks/bench_negotiation.py [DEU_TSV]`` (default ``../shared/data/deu3_dev.tsv``).
Target: BDM, 30 actors, 10 rounds, well under 10 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

from multivector.negotiation import MODEL_NAMES, get_model, read_deu_tsv
from multivector.negotiation.bdm import BDMOptions, run_bdm
from multivector.negotiation.stubborn import StubbornModel

DEFAULT_DEU = Path(__file__).resolve().parents[2] / "shared" / "data" / "deu3_dev.tsv"


def best_of(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DEU
    problems = read_deu_tsv(path)
    print(f"DEU file: {path} ({len(problems)} issues)")
    print(f"{'model':<12}{'issues/s':>12}{'ms/issue':>12}")
    for name in MODEL_NAMES:
        model = get_model(name)
        repeats = 5 if name in ("compromise", "median", "stubborn", "status_quo", "agenda_setter") else 2
        seconds = best_of(lambda model=model: [model.predict(p) for p in problems], repeats)
        print(f"{name:<12}{len(problems) / seconds:>12.0f}{1000 * seconds / len(problems):>12.3f}")

    seconds = best_of(lambda: StubbornModel().fit(problems), 3)
    print(f"fitting stubborn on {len(problems)} issues: {1000 * seconds:.1f} ms")

    rng = np.random.default_rng(0)
    x, c, s = rng.uniform(0, 100, 30), rng.uniform(0.1, 5.0, 30), rng.uniform(0.1, 1.0, 30)
    options = BDMOptions(max_rounds=10, tol=-1.0)  # never stops early: exactly 10 rounds
    assert run_bdm(x, c, s, options).rounds == 10
    runs = []
    for _ in range(200):
        start = time.perf_counter()
        run_bdm(x, c, s, options)
        runs.append(time.perf_counter() - start)
    median_ms = 1000 * statistics.median(runs)
    verdict = "OK" if median_ms < 10 else "SLOW"
    print(
        f"BDM, 30 actors, 10 rounds: median {median_ms:.2f} ms over 200 runs (target < 10 ms: {verdict})"
    )


if __name__ == "__main__":
    main()
