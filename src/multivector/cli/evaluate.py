"""`multivector evaluate`: rolling-origin forecast evaluation. A thin adapter over multivector.evaluate."""

from __future__ import annotations

import json
import math
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

COLUMNS = [  # (score column, header, format): one block per origin and subset, within 80 columns
    ("log_score", "log", "{:.3f}"), ("brier", "Brier", "{:.3f}"), ("rps", "RPS", "{:.3f}"),
    ("balanced_accuracy_3", "BA3", "{:.2f}"), ("balanced_accuracy_2", "BA2", "{:.2f}"),
    ("change_auc", "AUC", "{:.2f}"),
]
SUBSET_TITLES = {"all": "all rows", "existing": "lines open at the origin",
                 "first_choice": "bodies first open after the origin"}


def _ints(text: str, what: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        fail(f"--{what} {text!r}: give years separated by commas, e.g. --{what} 2000,2008")
    raise AssertionError


def _num(fmt: str, value) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else fmt.format(value)


def score_table(scores: pd.DataFrame, origin: int, subset: str = "all") -> Table:
    """One compact block of an origin's scores on one subset (lower is better for log, Brier, RPS)."""
    block = scores[(scores.origin == origin) & (scores.subset == subset)]
    horizon = int(block.horizon_years.max())
    t = Table(title=f"Origin {origin}, {SUBSET_TITLES[subset]}: {origin + 1}–{origin + horizon}, "
                    f"n = {int(block.n.max())}",
              box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0), title_justify="left", header_style="bold cyan",
              show_edge=False, pad_edge=False)
    t.add_column("forecaster", no_wrap=True, min_width=max(10, *(len(f) for f in block.forecaster)))
    for _, head, fmt in COLUMNS:
        t.add_column(head, justify="right", no_wrap=True, min_width=len(fmt.format(0.5)))
    for head in ("ev±1", "ev±2", "spur", "skill"):
        t.add_column(head, justify="right", no_wrap=True, min_width=len(head) + (1 if head == "skill" else 0))
    for r in block.itertuples(index=False):
        cells = [_num(fmt, getattr(r, col)) for col, _, fmt in COLUMNS]
        ev = [f"{getattr(r, f'events_hit_{w}')}/{r.events_total}" for w in (1, 2)]
        t.add_row(r.forecaster, *cells, *ev, str(r.spurious_changes), _num("{:+.2f}", r.skill_log_vs_persistence))
    return t


def theory_table(rows: list[dict], level: float) -> Table:
    """The theory test: the log-score gain of the model over its nested reference, with its interval."""
    t = Table(title=f"Theory test: log-score gain of the model over its nested reference ({level:.0%} interval, "
                    "state-lines resampled)", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0), title_justify="left",
              header_style="bold cyan", show_edge=False, pad_edge=False)
    for head in ("origin", "subset", "gain", "lower", "upper", "n", "state-lines"):
        t.add_column(head, justify="left" if head in ("origin", "subset") else "right", no_wrap=True)
    for r in rows:
        t.add_row(str(r["origin"]), r["subset"], _num("{:+.4f}", r["log_gain"]), _num("{:+.4f}", r["lo"]),
                  _num("{:+.4f}", r["hi"]), str(r["n"]), str(r["state_lines"]))
    return t


def elpd_table(rows: list[dict]) -> Table:
    t = Table(title="In-sample PSIS-LOO: ELPD of the model minus its nested reference", box=box.SIMPLE_HEAD,
              padding=(0, 1, 0, 0), title_justify="left", header_style="bold cyan", show_edge=False, pad_edge=False)
    for head in ("origin", "ELPD diff", "SE", "n", "max k (model)"):
        t.add_column(head, justify="right", no_wrap=True)
    for r in rows:
        t.add_row(str(r["origin"]), f"{r['elpd_diff']:+.1f}", f"{r['se']:.1f}", str(r["n"]),
                  _num("{:.2f}", r.get("pareto_k_max_model")))
    return t


def evaluate(
    origins: Annotated[str, typer.Option("--origins", help="Origin years, comma-separated.")] = "2000,2004,2008,2012,2016",
    forecasters: Annotated[str | None, typer.Option(
        "--forecasters", help="Comma-separated: model, nested, markov, hazard, logit, persistence, base_rate "
                              "(default: all this installation has).")] = None,
    drivers: Annotated[str, typer.Option(
        "--drivers", help="coded: the drivers' coded paths after the origin (ex post); frozen: every driver held "
                          "at its origin value (ex ante).")] = "coded",
    subset: Annotated[str, typer.Option(
        "--subset", help="Tables to print, comma-separated: all, existing (lines open at the origin), "
                         "first_choice (bodies first open after it).")] = "all,existing,first_choice",
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
    """Score forecasters at rolling origins against the record: proper scores, change AUC, the theory test.

    At each origin every forecaster is fitted on the years up to it and forecasts
    the rest of the record without seeing it, on all rows, on the lines open at
    the origin and on bodies first open after it. Lower log, Brier and RPS are
    better; skill is 1 - log score / persistence's. See docs/evaluation.md.
    """
    from .. import __version__
    from ..io_utils import write_atomic, write_table_atomic
    from ..kb import CaseError

    if registered is not None:   # a registered forecast, scored by multivector.forecasts (cli/project.py)
        from .project import score_registered_file

        return score_registered_file(registered, fmt, case)
    from ..evaluate import DRIVER_MODES, FORECASTERS, SUBSETS, registry
    from ..evaluate import evaluate as run_evaluate
    from ..evaluate.store import save_latest
    from .checks import MAX_COUNT, in_range

    in_range(runs, 1, MAX_COUNT, "--runs", "Monte Carlo runs")
    if drivers not in DRIVER_MODES:
        fail(f"--drivers {drivers!r}: use one of {', '.join(DRIVER_MODES)}")
    shown = [s.strip() for s in subset.split(",") if s.strip()]
    bad = [s for s in shown if s not in SUBSETS]
    if bad or not shown:
        fail(f"--subset: unknown {', '.join(bad) or '(none given)'}; use some of {', '.join(SUBSETS)}")
    names = list(registry.available_forecasters()) if forecasters is None else [
        f.strip() for f in forecasters.split(",") if f.strip()]
    unknown = [n for n in names if n not in FORECASTERS]
    if unknown or not names:
        fail(f"--forecasters: unknown {', '.join(unknown) or '(none given)'}; use some of {', '.join(FORECASTERS)}")
    if "nested" in names and not registry.nested_available():
        fail(f"--forecasters nested: {registry.NESTED_MISSING}")
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
            ev = run_evaluate(kb, names, origins=years, runs=runs, seed=seed, inputs=inp, progress=step,
                              drivers=drivers)
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
            if ev.theory is not None:
                write_table_atomic(ev.theory, d / "theory_test.csv", "csv")
            write_table_atomic(ev.events, d / "events.csv", "csv")
            write_table_atomic(ev.reliability, d / "reliability.csv", "csv")
            write_atomic(d / "evaluation.json", json.dumps({**payload, "version": __version__}, indent=2))
        err_console.print(f"wrote {out}/forecasts.parquet, forecasts.csv, scores.csv, events.csv, "
                          "reliability.csv, evaluation.json", highlight=False, soft_wrap=True)
    for note in ev.notes:
        err_console.print(f"note: {note}", highlight=False, soft_wrap=True)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    if fmt is Format.csv:
        sys.stdout.write(ev.scores.to_csv(index=False))
        return
    pooled = ev.scores_pooled is not None
    mode = "coded drivers (ex post)" if drivers == "coded" else "drivers frozen at each origin (ex ante)"
    if pooled:
        console.print(f"Regional states' rows ({', '.join(inp.regional)}); every forecaster was fitted on "
                      f"all {len(inp.states)} states; {mode}.", highlight=False)
    for sub in shown:
        for o in ev.origins:
            if ((ev.scores.origin == o) & (ev.scores.subset == sub)).any():
                console.print(score_table(ev.scores, o, sub))
                console.print()
    if pooled:
        console.print(f"Pooled rows (all {len(inp.states)} states):", highlight=False)
        for sub in shown:
            for o in ev.origins:
                if ((ev.scores_pooled.origin == o) & (ev.scores_pooled.subset == sub)).any():
                    console.print(score_table(ev.scores_pooled, o, sub))
                    console.print()
    th = payload["theory_test"]
    if th["rows"]:
        console.print(theory_table([r for r in th["rows"] if r["subset"] in shown], th["level"]))
        console.print()
    if th["elpd"]:
        console.print(elpd_table(th["elpd"]))
        console.print()
    console.print("log, Brier, RPS: lower is better. BA3, BA2: balanced accuracy over three levels and member vs "
                  "not. AUC: of P(status differs from the origin's within 2 years), lines open at the origin. "
                  "ev±1, ev±2: recorded changes the median path makes within 1 or 2 years; spur: changes it "
                  "makes that never happened; skill: 1 - log / persistence's log. "
                  f"Seed {ev.seed}, {ev.runs} runs.", highlight=False)


def register(app: typer.Typer, kb_app: typer.Typer | None = None) -> None:
    app.command("evaluate")(evaluate)
