"""`multivector scenarios | proposals`: what ships with the tool, ready to run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .kb import CaseOpt, FormatOpt, open_case
from .output import Format, emit, fail


def scenarios(folder: Annotated[Path | None, typer.Option(
                  "--dir", help="Folder of scenario files (default: the library that ships with the package).")] = None,
              fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """The scenario library: each file with its years (from the record), runs, seed, driver changes and what it asks.

    `kind` says whether the run is a projection from the record's end or a counterfactual that starts
    inside the record, at its first driver change.
    """
    import pandas as pd

    from ..kb import CaseError
    from ..model.inputs import load_inputs
    from ..model.projection import projection_start
    from ..model.scenario import load_scenario
    from ..shipped import folder as shipped_folder

    folder = folder or shipped_folder("scenario")
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        fail(f"no scenario files (*.yaml) in {folder}; give the folder with --dir")
    kb = open_case(case)
    try:
        inp = load_inputs(kb)
    except CaseError as exc:
        fail(str(exc))
    orgs = {o for o in inp.era_org.ravel() if o}
    rows = []
    for f in files:
        try:
            sc = load_scenario(f, inp.states, orgs)
        except CaseError as exc:   # a broken file is listed with its first problem, not skipped
            rows.append({"file": str(f), "name": f.stem, "kind": "", "years": "", "runs": None, "seed": None,
                         "changes": None, "description": f"does not load: {exc.problems[0]}"})
            continue
        try:
            start = projection_start(sc, inp.record_until, int(inp.years[0]))
        except ValueError as exc:   # listed with the reason, like a file that does not load
            rows.append({"file": str(f), "name": sc.name, "kind": "", "years": "", "runs": sc.runs, "seed": sc.seed,
                         "changes": len(sc.changes), "description": f"cannot start: {exc}"})
            continue
        rows.append({"file": str(f), "name": sc.name,
                     "kind": "counterfactual" if start.counterfactual else "projection",
                     "years": f"{start.year}–{sc.end}", "runs": sc.runs,
                     "seed": sc.seed, "changes": len(sc.changes), "description": sc.description})
    df = pd.DataFrame(rows)
    if fmt is Format.table:   # the file is the folder and the name: the table keeps its width for the rest
        df = df.drop(columns="file")
    emit(df, fmt, title=f"Scenarios in {folder}", layout="scenarios",
         caption="run one: multivector simulate NAME --compare (years before the start are the record)" if fmt is Format.table else "")


def proposals(fmt: FormatOpt = Format.table, case: CaseOpt = None) -> None:
    """The case's proposals negotiated inside organizations, with the outcome on record (0–100 scale)."""
    df = open_case(case).proposals()[["id", "org", "year", "outcome", "outcome_position", "title", "sources"]]
    emit(df.rename(columns={"outcome_position": "position"}), fmt, title="Proposals", layout="proposals",
         caption="forecast one: multivector negotiate --case central_asia --proposal ID" if fmt is Format.table else "")


def register(app: typer.Typer, kb_app: typer.Typer | None = None) -> None:
    """Mount `multivector scenarios` and `multivector proposals`."""
    app.command("scenarios")(scenarios)
    app.command("proposals")(proposals)
