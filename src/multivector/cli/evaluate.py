"""`multivector evaluate`: rolling-origin forecast evaluation. A thin adapter over multivector.evaluate."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .kb import CaseOpt, open_case
from .output import Format, console, err_console, fail

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = [  # (score column, header, format): one block per origin, within 80 columns
    ("log_score", "log", "{:.3f}"), ("brier", "Brier", "{:.3f}"), ("rps", "RPS", "{:.3f}"),
    ("accuracy", "acc", "{:.2f}"), ("balanced_accuracy_3", "BA3", "{:.2f}"), ("balanced_accuracy_2", "BA2", "{:.2f}"),
]


def _ints(text: str, what: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        fail(f"--{what} {text!r}: give years separated by commas, e.g. --{what} 2000,2008")
    raise AssertionError


def score_table(scores: pd.DataFrame, origin: int) -> Table:
    """One compact block of an origin's scores (lower is better for log, Brier, RPS)."""
    block = scores[scores.origin == origin]
    horizon = int(block.horizon_years.max())
    t = Table(title=f"Origin {origin}: forecasts {origin + 1}–{origin + horizon}, n = {int(block.n.max())}",
              box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0), title_justify="left", header_style="bold cyan",
              show_edge=False, pad_edge=False)
    t.add_column("forecaster", no_wrap=True, min_width=max(10, *(len(f) for f in block.forecaster)))
    for _, head, fmt in COLUMNS:
        t.add_column(head, justify="right", no_wrap=True, min_width=len(fmt.format(0.5)))
    for head in ("ev±1", "ev±2", "spur", "skill"):
        t.add_column(head, justify="right", no_wrap=True, min_width=len(head) + (1 if head == "skill" else 0))
    for r in block.itertuples(index=False):
        cells = [fmt.format(getattr(r, col)) for col, _, fmt in COLUMNS]
        ev = [f"{getattr(r, f'events_hit_{w}')}/{r.events_total}" for w in (1, 2)]
        t.add_row(r.forecaster, *cells, *ev, str(r.spurious_changes), f"{r.skill_log_vs_persistence:+.2f}")
    return t


def evaluate(
    origins: Annotated[str, typer.Option("--origins", help="Origin years, comma-separated.")] = "2000,2004,2008,2012,2016",
    forecasters: Annotated[str, typer.Option(
        "--forecasters", help="Comma-separated: model, persistence, base_rate, logit.")] = "model,persistence,base_rate,logit",
    runs: Annotated[int, typer.Option("--runs", help="Monte Carlo runs of the simulating forecasters.")] = 500,
    seed: Annotated[int, typer.Option("--seed", help="The one seed of every random draw.")] = 0,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table, json or csv (the scores).")] = Format.table,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder for forecasts.parquet/.csv (every forecast row), scores, events, reliability.")] = None,
    case: CaseOpt = None,
    registered: Annotated[Path | None, typer.Option(
        "--registered", help="Instead: score this registered forecast (multivector forecast --register) against "
                             "the record, refusing a file whose SHA-256 does not match.")] = None,
) -> None:
    """Score forecasters at rolling origins against the record: proper scores, events, reliability.

    At each origin every forecaster is fitted on the years up to it and forecasts
    the rest of the record without seeing it. Lower log, Brier and RPS are
    better; skill is 1 - log score / persistence's. See docs/evaluation.md.
    """
    from .. import __version__
    from ..io_utils import write_atomic, write_table_atomic
    from ..kb import CaseError

    if registered is not None:   # a registered forecast, scored by multivector.forecasts (cli/project.py)
        from .project import score_registered_file

        return score_registered_file(registered, fmt, case)
    from ..evaluate import FORECASTERS
    from ..evaluate import evaluate as run_evaluate
    from ..evaluate.store import save_latest

    if runs < 1:
        fail(f"--runs must be at least 1, not {runs}")
    names = [f.strip() for f in forecasters.split(",") if f.strip()]
    unknown = [n for n in names if n not in FORECASTERS]
    if unknown or not names:
        fail(f"--forecasters: unknown {', '.join(unknown) or '(none given)'}; use some of {', '.join(FORECASTERS)}")
    years = _ints(origins, "origins")
    if not years:
        fail("--origins: give at least one year, e.g. --origins 2008")
    from .model import _output_set, discard_on_failure

    outset = _output_set(out)   # checked before the work: a bad --out fails now
    kb = open_case(case)
    from ..model.inputs import load_inputs

    try:
        inp = load_inputs(kb, pool=True)
    except CaseError as exc:
        from .model import _case_errors

        _case_errors(exc)
    total = len(set(years)) * len(names)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
        task = bar.add_task("fitting and forecasting", total=total)

        def step(name: str, origin: int) -> None:
            bar.update(task, advance=1, description=f"{name} at {origin} done")

        with discard_on_failure(outset):
            ev = run_evaluate(kb, names, origins=years, runs=runs, seed=seed, inputs=inp, progress=step)
    save_latest(ev, inp)
    payload = ev.to_dict()
    if outset is not None:   # swapped in whole: the old complete set or the new one
        with outset:
            d = outset.path
            write_table_atomic(ev.forecasts, d / "forecasts.parquet", "parquet")
            write_table_atomic(ev.forecasts, d / "forecasts.csv", "csv")
            write_table_atomic(ev.scores, d / "scores.csv", "csv")
            if ev.scores_pooled is not None:
                write_table_atomic(ev.scores_pooled, d / "scores_pooled.csv", "csv")
            write_table_atomic(ev.events, d / "events.csv", "csv")
            write_table_atomic(ev.reliability, d / "reliability.csv", "csv")
            write_atomic(d / "evaluation.json", json.dumps({**payload, "version": __version__}, indent=2))
        err_console.print(f"wrote {out}/forecasts.parquet, forecasts.csv, scores.csv, events.csv, "
                          "reliability.csv, evaluation.json", highlight=False, soft_wrap=True)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    if fmt is Format.csv:
        sys.stdout.write(ev.scores.to_csv(index=False))
        return
    pooled = ev.scores_pooled is not None
    if pooled:
        console.print(f"Regional states' rows ({', '.join(inp.regional)}); every forecaster was fitted on "
                      f"all {len(inp.states)} states.", highlight=False)
    for o in ev.origins:
        console.print(score_table(ev.scores, o))
        console.print()
    if pooled:
        console.print(f"Pooled rows (all {len(inp.states)} states):", highlight=False)
        for o in ev.origins:
            console.print(score_table(ev.scores_pooled, o))
            console.print()
    console.print("log, Brier, RPS: lower is better. acc: accuracy; BA3, BA2: balanced accuracy over three levels "
                  "and member vs not. ev±1, ev±2: recorded changes the median path makes within 1 or 2 years; "
                  "spur: changes it makes that never happened; skill: 1 - log / persistence's log. "
                  f"Seed {ev.seed}, {ev.runs} runs.", highlight=False)


def register(app: typer.Typer, kb_app: typer.Typer | None = None) -> None:
    app.command("evaluate")(evaluate)
