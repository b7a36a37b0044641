"""``multivector negotiate FILE``: forecast a negotiation from a KTAB, DEU or BDM file.

Mounting: ``multivector.cli`` calls :func:`register` (``register(app)`` adds
the command ``negotiate``); by hand it is ``app.command("negotiate")(negotiate)``.

``app`` below is a stand-alone Typer app with the single command, for testing
(``CliRunner().invoke(app, [FILE, ...])``). :func:`run_problem` is the hook for
callers that already hold a :class:`NegotiationProblem` (e.g. proposals built
from the evidence base).
"""

from __future__ import annotations

import csv
import io
import json
import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from .evaluate import summarise
from .io import NegotiationFileError, read_problems
from .models import get_model
from .problem import NegotiationProblem, Prediction


class ModelName(StrEnum):
    compromise = "compromise"
    median = "median"
    bdm = "bdm"
    smp = "smp"
    best = "best"


class RuleName(StrEnum):
    unanimity = "unanimity"
    qmv = "qmv"
    majority = "majority"
    consensus = "consensus"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def run_problem(
    problem: NegotiationProblem,
    model: str = "compromise",
    rule: str | None = None,
    options: Any = None,
) -> Prediction:
    """Forecast one problem with the named model, optionally under another decision rule."""
    return get_model(model, options).predict(problem.with_rule(rule))


def _num(value: float | None, digits: int = 4) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


def deu_result(problems: list[NegotiationProblem], model: str, rule: str | None) -> dict:
    """The DEU JSON object: model, mae, hits and one ``{isnr, predicted, actual}`` per issue."""
    issues, rows = [], []
    for p in problems:
        pred = run_problem(p, model, rule).value
        actual = float(p.outcome[0]) if p.outcome is not None else None
        issues.append(
            {"isnr": p.meta.get("isnr", p.name), "predicted": _num(pred), "actual": _num(actual)}
        )
        rows.append(
            {
                "isnr": p.meta.get("isnr"),
                "prnr": p.meta.get("prnr"),
                "predicted": pred,
                "actual": float("nan") if actual is None else actual,
            }
        )
    summary = summarise(pd.DataFrame(rows, columns=["isnr", "prnr", "predicted", "actual"]), model)
    return {
        "model": model,
        "mae": _num(summary["mae"]),
        "hits": _num(summary["hits"]),
        "issues": issues,
    }


def scenario_result(problem: NegotiationProblem, model: str, rule: str | None) -> dict:
    """The KTAB/BDM JSON object: the forecast per dimension and, for bdm/smp, the rounds."""
    pred = run_problem(problem, model, rule)
    out = {
        "model": model,
        "scenario": problem.name,
        "description": problem.description,
        "rule": problem.with_rule(rule).decision_rule,
        "actors": problem.n_actors,
        "dimensions": [
            {"name": name, "predicted": _num(v)}
            for name, v in zip(problem.dimensions, pred.position, strict=True)
        ],
        "rounds": pred.rounds,
        "trajectory": None,
    }
    if pred.trajectory is not None:
        out["trajectory"] = [[_num(v) for v in row] for row in pred.trajectory]
    return out


def _print_deu_table(result: dict) -> None:
    console = Console()
    table = Table(title=f"Forecasts — {result['model']}")
    for col in ("isnr", "predicted", "actual", "error"):
        table.add_column(col, justify="left" if col == "isnr" else "right")

    def fmt(v: float | None) -> str:
        return "—" if v is None else f"{v:.1f}"

    for row in result["issues"]:
        err = None if row["actual"] is None else abs(row["predicted"] - row["actual"])
        table.add_row(str(row["isnr"]), fmt(row["predicted"]), fmt(row["actual"]), fmt(err))
    console.print(table)
    n = sum(r["actual"] is not None for r in result["issues"])
    if result["mae"] is None:
        console.print(f"model {result['model']}: no recorded outcomes to score")
    else:
        console.print(
            f"model [bold]{result['model']}[/bold]: MAE {result['mae']:.2f}, "
            f"hits (within 10) {100 * result['hits']:.1f}% over {n} issues with an outcome"
        )


def _print_scenario_table(result: dict) -> None:
    console = Console()
    title = f"{result['scenario'] or 'scenario'} — {result['model']} ({result['rule']}, {result['actors']} actors)"
    table = Table(title=title)
    table.add_column("dimension")
    table.add_column("predicted", justify="right")
    for d in result["dimensions"]:
        table.add_row(str(d["name"]), f"{d['predicted']:.2f}")
    console.print(table)
    if result["trajectory"]:
        rounds = Table(title=f"forecast by round ({result['rounds']} rounds)")
        rounds.add_column("round", justify="right")
        for d in result["dimensions"]:
            rounds.add_column(str(d["name"]), justify="right")
        for t, row in enumerate(result["trajectory"]):
            rounds.add_row(str(t), *(f"{v:.2f}" for v in row))
        console.print(rounds)


def _csv_text(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


app = typer.Typer(add_completion=False, help="Forecast negotiation outcomes.")


def register(main_app: typer.Typer) -> None:
    """Mount ``negotiate`` on the main ``multivector`` app (called by ``multivector.cli``)."""
    main_app.command("negotiate")(negotiate)


@app.command("negotiate")
def negotiate(
    file: Annotated[
        Path | None,
        typer.Argument(help="KTAB CSV, DEU III TSV or BDM CSV (detected by extension/content)."),
    ] = None,
    model: Annotated[
        ModelName, typer.Option("--model", "-m", help="Model to run.")
    ] = ModelName.compromise,
    rule: Annotated[
        RuleName | None,
        typer.Option("--rule", "-r", help="Override the decision rule of the file."),
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
    case: Annotated[
        str | None,
        typer.Option("--case", help="A case (central_asia, or a case folder) whose proposals to negotiate."),
    ] = None,
    proposal: Annotated[str | None, typer.Option("--proposal", help="Proposal id of the case.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every proposal of the case, against its recorded outcome.")] = False,
) -> None:
    """Forecast the outcome of the proposal(s) in FILE with one negotiation model.

    For a DEU file, scores the forecasts against the recorded outcomes (MAE and
    share within 10 points); for a KTAB or BDM file, prints the forecast per
    dimension (and the rounds of bdm/smp). With --case and --proposal ID or
    --all, builds the problems from the case's evidence base.
    """
    if case is not None or proposal is not None or all_:
        from .case_cli import run_case

        run_case(case, proposal, all_, model.value, rule.value if rule is not None else None, fmt.value)
        return
    if file is None:
        typer.echo("give a FILE, or --case NAME with --proposal ID or --all", err=True)
        raise typer.Exit(1)
    rule_name = rule.value if rule is not None else None
    try:
        kind, problems = read_problems(file)
        if kind == "deu":
            result = deu_result(problems, model.value, rule_name)
        else:
            result = scenario_result(problems[0], model.value, rule_name)
    except NegotiationFileError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    except ValueError as exc:
        typer.echo(f"{file}: {exc}", err=True)
        raise typer.Exit(1) from None

    if fmt is OutputFormat.json:
        typer.echo(json.dumps(result, indent=2))
    elif fmt is OutputFormat.csv:
        if kind == "deu":
            rows = [
                [r["isnr"], r["predicted"], "" if r["actual"] is None else r["actual"]]
                for r in result["issues"]
            ]
            typer.echo(_csv_text(["isnr", "predicted", "actual"], rows), nl=False)
        else:
            names = [d["name"] for d in result["dimensions"]]
            traj = result["trajectory"] or [[d["predicted"] for d in result["dimensions"]]]
            typer.echo(
                _csv_text(["round", *names], [[t, *row] for t, row in enumerate(traj)]), nl=False
            )
    elif kind == "deu":
        _print_deu_table(result)
    else:
        _print_scenario_table(result)
