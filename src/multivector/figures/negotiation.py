"""Negotiation models judged on the DEU III dev file and on the case's proposals, and BDM on the EU-emissions table.

The tables of docs/negotiation.md:

* `deu` — every model and baseline out of sample on `deu3_dev.tsv`: parameter-free models
  forecast every issue, the fitted stubborn model goes through nested cross-validation grouped
  by proposal (`negotiation.selection`); the gain over compromise with its proposal-bootstrap
  interval; the note says what the fixed recommendation rule gives and what the inner loop chose;
* `stubborn_seeds` — the stubborn model's nested-CV MAE with other outer-fold seeds;
* `deu_status_quo` — the same forecasts on the issues that have a status quo;
* `sensitivity` — options and rule terms looked at on this file (not out of sample);
* `case` and `case_scores` — the case's proposals, every model against the record, rule terms on/off;
* `bdm_emissions` — BDM's weighted mean and median by round on Bueno de Mesquita's 1994 table.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..io_utils import records
from ..negotiation import bdm, smp
from ..negotiation.evaluate import summarise
from ..negotiation.io import read_bdm_csv, read_deu_tsv
from ..negotiation.models import MODELS, get_model
from ..negotiation.selection import (
    INNER_K,
    OUTER_K,
    STUBBORN_CANDIDATES,
    ModelComparison,
    compare_models,
    forecast_all,
    nested_cv,
)
from . import Table
from ._shared import shared_data

SLOW = True   # nested cross-validation, five times: a few minutes

SEED = 0
BOOTSTRAP = 2000


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def deu_problems():
    return read_deu_tsv(shared_data("deu3_dev.tsv"))


def deu_table(cmp: ModelComparison, problems: Sequence) -> Table:
    """Every model out of sample, the gain over compromise, and the recommendation the rule gives."""
    scored = [p for p in problems if p.outcome is not None]
    rows = [[r.model, r.kind, str(r.n), f"{r.mae:.2f}", _pct(r.hits),
             f"{r.gain:+.2f} [{r.gain_low:+.2f}, {r.gain_high:+.2f}]"] for r in cmp.table.itertuples()]
    rec = cmp.recommendation
    note = (f"{len(problems)} issues, {len(scored)} with an outcome, {len({p.meta['prnr'] for p in scored})} "
            f"proposals; nested {OUTER_K} × {INNER_K}-fold cross-validation grouped by proposal (outer folds seed "
            f"{cmp.seed}, inner folds seed {cmp.seed + 1}); gain = MAE(compromise) − MAE(model), 95% interval from "
            f"{BOOTSTRAP:,} proposal-bootstrap draws (seed {cmp.seed}).\n\n"
            f"Recommendation: **{rec.model}** — {rec.reason}.\n\n"
            f"The inner loop chose, per outer fold: {', '.join(cmp.stubborn_choices)}.")
    return Table(columns=["model", "kind", "n", "MAE", "hits ≤10", "gain over compromise [95%]"], rows=rows,
                 note=note, align="llrrrr", raw=records(cmp.table))


def stubborn_seeds_table(problems: Sequence, cmp: ModelComparison, seeds: Sequence[int] = (1, 2, 3, 4)) -> Table:
    """The stubborn model's nested-CV MAE when the outer folds are drawn with other seeds."""
    maes = {cmp.seed: cmp.outer["stubborn"].summary["mae"]}
    for s in seeds:
        maes[s] = nested_cv(STUBBORN_CANDIDATES, problems, "stubborn", seed=s).evaluation.summary["mae"]
    return Table(columns=["outer-fold seed", "nested-CV MAE of stubborn"],
                 rows=[[str(s), f"{m:.2f}"] for s, m in sorted(maes.items())],
                 raw=[{"seed": s, "mae": m} for s, m in sorted(maes.items())])


def status_quo_table(cmp: ModelComparison) -> Table:
    """The same out-of-sample forecasts, on the issues that have a status quo (`rp`)."""
    keep = cmp.outer["status_quo"].table["predicted"].notna().to_numpy()
    raw = [{k: (float(v) if k in ("mae", "hits") else v) for k, v in summarise(ev.table[keep], name).items()}
           for name, ev in cmp.outer.items()]
    return Table(columns=["model", "n", "MAE", "hits ≤10"],
                 rows=[[s["model"], str(s["n"]), f"{s['mae']:.2f}", _pct(s["hits"])] for s in raw], raw=raw)


def sensitivity_table(problems: Sequence) -> Table:
    """Options and rule terms looked at on this file (so not out of sample)."""
    variants = [
        get_model("bdm", bdm.BDMOptions(forecast="mean"), "bdm forecast=mean"),
        get_model("bdm", bdm.BDMOptions(accept="closest"), "bdm accept=closest"),
        get_model("smp", smp.SMPOptions(pce="markov_uniform"), "smp pce=markov_uniform"),
        get_model("smp", smp.SMPOptions(pce="markov_incentive"), "smp pce=markov_incentive"),
        get_model("smp", smp.SMPOptions(victory="quartic"), "smp victory=quartic"),
        get_model("stubborn", label="stubborn, shipped parameters (fitted on all of this file)"),
        *(get_model(n, label=f"{n}, rule terms on", rule_terms=True) for n in ("compromise", "nash", "combination")),
    ]
    raw = [forecast_all(m, problems).summary for m in variants]
    return Table(columns=["variant", "n", "MAE", "hits ≤10"],
                 rows=[[m.name, str(s["n"]), f"{s['mae']:.2f}", _pct(s["hits"])] for m, s in zip(variants, raw,
                                                                                                 strict=True)],
                 raw=[{**s, "model": m.name} for m, s in zip(variants, raw, strict=True)])


def _num(v: float) -> str:
    return "—" if v != v else f"{v:.0f}"


def case_tables() -> dict[str, Table]:
    """Every model on the case's proposals (rule terms on), and the scores with rule terms on and off."""
    from ..kb import CaseBase
    from ..negotiation.case_forecasts import compare_all

    kb = CaseBase.load()
    on_df, on = compare_all(kb, rule_terms=True, draws=0)
    _, off = compare_all(kb, rule_terms=False, draws=0)
    names = list(MODELS)
    case = Table(columns=["proposal", "recorded", *names],
                 rows=[[r.proposal, f"{r.recorded_outcome} ({r.recorded_position:.0f})",
                        *(_num(getattr(r, n)) for n in names)] for r in on_df.itertuples()],
                 align="ll" + "r" * len(names),
                 note="Forecasts with the rule terms on (the veto of every salient member); — where a baseline "
                      "does not forecast (no agenda setter on record).",
                 raw=records(on_df))
    scores = Table(columns=["model", "MAE, rule terms on", "class right", "MAE, rule terms off", "class right"],
                   rows=[[a.model, f"{a.mae:.2f}", f"{100 * a.outcome_correct:.0f}%", f"{b.mae:.2f}",
                          f"{100 * b.outcome_correct:.0f}%"] for a, b in zip(on.itertuples(), off.itertuples(),
                                                                              strict=True)],
                   raw=[{"model": a["model"], "rule_terms_on": a, "rule_terms_off": b}
                        for a, b in zip(records(on), records(off), strict=True)])
    return {"case": case, "case_scores": scores}


def bdm_table() -> Table:
    """BDM's weighted mean and median of the positions by round, default options."""
    pred = bdm.predict(read_bdm_csv(shared_data("bdm_eu_emissions.csv")))
    means, medians = pred.details["mean_by_round"][:, 0], pred.details["median_by_round"][:, 0]
    return Table(columns=["round", *map(str, range(means.size))],
                 rows=[["weighted mean", *(f"{v:.2f}" for v in means)],
                       ["weighted median", *(f"{v:.2f}" for v in medians)]],
                 raw=[{"round": k, "mean": float(a), "median": float(b)}
                      for k, (a, b) in enumerate(zip(means, medians, strict=True))])


def build(comparison: ModelComparison | None = None) -> dict[str, Table]:
    problems = deu_problems()
    cmp = comparison or compare_models(problems, seed=SEED, reps=BOOTSTRAP)
    return {"deu": deu_table(cmp, problems), "stubborn_seeds": stubborn_seeds_table(problems, cmp),
            "deu_status_quo": status_quo_table(cmp), "sensitivity": sensitivity_table(problems),
            **case_tables(), "bdm_emissions": bdm_table()}
