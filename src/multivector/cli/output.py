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


MAX_WORD = 24   # longer words (long ids) may still fold rather than push the table off the screen


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
    cells = [[_cell(v) for v in row] for row in df.itertuples(index=False)]
    cols = list(map(str, df.columns))
    wide = [c in ("summary", "statement", "text", "title", "note", "reason") for c in cols]
    # Never break a word (an id, a date, a name) where the width allows: a column is at least its longest
    # word; when those do not all fit, the widest give way first, so nothing is cut off the screen.
    mins = []
    for k, col in enumerate(cols):
        word = max((len(w) for r in cells for w in r[k].split()), default=0)
        cap = 8 if col == "sources" else MAX_WORD   # citation lists may fold inside an id; names and dates not
        mins.append(max(len(col), min(word, cap), 12 if wide[k] else 0))
    budget = console.width - (3 * len(cols) + 1)   # borders and padding
    floor = [min(m, max(len(c), 4)) for m, c in zip(mins, cols, strict=True)]
    while sum(mins) > budget and any(m > f for m, f in zip(mins, floor, strict=True)):
        k = max((i for i in range(len(mins)) if mins[i] > floor[i]), key=lambda i: mins[i])
        mins[k] -= 1
    for k, col in enumerate(cols):
        table.add_column(col, overflow="fold", ratio=3 if wide[k] else None, no_wrap=col in no_wrap,
                         style="dim" if col == "sources" else None, min_width=mins[k])
    for row in cells:
        table.add_row(*row)
    console.print(table)
    if df.empty:
        console.print("[yellow]no rows[/yellow]")


def fail(message: str, code: int = 1) -> None:
    import typer

    err_console.print(f"[bold red]error:[/bold red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
