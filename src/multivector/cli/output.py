"""Print a DataFrame as a Rich table, JSON or CSV: the only output code of the CLI."""

from __future__ import annotations

import json
import sys
from enum import StrEnum

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from ..io_utils import flat, records

console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, np.ndarray | list | tuple):
        return ", ".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def emit(df: pd.DataFrame, fmt: Format | str, title: str = "", caption: str = "",
         no_wrap: tuple[str, ...] = ()) -> None:
    fmt = Format(fmt)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(records(df), ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is Format.csv:
        sys.stdout.write(flat(df).to_csv(index=False))
        return
    table = Table(title=title or None, caption=caption or None, show_lines=False, header_style="bold cyan",
                  expand=False)
    for col in map(str, df.columns):
        wide = col in ("summary", "statement", "text", "title", "note", "reason")
        table.add_column(col, overflow="fold", ratio=3 if wide else None, no_wrap=col in no_wrap,
                         style="dim" if col == "sources" else None, min_width=12 if wide else None)
    for row in df.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    console.print(table)
    if df.empty:
        console.print("[yellow]no rows[/yellow]")


def fail(message: str, code: int = 1) -> None:
    import typer

    err_console.print(f"[bold red]error:[/bold red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
