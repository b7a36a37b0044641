"""`multivector panel`: the state-year table for regressions. A thin adapter over `measures.state_year`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .kb import CaseOpt, guarded, open_case
from .output import Format, emit, err_console, fail


class PanelFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    json = "json"


def _states(text: str | None) -> list[str] | None:
    if text is None:
        return None
    states = [s.strip().upper() for s in text.split(",") if s.strip()]
    if not states:
        fail("--states: give ISO3 ids separated by commas, e.g. --states KAZ,KGZ,UZB")
    return states


def panel(
    states: Annotated[str | None, typer.Option(
        "--states", help="Only these states, ISO3 ids separated by commas (e.g. KAZ,KGZ,UZB); default: every "
                         "state of the case.")] = None,
    start: Annotated[int | None, typer.Option("--from", help="First year (default: the case's first).")] = None,
    end: Annotated[int | None, typer.Option("--to", help="Last year (default: the case's last).")] = None,
    fmt: Annotated[PanelFormat, typer.Option("--format", "-f", help="csv, parquet (needs --out) or json.")]
    = PanelFormat.csv,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file (default: standard output).")]
    = None,
    codebook: Annotated[bool, typer.Option(
        "--codebook", help="Print what each column is (group, unit or meaning, source) instead of the data.")]
    = False,
    case: CaseOpt = None,
) -> None:
    """One tidy state-year table for regressions: COW code, ISO code, year, each organization's status, the
    measures, and the case's yearly series (WDI, AidData, UN voting agreement).

    One row per state and year; `--codebook` says what each column is. docs/panel.md shows a regression on it.
    """
    from ..measures.state_year import codebook as make_codebook
    from ..measures.state_year import state_year_table

    wanted = _states(states)
    kb = open_case(case)
    period = kb.meta.get("period") or {}
    first = start if start is not None else int(period.get("start", 1991))
    last = end if end is not None else int(period.get("end", 2025))
    if last < first:
        fail(f"--from {first} is after --to {last}: give the first year first")
    if fmt is PanelFormat.parquet and out is None and not codebook:
        fail("--format parquet writes a binary file: give one with --out, e.g. --out panel.parquet")
    table = guarded(state_year_table, kb, wanted, (first, last))
    if codebook:
        emit(make_codebook(kb, table), Format.table if fmt is PanelFormat.parquet else Format(fmt.value),
             title="Columns of the state-year table")
        return
    if out is None:
        emit(table, Format(fmt.value))
        return
    from ..io_utils import write_table_atomic

    write_table_atomic(table, out, fmt.value)
    years = f"{table.year.min()}–{table.year.max()}" if len(table) else "no years"
    err_console.print(f"wrote {out}: {len(table)} rows × {table.shape[1]} columns ({table.iso3.nunique()} states, "
                      f"{years}); what each column is: multivector panel --codebook", highlight=False,
                      soft_wrap=True)
    sys.stdout.flush()


def register(app: typer.Typer, kb_app: typer.Typer | None = None) -> None:
    """Mount `multivector panel`."""
    app.command("panel")(panel)
