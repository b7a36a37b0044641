"""How fast the negotiation models run: issues per CPU second on the DEU III dev file, and BDM on 30 actors.

The Speed table of docs/negotiation.md. CPU time (`time.process_time`), best of a few passes,
so other work on the machine inflates it less than wall time; `benchmarks/bench_negotiation.py`
prints the same measures with more detail.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from ..negotiation.bdm import BDMOptions, run_bdm
from ..negotiation.io import read_deu_tsv
from ..negotiation.models import MODEL_NAMES, get_model
from ..negotiation.stubborn import StubbornModel
from . import Table
from ._shared import shared_data


def _cpu(func, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()
        func()
        best = min(best, time.process_time() - t0)
    return max(best, 1e-9)


def _about(x: float) -> str:
    """Two significant digits, thousands spaced: what a speed measured on a shared machine supports."""
    if x >= 100:
        digits = len(str(int(x))) - 2
        return f"≈ {round(x, -digits):,.0f}".replace(",", " ")
    return f"≈ {x:.2g}"


def build() -> dict[str, Table]:
    problems = read_deu_tsv(shared_data("deu3_dev.tsv"))
    rows, raw = [], []
    for name in MODEL_NAMES:
        model = get_model(name)
        fast = name in ("status_quo", "agenda_setter", "compromise", "median", "stubborn")
        seconds = _cpu(lambda model=model: [model.predict(p) for p in problems], 5 if fast else 1)
        rows.append([name, _about(len(problems) / seconds)])
        raw.append({"model": name, "issues_per_cpu_second": len(problems) / seconds})
    fit = _cpu(lambda: StubbornModel().fit(problems), 3)
    rng = np.random.default_rng(0)
    x, c, s = rng.uniform(0, 100, 30), rng.uniform(0.1, 5.0, 30), rng.uniform(0.1, 1.0, 30)
    options = BDMOptions(max_rounds=10, tol=-1.0)   # never stops early: exactly 10 rounds
    runs = [_cpu(lambda: run_bdm(x, c, s, options), 1) for _ in range(200)]
    bdm_ms = 1000 * statistics.median(runs)
    note = (f"{len(problems)} issues, one core, CPU time. Fitting `stubborn` on the file: {1000 * fit:.0f} ms. "
            f"BDM, 30 actors, 10 rounds: {bdm_ms:.1f} ms (median of 200 runs; target < 10 ms).")
    return {"speed": Table(columns=["model", "issues per CPU second, DEU dev file"], rows=rows, note=note,
                           raw=[*raw, {"stubborn_fit_ms": 1000 * fit, "bdm_30_actors_ms": bdm_ms}])}
