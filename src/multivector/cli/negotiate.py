"""`multivector negotiate`: forecast a negotiation from a KTAB, DEU or BDM file, or the case's proposals.

A thin adapter over :mod:`multivector.negotiation.run` (files), :mod:`~multivector.negotiation.case_forecasts`
(the case) and :mod:`~multivector.negotiation.selection` (``--recommend``).
"""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..negotiation.catalogue import ALIASES, BASELINES, DRAWS, MODEL_NAMES, RECOMMENDED, RULE_TERMS
from .output import Format, console, emit, fail, progress_bar

ModelName = StrEnum("ModelName", {n: n for n in (*MODEL_NAMES, *ALIASES)})
RuleName = StrEnum("RuleName", {n: n for n in ("unanimity", "qmv", "majority", "consensus")})
RuleTerms = StrEnum("RuleTerms", {n: n for n in RULE_TERMS})

MODEL_HELP = f"Model to run; 'recommended' is {RECOMMENDED} (docs/negotiation.md says why)."


def _csv_text(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    return buf.getvalue()


def _model_label(model: str) -> str:
    from ..negotiation.models import resolve

    real = resolve(model)
    return model if real == model else f"{model} ({real})"


def _print_deu(result: dict) -> None:
    import pandas as pd

    def fmt(v: float | None) -> str:
        return "—" if v is None else f"{v:.1f}"

    rows = [{"isnr": r["isnr"], "predicted": fmt(r["predicted"]), "actual": fmt(r["actual"]),
             "error": fmt(None if r["actual"] is None or r["predicted"] is None
                          else abs(r["predicted"] - r["actual"]))} for r in result["issues"]]
    emit(pd.DataFrame(rows), Format.table, title=f"Forecasts — {_model_label(result['model'])}")
    if result["mae"] is None:
        console.print(f"{_model_label(result['model'])}: no recorded outcomes to score")
        return
    base = pd.DataFrame([{"forecaster": _model_label(result["model"]), "issues": result["n"],
                          "MAE": f"{result['mae']:.2f}",
                          "within 10": f"{100 * result['hits']:.1f}%"}]
                        + [{"forecaster": f"{n} (baseline)", "issues": b["n"],
                            "MAE": "—" if b["mae"] is None else f"{b['mae']:.2f}",
                            "within 10": "—" if b["hits"] is None else f"{100 * b['hits']:.1f}%"}
                           for n, b in result["baselines"].items()])
    emit(base, Format.table, title="Scores against the recorded outcomes, beside the baselines",
         caption="a fitted model (stubborn) is scored here with its shipped parameters; "
                 "--recommend judges every model out of sample")


def _print_scenario(result: dict) -> None:
    import pandas as pd

    title = (f"{result['scenario'] or 'scenario'} — {_model_label(result['model'])} "
             f"({result['rule']}, {result['actors']} actors)")
    iv = result["interval"]
    rows = []
    known = [b for b in BASELINES if any(d[b] is not None for d in result["dimensions"])]
    for d in result["dimensions"]:
        row = {"dimension": d["name"], "predicted": f"{d['predicted']:.2f}"}
        if iv is not None:
            row[f"{int(100 * iv['level'])}%"] = f"{d['low']:.1f}–{d['high']:.1f}"
        for b in known:
            row[b] = "—" if d[b] is None else f"{d[b]:.1f}"
        rows.append(row)
    caption = ""
    if iv is not None:
        caption = (f"{int(100 * iv['level'])}%: interval over {iv['draws']} draws, seed {iv['seed']}, inputs moved within their precision "
                   f"(positions {iv['perturbation']['position']}, saliences {iv['perturbation']['salience']}, "
                   f"capabilities {iv['perturbation']['capability']})")
    missing = [b for b in BASELINES if b not in known]
    if missing:
        caption += ("; " if caption else "") + f"no {' or '.join(missing)} in this input"
    emit(pd.DataFrame(rows), Format.table, title=title, caption=caption)
    if result["rule_note"]:
        console.print(f"rule terms: {result['rule_note']}")
    if result.get("positions"):
        _print_rounds(result)


#: Dimensions charted round by round on the screen; --format json has every one.
CHARTED_DIMENSIONS = 4


def _print_rounds(result: dict) -> None:
    """Each actor's position round by round, one compact chart per dimension (cli/rounds_chart.py)."""
    import numpy as np

    from .rounds_chart import chart

    positions = np.array(result["positions"], dtype=float)   # rounds + 1, actors, dimensions
    traj = np.array(result["trajectory"], dtype=float) if result["trajectory"] else None
    lo, hi = result["scale"]
    dims = result["dimensions"]
    for k, d in enumerate(dims[:CHARTED_DIMENSIONS]):
        console.print(f"[bold]{d['name']}[/bold]: positions by round ({result['rounds']} rounds of "
                      f"{_model_label(result['model'])})", highlight=False)
        for line in chart(positions[:, :, k], None if traj is None else traj[:, k], result["actor_names"], lo, hi,
                          total_width=min(console.width, 80)):
            console.print(line, highlight=False, markup=False, soft_wrap=True)
    more = f"; {len(dims) - CHARTED_DIMENSIONS} more dimension(s) there" if len(dims) > CHARTED_DIMENSIONS else ""
    console.print(f"every round in full: --format csv (the forecast by round) or --format json (every actor's "
                  f"position by round){more}", highlight=False)


def _list_examples(fmt: Format) -> None:
    import pandas as pd

    from ..negotiation.samples import examples

    df = pd.DataFrame([{"example": e.name, "layout": e.kind, "what it shows": e.description} for e in examples()])
    emit(df, fmt, title="Sample inputs shipped with multivector",
         caption="run one: multivector negotiate --example NAME (illustrative numbers, not evidence)")


def _input(file: Path | None, example: str | None):
    """The file to read: FILE, or the shipped example named with --example (read from the package)."""
    from ..negotiation.io import NegotiationFileError

    if example is None:
        return file
    if file is not None:
        fail("give a FILE or --example NAME, not both")
    from ..negotiation.samples import example_file

    try:
        return example_file(example)
    except NegotiationFileError as exc:
        fail(str(exc))


def _run_file(file, model: str, rule: str | None, terms: str, fmt: Format, draws: int, seed: int) -> None:
    from ..negotiation.io import NegotiationFileError, read_problems
    from ..negotiation.run import deu_result, rule_terms_on, scenario_result

    try:
        kind, problems = read_problems(file)
        on = rule_terms_on(terms, rule is not None)
        if kind == "deu":
            result = deu_result(problems, model, rule, on)
        else:
            result = scenario_result(problems[0], model, rule, on, draws, seed)
    except NegotiationFileError as exc:
        fail(str(exc))
    except ValueError as exc:
        fail(f"{file}: {exc}")
    if fmt is Format.json:
        typer.echo(json.dumps(result, indent=2))
    elif fmt is Format.csv:
        if kind == "deu":
            rows = [[r["isnr"], r["predicted"], "" if r["actual"] is None else r["actual"]] for r in result["issues"]]
            typer.echo(_csv_text(["isnr", "predicted", "actual"], rows), nl=False)
        else:
            names = [d["name"] for d in result["dimensions"]]
            traj = result["trajectory"] or [[d["predicted"] for d in result["dimensions"]]]
            typer.echo(_csv_text(["round", *names], [[t, *row] for t, row in enumerate(traj)]), nl=False)
    elif kind == "deu":
        _print_deu(result)
    else:
        _print_scenario(result)


def _run_recommend(file, fmt: Format, seed: int) -> None:
    from ..negotiation.io import NegotiationFileError, read_problems
    from ..negotiation.selection import compare_models

    try:
        kind, problems = read_problems(file)
    except NegotiationFileError as exc:
        fail(str(exc))
    if kind != "deu" or not any(p.outcome is not None for p in problems):
        fail(f"{file}: --recommend needs a DEU file with recorded outcomes (the column 'out') — "
             "it judges the models out of sample on them")
    with progress_bar("models") as bar:
        task = bar.add_task("nested cross-validation", total=len(MODEL_NAMES))
        try:
            cmp = compare_models(problems, seed=seed, on_step=lambda _name: bar.advance(task))
        except ValueError as exc:   # too few proposals with outcomes to cross-validate
            fail(f"{file}: {exc} — --recommend judges the models out of sample; give a larger DEU file")
    rec = cmp.recommendation
    if fmt is Format.json:
        typer.echo(json.dumps({"seed": seed, "recommended": rec.model, "reason": rec.reason,
                               "stubborn_inner_choices": cmp.stubborn_choices,
                               "models": cmp.table.round(4).to_dict(orient="records")}, indent=2))
        return
    if fmt is Format.csv:
        typer.echo(cmp.table.to_csv(index=False), nl=False)
        return
    view = cmp.table.assign(
        model=[f"{m} (baseline)" if k == "baseline" else m for m, k in zip(cmp.table.model, cmp.table.kind,
                                                                             strict=True)],
        hits=(100 * cmp.table.hits).map("{:.0f}%".format), mae=cmp.table.mae.map("{:.2f}".format),
        gain=[f"{g:+.2f} [{lo:+.2f}, {hi:+.2f}]" for g, lo, hi in
              zip(cmp.table.gain, cmp.table.gain_low, cmp.table.gain_high, strict=True)],
    )[["model", "n", "mae", "hits", "gain"]].rename(columns={"gain": "gain vs compromise [95%]",
                                                             "hits": "≤10", "mae": "MAE"})
    emit(view, Format.table, title=f"Out of sample on {Path(file).name}: nested CV grouped by proposal (seed {seed})",
         caption="≤10: share within 10 points; fitted models (stubborn): nested cross-validation; the others "
                 "forecast every issue unfitted")
    console.print(f"recommended: [bold]{rec.model}[/bold] — {rec.reason}")


def negotiate(
    file: Annotated[Path | None, typer.Argument(
        help="KTAB CSV, DEU III TSV or BDM CSV (detected by extension/content).")] = None,
    model: Annotated[ModelName, typer.Option("--model", "-m", help=MODEL_HELP)] = ModelName.recommended,
    rule: Annotated[RuleName | None, typer.Option(
        "--rule", "-r", help="Decide under this rule instead of the input's (turns the rule terms on).")] = None,
    rule_terms: Annotated[RuleTerms, typer.Option(
        "--rule-terms", help="The veto of every salient member under unanimity/consensus: on, off, or auto "
                             "(on with --rule and for the case's proposals).")] = RuleTerms.auto,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    case: Annotated[str | None, typer.Option(
        "--case", help="A case (central_asia, or a case folder) whose proposals to negotiate.")] = None,
    proposal: Annotated[str | None, typer.Option("--proposal", help="Proposal id of the case.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every proposal of the case, against its recorded outcome.")]
    = False,
    recommend: Annotated[bool, typer.Option(
        "--recommend", help="Judge every model out of sample on FILE (a DEU file with outcomes) and name the "
                            "one to use.")] = False,
    draws: Annotated[int, typer.Option(
        "--draws", min=0, max=5000, help="Perturbed copies for the forecast interval (0: no interval).")] = DRAWS,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the interval's draws and the bootstrap.")] = 0,
    example: Annotated[str | None, typer.Option(
        "--example", help="A sample input shipped with multivector, by name (instead of FILE), e.g. "
                          "ktab_water_release; see --list-examples.")] = None,
    list_examples: Annotated[bool, typer.Option("--list-examples", help="List the shipped sample inputs.")] = False,
) -> None:
    """Forecast the outcome of the proposal(s) in FILE, or of the case's proposals.

    A DEU file is scored against its recorded outcomes beside the baselines (status quo, agenda setter, compromise); a KTAB or BDM file gets the forecast per dimension with an interval from perturbing its inputs, and the rounds of bdm/smp.

    With --case and --proposal ID or --all, the problems come from the case's evidence base. --recommend judges every model out of sample (nested cross-validation) and names the one to use.

    --example NAME reads a sample input shipped with multivector in place of FILE (--list-examples lists them).
    """
    rule_name = rule.value if rule is not None else None
    if list_examples:
        _list_examples(fmt)
        return
    file = _input(file, example)
    if recommend:
        if file is None:
            fail("--recommend needs a DEU file with outcomes, e.g. ../shared/data/deu3_dev.tsv")
        _run_recommend(file, fmt, seed)
        return
    if case is not None or proposal is not None or all_:
        from .negotiate_case import run_case

        run_case(case, proposal, all_, model.value, rule_name, rule_terms.value, fmt, draws, seed)
        return
    if file is None:
        fail("give a FILE, --example NAME (see --list-examples), or --case NAME with --proposal ID or --all")
    _run_file(file, model.value, rule_name, rule_terms.value, fmt, draws, seed)


def register(app: typer.Typer, kb_app: typer.Typer | None = None) -> None:
    """Mount `multivector negotiate`."""
    app.command("negotiate")(negotiate)
