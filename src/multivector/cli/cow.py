"""`multivector import cow-igo` and `multivector kb compare-cow`: thin adapters over `multivector.cow`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .output import Format, console, emit, fail

import_app = typer.Typer(help="Import external data sets (COW IGO v3 state-year files; UNGA, WDI and AidData "
                         "yearly series).", no_args_is_help=True)


def _read(file: Path):
    from ..cow import read_cow
    from ..textfiles import InputFileError

    try:
        return read_cow(file)
    except InputFileError as exc:   # every check of the file is textfiles' and the reader's: one line
        fail(str(exc))


@import_app.command("cow-igo")
def cow_igo(
    file: Annotated[Path, typer.Argument(help="COW IGO v3 state-year CSV (the full file or an excerpt).")],
    out: Annotated[Path | None, typer.Option("--out", help="Write DIR/spells.csv, DIR/spells.parquet and "
                                             "DIR/summary.json.")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    limit: Annotated[int, typer.Option("--limit", help="Spells shown in table format (0 = all).")] = 40,
) -> None:
    """Read a COW IGO state-year file into membership spells (our state and organization ids)."""
    from ..cow import cow_spells, cow_summary
    from ..io_utils import dump_json, write_atomic, write_table_atomic

    with console.status("reading the COW file", spinner="dots") if fmt is Format.table else _null():
        data = _read(file)
        spells = cow_spells(data)
    summary = cow_summary(data, spells)
    if out is not None:
        write_table_atomic(spells, out / "spells.csv", "csv")
        write_table_atomic(spells, out / "spells.parquet", "parquet")
        write_atomic(out / "summary.json", dump_json(summary))
        summary["written"] = [str(out / n) for n in ("spells.csv", "spells.parquet", "summary.json")]
    if fmt is Format.json:
        from ..io_utils import records

        sys.stdout.write(json.dumps({"summary": summary, "spells": records(spells)}, ensure_ascii=False, indent=1)
                         + "\n")
        return
    if fmt is Format.csv:
        emit(spells, fmt)
        return
    codes = ", ".join(f"{k} {v}" for k, v in summary["codes"].items())
    console.print(f"[bold]{file}[/bold]: {summary['rows']} rows, {summary['states']} states, "
                  f"{summary['org_columns']} organizations, {summary['years']}; codes: {codes}; "
                  f"{summary['spells']} spells", highlight=False)
    if summary["states_without_iso3"]:
        console.print(f"state codes kept as COW<code>: {summary['states_without_iso3']}", highlight=False)
    if summary["invalid_codes"]:
        console.print(f"[yellow]{summary['invalid_codes']} cells had codes outside -9,-1,0..3 and were read as "
                      "missing (-9)[/yellow]")
    shown = spells if limit <= 0 else spells.head(limit)
    emit(shown, fmt, title="Membership spells from COW",
         caption=f"first {len(shown)} of {len(spells)}; -1 (did not exist) and -9 (missing) are never "
                 "read as 'not a member'" if len(shown) < len(spells) else "")
    for w in summary.get("written", []):
        console.print(f"wrote {w}", highlight=False)


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def compare_cow(
    file: Annotated[Path, typer.Argument(help="COW IGO v3 state-year CSV.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    case: Annotated[Path | None, typer.Option("--case", help="Case folder (default: the embedded case).")] = None,
) -> None:
    """Agreement of the base with a COW IGO file on every state-organization-year both cover, with reasons."""
    from ..cow import compare_with_base
    from .kb import open_case

    kb = open_case(case)
    data = _read(file)
    res = compare_with_base(kb, data)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(res.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is Format.csv:
        emit(res.disagreements, fmt)
        return
    a = res.agreement
    rate = f"{100 * a['rate']:.1f}%" if a["rate"] is not None else "—"
    console.print(f"[bold]Agreement with COW[/bold] ({file.name}, {a['years']}): [bold]{rate}[/bold] of "
                  f"{a['compared']} state-organization-years ({a['states']} states, {a['organizations']} "
                  f"organizations); {a['disagree']} disagree: {a['explained']} explained by the base, "
                  f"[{'red' if a['unexplained'] else 'green'}]{a['unexplained']} unexplained[/]", highlight=False)
    console.print(f"[dim]{a['rules']}[/dim]", highlight=False)
    emit(res.disagreements, fmt, title="Disagreements (year ranges) and the base's explanation")
    if len(res.unmatched_records):
        emit(res.unmatched_records, fmt, title="Recorded explanations that match no compared disagreement")


def register(app: typer.Typer, kb_app: typer.Typer) -> None:
    """Mount `multivector import cow-igo` on the app and `multivector kb compare-cow` on the kb group."""
    app.add_typer(import_app, name="import")
    if not any(c.name == "compare-cow" for c in kb_app.registered_commands):   # once, however many apps are built
        kb_app.command("compare-cow")(compare_cow)
