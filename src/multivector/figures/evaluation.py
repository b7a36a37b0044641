"""Rolling-origin evaluation: the model, its nested reference and the references, three subsets, both driver modes.

Runs `multivector.evaluate.evaluate` at the five origins (seed 0, 500 runs) with
every forecaster this installation has, once with the coded drivers (ex post)
and once with the drivers frozen at each origin (ex ante), and tabulates the
scores of docs/evaluation.md and the README. Without the transition model of
issue 21 (no `EngagementModel(theory=False)`) the model and its nested
reference are left out and the theory-test tables say so.
"""

from __future__ import annotations

import math

import pandas as pd

from . import Table

SLOW = True
SEED, RUNS = 0, 500
README_ORIGIN = 2008
SUBSET_NAMES = {"all": "all rows", "existing": "lines open at the origin",
                "first_choice": "bodies first open after the origin"}


def _f(v, fmt: str = "{:.3f}") -> str:
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else fmt.format(v)


def forecasters() -> list[str]:
    """Every forecaster of the third design; the model only with its nested reference (else the tables would
    mix the second design's model with the third's references)."""
    from ..evaluate.registry import available_forecasters, nested_available

    names = list(available_forecasters())
    return names if nested_available() else [n for n in names if n != "model"]


def run(drivers: str):
    from ..evaluate import evaluate

    return evaluate(forecasters=forecasters(), seed=SEED, runs=RUNS, drivers=drivers)


def origin_table(ev, subset: str, origin: int, rows: str = "regional") -> Table:
    """Every forecaster's scores at one origin on one subset."""
    sc = ev.scores if rows == "regional" else ev.scores_pooled
    b = sc[(sc.origin == origin) & (sc.subset == subset)]
    out = []
    for r in b.itertuples(index=False):
        auc = f"{_f(r.change_auc, '{:.2f}')} ({r.changes}/{r.change_units})" if subset == "existing" else "–"
        out.append([r.forecaster, _f(r.log_score), _f(r.brier), _f(r.rps), _f(r.balanced_accuracy_3, "{:.2f}"),
                    auc, f"{r.events_hit_2}/{r.events_total}", str(r.spurious_changes)])
    n = int(b.n.max()) if len(b) else 0
    mode = "coded drivers (ex post)" if ev.drivers == "coded" else "drivers frozen at the origin (ex ante)"
    return Table(columns=["forecaster", "log", "Brier", "RPS", "BA3", "change AUC (changes/lines)", "hits ±2",
                          "spurious"], rows=out,
                 note=f"Origin {origin}, {SUBSET_NAMES[subset]}, Central Asian rows (n = {n}, forecasts "
                      f"{origin + 1}–{ev.forecasts.year.max()}), {mode}; every forecaster fitted on the eleven "
                      "pooled states. Lower log, Brier and RPS are better.",
                 raw=[{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}
                      for d in b.to_dict("records")])


def subset_table(ev, subset: str, rows: str = "regional") -> Table:
    """Log / Brier of every forecaster at every origin on one subset."""
    sc = ev.scores if rows == "regional" else ev.scores_pooled
    b = sc[sc.subset == subset]
    names = list(dict.fromkeys(b.forecaster))
    out = []
    for o in sorted(b.origin.unique()):
        g = b[b.origin == o].set_index("forecaster")
        out.append([str(o), str(int(g.n.max())), *(f"{_f(g.log_score[f])} / {_f(g.brier[f])}" if f in g.index else "–"
                                                   for f in names)])
    who = "Central Asian rows" if rows == "regional" else "all eleven states' rows"
    mode = "coded drivers" if ev.drivers == "coded" else "drivers frozen at the origin"
    return Table(columns=["origin", "n", *names], rows=out,
                 note=f"Log score / Brier score on {SUBSET_NAMES[subset]}, {who}, {mode} (lower is better).",
                 raw=[{"origin": int(r.origin), "forecaster": r.forecaster, "n": int(r.n), "log_score": r.log_score,
                       "brier": r.brier} for r in b.itertuples(index=False)])


def auc_table(coded, frozen) -> Table:
    out, raw = [], []
    names = list(dict.fromkeys(coded.scores.forecaster))
    for o in coded.origins:
        for ev in (coded, frozen):
            g = ev.scores[(ev.scores.origin == o) & (ev.scores.subset == "existing")].set_index("forecaster")
            if g.empty:
                continue
            first = g.iloc[0]
            out.append([str(o), ev.drivers, f"{first.changes}/{first.change_units}",
                        *(_f(g.change_auc.get(f), "{:.2f}") for f in names)])
            raw += [{"origin": o, "drivers": ev.drivers, "forecaster": f, "change_auc": _nan(g.change_auc.get(f)),
                     "changes": int(first.changes), "units": int(first.change_units)} for f in names]
    return Table(columns=["origin", "drivers", "changed / lines", *names], rows=out,
                 note="AUC of P(status differs from the origin's within 2 years) on the Central Asian lines open at "
                      "the origin (docs/evaluation.md for the rule); – where no line, or every line, changed.",
                 raw=raw)


def _nan(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def theory_tables(coded, frozen) -> dict[str, Table]:
    if coded.theory is None:
        why = "; ".join(n for n in coded.notes if "theory" in n) or "theory test not run"
        empty = Table(columns=["origin", "subset", "log-score gain, coded [90%]", "frozen [90%]"],
                      rows=[["–", "–", "not run", "not run"]], note=f"{why[0].upper()}{why[1:]}.", align="llrr")
        return {"theory_test": empty,
                "elpd": Table(columns=["origin", "ELPD difference", "SE", "n"], rows=[["–", "not run", "–", "–"]],
                              note="In-sample PSIS-LOO, model minus nested reference: not run.")}
    rows, raw = [], []
    fz = frozen.theory.set_index(["origin", "subset"]) if frozen.theory is not None else None
    for r in coded.theory.itertuples(index=False):
        cell = f"{r.log_gain:+.4f} [{r.lo:+.4f}, {r.hi:+.4f}]" if not math.isnan(r.log_gain) else "–"
        fr = "–"
        if fz is not None and (r.origin, r.subset) in fz.index:
            q = fz.loc[(r.origin, r.subset)]
            fr = f"{q.log_gain:+.4f} [{q.lo:+.4f}, {q.hi:+.4f}]" if not math.isnan(q.log_gain) else "–"
        rows.append([str(r.origin), r.subset, cell, fr])
        raw.append({"origin": r.origin, "subset": r.subset, "log_gain": _nan(r.log_gain), "lo": _nan(r.lo),
                    "hi": _nan(r.hi), "n": int(r.n)})
    theory = Table(columns=["origin", "subset", "log-score gain, coded [90%]", "frozen [90%]"], rows=rows, align="llrr",
                   note="Log score of the nested reference (every theory weight 0) minus the model's on the same "
                        "Central Asian rows: > 0 where the theory's terms forecast better; 90% percentile bootstrap "
                        "interval, state-lines resampled (2,000 times, seed 0).", raw=raw)
    el = [[str(e["origin"]), f"{e['elpd_diff']:+.1f}", _f(e["se"], "{:.1f}"), str(e["n"])] for e in coded.elpd]
    elpd = Table(columns=["origin", "ELPD difference", "SE", "n"],
                 rows=el or [["–", "not computed", "–", "–"]],
                 note="In-sample PSIS-LOO expected log predictive density of the model minus its nested reference "
                      "on the training transitions of each origin (ArviZ), with the SE of the paired difference."
                      + ("" if el else " " + "; ".join(n for n in coded.notes if "ELPD" in n)),
                 raw=coded.elpd)
    return {"theory_test": theory, "elpd": elpd}


def csto_table() -> dict[str, Table]:
    """From origin 2000: P(member of the CSTO) that each chain-propagating reference gives three states that
    never left it (the logit also without its clip of the drivers, and with the drivers frozen), and which drivers
    move the logit's one-step odds of leaving for Kazakhstan between 2000 and 2010."""
    import numpy as np

    from ..evaluate import MarkovChain, TenureHazard, TransitionLogit, make_task
    from ..evaluate.logit import DRIVERS, driver_columns
    from ..model.inputs import load_inputs

    inp = load_inputs(pool=True)
    coded, frozen = make_task(inp, 2000, SEED), make_task(inp, 2000, SEED, "frozen")
    runs = [(MarkovChain(), coded), (TenureHazard(), coded), (TransitionLogit(), coded),
            (TransitionLogit(clip=False, name="logit, no clip"), coded),
            (TransitionLogit(name="logit, drivers frozen"), frozen)]
    j = inp.lines.index("CSTO")
    years = (2005, 2010, 2025)
    rows, raw = [], []
    for fc, task in runs:
        p = fc.forecast(task)
        cells = []
        for s in ("KAZ", "KGZ", "TJK"):
            for y in years:
                v = float(p[y - 2001, inp.states.index(s), j, 2])
                cells.append(f"{v:.2f}")
                raw.append({"forecaster": fc.name, "state": s, "year": y, "p_member": v})
        rows.append([fc.name, *cells])
    paths = Table(columns=["forecaster", *(f"{s} {y}" for s in ("KAZ", "KGZ", "TJK") for y in years)], rows=rows,
                  note="P(member of the CSTO) forecast from origin 2000 for three states recorded as members "
                       "throughout (coded drivers unless said).", raw=raw)
    fit = runs[2][0].fitted[2000]
    coef = fit.coefficients()
    off = coef.shape[1] - len(DRIVERS)
    k = inp.states.index("KAZ")
    d0 = driver_columns(inp, inp.year_index(2000))[k, j]
    d1 = np.clip(driver_columns(inp, inp.year_index(2010))[k, j], fit.lower, fit.upper)
    push = (coef[0, off:] - coef[2, off:]) * (d1 - d0)
    order = [int(i) for i in np.argsort(-np.abs(push)) if abs(push[i]) >= 0.01]
    drv = Table(columns=["driver", "2000", "2010", "log-odds of none vs member"],
                rows=[[DRIVERS[i], f"{d0[i]:.2f}", f"{d1[i]:.2f}", f"{push[i]:+.2f}"] for i in order],
                note="Kazakhstan in the CSTO: the drivers whose coded change from 2000 to 2010 moves the fixed "
                     "logit's (origin 2000) one-step log-odds of none against member by 0.01 or more "
                     "(after the clip; > 0 toward leaving).",
                raw=[{"driver": DRIVERS[i], "2000": float(d0[i]), "2010": float(d1[i]), "push": float(push[i])}
                     for i in order])
    return {"csto_2000": paths, "csto_2000_drivers": drv}


def fits_table(ev) -> Table:
    rows = []
    for o in ev.origins:
        m = ev.fits.get("markov", {}).get(o, {})
        h = ev.fits.get("hazard", {}).get(o, {})
        lg = ev.fits.get("logit", {}).get(o, {})
        kappa = m.get("concentration", {})
        rows.append([str(o), *(_f(kappa.get(f), "{:.3g}") for f in ("none", "partner", "member", "first")),
                     _f(h.get("line_sd"), "{:.2f}"), " / ".join(_f(v, "{:+.2f}") for v in h.get("log_tenure", [])),
                     _f(lg.get("penalty_C"), "{:.3g}")])
    return Table(columns=["origin", "κ none", "κ partner", "κ member", "κ first", "hazard σ",
                          "log-tenure slope (none / partner / member)", "logit C"], rows=rows,
                 note="What the references fitted at each origin: the Markov chain's concentrations (large: the "
                      "lines share the pooled chain), the hazard's line-effect sd and duration slopes, the logit's "
                      "inverse penalty (cross-validated).", raw=[ev.fits])


def build() -> dict[str, Table]:
    coded, frozen = run("coded"), run("frozen")
    tables = {"existing_2008": origin_table(coded, "existing", README_ORIGIN),
              "existing_2008_frozen": origin_table(frozen, "existing", README_ORIGIN),
              "first_choice_2008": origin_table(coded, "first_choice", README_ORIGIN)}
    for subset in SUBSET_NAMES:
        tables[f"scores_{subset}"] = subset_table(coded, subset)
        tables[f"scores_{subset}_frozen"] = subset_table(frozen, subset)
    tables["scores_existing_pooled"] = subset_table(coded, "existing", rows="pooled")
    tables["auc"] = auc_table(coded, frozen)
    tables.update(theory_tables(coded, frozen))
    tables.update(csto_table())
    tables["fits"] = fits_table(coded)
    tables["forecasters"] = Table(columns=["forecasters", "seed", "runs"],
                                  rows=[[", ".join(forecasters()), str(SEED), str(RUNS)]],
                                  note="The forecasters of this build of the tables.")
    return tables


if __name__ == "__main__":   # a quick look without writing: python -m multivector.figures.evaluation
    from . import render

    for name, t in build().items():
        print(f"## {name}\n{render(t)}")
    pd.set_option("display.width", 200)
