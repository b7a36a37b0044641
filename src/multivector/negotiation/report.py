"""Produce the validation tables of ``docs/negotiation.md``.

Run ``python -m multivector.negotiation.report [DEU_TSV] [BDM_CSV]``; it prints Markdown:

1. every model and baseline out of sample on the DEU file — parameter-free models forecast
   every issue, the fitted stubborn model goes through nested cross-validation grouped by
   proposal (:mod:`.selection`) — with proposal-bootstrap intervals for the gain over
   compromise, and the recommendation that the fixed rule gives;
2. the same on the issues that have a status quo (so the status-quo baseline is comparable);
3. sensitivity runs (options and rule terms), which are *not* out of sample: their options
   were looked at on this file;
4. the case's proposals, with rule terms on and off, beside the status quo;
5. the BDM figures on the EU-emissions table.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from . import bdm, smp
from .evaluate import summarise
from .io import read_bdm_csv, read_deu_tsv
from .models import MODELS, get_model
from .selection import STUBBORN_CANDIDATES, compare_models, forecast_all, nested_cv

DEFAULT_DEU = Path(__file__).resolve().parents[4] / "shared" / "data" / "deu3_dev.tsv"
DEFAULT_BDM = DEFAULT_DEU.with_name("bdm_eu_emissions.csv")

def _md(header: Sequence[str], rows: Sequence[Sequence[object]], right_from: int = 1) -> str:
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---" if k < right_from else "---:" for k in range(len(header))) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)

def deu_tables(problems, seed: int = 0) -> str:
    cmp = compare_models(problems, seed=seed)
    rows = [(r.model, r.kind, r.n, f"{r.mae:.2f}", f"{100 * r.hits:.1f}%",
             f"{r.gain:+.2f} [{r.gain_low:+.2f}, {r.gain_high:+.2f}]") for r in cmp.table.itertuples()]
    parts = [_md(("model", "kind", "n", "MAE", "hits ≤10", "gain over compromise [95%]"), rows, 2)]
    parts.append(f"\nRecommendation: **{cmp.recommendation.model}** — {cmp.recommendation.reason}.")
    parts.append(f"\nThe inner loop chose, per outer fold: {', '.join(cmp.stubborn_choices)}.")
    outer_seeds = [nested_cv(STUBBORN_CANDIDATES, problems, "stubborn", seed=s).evaluation.summary["mae"]
                   for s in range(1, 5)]
    parts.append(f"Nested-CV MAE of stubborn with outer seeds 1–4: "
                 f"{', '.join(f'{v:.2f}' for v in outer_seeds)} (seed 0: "
                 f"{cmp.outer['stubborn'].summary['mae']:.2f}).")
    # the issues with a status quo, where the status-quo baseline forecasts
    keep = cmp.outer["status_quo"].table["predicted"].notna().to_numpy()
    rows = []
    for name, ev in cmp.outer.items():
        s = summarise(ev.table[keep], name)
        rows.append((name, s["n"], f"{s['mae']:.2f}", f"{100 * s['hits']:.1f}%"))
    parts.append(f"\n### On the {int(keep.sum())} issues with a status quo (`rp`)\n")
    parts.append(_md(("model", "n", "MAE", "hits ≤10"), rows))
    return "\n".join(parts)

def sensitivity(problems) -> str:
    variants = [
        get_model("bdm", bdm.BDMOptions(forecast="mean"), "bdm forecast=mean"),
        get_model("bdm", bdm.BDMOptions(accept="closest"), "bdm accept=closest"),
        get_model("smp", smp.SMPOptions(pce="markov_uniform"), "smp pce=markov_uniform"),
        get_model("smp", smp.SMPOptions(pce="markov_incentive"), "smp pce=markov_incentive"),
        get_model("smp", smp.SMPOptions(victory="quartic"), "smp victory=quartic"),
        get_model("stubborn", label="stubborn, shipped parameters (fitted on all of this file)"),
        *(get_model(n, label=f"{n}, rule terms on", rule_terms=True) for n in ("compromise", "nash", "combination")),
    ]
    rows = []
    for m in variants:
        s = forecast_all(m, problems).summary
        rows.append((m.name, s["n"], f"{s['mae']:.2f}", f"{100 * s['hits']:.1f}%"))
    return _md(("variant", "n", "MAE", "hits ≤10"), rows)

def _num(v: float) -> str:
    return "—" if v != v else f"{v:.0f}"


def case_tables() -> str:
    from ..kb import CaseBase
    from .case_forecasts import compare_all

    kb = CaseBase.load()
    on_df, on = compare_all(kb, rule_terms=True, draws=0)
    _, off = compare_all(kb, rule_terms=False, draws=0)
    names = list(MODELS)
    rows = [(r.proposal, f"{r.recorded_outcome} ({r.recorded_position:.0f})",
             *(_num(getattr(r, n)) for n in names)) for r in on_df.itertuples()]
    parts = [_md(("proposal", "recorded", *names), rows, 2)]
    parts.append("\n" + _md(("model", "MAE, rule terms on", "class right", "MAE, rule terms off", "class right"),
                            [(a.model, f"{a.mae:.2f}", f"{100 * a.outcome_correct:.0f}%", f"{b.mae:.2f}",
                              f"{100 * b.outcome_correct:.0f}%")
                             for a, b in zip(on.itertuples(), off.itertuples(), strict=True)]))
    return "\n".join(parts)

def bdm_figures(path: Path) -> str:
    pred = bdm.predict(read_bdm_csv(path))
    means, medians = pred.details["mean_by_round"][:, 0], pred.details["median_by_round"][:, 0]
    return _md(("round", *map(str, range(means.size))),
               [("weighted mean", *(f"{v:.2f}" for v in means)), ("weighted median", *(f"{v:.2f}" for v in medians))])

def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    deu = Path(argv[0]) if argv else DEFAULT_DEU
    bdm_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_BDM
    problems = read_deu_tsv(deu)
    scored = [p for p in problems if p.outcome is not None]
    print(f"## Out of sample on {deu.name} ({len(problems)} issues, {len(scored)} with an outcome, "
          f"{len({p.meta['prnr'] for p in scored})} proposals)\n")
    print(deu_tables(problems))
    print("\n### Sensitivity (not out of sample)\n")
    print(sensitivity(problems))
    print("\n## The case's proposals\n")
    print(case_tables())
    print(f"\n## BDM on {bdm_path.name} (default options)\n")
    print(bdm_figures(bdm_path))

if __name__ == "__main__":  # pragma: no cover
    main()
