"""`multivector kb ...`: ask the evidence base questions. A thin adapter over `CaseBase`."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..kb.fingerprint import default_case_path
from ..kb.problems import CaseError, UnknownIdError
from .output import Format, _cell, console, emit, emit_rows, err_console, fail

if TYPE_CHECKING:
    from ..kb import CaseBase
    from ..kb.quick import QuickBase

app = typer.Typer(help="Query and check the evidence base (case files).", no_args_is_help=True)

CaseOpt = Annotated[Path | None, typer.Option("--case", help="Case folder (default: the embedded Central Asia case).")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=0, max=1_000_000, help="Show at most this many rows.")]


def _case_problems(exc: CaseError) -> None:
    from .output import terminal_safe

    for p in exc.problems:   # a problem of the folder itself names it already
        line = str(p) if str(p).startswith(str(exc.folder)) else f"{exc.folder}/{p}"
        err_console.print(terminal_safe(line), highlight=False, soft_wrap=True, markup=False)
    fail(f"the case has {len(exc.problems)} problem(s); run `multivector kb validate {exc.folder}` and fix them")


def open_case(case: Path | None) -> CaseBase:
    """Load a case, turning its problems into a readable error and exit status 1."""
    from ..kb import CaseBase

    try:
        return CaseBase.load(case)
    except CaseError as exc:
        _case_problems(exc)
    raise AssertionError  # unreachable


def open_quick(case: Path | None) -> QuickBase:
    """The light snapshot of a case (`kb.quick`: no DuckDB or pandas once it is written), errors as `open_case`."""
    from ..kb import quick

    try:
        return quick.load(case)
    except CaseError as exc:
        _case_problems(exc)
    raise AssertionError  # unreachable


def guarded(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except UnknownIdError as exc:
        fail(str(exc))


@app.command()
def validate(path: Annotated[Path | None, typer.Argument(help="Case folder (default: embedded case).")] = None) -> None:
    """Check every case file; print each problem as `file:line: what — how to fix`."""
    from ..kb import check_case

    folder = path or default_case_path()
    try:
        case, problems = check_case(folder)
    except CaseError as exc:
        problems, case = exc.problems, None
    if not problems and (Path(folder) / "model.yaml").exists():
        problems = model_problems(folder)   # what `simulate` and `drivers` read, checked the same way
    for p in problems:   # problems on stderr, the verdict on stdout
        err_console.print(p.under(folder), highlight=False, soft_wrap=True, markup=False)
    if problems:
        console.print(f"[red]invalid[/red]: {len(problems)} problem(s) in {folder}", highlight=False)
        raise typer.Exit(1)
    counts = {k: len(getattr(case, k)) for k in ("sources", "actors", "organizations", "memberships", "events",
                                                   "indicators", "claims", "proposals", "positions", "disagreements", "drivers",
                                                   "series")}
    console.print(f"[green]ok[/green]: {folder} is valid — " + ", ".join(f"{v} {k}" for k, v in counts.items()),
                  soft_wrap=True)   # one line, whatever the path's length: scripts grep it


def model_problems(folder: Path) -> list:
    """Problems of model.yaml and of the drivers and entry rules it uses, as `simulate` would meet them."""
    from ..kb import CaseBase
    from ..model.inputs import load_inputs

    try:
        load_inputs(CaseBase.load(folder, cache=False))
    except CaseError as exc:
        return list(exc.problems)
    except (ValueError, TypeError, KeyError) as exc:   # a value of the wrong kind deep in model.yaml
        from ..kb.problems import Problem

        return [Problem("model.yaml", 1, f"cannot be used: {type(exc).__name__}: {exc}",
                        "check the keys and values against docs/model.md")]
    return []


@app.command()
def members(org: Annotated[str, typer.Argument(help="Organization id, e.g. CSTO (see `kb orgs`).")], year: Annotated[int, typer.Option("--year", "-y", help="Year.")],
            fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Who was in ORG during a year, with which status."""
    from .checks import YEARS, in_range

    in_range(year, *YEARS, "--year", "the years of any organization on record")
    kb = open_quick(case)   # a light question: answered without DuckDB or pandas (kb.quick)
    org = guarded(kb.require_org, org)
    rows = kb.members(org, year)
    caption = ""
    if not kb.org_exists(org, year):
        info = kb.organization(org)
        lineage = f"; its predecessor was {info['predecessor']}" if info["predecessor"] else ""
        caption = f"{org} did not exist in {year} (founded {info['founded']}, ended {info['ended'] or '—'}){lineage}"
        if fmt is Format.table:
            console.print(f"[yellow]{caption}[/yellow]")
    from ..kb.quick import MEMBER_COLUMNS

    cols = [c for c in MEMBER_COLUMNS if not (fmt is Format.table and c == "kind")]   # the table fits 80 columns
    emit_rows(cols, rows, fmt, title=f"{org} in {year}", caption="" if fmt is Format.table else caption,
              layout="members")


@app.command()
def timeline(actor: Annotated[str, typer.Argument(help="State id, e.g. UZB (see `kb actors`).")], fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Every membership spell and dated event of a state, in order."""
    kb = open_case(case)
    df = guarded(kb.timeline, actor)
    emit(df, fmt, title=f"Timeline of {actor.upper()}", layout="timeline")


@app.command()
def events(actor: Annotated[str | None, typer.Option("--actor", help="Only facts about this state or pole (ISO3 id, e.g. KGZ).")] = None,
           org: Annotated[str | None, typer.Option("--org", help="Only facts about this organization (id, e.g. CSTO).")] = None,
           start: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
           end: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
           kind: Annotated[str | None, typer.Option("--kind", help="Only events of this kind (e.g. accession, withdrawal).")] = None,
           limit: LimitOpt = None, fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Dated events, filtered by actor, organization, years and kind."""
    from .checks import YEARS, years_within

    years_within(start, end, YEARS, "the years of any event on record")
    kb = open_case(case)
    emit(guarded(kb.events, actor=actor, org=org, start=start, end=end, kind=kind), fmt, title="Events", limit=limit,
         layout="events")


@app.command()
def indicators(actor: Annotated[str | None, typer.Option("--actor", help="Only facts about this state or pole (ISO3 id, e.g. KGZ).")] = None,
               name: Annotated[str | None, typer.Option("--name", help="Only this indicator (e.g. remittances_share_gdp).")] = None,
               partner: Annotated[str | None, typer.Option("--partner", help="Only indicators about ties with this power (RUS, CHN, WEST).")] = None,
               fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Numbers (value, unit, period) with their sources."""
    kb = open_case(case)
    emit(guarded(kb.indicators, actor=actor, name=name, partner=partner), fmt, title="Indicators", layout="indicators")


@app.command()
def claims(mechanism: Annotated[str | None, typer.Option("--mechanism", help="Only claims about this mechanism (e.g. sovereignty_sensitivity).")] = None,
           actor: Annotated[str | None, typer.Option("--actor", help="Only facts about this state or pole (ISO3 id, e.g. KGZ).")] = None,
           org: Annotated[str | None, typer.Option("--org", help="Only facts about this organization (id, e.g. CSTO).")] = None,
           proposal: Annotated[str | None, typer.Option("--proposal", help="Only claims about this proposal (see `multivector proposals`).")] = None,
           limit: LimitOpt = None, fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Behavioural and causal claims, by mechanism, actor, organization or proposal."""
    kb = open_case(case)
    emit(guarded(kb.claims, mechanism=mechanism, actor=actor, org=org, proposal=proposal), fmt, title="Claims",
         limit=limit, caption="the full text and sources of one: multivector kb show ID", layout="claims")


@app.command()
def search(text: Annotated[str, typer.Argument(help="Words to look for in every fact.")], limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="At most this many hits.")] = 50,
           fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Full-text search over every fact; each hit with its citation."""
    kb = open_case(case)
    emit(kb.search(text, limit=limit), fmt, title=f"Search: {text}", layout="search")


@app.command()
def show(fact_id: Annotated[str, typer.Argument(help="The id of a fact, source, actor, organization or proposal.")],
         fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """One fact (event, claim, indicator), source, actor, organization or proposal in full, every field."""
    kb = open_quick(case)   # a light question: answered without DuckDB or pandas (kb.quick)
    found = kb.find(fact_id)
    if found is None:
        import difflib

        near = difflib.get_close_matches(fact_id, kb.all_ids(), n=3, cutoff=0.6)
        fail(f"no fact, source, actor, organization or proposal has the id '{fact_id}'"
             + (f"; did you mean {', '.join(near)}?" if near else "; `kb search WORDS` finds ids"))
    kind, row = found
    if fmt is not Format.table:
        emit_rows(list(row), [row], fmt)
        return
    from rich.table import Table

    t = Table(title=f"{kind} {fact_id}", show_header=False, expand=False)
    t.add_column("field", style="bold cyan", no_wrap=True)
    t.add_column("value", overflow="fold")
    for k, v in row.items():
        t.add_row(str(k), _cell(v))
    console.print(t)


@app.command()
def orgs(fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Organizations with lead poles, domain, depth and decision rule."""
    kb = open_case(case)
    df = kb.organizations()[["id", "name", "domain", "founded", "ended", "predecessor", "successor",
                             "merged_into", "lead", "depth", "decision_rule"]]
    emit(df, fmt, title="Organizations", layout="orgs")


@app.command()
def actors(fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """States and poles (ISO3 ids with COW codes)."""
    emit(open_case(case).actors(), fmt, title="Actors", layout="actors")


@app.command()
def sources(fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """Every source a fact can cite."""
    emit(open_case(case).sources(), fmt, title="Sources", layout="sources")


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    parquet = "parquet"


@app.command()
def export(fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="json (one object on stdout) or csv/parquet files.")] = ExportFormat.json,
           out: Annotated[Path | None, typer.Option("--out", help="File (json) or folder (csv, parquet).")] = None,
           case: CaseOpt = None) -> None:
    """The whole base: JSON object on stdout, or files (one per kind) under --out."""
    from ..io_utils import records, write_atomic, write_table_atomic

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
    from ..io_utils import OutputFolderError, OutputSet

    try:
        outset = OutputSet(out)   # the folder holds the old complete export or the new one, never a mix
    except OutputFolderError as exc:
        fail(str(exc))
    with outset:
        for name, df in tables.items():
            write_table_atomic(df, outset.path / f"{name}.{fmt.value}", fmt.value)
    err_console.print(f"wrote {len(tables)} files to {out}/")
