"""Analyse a finished sweep: global sensitivity indices and scenario discovery.

- Sobol' indices (design `sobol`): first-order S1 (the share of an outcome's variance a factor
  explains alone) and total ST (alone and in interaction), with bootstrap confidence intervals,
  by Saltelli et al.'s (2010) estimators as SALib implements them (Saltelli 2002 for the design;
  Jansen 1999 for ST).
- Morris screening (design `morris`): μ* (the mean absolute elementary effect: how much a factor
  moves the outcome) and σ (their spread: non-linearity or interaction), Morris (1991) with
  Campolongo, Cariboni & Saltelli's (2007) μ*. Effects are per full range of a factor (the
  design is read in the unit hypercube), so factors on different scales compare.
- PRIM scenario discovery for a condition on an outcome (prim.py; Bryant & Lempert 2010): the
  peeling trajectory with coverage and density, and the chosen box's factor ranges.

Sobol' and Morris read the points in the order the design wrote them; every design can be
read by PRIM.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .outcomes import Condition, parse_condition
from .prim import prim


@dataclass
class Analysis:
    name: str
    method: str
    factors: list[str]
    outcomes: list[str]
    n_points: int
    runs: int
    seed: int
    sobol: dict[str, pd.DataFrame] = field(default_factory=dict)    # outcome -> factor, S1, S1_conf, ST, ST_conf
    morris: dict[str, pd.DataFrame] = field(default_factory=dict)   # outcome -> factor, mu_star, mu_star_conf, sigma
    prim: dict | None = None
    direction: pd.DataFrame | None = None   # Spearman's ρ of each factor (rows) with each outcome (columns)
    notes: list[str] = field(default_factory=list)   # what the analysis could not do, and why (no PRIM cases)

    @classmethod
    def from_dict(cls, d: dict) -> Analysis:
        """An analysis from its JSON (analysis.json), e.g. for a report that must not re-run it."""
        a = cls(d["name"], d["design"], list(d["factors"]), list(d["outcomes"]), d["n_points"],
                d["runs_per_point"], d["seed"])
        a.sobol = {k: pd.DataFrame(v) for k, v in d.get("sobol", {}).items()}
        a.morris = {k: pd.DataFrame(v) for k, v in d.get("morris", {}).items()}
        a.notes = list(d.get("notes", []))
        if "direction" in d:
            a.direction = pd.DataFrame(d["direction"])
        if d.get("prim"):
            p = dict(d["prim"])
            p["trajectory"] = pd.DataFrame(p["trajectory"])
            p["box"] = pd.DataFrame(p["box"])
            a.prim = p
        return a

    def as_dict(self) -> dict:
        from ..io_utils import plain, records

        out = {"name": self.name, "design": self.method, "factors": self.factors, "outcomes": self.outcomes,
               "n_points": self.n_points, "runs_per_point": self.runs, "seed": self.seed}
        if self.notes:
            out["notes"] = list(self.notes)
        if self.direction is not None:
            out["direction"] = {o: {f: plain(v) for f, v in self.direction[o].items()} for o in self.direction}
        if self.sobol:
            out["sobol"] = {k: records(v) for k, v in self.sobol.items()}
        if self.morris:
            out["morris"] = {k: records(v) for k, v in self.morris.items()}
        if self.prim is not None:
            p = self.prim
            out["prim"] = {"condition": p["condition"], "cases": p["cases"], "points": p["points"],
                           "chosen": p["chosen"], "min_density": p["min_density"],
                           "trajectory": records(p["trajectory"]), "box": records(p["box"])}
        return out


def sobol_indices(problem: dict, y: np.ndarray, second_order: bool, seed: int,
                  conf_level: float = 0.95, resamples: int = 1000) -> pd.DataFrame:
    """S1 and ST with their confidence half-widths (SALib.analyze.sobol) for one outcome; with
    `second_order`, the columns `S2 <factor>` and `S2_conf <factor>` too (row i, column j: S_ij, i < j)."""
    from SALib.analyze import sobol

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        si = sobol.analyze(problem, np.asarray(y, float), calc_second_order=second_order, conf_level=conf_level,
                           num_resamples=resamples, seed=seed, print_to_console=False)
    df = pd.DataFrame({"factor": problem["names"], "S1": si["S1"], "S1_conf": si["S1_conf"],
                       "ST": si["ST"], "ST_conf": si["ST_conf"]})
    if second_order:
        for j, name in enumerate(problem["names"]):
            df[f"S2 {name}"] = si["S2"][:, j]
            df[f"S2_conf {name}"] = si["S2_conf"][:, j]
    return df


def morris_indices(problem: dict, x_unit: np.ndarray, y: np.ndarray, levels: int, seed: int,
                   conf_level: float = 0.95, resamples: int = 1000) -> pd.DataFrame:
    """μ*, its confidence half-width, μ and σ (SALib.analyze.morris) for one outcome."""
    from SALib.analyze import morris

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        si = morris.analyze(problem, x_unit, np.asarray(y, float), num_levels=levels, conf_level=conf_level,
                            num_resamples=resamples, seed=seed, print_to_console=False)
    return pd.DataFrame({"factor": problem["names"], "mu_star": np.asarray(si["mu_star"], float),
                         "mu_star_conf": np.asarray(si["mu_star_conf"], float), "mu": np.asarray(si["mu"], float),
                         "sigma": np.asarray(si["sigma"], float)})


class NoCasesError(ValueError):
    """No point of the sweep meets the condition given to PRIM: a finding about the sampled futures, not an error
    of the input (`analyze` records it as a note and goes on)."""


def discover(results: pd.DataFrame, factors: list[str], condition: Condition | str,
             min_density: float = 0.8, **kw) -> dict:
    """PRIM for `condition` over the factors: trajectory, chosen box (largest coverage at ≥ min_density)."""
    cond = parse_condition(condition) if isinstance(condition, str) else condition
    if cond.outcome not in results.columns:
        raise ValueError(f"the sweep recorded no outcome {cond.outcome}; use one of "
                         + ", ".join(c for c in results.columns if "(" in c))
    values = results[cond.outcome].to_numpy()
    y = cond(values)
    if y.sum() == 0:
        raise NoCasesError(f"no point of the {len(y)} meets {cond} (the outcome ranges {np.nanmin(values):.3g} to "
                           f"{np.nanmax(values):.3g} over them): within the factors' ranges there is no such "
                           "scenario to discover — a threshold inside that range gives PRIM boxes")
    r = prim(results[factors], y, **kw)
    chosen = r.choose(min_density)
    return {"condition": str(cond), "cases": int(y.sum()), "points": int(len(y)), "chosen": chosen,
            "min_density": min_density, "trajectory": r.trajectory, "box": r.box(chosen), "result": r}


def analyze(folder: str | Path, find: str | None = None, min_density: float = 0.8,
            resamples: int = 1000) -> Analysis:
    """Every analysis the sweep's design allows, and PRIM for `find`."""
    import json

    from .execute import read_results

    folder = Path(folder)
    man, design, results = read_results(folder)
    info = json.loads((folder / "sweep.json").read_text())
    names = [f["name"] for f in info["factors"]]
    outcomes = info["outcomes"]
    method, d = info["design"]["method"], info["design"]
    a = Analysis(info["name"], method, names, outcomes, man.n_points, info["runs"], info["seed"])
    results = results.sort_values("point").reset_index(drop=True)
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    # the indices say how much, not which way: the rank correlation over all points gives the sign
    a.direction = results[names + outcomes].corr(method="spearman").loc[names, outcomes]
    for o in outcomes:
        y = results[o].to_numpy(float)
        if method == "sobol":
            a.sobol[o] = sobol_indices(problem, y, d["second_order"], info["seed"], resamples=resamples)
        elif method == "morris":
            xu = design.sort_values("point")[[f"u_{n}" for n in names]].to_numpy()
            a.morris[o] = morris_indices(problem, xu, y, d["levels"], info["seed"], resamples=resamples)
    if find:
        try:
            a.prim = discover(results, names, find, min_density)
        except NoCasesError as exc:
            a.notes.append(str(exc))
    return a


def index_warnings(a: Analysis) -> list[str]:
    """Sentences for the Sobol' indices that fall outside [0, 1] beyond their 95% intervals, or are undefined.

    A variance share lies in [0, 1]; an estimate whose whole interval lies outside it says the sample is too
    small for the estimator (Saltelli et al. 2010 ask for N of several hundred to thousands), not that the
    factor matters more than all the variance. An outcome that never varies has no indices at all.
    """
    out = []
    for o, df in a.sobol.items():
        bad, empty = [], []
        for r in df.itertuples(index=False):
            for name in ("S1", "ST"):
                v, c = float(getattr(r, name)), float(getattr(r, f"{name}_conf"))
                if not np.isfinite(v):
                    empty.append(f"{name} of {r.factor}")
                elif v - (c if np.isfinite(c) else 0.0) > 1 or v + (c if np.isfinite(c) else 0.0) < 0:
                    bad.append(f"{name} of {r.factor} = {v:.2f} ± {c:.2f}")
        if bad:
            out.append(f"{o}: {'; '.join(bad)} lie outside [0, 1] beyond their 95% intervals, so the sample of "
                       f"{a.n_points} points is too small for these indices; run the sweep again with a larger "
                       "design `n` (Sobol' designs need hundreds of base points) before reading them.")
        wide = float(np.nanmax(df[["S1_conf", "ST_conf"]].to_numpy(float), initial=0.0))
        if not bad and wide > 0.5:
            out.append(f"{o}: the 95% intervals reach ±{wide:.2f}, wider than half the range an index can take: "
                       f"{a.n_points} points estimate none of these indices; run a larger design before reading them.")
        if empty:
            out.append(f"{o}: {', '.join(empty)} are undefined: the outcome did not vary over the sweep's points.")
    return out


def figures(a: Analysis) -> list:
    """Plotly figures: indices per outcome (bars with intervals), Morris μ*–σ, PRIM's trade-off."""
    import plotly.graph_objects as go

    figs = []
    for o, df in a.sobol.items():
        fig = go.Figure()
        fig.add_bar(name="first-order S1", x=df.factor, y=df.S1, error_y={"type": "data", "array": df.S1_conf})
        fig.add_bar(name="total ST", x=df.factor, y=df.ST, error_y={"type": "data", "array": df.ST_conf})
        fig.update_layout(title=f"Sobol' indices of {o} (95% intervals)", barmode="group",
                          yaxis_title="share of variance", xaxis_title="factor")
        figs.append(fig)
    for o, df in a.morris.items():
        fig = go.Figure(go.Scatter(x=df.mu_star, y=df.sigma, text=df.factor, mode="markers+text",
                                   textposition="top center",
                                   error_x={"type": "data", "array": df.mu_star_conf}))
        fig.update_layout(title=f"Morris screening of {o}", xaxis_title="μ* (mean |elementary effect|, per full range)",
                          yaxis_title="σ (spread of the effects)")
        figs.append(fig)
    if a.prim is not None:
        t = a.prim["trajectory"]
        fig = go.Figure(go.Scatter(x=t.coverage, y=t.density, mode="markers+lines", marker={"color": t.res_dim,
                        "colorscale": "Viridis", "showscale": True, "colorbar": {"title": "factors restricted"}},
                        text=[f"box {i}" for i in t.step]))
        c = a.prim["chosen"]
        fig.add_scatter(x=[t.coverage[c]], y=[t.density[c]], mode="markers", name=f"chosen box {c}",
                        marker={"size": 14, "symbol": "star", "color": "red"})
        fig.update_layout(title=f"PRIM peeling trajectory for {a.prim['condition']}", xaxis_title="coverage",
                          yaxis_title="density", showlegend=False)
        figs.append(fig)
    return figs


def write_analysis(a: Analysis, out: str | Path) -> list[Path]:
    """analysis.json and analysis.html (the figures; plotly.js beside it, offline) into folder `out`."""
    import json

    from ..io_utils import write_atomic

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = [write_atomic(out / "analysis.json", json.dumps(a.as_dict(), indent=1, ensure_ascii=False))]
    figs = figures(a)
    if figs:
        import html as html_

        import plotly.io as pio
        from plotly.offline import get_plotlyjs

        body = "".join(f"<p><strong>Warning:</strong> {html_.escape(w)}</p>" for w in index_warnings(a))
        body += "\n".join(pio.to_html(f, include_plotlyjs=False, full_html=False) for f in figs)
        if a.prim is not None:
            p, t = a.prim, a.prim["trajectory"]
            c = p["chosen"]
            body += (f"<h2>Scenario discovery: {html_.escape(p['condition'])}</h2><p>{p['cases']} of {p['points']} "
                     f"points; chosen box {c}: coverage {t.coverage[c]:.2f}, density {t.density[c]:.2f}, mass "
                     f"{t.mass[c]:.2f}</p>" + p["box"].round(4).to_html(index=False, na_rep=""))
        write_atomic(out / "plotly.min.js", get_plotlyjs())
        html = (f"<!doctype html><html><head><meta charset='utf-8'><title>Sweep {a.name}</title>"
                "<script src='plotly.min.js'></script></head><body>"
                f"<h1>Sweep {a.name}</h1><p>{a.n_points} points × {a.runs} runs, design {a.method}, seed {a.seed}"
                f"</p>{body}</body></html>")
        written.append(write_atomic(out / "analysis.html", html))
    return written
