"""`multivector negotiate --case NAME --proposal ID | --all`: the article's proposals, against the record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .output import Format, console, emit, fail, progress_bar

if TYPE_CHECKING:
    from ..kb import CaseBase


def _open(case: str | None) -> CaseBase:
    from ..kb import CaseBase, CaseError, default_case_path

    if case in (None, "central_asia"):
        return CaseBase.load(default_case_path())
    path = Path(case)
    if not path.is_dir():
        fail(f"unknown case '{case}': give central_asia or the path of a case folder")
    try:
        return CaseBase.load(path)
    except CaseError as exc:
        fail(str(exc))
    raise AssertionError  # unreachable


OUTCOME_CODE = {"rejected": "rej", "watered_down": "wd", "not_taken_up": "ntu", "adopted": "adopt"}


def _cell(value: float) -> str:
    return "—" if value != value else f"{value:.0f}"


def _label(model: str) -> str:
    from ..negotiation.models import resolve

    real = resolve(model)
    return model if real == model else f"{model} ({real})"


def _run_all(kb: CaseBase, model: str, rule: str | None, on: bool, fmt: Format, draws: int, seed: int) -> None:
    import numpy as np

    from ..negotiation.case_forecasts import compare_all
    from ..negotiation.models import BASELINES, resolve

    with progress_bar("proposals") as bar:
        task = bar.add_task("forecasting", total=len(kb.proposals()))
        df, summary = compare_all(kb, rule, on, model, draws, seed, on_proposal=lambda _p: bar.advance(task))
    if fmt is Format.json:
        typer.echo(json.dumps({"rule_terms": on, "interval_model": model, "seed": seed, "draws": draws,
                               "proposals": df.replace({np.nan: None}).to_dict(orient="records"),
                               "models": summary.to_dict(orient="records")}, indent=2))
        return
    if fmt is Format.csv:
        typer.echo(df.to_csv(index=False), nl=False)
        return
    real = resolve(model)
    view = df.assign(recorded=df.recorded_outcome.map(OUTCOME_CODE) + " "
                     + df.recorded_position.map("{:.0f}".format))
    cols = ["proposal", "recorded", *BASELINES, real]
    view = view.assign(**{c: view[c].map(_cell) for c in dict.fromkeys((*BASELINES, real))})
    if draws:
        view["90%"] = df.interval_low.map("{:.0f}".format) + "–" + df.interval_high.map("{:.0f}".format)
        cols.append("90%")
    short = {"status_quo": "sq", "agenda_setter": "setter", "compromise": "comp"}
    emit(view[list(dict.fromkeys(cols))].rename(columns=short), Format.table,
         title=f"{_label(model)} on the case's proposals (0 = status quo, 100 = adopted in full)",
         caption=f"rule terms {'on' if on else 'off'}; recorded: rej = rejected, wd = watered down, "
                 "ntu = not taken up, adopt = adopted; sq = status quo, setter = agenda setter (— none), "
                 "comp = compromise; "
                 f"90% = {real}'s interval over {draws} perturbed inputs, seed {seed}; "
                 "--format csv or json has every model")
    emit(summary.assign(model=[f"{m} (baseline)" if m in BASELINES else m for m in summary.model]),
         Format.table, title="Models on these proposals (the status quo is the baseline to beat)")


def _run_one(kb: CaseBase, proposal: str, model: str, rule: str | None, on: bool, fmt: Format, draws: int,
             seed: int) -> None:
    from ..negotiation.case_proposals import derive_problem, outcome_class, problem_table
    from ..negotiation.models import BASELINES, get_model, resolve
    from ..negotiation.perturb import forecast_interval
    from ..negotiation.rules import rule_applies

    try:
        pr = derive_problem(kb, proposal).with_rule(rule)
    except KeyError as exc:
        fail(str(exc.args[0]))
    m = get_model(model, rule_terms=on)
    value = float(m.predict(pr).position[0])
    iv = forecast_interval(m, pr, draws, seed) if draws else None
    baselines = {b: round(float(get_model(b, rule_terms=on).predict(pr).position[0]), 2) for b in BASELINES}
    actors = problem_table(pr)
    rec = None if pr.outcome is None else float(pr.outcome[0])
    note = rule_applies(pr) if on else None
    payload = {"proposal": proposal, "title": pr.description, "org": pr.meta["org"], "year": pr.meta["year"],
               "model": model, "runs": resolve(model), "rule": pr.decision_rule, "rule_terms": on,
               "rule_note": note, "predicted": round(value, 2), "predicted_outcome": outcome_class(value),
               "interval": None if iv is None else iv.as_dict(), "baselines": baselines,
               "recorded_outcome": pr.meta["recorded_outcome"], "recorded_position": rec,
               "actors": json.loads(actors.to_json(orient="records"))}
    if fmt is Format.json:
        typer.echo(json.dumps(payload, indent=2))
        return
    if fmt is Format.csv:
        typer.echo(actors.assign(evidence=actors.evidence.map(";".join)).to_csv(index=False), nl=False)
        return
    emit(actors, Format.table, title=f"{proposal}: {pr.description} ({pr.meta['org']}, {pr.meta['year']}, "
                                     f"{pr.decision_rule})")
    span = "" if iv is None else f", 90% interval {iv.low[0]:.1f} to {iv.high[0]:.1f} ({draws} draws, seed {seed})"
    console.print(f"{_label(model)}: predicted {value:.1f} ({outcome_class(value)}){span}; rule terms "
                  f"{'on' if on else 'off'}")
    console.print("baselines: " + ", ".join(f"{b} {v:.1f}" for b, v in baselines.items()))
    console.print(f"recorded: {pr.meta['recorded_outcome']}" + (f" ({rec:.0f})" if rec is not None else ""))
    if note:
        console.print(f"rule terms: {note}")


def run_case(case: str | None, proposal: str | None, all_: bool, model: str, rule: str | None, terms: str,
             fmt: Format, draws: int, seed: int) -> None:
    from ..negotiation.run import rule_terms_on

    kb = _open(case)
    on = rule_terms_on(terms, rule is not None, case=True)
    if all_:
        _run_all(kb, model, rule, on, fmt, draws, seed)
    elif proposal is None:
        fail("give --proposal ID or --all")
    else:
        _run_one(kb, proposal, model, rule, on, fmt, draws, seed)
