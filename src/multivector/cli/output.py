"""Print a DataFrame as a Rich table, JSON or CSV: the only output code of the CLI."""

from __future__ import annotations

import json
import os
import re
import sys
from enum import StrEnum

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from ..io_utils import flat, records


class SafeConsole(Console):
    """A Rich console that shows control and bidi characters of the text it is given escaped (`terminal_safe`):
    every line a command prints may quote user text (a scenario's name, a search term, a file's content)."""

    def print(self, *objects, **kwargs) -> None:
        super().print(*(terminal_safe(o) if isinstance(o, str) else o for o in objects), **kwargs)


console = SafeConsole(emoji=False)
err_console = SafeConsole(stderr=True, emoji=False)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


#: Columns of running text: wrapped at spaces, as wide as the screen allows.
TEXT_COLUMNS = {"summary", "statement", "text", "title", "note", "reason", "description", "justification",
                "explanation", "formula"}
#: Columns of references: one line, elided with … (the full list is in --format json|csv and `kb show ID`).
ELIDED_COLUMNS = {"sources", "evidence", "source", "holders", "citation", "url"}
MAX_TOKEN = 40   # a single token (an id, a path) longer than this is elided rather than pushing others off


#: Characters that must never reach a terminal raw: C0 and C1 controls (ESC starts a terminal command) and the
#: bidirectional overrides, embeddings and isolates that reorder what is shown (CVE-2021-42574, "Trojan Source").
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str, newlines: bool = True) -> str:
    """`text` with every control and bidi character shown as its escape (`\\x1b`, `\\u202e`), so user-supplied
    text (scenario names, search terms, file contents) can neither drive the terminal nor reorder the line.
    newlines: keep line breaks and tabs (else they are escaped too)."""
    def esc(m: re.Match) -> str:
        c = ord(m.group())
        return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"

    text = _UNSAFE.sub(esc, str(text))
    if not newlines:
        text = text.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return text


def _json_safe(text: str) -> str:
    """JSON text with the bidi characters written as \\u escapes (the same JSON value; controls already are)."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, np.ndarray | list | tuple):
        return terminal_safe(", ".join(map(str, value)))
    if isinstance(value, float):
        return f"{value:g}"
    return terminal_safe(str(value))


def plan_columns(cols: list[str], cells: list[list[str]], width: int,
                 no_wrap: tuple[str, ...] = ()) -> tuple[list[int], list[int], list[str]]:
    """Which columns to show, how wide, and how: (indices shown, widths, kinds) for a screen `width` wide.

    Kinds: `token` (ids, numbers, dates, names: one line, never broken; elided
    with … beyond MAX_TOKEN), `text` (wrapped at spaces only) and `elided`
    (reference lists, one line with …). Columns named in `no_wrap` are tokens
    whatever they hold. When even the narrowest layout is wider
    than the screen, columns are dropped from the right (the first is kept);
    the caller says which. A pure function, so the layout is tested without a
    terminal.
    """
    def kind(k: int) -> str:
        if cols[k] in no_wrap:
            return "token"
        if cols[k] in ELIDED_COLUMNS:
            return "elided"
        if cols[k] in TEXT_COLUMNS or any(" " in r[k] and len(r[k]) > 24 for r in cells):
            return "text"
        return "token"

    kinds = [kind(k) for k in range(len(cols))]
    natural = [max([len(cols[k]), *(len(r[k]) for r in cells)]) for k in range(len(cols))]

    def least(k: int) -> int:
        head = len(cols[k])
        if kinds[k] == "token":
            return min(max(natural[k], head), MAX_TOKEN)
        longest_word = max((len(w) for r in cells for w in r[k].split()), default=0)
        return min(natural[k], max(head, 12 if kinds[k] == "text" else 8, min(longest_word, 20)))

    shown = list(range(len(cols)))
    overhead = lambda n: 3 * n + 1  # noqa: E731  (borders and one space of padding each side)
    while len(shown) > 1 and sum(least(k) for k in shown) + overhead(len(shown)) > width:
        # reference lists go first (they are in `kb show ID`), then the rightmost column
        refs = [k for k in shown[1:] if kinds[k] == "elided"]
        shown.remove(refs[-1] if refs else shown[-1])
    widths = [least(k) for k in shown]
    spare = width - sum(widths) - overhead(len(shown))
    # the spare width goes to text first, then to elided references, each up to its natural width
    for want in ("text", "elided", "token"):
        for i, k in enumerate(shown):
            if spare <= 0:
                break
            if kinds[k] == want and natural[k] > widths[i]:
                add = min(spare, natural[k] - widths[i])
                widths[i] += add
                spare -= add
    return shown, widths, [kinds[k] for k in shown]


def emit(df: pd.DataFrame, fmt: Format | str, title: str = "", caption: str = "",
         no_wrap: tuple[str, ...] = (), limit: int | None = None) -> None:
    """Print `df` as a table that fits the terminal, or as JSON or CSV (every column, every character).

    no_wrap: columns kept on one line whatever they hold (elided with … when too wide);
    limit: show at most this many rows (the table says how many there are);
    a table longer than the screen goes through a pager when stdout is a terminal.
    """
    fmt = Format(fmt)
    total = len(df)
    if limit is not None and limit >= 0:
        df = df.head(limit)
    if fmt is Format.json:
        sys.stdout.write(_json_safe(json.dumps(records(df), ensure_ascii=False, indent=2)) + "\n")
        return
    if fmt is Format.csv:
        sys.stdout.write(flat(df).to_csv(index=False))
        return
    cells = [[_cell(v) for v in row] for row in df.itertuples(index=False)]
    cols = list(map(str, df.columns))
    shown, widths, kinds = plan_columns(cols, cells, console.width, tuple(no_wrap))
    title, caption = terminal_safe(title), terminal_safe(caption)
    notes = [caption] if caption else []
    if len(df) < total:
        notes.append(f"first {len(df)} of {total} rows (--limit)")
    hidden = [c for k, c in enumerate(cols) if k not in shown]
    if hidden:
        notes.append(f"not shown at this width: {', '.join(hidden)} (--format csv or json has every column)")
    table = Table(title=title or None, caption="; ".join(notes) or None, show_lines=False, header_style="bold cyan",
                  expand=False, caption_justify="left")
    for k, w, kd in zip(shown, widths, kinds, strict=True):
        table.add_column(cols[k], width=w, no_wrap=kd != "text", overflow="ellipsis",
                         style="dim" if kd == "elided" else None)
    for row in cells:
        table.add_row(*(row[k] for k in shown))
    if console.is_terminal and len(cells) + 6 > console.height and not os.environ.get("MULTIVECTOR_NO_PAGER"):
        with console.pager(styles=True):
            console.print(table)
    else:
        console.print(table)
    if df.empty:
        console.print("[yellow]no rows[/yellow]")


def progress_bar(unit: str, disable: bool | None = None, extra: str = ""):
    """The bar of long commands: description, bar, `done/total UNIT`, time left; on stderr, off when not a terminal.

    extra: a further column, a template on the task's fields (e.g. "{task.fields[rate]}")."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    more = [TextColumn(extra)] if extra else []
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} " + unit),
                    *more, TimeRemainingColumn(), console=err_console, transient=True,
                    disable=(not err_console.is_terminal) if disable is None else disable)


def fail(message: str, code: int = 1) -> None:
    import typer
    from rich.markup import escape

    # escaped: a message may hold brackets that are not markup (`pip install 'multivector[sweep]'`)
    err_console.print(f"[bold red]error:[/bold red] {escape(terminal_safe(message))}", highlight=False,
                      soft_wrap=True)
    raise typer.Exit(code)
