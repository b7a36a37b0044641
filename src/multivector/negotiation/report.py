"""Produce the validation tables of ``docs/negotiation.md``.

Run ``python -m multivector.negotiation.report [DEU_TSV] [BDM_CSV]``; it prints
Markdown: models × (MAE, hit rate) in-sample and under 5-fold cross-validation
grouped by proposal (seed 0, plus the mean over seeds 0–4), option
sensitivity for bdm, smp and best, a proposal-bootstrap interval for the gain
of ``best`` over ``compromise``, and the BDM figures on the EU-emissions table.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from . import bdm, smp
from .best import DEFAULT_FREE, RULE_AWARE, BestModel, BestParams
from .evaluate import cross_validate, evaluate
from .io import read_bdm_csv, read_deu_tsv
from .models import MODEL_NAMES, get_model
from .problem import NegotiationProblem

DEFAULT_DEU = Path(__file__).resolve().parents[4] / "shared" / "data" / "deu3_dev.tsv"
DEFAULT_BDM = DEFAULT_DEU.with_name("bdm_eu_emissions.csv")


def _row(model, problems: Sequence[NegotiationProblem], seeds: Sequence[int] = range(5)) -> dict:
    fit = getattr(model, "fit", None)
    fitted = fit(list(problems)) if callable(fit) else model
    ins = evaluate(fitted, problems).summary
    # a model without parameters predicts every fold as in-sample: its CV figures are the same
    cvs = [cross_validate(model, problems, 5, s).summary for s in seeds] if callable(fit) else [ins]
    return {
        "model": model.name,
        "n": ins["n"],
        "mae": ins["mae"],
        "hits": ins["hits"],
        "cv_mae": cvs[0]["mae"],
        "cv_hits": cvs[0]["hits"],
        "cv_mae_mean": float(np.mean([c["mae"] for c in cvs])),
        "cv_hits_mean": float(np.mean([c["hits"] for c in cvs])),
    }


def _table(rows: list[dict]) -> str:
    out = [
        "| model | n | MAE | hits ≤10 | CV MAE (seed 0) | CV hits (seed 0) | CV MAE (mean of 5 seeds) | CV hits (mean) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['model']} | {r['n']} | {r['mae']:.2f} | {100 * r['hits']:.1f}% | {r['cv_mae']:.2f} | "
            f"{100 * r['cv_hits']:.1f}% | {r['cv_mae_mean']:.2f} | {100 * r['cv_hits_mean']:.1f}% |"
        )
    return "\n".join(out)


def bootstrap_gain(
    problems: Sequence[NegotiationProblem], reps: int = 2000, seed: int = 0
) -> tuple[float, float, float]:
    """MAE(compromise) − MAE(best, cross-validated) with a 95% interval, resampling proposals."""
    comp = evaluate(get_model("compromise"), problems).table
    bst = cross_validate(BestModel(), problems, 5, 0).table
    ok = comp["actual"].notna().to_numpy()
    diff = (
        (comp["predicted"] - comp["actual"]).abs() - (bst["predicted"] - bst["actual"]).abs()
    ).to_numpy()[ok]
    groups = comp["prnr"].to_numpy()[ok]
    uniq = np.unique(groups)
    index = {g: np.flatnonzero(groups == g) for g in uniq}
    rng = np.random.default_rng(seed)
    stats = np.empty(reps)
    for r in range(reps):
        pick = rng.choice(uniq, size=uniq.size, replace=True)
        idx = np.concatenate([index[g] for g in pick])
        stats[r] = diff[idx].mean()
    lo, hi = np.percentile(stats, [2.5, 97.5])
    return float(diff.mean()), float(lo), float(hi)


def bdm_figures(path: Path) -> str:
    problem = read_bdm_csv(path)
    pred = bdm.predict(problem)
    means = pred.details["mean_by_round"][:, 0]
    medians = pred.details["median_by_round"][:, 0]
    lines = [
        "| round | " + " | ".join(str(t) for t in range(means.size)) + " |",
        "|---|" + "---:|" * means.size,
        "| weighted mean | " + " | ".join(f"{v:.2f}" for v in means) + " |",
        "| weighted median | " + " | ".join(f"{v:.2f}" for v in medians) + " |",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    deu = Path(argv[0]) if argv else DEFAULT_DEU
    bdm_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_BDM
    problems = read_deu_tsv(deu)
    scored = [p for p in problems if p.outcome is not None]
    print(f"## Results on {deu.name} ({len(problems)} issues, {len(scored)} with an outcome)\n")
    print(_table([_row(get_model(name), problems) for name in MODEL_NAMES]))
    print("\n### Option sensitivity\n")
    variants = [
        get_model("bdm", bdm.BDMOptions(forecast="mean"), "bdm forecast=mean"),
        get_model("bdm", bdm.BDMOptions(accept="closest"), "bdm accept=closest"),
        get_model(
            "bdm", bdm.BDMOptions(probability="pairwise", accept="closest"), "bdm pairwise+closest"
        ),
        get_model("smp", smp.SMPOptions(pce="markov_uniform"), "smp pce=markov_uniform"),
        get_model("smp", smp.SMPOptions(pce="markov_incentive"), "smp pce=markov_incentive"),
        get_model("smp", smp.SMPOptions(voting="binary"), "smp voting=binary"),
        get_model("smp", smp.SMPOptions(victory="quartic"), "smp victory=quartic"),
        BestModel(penalty=0.0, name="best penalty=0"),
        BestModel(penalty=0.1, name="best penalty=0.1"),
        BestModel(free=("alpha", "eps"), name="best core only (alpha, eps)"),
        BestModel(free=(*DEFAULT_FREE, "focal"), name="best + focal fitted"),
        get_model("best", RULE_AWARE, "best RULE_AWARE preset (unfitted)"),
        get_model(
            "best",
            replace(BestParams(), impute_salience=False),
            "best fitted parameters, no salience imputation",
        ),
    ]
    print(_table([_row(m, problems) for m in variants]))
    gain, lo, hi = bootstrap_gain(problems)
    print(
        f"\nMAE(compromise) − MAE(best, cross-validated, seed 0) = {gain:.2f} "
        f"(95% proposal-bootstrap interval {lo:.2f} to {hi:.2f}, 2000 draws, seed 0)\n"
    )
    fitted = BestModel().fit(problems).params
    print(f"Parameters of best fitted on all {len(scored)} issues: {fitted}\n")
    print(f"## BDM on {bdm_path.name} (default options)\n")
    print(bdm_figures(bdm_path))


if __name__ == "__main__":  # pragma: no cover
    main()
