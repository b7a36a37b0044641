"""The shipped sweep studies, run and analysed: the tables and figures of docs/sweeps.md.

Runs sweeps/central-asia-2035.yaml (1,024 points × 1,000 runs), sweeps/morris-screening.yaml and
sweeps/uzbekistan-eaeu-discovery.yaml on two local worker processes, every point a projection from
the record, and analyses them as `multivector sweep analyze` does (Sobol' indices, Morris screening,
PRIM). Writes docs/sweeps/sobol.png and docs/sweeps/prim.png beside the tables. The sweep folders
go to a temporary folder (MULTIVECTOR_SWEEP_FIGURES_DIR keeps them). Minutes of work.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from .. import shipped
from . import Table

SLOW = True
ROOT = Path(__file__).resolve().parents[3]
STUDY, MORRIS, DISCOVERY = "central-asia-2035", "morris-screening", "uzbekistan-eaeu-discovery"
FIND = {STUDY: "P_member(UZB, EAEU, 2035) > 0.5", DISCOVERY: "P_member(UZB, EAEU, 2035) > 0.6"}
WORKERS = 2


def _run(name: str, folder: Path, inputs) -> tuple[object, dict]:
    """Run one shipped spec into folder/name (resuming a finished or interrupted run) and analyse it."""
    from ..sweep import load_spec, open_executor, run_sweep
    from ..sweep.analyze import analyze

    spec = load_spec(shipped.folder("sweep") / f"{name}.yaml", inputs.states, {o for o in inputs.era_org.ravel() if o},
                     inputs.lines, record_until=inputs.record_until)
    t0, c0 = time.perf_counter(), time.process_time()
    with open_executor(workers=WORKERS) as (ex, _info):
        run = run_sweep(spec, folder / name, ex, resume=True)
    chunks = run.manifest.chunks.values()
    timing = {"points": run.manifest.n_points, "runs": spec.runs, "start": spec.start, "end": spec.end,
              "wall_s": time.perf_counter() - t0, "driver_cpu_s": time.process_time() - c0,
              "chunk_cpu_s": sum(c.get("cpu_seconds", 0.0) for c in chunks), "ran_chunks": len(run.ran),
              "load": os.getloadavg()[0]}
    return analyze(folder / name, FIND.get(name)), timing


def _f(v: float, digits: int = 2) -> str:
    return f"{v:.{digits}f}".replace("-", "−")


def _signed(v: float) -> str:
    return ("+" if v >= 0 else "−") + f"{abs(v):.2f}"


def outcomes_table(name: str, folder: Path, outcomes: list[str]) -> Table:
    import pandas as pd

    res = pd.read_parquet(folder / name / "results.parquet")
    rows = [[o, _f(res[o].mean()), _f(res[o].std()), _f(res[o].min()), _f(res[o].max())] for o in outcomes]
    return Table(["outcome", "mean", "sd", "min", "max"], rows, raw=[
        {"outcome": o, "mean": float(res[o].mean()), "sd": float(res[o].std()), "min": float(res[o].min()),
         "max": float(res[o].max())} for o in outcomes])


def sobol_table(a, outcome: str) -> Table:
    df = a.sobol[outcome].sort_values("ST", ascending=False)
    rho = a.direction[outcome]
    rows = [[r.factor, _f(r.S1), _f(r.S1_conf), _f(r.ST), _f(r.ST_conf), _signed(rho[r.factor])]
            for r in df.itertuples(index=False)]
    return Table(["factor", "S1", "±", "ST", "±", "ρ"], rows, raw=[
        {**{k: float(getattr(r, k)) for k in ("S1", "S1_conf", "ST", "ST_conf")}, "factor": r.factor,
         "rho": float(rho[r.factor])} for r in df.itertuples(index=False)])


def morris_table(a, outcome: str) -> Table:
    df = a.morris[outcome].sort_values("mu_star", ascending=False)
    rows = [[r.factor, _f(r.mu_star), _f(r.mu_star_conf), _f(r.sigma)] for r in df.itertuples(index=False)]
    return Table(["factor", "μ*", "±", "σ"], rows, raw=[
        {"factor": r.factor, "mu_star": float(r.mu_star), "mu_star_conf": float(r.mu_star_conf),
         "sigma": float(r.sigma)} for r in df.itertuples(index=False)])


def trajectory_table(a) -> Table:
    p = a.prim
    t = p["trajectory"]
    c = p["chosen"]
    picks = sorted({0, c, *[k for k in (len(t) // 4, len(t) // 2, 3 * len(t) // 4, len(t) - 1)]})
    rows = [[f"{k}" + (f" (chosen: largest coverage at density ≥ {p['min_density']:g})" if k == c else
                       " (all points)" if k == 0 else ""),
             _f(t.coverage[k]), _f(t.density[k]), _f(t.mass[k]), str(int(t.res_dim[k]))] for k in picks]
    note = f"{p['cases']:,} of {p['points']:,} points meet `{p['condition']}`."
    return Table(["box", "coverage", "density", "mass", "factors restricted"], rows, note, raw=[
        {"box": int(k), **{m: float(t[m][k]) for m in ("coverage", "density", "mass")}} for k in picks])


def box_table(a) -> Table:
    """The chosen box: each restricted factor's limits (bold: the restricted end), the share of its range kept,
    and the quasi-p value of each restricted limit (small: the limit matters)."""
    import math

    b = a.prim["box"]
    rows, raw = [], []
    for r in b.itertuples(index=False):
        low, high = _f(r.low, 3), _f(r.high, 3)
        qps = []
        if not math.isnan(r.qp_low):
            low, qps = f"**{low}**", [*qps, r.qp_low]
        if not math.isnan(r.qp_high):
            high, qps = f"**{high}**", [*qps, r.qp_high]
        rows.append([r.factor, low, high, f"{_f(r.full_low, 3)} … {_f(r.full_high, 3)}", _f(r.kept),
                     ", ".join(f"{q:.2g}" for q in qps)])
        raw.append({k: (v if k == "factor" else float(v)) for k, v in r._asdict().items()})
    return Table(["factor", "low", "high", "full range", "kept", "quasi-p of the limit"], rows, raw=raw)


def runs_table(timings: dict[str, dict]) -> Table:
    rows = [[name, f"{t['points']:,} × {t['runs']:,}", f"{t['start']}–{t['end']}",
             f"{t['wall_s'] / 60:.1f} min", f"{t['chunk_cpu_s']:.0f} s", f"{t['load']:.1f}"]
            for name, t in timings.items()]
    note = (f"On {WORKERS} local worker processes of this machine (its 2 cores shared with other work: the 1-minute "
            "load average at the end is given); CPU: the sum of the chunks' CPU time inside the workers. A study "
            "already finished in the kept folder is only analysed again (its times are then the analysis').")
    return Table(["study", "points × runs", "years", "wall", "CPU (chunks)", "load"], rows, note,
                 align="llrrrr", raw=[{"study": n, **t} for n, t in timings.items()])


def sobol_png(a, outcomes: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, axes = plt.subplots(1, len(outcomes), figsize=(5 * len(outcomes), 3.6), sharey=True)
    for ax, o in zip(np.atleast_1d(axes), outcomes, strict=True):
        rows = a.sobol[o].to_dict("records")
        x = np.arange(len(rows))
        ax.bar(x - 0.2, [r["S1"] for r in rows], 0.4, yerr=[r["S1_conf"] for r in rows], label="first-order S1",
               capsize=3)
        ax.bar(x + 0.2, [r["ST"] for r in rows], 0.4, yerr=[r["ST_conf"] for r in rows], label="total ST", capsize=3)
        ax.set_xticks(x, [r["factor"] for r in rows], rotation=35, ha="right")
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_title(o, fontsize=10)
    np.atleast_1d(axes)[0].set_ylabel("share of variance (95% interval)")
    np.atleast_1d(axes)[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def prim_png(a, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = a.prim
    t = p["trajectory"]
    fig, ax = plt.subplots(figsize=(5.5, 4))
    sc = ax.scatter(t.coverage, t.density, c=t.res_dim, cmap="viridis")
    c = p["chosen"]
    ax.scatter([t.coverage[c]], [t.density[c]], marker="*", s=250, color="red", label=f"chosen box {c}")
    fig.colorbar(sc, ax=ax, label="factors restricted")
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_title(f"PRIM peeling trajectory: {p['condition']}", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def build() -> dict[str, Table]:
    from ..kb import CaseBase
    from ..model.inputs import load_inputs

    inputs = load_inputs(CaseBase.load())
    keep = os.environ.get("MULTIVECTOR_SWEEP_FIGURES_DIR")
    tmp = None if keep else tempfile.TemporaryDirectory(prefix="sweep-figures-")
    folder = Path(keep) if keep else Path(tmp.name)
    try:
        timings, analyses = {}, {}
        for name in (STUDY, MORRIS, DISCOVERY):
            analyses[name], timings[name] = _run(name, folder, inputs)
        a, m, d = analyses[STUDY], analyses[MORRIS], analyses[DISCOVERY]
        out = ROOT / "docs" / "sweeps"
        out.mkdir(parents=True, exist_ok=True)
        sobol_png(a, ["balance(KAZ, 2035)", "P_member(UZB, EAEU, 2035)"], out / "sobol.png")
        prim_png(a, out / "prim.png")
        return {"runs": runs_table(timings),
                "study_outcomes": outcomes_table(STUDY, folder, a.outcomes),
                "study_sobol_kaz": sobol_table(a, "balance(KAZ, 2035)"),
                "study_sobol_kaz_mean": sobol_table(a, "mean_balance(KAZ, 2026, 2035)"),
                "study_sobol_uzb": sobol_table(a, "P_member(UZB, EAEU, 2035)"),
                "study_sobol_uzb_csto": sobol_table(a, "P_member(UZB, CSTO, 2035)"),
                "study_prim": trajectory_table(a), "study_box": box_table(a),
                "morris_kaz": morris_table(m, "balance(KAZ, 2035)"),
                "morris_uzb": morris_table(m, "P_member(UZB, EAEU, 2035)"),
                "discovery_prim": trajectory_table(d), "discovery_box": box_table(d)}
    finally:
        if tmp is not None:
            tmp.cleanup()
