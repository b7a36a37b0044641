"""`multivector report`: write the self-contained HTML report. A thin adapter over `multivector.report`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .output import console


def report(
    out: Annotated[Path, typer.Option("--out", help="Folder to write index.html into.")] = Path("report"),
    case: Annotated[Path | None, typer.Option("--case", help="Case folder (default: the embedded case).")] = None,
) -> None:
    """Write OUT/index.html: timelines, network by year, balance, ties, dependence, evidence (opens offline)."""
    from ..report import build_report
    from .kb import open_case

    kb = open_case(case)
    path = build_report(kb, out, progress=console.is_terminal)
    console.print(f"wrote {path.resolve()}", highlight=False, soft_wrap=True)


def register(app: typer.Typer, kb_app: typer.Typer | None = None) -> None:
    """Mount `multivector report` on the main app."""
    app.command("report")(report)
