"""`multivector negotiate --case NAME --proposal ID | --all`: the article's proposals."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import typer

from ..kb import CaseBase, CaseError, default_case_path
from .best import RULE_AWARE
from .case_proposals import derive_problem, outcome_class, problem_table
from .models import MODEL_NAMES, get_model
from .problem import NegotiationProblem

CASE_MODELS = (*MODEL_NAMES, "best_rule_aware")
CONSENSUS_VETO = replace(RULE_AWARE, veto=1.0)


def _open(case: str | None) -> CaseBase:
    if case in (None, "central_asia"):
        return CaseBase.load(default_case_path())
    path = Path(case)
    if not path.is_dir():
        typer.echo(f"unknown case '{case}': give central_asia or the path of a case folder", err=True)
        raise typer.Exit(1)
    try:
        return CaseBase.load(path)
    except CaseError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None


def forecast(problem: NegotiationProblem, model: str, rule: str | None) -> float:
    """One model's forecast on the proposal's 0-100 scale.

    `best_rule_aware` is the `best` model with its theory-driven rule terms and a
    full veto for every salient member (salience >= 50) under consensus — each
    is a veto player (Tsebelis 2002) — not fitted to these proposals. (RULE_AWARE's
    half veto, a hedge for EU unanimity, gives MAE 27.6 here; the full veto 17.2.)
    """
    p = problem.with_rule(rule)
    if model == "best_rule_aware":
        return float(get_model("best", CONSENSUS_VETO).predict(p).position[0])
    return float(get_model(model).predict(p).position[0])


def compare_all(kb: CaseBase, rule: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for pid in kb.proposals().id:
        pr = derive_problem(kb, pid)
        rec = None if pr.outcome is None else float(pr.outcome[0])
        row = {"proposal": pid, "org": pr.meta["org"], "year": pr.meta["year"], "rule": rule or pr.decision_rule,
               "actors": len(pr.actors), "recorded_outcome": pr.meta["recorded_outcome"], "recorded_position": rec}
        for m in CASE_MODELS:
            row[m] = round(forecast(pr, m, rule), 1)
        rows.append(row)
    df = pd.DataFrame(rows)
    scored = df[df.recorded_position.notna()]
    summary = []
    for m in CASE_MODELS:
        err = (scored[m] - scored.recorded_position).abs()
        cls = [outcome_class(v) == ("rejected" if o == "not_taken_up" else o)
               for v, o in zip(scored[m], scored.recorded_outcome, strict=True)]
        summary.append({"model": m, "mae": round(float(err.mean()), 2), "outcome_correct": round(float(np.mean(cls)), 3),
                        "n": int(len(scored))})
    return df, pd.DataFrame(summary)


def run_case(case: str | None, proposal: str | None, all_: bool, model: str, rule: str | None, fmt: str) -> None:
    from ..cli.output import emit

    kb = _open(case)
    if all_:
        df, summary = compare_all(kb, rule)
        if fmt == "json":
            typer.echo(json.dumps({"proposals": df.replace({np.nan: None}).to_dict(orient="records"),
                                   "models": summary.to_dict(orient="records")}, indent=2))
        elif fmt == "csv":
            typer.echo(df.to_csv(index=False), nl=False)
        else:
            view = df.assign(recorded=df.recorded_outcome + " (" + df.recorded_position.map("{:.0f}".format) + ")")
            view = view[["proposal", "recorded", *CASE_MODELS]].rename(columns={"best_rule_aware": "best+rule"})
            emit(view, "table", title="Forecasts (0 = status quo, 100 = adopted in full) against the record; "
                                      "--format json for actors, rules and years")
            emit(summary, "table", title="Models on these proposals")
        return
    if proposal is None:
        typer.echo("give --proposal ID or --all", err=True)
        raise typer.Exit(1)
    try:
        pr = derive_problem(kb, proposal)
    except KeyError as exc:
        typer.echo(str(exc.args[0]), err=True)
        raise typer.Exit(1) from None
    value = forecast(pr, model, rule)
    actors = problem_table(pr)
    rec = None if pr.outcome is None else float(pr.outcome[0])
    payload = {"proposal": proposal, "title": pr.description, "org": pr.meta["org"], "year": pr.meta["year"],
               "model": model, "rule": rule or pr.decision_rule, "predicted": round(value, 2),
               "predicted_outcome": outcome_class(value), "recorded_outcome": pr.meta["recorded_outcome"],
               "recorded_position": rec, "actors": json.loads(actors.to_json(orient="records"))}
    if fmt == "json":
        typer.echo(json.dumps(payload, indent=2))
        return
    if fmt == "csv":
        typer.echo(actors.assign(evidence=actors.evidence.map(";".join)).to_csv(index=False), nl=False)
        return
    emit(actors, "table", title=f"{proposal}: {pr.description} ({pr.meta['org']}, {pr.meta['year']}, "
                                 f"{rule or pr.decision_rule})")
    typer.echo(f"{model}: predicted {value:.1f} ({outcome_class(value)}); recorded: {pr.meta['recorded_outcome']}"
               + (f" ({rec:.0f})" if rec is not None else ""))
