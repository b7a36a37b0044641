"""`multivector overview`: what the embedded case holds and where to go next."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.panel import Panel
from rich.table import Table

from .kb import open_case
from .output import console

_SNAPSHOT_YEARS = (1993, 2000, 2005, 2010, 2016, 2025)
_SNAPSHOT_ORGS = ("CIS", "CST", "CSTO", "CU", "EURASEC", "EAEU", "SHANGHAI5", "SCO", "AIIB", "NATO_PFP")
_SHORT = {"EURASEC": "EurAs", "SHANGHAI5": "Sh5", "NATO_PFP": "PfP"}
_MARK = {"member": "M", "associate": "A", "observer": "O", "partner": "P", "candidate": "C", "none": "·"}


def overview(case: Annotated[Path | None, typer.Option("--case", help="Case folder.")] = None) -> None:
    """A readable overview of the case: what it holds, counts, example queries, next steps."""
    kb = open_case(case)
    meta = kb.meta
    console.print(Panel.fit(f"[bold]{meta.get('title', kb.name)}[/bold]\n{meta.get('description', '').strip()}",
                            title="multivector", border_style="cyan"))

    counts = kb.counts()
    t = Table(title="What the evidence base holds", header_style="bold cyan")
    t.add_column("kind")
    t.add_column("rows", justify="right")
    t.add_column("cites the article", justify="right")
    cited = dict(kb.con.execute(
        "SELECT kind, count(DISTINCT fact) FROM citations WHERE source = 'article' GROUP BY kind").fetchall())
    for kind, n in counts.items():
        t.add_row(kind, str(n), str(cited.get(kind, "")))
    console.print(t)

    orgs = [o for o in _SNAPSHOT_ORGS if o in kb.org_ids()]
    snap = Table(title="Status of the five states (M member, A associate, O observer, P partner, · none, blank: "
                       "organization not in existence)", header_style="bold cyan")
    snap.add_column("", no_wrap=True)
    snap.add_column("year", no_wrap=True)
    for o in orgs:
        snap.add_column(_SHORT.get(o, o), justify="center", no_wrap=True)
    for state in kb.regional_states:
        for i, year in enumerate(_SNAPSHOT_YEARS):
            cells = [(_MARK[kb.status(state, o, year)] if kb.org_exists(o, year) else "") for o in orgs]
            snap.add_row(state if i == 0 else "", str(year), *cells, end_section=(i == len(_SNAPSHOT_YEARS) - 1))
    console.print(snap)

    console.print("[bold]A few answers from the base[/bold]")
    for actor, org, year in (("UZB", "CSTO", 2008), ("UZB", "CSTO", 2013), ("KGZ", "EAEU", 2016),
                             ("TJK", "EAEU", 2016), ("TKM", "CIS", 2010)):
        console.print(f"  {actor} in {org} in {year}: [bold]{kb.status(actor, org, year)}[/bold]")
    hits = kb.search("remittances", limit=3)
    for row in hits.itertuples():
        console.print(f"  [dim]{row.kind} {row.id}[/dim] {row.text}  [dim]({', '.join(row.sources)})[/dim]")

    mv = command_prefix()
    lines = [("kb validate", "check every case file"), ("kb members CSTO --year 2010", "who was in, with which status"),
             ("kb timeline UZB", "spells and events of a state"), ("kb search remittances", "search with citations"),
             ("measures --state KAZ", "balance index, ties by pole"), ("scenarios", "the scenarios that ship"),
             ("simulate scenarios/baseline.yaml", "a scenario, with uncertainty"),
             ("evaluate", "model vs reference forecasts"), ("proposals", "the case's proposals"),
             ("negotiate --case central_asia --all", "forecast them"), ("report --out report", "the HTML report")]
    body = "\n".join(f"{mv} {cmd}" + (f"\n    [dim]{what}[/dim]") for cmd, what in lines)
    hint = "" if mv == "multivector" else ("\n[dim]or first `source .venv/bin/activate`, then type `multivector ...`[/dim]")
    console.print(Panel(body + hint + "\nPython: from multivector import CaseBase; kb = CaseBase.load()",
                        title="Next (each runs as printed)", border_style="green"))


def command_prefix() -> str:
    """How to start this program from the current folder: `multivector` if it is on the PATH, else its path."""
    import os
    import shutil
    import sys

    exe = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    on_path = shutil.which("multivector")
    if on_path and exe and Path(on_path).resolve() == exe:
        return "multivector"
    if exe and exe.name == "multivector":
        try:
            return os.path.relpath(exe)
        except ValueError:
            return str(exe)
    return "multivector"
