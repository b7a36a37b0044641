"""Benchmark: sweep points per second with 1 and 2 local workers and a 2-worker Dask LocalCluster.

The study is the Central Asian case's (sweeps/central-asia-2035.yaml: six factors, 2026-2035,
1,000 runs per point, chunks of 4 points, about a second each), on an LHS design of `--points`
points. For each executor it prints the points per second with warm workers (each has loaded
the case once; a short warm-up sweep runs first), the cold start (pool or cluster start and the
case loaded in every worker), the parallel efficiency against one worker, the scheduling
overhead per chunk ((wall × workers − Σ chunk time inside the workers) / chunks: submitting,
pickling, the manifest, waiting) and the peak resident memory of a worker and of the driver.
Then the 1,000-point × 1,000-run Sobol' study's time, extrapolated from the measured 2-worker
rate (the docs give the time of the real run).

Run: .venv/bin/python benchmarks/bench_sweep.py [--points 48] [--runs 1000]
The machine's 2 cores are shared: run it when nothing else runs, and read medians over runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from multivector import CaseBase
from multivector.model.inputs import load_inputs
from multivector.sweep import open_executor, parse_spec, run_sweep

ROOT = Path(__file__).parents[1]
STUDY = ROOT / "sweeps" / "central-asia-2035.yaml"


def spec_for(points: int, runs: int, name: str):
    inp = load_inputs(CaseBase.load())
    text = (STUDY.read_text().replace("design: {method: sobol, n: 128}", f"design: {{method: lhs, n: {points}}}")
            .replace("runs: 1000", f"runs: {runs}").replace("name: central-asia-2035", f"name: {name}"))
    return parse_spec(text, str(STUDY), inp.states, {o for o in inp.era_org.ravel() if o}, inp.lines)


def measure(label: str, kw: dict, spec, warm, tmp: Path) -> dict:
    t0 = time.perf_counter()
    with open_executor(**kw) as (ex, info):
        run_sweep(warm, tmp / f"warm-{label}", ex)                  # every worker loads the case
        cold = time.perf_counter() - t0
        t1 = time.perf_counter()
        r = run_sweep(spec, tmp / label, ex)
        wall = time.perf_counter() - t1
    chunks = r.manifest.chunks.values()
    busy = sum(c["seconds"] for c in chunks)
    cpu = sum(c["cpu_seconds"] for c in chunks)
    n = len(r.manifest.chunks)
    return {"label": label, "workers": info.workers, "points": r.manifest.n_points, "wall": wall,
            "rate": r.manifest.n_points / wall, "cold": cold, "chunk_s": busy / n, "chunk_cpu": cpu / n,
            "load": os.getloadavg()[0],
            "overhead": (wall * info.workers - busy) / n, "peak": max(c["peak_rss_mb"] for c in chunks),
            "results": r.results}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=48)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=1, help="measure each executor this many times, keep the fastest")
    args = ap.parse_args()
    spec = spec_for(args.points, args.runs, "bench")
    warm = spec_for(16, 10, "warm")
    warm.chunk = 1          # many small chunks, so that every worker loads the case before the timing
    print(f"sweep benchmark: {args.points} points x {args.runs} runs, 2026-2035, 6 factors, chunks of {spec.chunk} "
          f"points; the machine's 2 cores are shared, so figures are noisy")
    tmp = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    rows = []
    try:
        for label, kw in (("1 worker (in process)", {"workers": 1}), ("2 local workers (pool)", {"workers": 2}),
                          ("2 Dask workers (LocalCluster)", {"dask_local": 2})):
            tries = [measure(f"{label.split(' (')[0].replace(' ', '-')}-{k}", kw, spec, warm, tmp)
                     for k in range(args.repeat)]
            rows.append(max(tries, key=lambda m: m["rate"]))
            m = rows[-1]
            eff = m["rate"] / (m["workers"] * rows[0]["rate"])
            # what the efficiency would be on cores of our own: the work per chunk (CPU) against one
            # worker's, and the share of the workers' time spent in chunks rather than in overhead
            eff_cpu = rows[0]["chunk_cpu"] / m["chunk_cpu"] * m["chunk_cpu"] / (m["chunk_cpu"] + m["overhead"])
            print(f"{label:31s} {m['rate']:6.2f} points/s  wall {m['wall']:6.1f} s  efficiency {eff:5.0%}  "
                  f"chunk {m['chunk_s']:.2f} s (CPU {m['chunk_cpu']:.2f} s)  overhead/chunk "
                  f"{m['overhead'] * 1000:6.1f} ms  start {m['cold']:4.1f} s  peak worker RSS {m['peak']:4.0f} MiB  "
                  f"load {m['load']:.1f}  efficiency from CPU time {eff_cpu:5.0%}")
        print("(efficiency: the rate over workers x the 1-worker rate; chunk: wall and CPU time inside a worker; "
              "start: pool or cluster up and the case loaded in every worker; load: the machine's 1-min load "
              "average after the run — above 2 the cores were shared; efficiency from CPU time: the 1-worker CPU "
              "time per chunk over this executor's, times CPU / (CPU + overhead) per chunk — the wall-clock "
              "efficiency on cores nobody else uses)")
        same = all(r["results"].equals(rows[0]["results"]) for r in rows[1:])
        print(f"identical results across the three executors: {same}")
        driver = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak driver RSS {driver:.0f} MiB")
        rate2 = max(rows[1]["rate"], rows[2]["rate"])
        scale = args.runs / 1000     # time is linear in runs per point
        est = 1024 / (rate2 * scale)
        spec_pts = rows[1]
        free = 1024 * (spec_pts["chunk_cpu"] / scale + spec_pts["overhead"]) / spec.chunk / 2
        print(f"1,024-point x 1,000-run Sobol' study (sweeps/central-asia-2035.yaml) on 2 workers, extrapolated "
              f"(target: under 10 min): {est / 60:.1f} min at the 2-worker rate measured here, "
              f"{free / 60:.1f} min on 2 cores of its own (CPU per chunk + overhead)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
