"""Print a DataFrame as a Rich table, JSON or CSV: the only output code of the CLI."""

from __future__ import annotations

import json
import math
import os
import re
import sys
from enum import StrEnum

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .columns import ELIDED_COLUMNS, MAX_TOKEN, TEXT_COLUMNS, Layout, plan  # noqa: F401  (re-exported)


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
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:g}"
    if isinstance(value, list | tuple) or type(value).__name__ == "ndarray":
        return terminal_safe(", ".join(map(str, value)))
    text = str(value)
    return "" if text in ("<NA>", "NaT") else terminal_safe(text)   # pandas' missing values


def plan_columns(cols: list[str], cells: list[list[str]], width: int,
                 no_wrap: tuple[str, ...] = ()) -> tuple[list[int], list[int], list[str]]:
    """(indices shown, widths, kinds) for a screen `width` wide, without a declared layout (see `columns.plan`)."""
    p = plan(cols, cells, width, _default_layout(cols), no_wrap)
    return p.shown, p.widths, p.kinds


def _default_layout(cols: list[str]) -> Layout:
    return Layout(content=tuple(c for c in cols if c in TEXT_COLUMNS))


def _layout(name: str | Layout | None, cols: list[str]) -> Layout:
    if isinstance(name, Layout):
        return name
    if name is None:
        return _default_layout(cols)
    from .layouts import LAYOUTS

    return LAYOUTS[name]


def _joined(cols: list[str], cells: list[list[str]], layout: Layout) -> tuple[list[str], list[list[str]]]:
    """Display columns made of several (a value and its unit), in the first part's place."""
    for name, parts in layout.join.items():
        if not all(p in cols for p in parts):
            continue
        at = [cols.index(p) for p in parts]
        cells = [[" ".join(r[k] for k in at if r[k]) if j == at[0] else r[j] for j in range(len(cols))
                  if j not in at[1:]] for r in cells]
        cols = [name if j == at[0] else c for j, c in enumerate(cols) if j not in at[1:]]
    return cols, cells


def emit(df, fmt: Format | str, title: str = "", caption: str = "",
         no_wrap: tuple[str, ...] = (), limit: int | None = None, layout: str | Layout | None = None) -> None:
    """Print a DataFrame as a table that fits the terminal, or as JSON or CSV (every column, every character).

    no_wrap: columns kept on one line whatever they hold (elided with … when too wide);
    limit: show at most this many rows (the table says how many there are);
    layout: the columns' roles (a name of `layouts.LAYOUTS`, or a `Layout`): ids whole, content kept;
    a table longer than the screen goes through a pager when stdout is a terminal.
    """
    fmt = Format(fmt)
    total = len(df)
    if limit is not None and limit >= 0:
        df = df.head(limit)
    if fmt is Format.json:
        from ..io_utils import records

        sys.stdout.write(_json_safe(json.dumps(records(df), ensure_ascii=False, indent=2)) + "\n")
        return
    if fmt is Format.csv:
        from ..io_utils import flat

        sys.stdout.write(flat(df).to_csv(index=False))
        return
    cells = [[_cell(v) for v in row] for row in df.itertuples(index=False)]
    print_table(list(map(str, df.columns)), cells, title, caption, no_wrap, total, layout)


def emit_rows(columns: list[str], rows: list[dict], fmt: Format | str, title: str = "", caption: str = "",
              layout: str | Layout | None = None) -> None:
    """`emit` for plain rows (JSON-safe dicts, lists for lists), without pandas: the light commands' output."""
    fmt = Format(fmt)
    if fmt is Format.json:
        sys.stdout.write(_json_safe(json.dumps([{c: r.get(c) for c in columns} for r in rows], ensure_ascii=False,
                                               indent=2)) + "\n")
        return
    if fmt is Format.csv:
        import csv
        import io

        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\n")
        out.writerow(columns)
        for r in rows:
            out.writerow([";".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v)
                          for v in (r.get(c) for c in columns)])
        sys.stdout.write(buf.getvalue())
        return
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    print_table(columns, cells, title, caption, (), len(rows), layout)


def print_table(cols: list[str], cells: list[list[str]], title: str = "", caption: str = "",
                no_wrap: tuple[str, ...] = (), total: int | None = None,
                layout: str | Layout | None = None) -> None:
    """Lay out and print a table of display strings (see `columns.plan`); a long one through the pager."""
    lay = _layout(layout, cols)
    cols, cells = _joined(cols, cells, lay)
    p = plan(cols, cells, console.width, lay, tuple(no_wrap))
    title, caption = terminal_safe(title), terminal_safe(caption)
    notes = [caption] if caption else []
    if total is not None and len(cells) < total:
        notes.append(f"first {len(cells)} of {total} rows (--limit)")
    if p.hidden:
        notes.append(f"not shown at this width: {', '.join(cols[k] for k in p.hidden)} "
                     "(--format csv or json has every column)")
    table = Table(title=title or None, caption="; ".join(notes) or None, show_lines=False, header_style="bold cyan",
                  expand=False, caption_justify="left")
    # the text stacked under the first id column (columns.plan): the id on the first line, bold, the text below
    under = next((k for k, kd in zip(p.shown, p.kinds, strict=True) if kd == "id"), None) if p.stacked is not None \
        else None
    for k, w, kd in zip(p.shown, p.widths, p.kinds, strict=True):
        head = f"{cols[k]} · {cols[p.stacked]}" if k == under else cols[k]
        table.add_column(head, width=w, no_wrap=kd != "text" and k != under, overflow="ellipsis",
                         style="dim" if kd == "elided" else None)
    for row in cells:
        shown = []
        for k in p.shown:
            if k == under:
                cell = Text(row[k], style="bold")
                if row[p.stacked]:
                    cell.append(("\n" if row[k] else "") + row[p.stacked], style="")
                shown.append(cell)
            else:
                shown.append(row[k])
        table.add_row(*shown)
    _show(table, len(cells))
    if not cells:
        console.print("[yellow]no rows[/yellow]")


def _show(renderable, rows: int) -> None:
    """Print, or page when the table is longer than the terminal (and paging is not turned off)."""
    if not console.is_terminal or os.environ.get("MULTIVECTOR_NO_PAGER") or rows + 4 < console.height // 4:
        console.print(renderable)
        return
    with console.capture() as cap:
        console.print(renderable)
    text = cap.get()
    if text.count("\n") + 2 > console.height:
        from .pager import page

        page(text)
    else:
        console.file.write(text)
        console.file.flush()


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
