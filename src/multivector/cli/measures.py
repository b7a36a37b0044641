"""`multivector measures`: balancing measures per state and year. A thin adapter over `multivector.measures`."""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.panel import Panel as RichPanel

from .output import Format, console, emit, err_console, fail


def _states(panel, wanted: list[str] | None) -> list[str] | None:
    if not wanted:
        return None
    known = list(panel.states)
    out = []
    for s in wanted:
        s2 = s.upper()
        if s2 not in panel._state_index:
            close = difflib.get_close_matches(s2, known, n=3, cutoff=0.5)
            hint = f"did you mean {' or '.join(close)}?" if close else f"{len(known)} states, e.g. {' '.join(known[:8])}"
            fail(f"unknown state '{s}' — {hint}")
        out.append(s2)
    return out


def _try_case(case: Path | None):
    """The case for organization attributes when measuring COW data: the one given, else the embedded one."""
    from ..kb import CaseBase, CaseError

    try:
        return CaseBase.load(case)
    except CaseError as exc:
        if case is not None:
            from .kb import open_case

            return open_case(case)
        err_console.print(f"[yellow]warning:[/yellow] the embedded case does not load ({len(exc.problems)} "
                          "problem(s)); using the built-in lead and depth of the mapped COW organizations")
        return None


def _flat_explain(rows: list[dict]) -> dict[tuple, dict]:
    return {(e["state"], e["year"]): e for e in rows}


def measures(
    state: Annotated[list[str] | None, typer.Option("--state", "-s", help="State id (repeatable); default: the "
                                                    "case's regional states, or every state of a COW file.")] = None,
    from_: Annotated[int | None, typer.Option("--from", help="First year (within the case's period, or the COW file's years).")] = None,
    to: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    case: Annotated[Path | None, typer.Option("--case", help="Case folder (default: the embedded case).")] = None,
    cow: Annotated[Path | None, typer.Option("--cow", help="Measure an imported COW IGO v3 state-year file "
                                             "instead of the case's memberships.")] = None,
    org_meta: Annotated[Path | None, typer.Option("--org-meta", help="CSV org,lead,depth coding the lead "
                                                  "(e.g. RUS:0.5;CHN:0.5) and depth of COW organizations.")] = None,
    dependence: Annotated[bool, typer.Option("--dependence", help="Print dependence by partner (indicators, "
                                             "with interpolation flags) instead.")] = False,
    network: Annotated[bool, typer.Option("--network/--no-network", help="Network measures (degree, "
                                          "betweenness, shared forums).")] = True,
    detail: Annotated[bool, typer.Option("--detail", help="With --explain: the terms of every state-year, "
                                                          "not only the years whose ties changed.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Print each formula and the evidence ids used "
                                          "per number.")] = False,
) -> None:
    """Ties by pole, balance index, concentration, sovereignty exposure and network measures per state-year."""
    from .. import measures as M
    from .checks import YEARS, case_span, years_within

    years_within(from_, to, YEARS, "the Correlates of War begin in 1816")   # before any file is read
    years = _year_range(from_, to)
    if cow is not None:
        if dependence:
            fail("--dependence reads the case's indicators; it does not apply to a COW file")
        panel, default_states = _cow_panel(cow, case, org_meta), None
        span = (int(panel.years[0]), int(panel.years[-1])) if len(panel.years) else YEARS
        years_within(from_, to, span, f"the years of {cow.name}")
        years = _within(years, span)
    else:
        from .kb import open_case

        kb = open_case(case)
        years_within(from_, to, case_span(kb), "the case's record")
        years = _within(years, case_span(kb))
        if dependence:
            _print_dependence(kb, years, state, fmt)
            return
        panel, default_states = _case_panel(kb, years, from_, to)
    states = _states(panel, state) or default_states
    try:
        df = M.measures_table(panel, states=states, years=years, network=network)
    except KeyError as exc:
        fail(str(exc.args[0]))
    expl = M.explain_rows(panel, zip(df["state"], df["year"], strict=True)) if explain else []
    if fmt is Format.json:
        _print_json(df, panel, expl, explain)
    elif fmt is Format.csv:
        emit(_with_evidence(df, expl) if explain else df, fmt)
    else:
        _print_table(df, panel, expl, explain, detail, fmt)


# ------------------------------------------------------------------ the steps of `measures`
def _within(years: tuple[int, int] | None, span: tuple[int, int]) -> tuple[int, int] | None:
    """An open end of --from/--to at the data's first or last year, not at 1816 or 2100."""
    if years is None:
        return None
    return max(years[0], span[0]), min(years[1], span[1])


def _year_range(from_: int | None, to: int | None) -> tuple[int, int] | None:
    """--from/--to as a year range (open ends reach 1816 and 2100), or None when neither is given."""
    if from_ is None and to is None:
        return None
    years = (from_ if from_ is not None else 1816, to if to is not None else 2100)
    if years[0] > years[1]:
        fail(f"--from {years[0]} is after --to {years[1]}")
    return years


def _cow_panel(cow: Path, case: Path | None, org_meta: Path | None):
    """The panel of an imported COW file; organizations coded from the case and --org-meta (which wins)."""
    from .. import measures as M
    from ..cow import panel_from_cow, read_cow
    from ..textfiles import InputFileError

    kb = _try_case(case)
    try:
        data = read_cow(cow)
        meta = M.load_org_meta(org_meta) if org_meta else None
    except InputFileError as exc:
        fail(str(exc))
    if kb is not None and meta is not None:
        import pandas as pd

        meta = pd.concat([M.org_meta_from_case(kb), meta]).drop_duplicates("id", keep="last")
    return panel_from_cow(data, org_meta=meta, kb=kb)


def _print_dependence(kb, years: tuple[int, int] | None, state: list[str] | None, fmt: Format) -> None:
    from .. import measures as M

    df = M.case_dependence(kb, years=years, states=[s.upper() for s in state] if state else None)
    emit(df.drop(columns=["sources"]) if fmt is Format.table else df, fmt,
         title="Dependence by partner (flag: observed | interpolated | carried)")


def _case_panel(kb, years: tuple[int, int] | None, from_: int | None, to: int | None):
    """The case's panel over the case period, cut by --from/--to, and its regional states."""
    from .. import measures as M

    period = kb.meta.get("period") or {}
    span = (int(period.get("start", 1991)), int(period.get("end", 2025)))
    panel = M.panel_from_case(kb, years=(years[0] if years and from_ is not None else span[0],
                                         years[1] if years and to is not None else span[1]))
    return panel, [s for s in kb.regional_states if s in panel._state_index]


def _print_json(df, panel, expl: list[dict], explain: bool) -> None:
    from .. import measures as M

    rows = M.nest_rows(df, panel.poles)
    if explain:
        by = _flat_explain(expl)
        for r in rows:
            e = by[(r["state"], r["year"])]
            r["explain"] = {"formulas": M.FORMULAS, "terms": e["terms"], "evidence_ids": e["evidence_ids"],
                            "citations": e["citations"], "missing_orgs": e["missing_orgs"]}
    sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")


def _with_evidence(df, expl: list[dict]):
    """The table with each state-year's evidence ids and citations (the CSV of --explain)."""
    by = _flat_explain(expl)
    keys = list(zip(df["state"], df["year"], strict=True))
    return df.assign(evidence_ids=[by[(s, int(y))]["evidence_ids"] for s, y in keys],
                     citations=[by[(s, int(y))]["citations"] for s, y in keys])


#: Columns the table leaves to json/csv, and the short names it prints.
_TABLE_DROP = ["proj_strength", "strength", "effective_poles", "ties_total", "proj_degree", "proj_betweenness",
               "degree"]
_TABLE_CAPTION = ("RUS … GLOBAL: ties by pole = Σ status weight × depth × lead weight; balance: 0 one pole … 100 "
                  "even spread over RUS/CHN/WEST; HHI over the same three; exposure = Σ status weight × depth")


def _short(column: str) -> str:
    return (column.replace("ties_", "").replace("forums_with_", "forums_").replace("sovereignty_exposure", "exposure")
            .replace("balance_index", "balance").replace("concentration", "HHI"))


def _print_table(df, panel, expl: list[dict], explain: bool, detail: bool, fmt: Format) -> None:
    from .. import measures as M

    if explain:
        from rich.markup import escape

        console.print(RichPanel("\n".join(f"[bold]{k}[/bold]: {escape(v)}" for k, v in M.FORMULAS.items()),
                                title="formulas", border_style="cyan"), highlight=False)
    # the table keeps the headline columns (json/csv carry every column)
    drop = _TABLE_DROP + [c for c in ("n_missing", "n_uncoded") if c in df and not df[c].any()]
    show = df.drop(columns=[c for c in drop if c in df]).round(3)
    show.columns = [_short(c) for c in show.columns]
    emit(show, fmt, title=f"Measures ({panel.source})", caption=_TABLE_CAPTION)
    if explain:
        _print_terms(expl, detail, fmt)


def _terms_frame(terms: list[dict]):
    import pandas as pd

    return pd.DataFrame([{"org": t["org"], "status": t["status"], "weight": t["weight"], "depth": t["depth"],
                          "lead": ", ".join(f"{k} {v:g}" for k, v in t["lead"].items()),
                          "contribution": ", ".join(f"{k} {v:g}" for k, v in t["contribution"].items()),
                          "evidence": "; ".join(f["fact"] for f in t["evidence"]) or "—",
                          "sources": sorted({c for f in t["evidence"] for c in f["sources"]})}
                         for t in terms])


def _print_terms(expl: list[dict], detail: bool, fmt: Format) -> None:
    """The terms behind each state-year: every one with --detail, else the years whose ties changed."""
    shown, prev = 0, {}
    for e in expl:
        ties = {(t["org"], t["status"]) for t in e["terms"]}
        changed = ties != prev.get(e["state"])
        prev[e["state"]] = ties
        if not (detail or changed):
            continue
        shown += 1
        emit(_terms_frame(e["terms"]), fmt, title=f"{e['state']} {e['year']}: terms" + ("" if detail else " (ties changed)"),
             caption=f"missing (-9): {', '.join(e['missing_orgs'])}" if e["missing_orgs"] else "")
    if not detail and shown < len(expl):
        console.print(f"[dim]terms shown for the {shown} state-years whose ties changed, of {len(expl)}; "
                      "every year: add --detail[/dim]")


def register(app: typer.Typer, kb_app: typer.Typer | None = None) -> None:
    """Mount `multivector measures` on the main app."""
    app.command("measures")(measures)
