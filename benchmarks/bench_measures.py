"""Benchmark: import a full-width COW IGO file (generated) and compute the measures for all states and years.

    .venv/bin/python benchmarks/bench_measures.py [--states 200] [--orgs 535] [--seed 0]

Prints seconds per step and peak memory (tracemalloc for Python allocations incl. NumPy,
and the process's maximum resident set size). Target: import + measures < 10 s.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from multivector.cow import cow_spells, panel_from_cow, read_cow, write_synthetic_cow
from multivector.measures import measures_table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--states", type=int, default=200)
    ap.add_argument("--orgs", type=int, default=535)
    ap.add_argument("--first", type=int, default=1816)
    ap.add_argument("--last", type=int, default=2014)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cow_synthetic.csv"
        t = time.perf_counter()
        write_synthetic_cow(path, args.states, args.orgs, (args.first, args.last), args.seed)
        gen = time.perf_counter() - t
        size = path.stat().st_size / 1e6
        tracemalloc.start()
        t0 = time.perf_counter()
        data = read_cow(path)
        t1 = time.perf_counter()
        panel = panel_from_cow(data)
        t2 = time.perf_counter()
        core = measures_table(panel, network=False)
        t3 = time.perf_counter()
        full = measures_table(panel, network=True, projection_betweenness=False)
        t4 = time.perf_counter()
        spells = cow_spells(data)
        t5 = time.perf_counter()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = len(core)
    print(f"generated file: {data.n_rows} rows x {len(data.columns)} organizations, "
          f"{args.first}-{args.last}, {size:.1f} MB ({gen:.2f} s, not timed below)")
    print(f"panel: {len(panel.states)} states x {len(panel.orgs)} organizations x {len(panel.years)} years "
          f"= {panel.codes.size:,} cells; {rows:,} state-year rows")
    print(f"read (pyarrow, int8)                     {t1 - t0:6.2f} s")
    print(f"panel                                    {t2 - t1:6.2f} s")
    print(f"core measures (ties, balance, HHI, expo) {t3 - t2:6.2f} s")
    print(f"core + network (degree, betweenness, shared forums) {t4 - t3:6.2f} s")
    print(f"spells (run-length, {len(spells):,} spells)        {t5 - t4:6.2f} s")
    print(f"import + all measures                    {t4 - t0 - (t3 - t2):6.2f} s   (target < 10 s)")
    print(f"peak memory: {peak / 1e6:.0f} MB traced (tracemalloc), {rss:.0f} MB max RSS")
    print(f"check: {full['balance_index'].notna().mean():.1%} of rows have a balance index; "
          f"mean balance {full['balance_index'].mean():.1f}")


if __name__ == "__main__":
    main()
