"""`multivector kb ...`: ask the evidence base questions. A thin adapter over `CaseBase`."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..io_utils import records, write_atomic, write_table_atomic
from ..kb import CaseBase, CaseError, UnknownIdError, check_case, default_case_path
from .output import Format, console, emit, err_console, fail

app = typer.Typer(help="Query and check the evidence base (case files).", no_args_is_help=True)

CaseOpt = Annotated[Path | None, typer.Option("--case", help="Case folder (default: the embedded Central Asia case).")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def open_case(case: Path | None) -> CaseBase:
    """Load a case, turning its problems into a readable error and exit status 1."""
    try:
        return CaseBase.load(case)
    except CaseError as exc:
        for p in exc.problems:
            err_console.print(f"{exc.folder}/{p}", highlight=False, soft_wrap=True)
        fail(f"the case has {len(exc.problems)} problem(s); run `multivector kb validate {exc.folder}` and fix them")
    raise AssertionError  # unreachable


def guarded(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except UnknownIdError as exc:
        fail(str(exc))


@app.command()
def validate(path: Annotated[Path | None, typer.Argument(help="Case folder (default: embedded case).")] = None) -> None:
    """Check every case file; print each problem as `file:line: what — how to fix`."""
    folder = path or default_case_path()
    try:
        case, problems = check_case(folder)
    except CaseError as exc:
        problems, case = exc.problems, None
    for p in problems:
        console.print(f"{folder}/{p}", highlight=False, soft_wrap=True, markup=False)
    if problems:
        err_console.print(f"[red]{len(problems)} problem(s)[/red] in {folder}")
        raise typer.Exit(1)
    counts = {k: len(getattr(case, k)) for k in ("sources", "actors", "organizations", "memberships", "events",
                                                   "indicators", "claims", "proposals", "disagreements", "drivers",
                                                   "series")}
    console.print(f"[green]ok[/green]: {folder} is valid — " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@app.command()
def members(org: str, year: Annotated[int, typer.Option("--year", "-y", help="Year.")],
            fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Who was in ORG during a year, with which status."""
    kb = open_case(case)
    org = guarded(kb.require_org, org)
    df = kb.members(org, year)
    caption = ""
    if not kb.org_exists(org, year):
        info = kb.organization(org)
        lineage = f"; its predecessor was {info['predecessor']}" if info["predecessor"] else ""
        caption = f"{org} did not exist in {year} (founded {info['founded']}, ended {info['ended'] or '—'}){lineage}"
        if fmt is Format.table:
            console.print(f"[yellow]{caption}[/yellow]")
    if fmt is Format.table and "kind" in df.columns:   # the table fits 80 columns; json/csv keep every field
        df = df.drop(columns="kind")
    emit(df, fmt, title=f"{org} in {year}", caption="" if fmt is Format.table else caption)


@app.command()
def timeline(actor: str, fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Every membership spell and dated event of a state, in order."""
    kb = open_case(case)
    df = guarded(kb.timeline, actor)
    emit(df, fmt, title=f"Timeline of {actor.upper()}")


@app.command()
def events(actor: Annotated[str | None, typer.Option("--actor")] = None,
           org: Annotated[str | None, typer.Option("--org")] = None,
           start: Annotated[int | None, typer.Option("--from")] = None,
           end: Annotated[int | None, typer.Option("--to")] = None,
           kind: Annotated[str | None, typer.Option("--kind")] = None,
           fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Dated events, filtered by actor, organization, years and kind."""
    kb = open_case(case)
    emit(guarded(kb.events, actor=actor, org=org, start=start, end=end, kind=kind), fmt, title="Events")


@app.command()
def indicators(actor: Annotated[str | None, typer.Option("--actor")] = None,
               name: Annotated[str | None, typer.Option("--name")] = None,
               partner: Annotated[str | None, typer.Option("--partner")] = None,
               fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Numbers (value, unit, period) with their sources."""
    kb = open_case(case)
    emit(guarded(kb.indicators, actor=actor, name=name, partner=partner), fmt, title="Indicators")


@app.command()
def claims(mechanism: Annotated[str | None, typer.Option("--mechanism")] = None,
           actor: Annotated[str | None, typer.Option("--actor")] = None,
           org: Annotated[str | None, typer.Option("--org")] = None,
           proposal: Annotated[str | None, typer.Option("--proposal")] = None,
           fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Behavioural and causal claims, by mechanism, actor, organization or proposal."""
    kb = open_case(case)
    emit(guarded(kb.claims, mechanism=mechanism, actor=actor, org=org, proposal=proposal), fmt, title="Claims")


@app.command()
def search(text: str, limit: Annotated[int, typer.Option("--limit")] = 50,
           fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Full-text search over every fact; each hit with its citation."""
    kb = open_case(case)
    emit(kb.search(text, limit=limit), fmt, title=f"Search: {text}")


@app.command()
def orgs(fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Organizations with lead poles, domain, depth and decision rule."""
    kb = open_case(case)
    df = kb.organizations()[["id", "name", "domain", "founded", "ended", "predecessor", "successor",
                             "merged_into", "lead", "depth", "decision_rule"]]
    emit(df, fmt, title="Organizations")


@app.command()
def actors(fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """States and poles (ISO3 ids with COW codes)."""
    emit(open_case(case).actors(), fmt, title="Actors")


@app.command()
def sources(fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Every source a fact can cite."""
    emit(open_case(case).sources(), fmt, title="Sources")


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    parquet = "parquet"


@app.command()
def export(fmt: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.json,
           out: Annotated[Path | None, typer.Option("--out", help="File (json) or folder (csv, parquet).")] = None,
           case: CaseOpt = None) -> None:
    """The whole base: JSON object on stdout, or files (one per kind) under --out."""
    kb = open_case(case)
    tables = kb.export()
    if fmt is ExportFormat.json:
        text = json.dumps({k: records(v) for k, v in tables.items()}, ensure_ascii=False, indent=1)
        if out is None:
            sys.stdout.write(text + "\n")
        else:
            write_atomic(out, text)
            err_console.print(f"wrote {out}")
        return
    if out is None:
        fail(f"--format {fmt.value} writes one file per kind: give a folder with --out DIR")
    if out.exists() and not out.is_dir():
        fail(f"{out} is a file; --format {fmt.value} needs a folder for --out")
    for name, df in tables.items():
        write_table_atomic(df, out / f"{name}.{fmt.value}", fmt.value)
    err_console.print(f"wrote {len(tables)} files to {out}/")
