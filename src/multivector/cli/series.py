"""`multivector import unga|econ` and `multivector kb series`: thin adapters over `multivector.series`.

The imports write the case's `series/unga.csv`, `series/wdi.csv` and
`series/aiddata.csv` atomically (an interrupted import leaves the old file
intact), keep only the states and partners the case's actors.yaml declares and
say which were left out. With `--case DIR` they write into that case folder;
without it, into the user data folder (`userdata.case_overlay`), where the
embedded case finds them in place of its shipped series — never into the
installed package.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .cow import import_app
from .kb import CaseOpt, FormatOpt, guarded, open_case
from .output import Format, console, emit, err_console, fail

if TYPE_CHECKING:
    import pandas as pd

ImportCaseOpt = Annotated[Path | None, typer.Option("--case", help="Case folder to write into (default: the user "
                                                    "data folder, read by the embedded case in place of its "
                                                    "shipped series; never the installed package).")]


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _target(case: Path | None, folder: Path) -> Path:
    """Where an import writes: the case folder given with --case, else the user data folder's overlay of the
    embedded case (the package may be installed read-only, and is replaced on every upgrade)."""
    from ..userdata import case_overlay

    return folder if case is not None else (case_overlay(folder) or folder)


def _case_ids(case: Path | None) -> tuple[Path, set[str], set[str]]:
    """The case folder, its actor ids and its source ids (actors.yaml and sources.yaml must be valid)."""
    from ..kb import CaseError, default_case_path
    from ..kb.loader import read_case

    folder = case or default_case_path()
    try:
        parsed, problems = read_case(folder)
    except CaseError as exc:
        fail("; ".join(str(p) for p in exc.problems))
    bad = [p for p in problems if p.file in ("actors.yaml", "sources.yaml")]
    for p in bad:
        err_console.print(p.under(folder), highlight=False, soft_wrap=True, markup=False)
    if bad:
        fail(f"fix actors.yaml and sources.yaml of {folder} first: an import needs the case's actors and sources")
    return folder, {a.id for a in parsed.rows("actors")}, {s.id for s in parsed.rows("sources")}


def _read(reader, path: Path):
    try:
        return reader(path)
    except ValueError as exc:  # SeriesFileError: already `file:line: what — how to fix`
        fail(str(exc))


def _need_sources(folder: Path, needed: list[str], source_ids: set[str]) -> None:
    from ..kb.problems import Problem
    from ..series import missing_sources

    missing = missing_sources(needed, source_ids)
    if missing:
        fail(str(Problem(f"{folder}/sources.yaml", 1, f"no source row {', '.join(missing)} for the imported series",
                         "add the rows (copy them from src/multivector/cases/central_asia/sources.yaml) "
                         "and run the import again")))


def _write_all(folder: Path, target: Path, parts: list[tuple[str, object, list[str]]], files_read: list[str],
               rows_read: int, not_published: int, fmt: Format) -> None:
    """Write every (name, selection, comments) part into `target` (the case folder or the user's overlay of it),
    then report what was written and skipped."""
    import pandas as pd

    from ..series import series_summary, write_series_file
    from ..series.casefile import series_path

    written = {}
    for name, sel, comments in parts:
        try:
            path = write_series_file(target, name, sel.frame, comments)
        except OSError as exc:
            fail(f"{series_path(target, name)}: cannot write: {exc.strerror or exc} — check the folder's "
                 "permissions (the old file, if any, is intact)")
        written[str(path)] = len(sel.frame)
    skipped_actors: dict[str, int] = {}
    skipped_partners: dict[str, int] = {}
    for _, sel, _ in parts:
        for k, v in sel.skipped_actors.items():
            skipped_actors[k] = skipped_actors.get(k, 0) + v
        for k, v in sel.skipped_partners.items():
            skipped_partners[k] = skipped_partners.get(k, 0) + v
    summary = series_summary(pd.concat([sel.frame for _, sel, _ in parts], ignore_index=True))
    problems = _check_written(folder, [Path(p) for p in written])
    if fmt is Format.json:
        from ..io_utils import records

        sys.stdout.write(json.dumps({
            "case": str(folder), "read": files_read, "rows_read": rows_read, "not_published": not_published, "written": written,
            "series": records(summary.drop(columns=["sources"])), "skipped_actors": skipped_actors,
            "skipped_partners": skipped_partners, "problems": [str(p) for p in problems],
        }, ensure_ascii=False, indent=1) + "\n")
    else:
        names = ", ".join(Path(f).name for f in files_read)
        console.print(f"read {names}: {_n(rows_read, 'row')} ({_n(not_published, 'cell')} not published: "
                      "no point stored)", highlight=False)
        for path, n in written.items():
            console.print(f"wrote {path}: {_n(n, 'point')}", highlight=False)
        if target != folder:
            console.print(f"the case {folder.name} reads these in place of its shipped series/ files (delete them "
                          "to go back to the shipped ones; --case DIR writes into a case folder of your own)",
                          highlight=False)
        _summary_table(summary, "Series written")
        if skipped_actors or skipped_partners:
            if skipped_actors:
                console.print("[yellow]skipped[/yellow] (state not in actors.yaml): " + ", ".join(
                    f"{a} ({_n(n, 'point')})" for a, n in sorted(skipped_actors.items())), highlight=False)
            if skipped_partners:
                console.print("[yellow]skipped[/yellow] (partner not in actors.yaml): " + ", ".join(
                    f"{p} ({_n(n, 'point')})" for p, n in sorted(skipped_partners.items())), highlight=False)
        else:
            console.print("skipped: none (every state and partner of the file is in actors.yaml)")
    if problems:
        for p in problems:
            err_console.print(p.under(folder), highlight=False, soft_wrap=True, markup=False)
        fail(f"the written series have {len(problems)} problem(s); run `multivector kb validate {folder}`")


def _check_written(folder: Path, paths: list[Path]):
    """Problems the case's validation finds in the files just written (there should be none)."""
    from ..kb import check_case
    from ..kb.loader import series_files

    wanted = set(paths)
    labels = {label for p, label in series_files(folder) if p in wanted}
    _, problems = check_case(folder)
    return [p for p in problems if p.file in labels]


@import_app.command("unga")
def import_unga(
    file: Annotated[Path, typer.Argument(help="UNGA ideal points and agreement rates (unga_idealpoints_excerpt.csv "
                                         "or the full IdealpointestimatesAll file as CSV).")],
    case: ImportCaseOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Write the case's series/unga.csv: agreement with RUS, CHN, USA and the ideal point, per state and year."""
    from ..series import UNGA_SOURCES, for_case, read_unga
    from ..series.casefile import file_note

    folder, actor_ids, source_ids = _case_ids(case)
    data = _read(read_unga, file)
    _need_sources(folder, list(UNGA_SOURCES), source_ids)
    sel = for_case(data.frame, actor_ids)
    comments = [f"Generated by `multivector import unga` from {file_note(file, data.rows_read)}; re-run the "
                "import rather than editing by hand (docs/case-format.md).",
                "Bailey, Strezhnev & Voeten 2017 (JCR 61(2)); Voeten, Strezhnev & Bailey, UN General Assembly "
                "Voting Data, Harvard Dataverse, doi:10.7910/DVN/LEJUQZ. Year = 1945 + session.",
                "A state-year without a row has no published value (agreement not computed)."]
    _write_all(folder, _target(case, folder), [("unga", sel, comments)], data.files, data.rows_read,
               data.not_published, fmt)


@import_app.command("econ")
def import_econ(
    folder_in: Annotated[Path, typer.Argument(metavar="DIR", help="Folder with the wdi_*.csv files and the AidData "
                                              "file (../shared/data/econ).")],
    case: ImportCaseOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Write the case's series/wdi.csv (World Bank WDI) and series/aiddata.csv (AidData GCDF 3.0)."""
    from ..series import for_case, read_econ
    from ..series.casefile import file_note
    from ..series.wdi import WDI_FILES

    folder, actor_ids, source_ids = _case_ids(case)
    data = _read(read_econ, folder_in)
    _need_sources(folder, data.wdi.sources + data.aiddata.sources, source_ids)
    wdi_notes = [f"  {WDI_FILES[Path(f).name].series} ({WDI_FILES[Path(f).name].indicator}) from "
                 f"{file_note(f)}" for f in data.wdi.files]
    wdi = ("wdi", for_case(data.wdi.frame, actor_ids),
           ["Generated by `multivector import econ`; re-run the import rather than editing by hand "
            "(docs/case-format.md).",
            "World Bank, World Development Indicators (CC BY 4.0); one source row per indicator:", *wdi_notes,
            "A state-year without a row has no published value; nothing is filled."])
    aid = ("aiddata", for_case(data.aiddata.frame, actor_ids),
           [f"Generated by `multivector import econ` from {file_note(data.aiddata.files[0], data.aiddata.rows_read)}"
            "; re-run the import rather than editing by hand (docs/case-format.md).",
            "AidData Global Chinese Development Finance Dataset 3.0 (Custer et al. 2023), constant 2021 USD; "
            "totals sum the flow classes of a recipient-year.",
            "A recipient-year without a row has no recorded commitment (no zero is invented); zeros are as "
            "published."])
    if data.ignored:
        console.print(f"[yellow]ignored[/yellow] (no reader for them): {', '.join(data.ignored)}", highlight=False)
    _write_all(folder, _target(case, folder), [wdi, aid], data.wdi.files + data.aiddata.files,
               data.wdi.rows_read + data.aiddata.rows_read, data.wdi.not_published + data.aiddata.not_published, fmt)


def _shown(v: float) -> str:
    return f"{float(v):.10g}"


def _summary_table(summary: pd.DataFrame, title: str, caption: str = "") -> None:
    """One line per series (narrow enough for 80 columns), then each series' unit and sources."""
    emit(summary[["series", "partner", "points", "years"]], Format.table, title=title, caption=caption,
         no_wrap=("series", "partner", "points", "years"))


def _legend(kb, df: pd.DataFrame) -> None:
    """Each series' unit and citations, then the reference of every source cited."""
    import pandas as pd

    if df.empty:
        return
    console.print("[bold]units, states and sources[/bold]")
    for (name, unit), g in df.groupby(["series", "unit"], sort=True):
        ids = sorted({c for v in g["sources"] for c in v})
        n = g["actor"].nunique()
        console.print(f"  {name}: {unit}; {n} state{'s' if n != 1 else ''}; {', '.join(ids)}", highlight=False)
    src = kb.sources().set_index("id")
    for sid in sorted({c.split(":", 1)[0] for v in df["sources"] for c in v}):
        if sid not in src.index:
            continue
        r = src.loc[sid]
        where = next((x for x in (r["venue"], r["publisher"]) if isinstance(x, str)), "")
        who = f"{r['authors']}, " if isinstance(r["authors"], str) else ""
        year = f", {int(r['year'])}" if pd.notna(r["year"]) else ""
        console.print(f"  [dim]{sid}[/dim]: {who}{r['title']}" + (f", {where}" if where else "") + year,
                      highlight=False)


def series(
    name: Annotated[str | None, typer.Option("--name", help="One series, e.g. remittances_pct_gdp.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="One state, e.g. KGZ.")] = None,
    partner: Annotated[str | None, typer.Option("--partner", help="Partner of the series, e.g. RUS.")] = None,
    start: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    end: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    fmt: FormatOpt = Format.table,
    case: CaseOpt = None,
) -> None:
    """Published yearly series (series/*.csv) with their sources.

    Table without --name or --actor: one line per series; otherwise the points.

    JSON and CSV give the stored points (series, actor, partner, year, value, unit, sources).

    A year without a point has no published value.
    """
    kb = open_case(case)
    df = guarded(kb.series, name=name, actor=actor, partner=partner, start=start, end=end)
    if fmt is not Format.table:
        emit(df, fmt)
        return
    from ..series import series_summary

    if name is None and actor is None:
        _summary_table(series_summary(df), "Stored series", caption="a year without a point has no published value")
    else:
        shown = df[["series", "actor", "partner", "year", "value"]].copy()
        same = [c for c in ("series", "actor", "partner") if len(shown) and shown[c].nunique() == 1]
        head = [f"{c}: {shown[c].iloc[0]}" for c in same if shown[c].iloc[0]]
        shown = shown.drop(columns=same)
        shown["value"] = [_shown(v) for v in shown["value"]]
        if head:
            console.print(" · ".join(head), highlight=False)
        emit(shown, fmt, title="Series points", no_wrap=("series", "year"),
             caption=f"{len(shown)} points, 10 significant digits (csv: as stored); no point = not published")
    _legend(kb, df)


def register(app: typer.Typer, kb_app: typer.Typer) -> None:
    """Mount `multivector kb series`; `import unga` and `import econ` join the `import` group of cli/cow.py."""
    if not any(c.name == "series" for c in kb_app.registered_commands):   # once, however many apps are built
        kb_app.command("series")(series)
