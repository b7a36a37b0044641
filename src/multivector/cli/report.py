"""`multivector report`: write the self-contained HTML report. A thin adapter over `multivector.report`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .output import console


def report(
    out: Annotated[Path, typer.Option("--out", help="Folder to write index.html into.")] = Path("report"),
    case: Annotated[Path | None, typer.Option("--case", help="Case folder (default: the embedded case).")] = None,
    evaluation: Annotated[Path | None, typer.Option(
        "--evaluation", help="evaluation.json written by `multivector evaluate --out DIR` "
                             "(default: the last evaluation of this case, if any).")] = None,
    sweep: Annotated[Path | None, typer.Option(
        "--sweep", help="A sweep folder analysed with `multivector sweep analyze DIR` (its analysis.json), "
                        "shown as a section.")] = None,
    scenario: Annotated[Path | None, typer.Option(
        "--scenario", help="A folder written by `multivector simulate SCENARIO --compare --out DIR`, shown as a "
                           "section: the differences it makes and P(member), with the record.")] = None,
    weights: Annotated[Path | None, typer.Option(
        "--weights", help="Weights file written by `multivector calibrate` whose posterior draws the fitted-weights "
                          "section shows (default: the shipped one).")] = None,
) -> None:
    """Write OUT/index.html: timelines, network by year, balance, ties, dependence, the forecast evaluation, the
    fitted weights, evidence (opens offline)."""
    from ..report import build_report
    from .kb import open_case

    kb = open_case(case)
    ev = _evaluation(kb, evaluation)
    if weights is not None and not weights.is_file():
        from .output import fail

        fail(f"--weights {weights}: no such file; give the weights file `multivector calibrate --out FILE` wrote")
    sweep_data, scenario_data = _sweep(sweep), _scenario(scenario)
    from ..io_utils import OutputFolderError, OutputSet
    from .output import fail

    try:   # the folder holds the old complete report or the new one, never a part (a full disk, a kill)
        outset = OutputSet(out)
    except OutputFolderError as exc:
        fail(str(exc))
    with outset:
        path = build_report(kb, outset.path, progress=console.is_terminal, evaluation=ev, sweep=sweep_data,
                            scenario=scenario_data, weights_file=weights)
    path = outset.target / path.name
    console.print(f"wrote {path.resolve()}", highlight=False, soft_wrap=True)


def _evaluation(kb, path: Path | None) -> dict | None:
    """A stored evaluation: the file given, else the last one `multivector evaluate` ran on this case."""
    from ..textfiles import InputFileError, read_json
    from .output import fail

    if path is not None:
        try:
            data = read_json(path, "evaluation result (evaluation.json)")
        except InputFileError as exc:
            fail(f"{exc} (--evaluation takes the evaluation.json that `multivector evaluate --out DIR` writes)")
        if not isinstance(data, dict) or not {"scores", "reliability", "origins"} <= set(data):
            fail(f"--evaluation {path} is not an evaluation result; give DIR/evaluation.json from "
                 "`multivector evaluate --out DIR`")
        return data
    from ..evaluate.store import load_latest
    from ..kb import CaseError
    from ..model.inputs import load_inputs

    try:
        return load_latest(load_inputs(kb))
    except CaseError:
        return None


def _sweep(folder: Path | None) -> dict | None:
    """The stored analysis of a sweep folder (DIR/analysis/analysis.json, or the file itself)."""
    from ..textfiles import InputFileError, read_json
    from .output import fail

    if folder is None:
        return None
    path = folder if folder.is_file() else folder / "analysis" / "analysis.json"
    try:
        data = read_json(path, "sweep analysis (analysis.json)")
    except InputFileError as exc:
        fail(f"{exc} (--sweep {folder}: run `multivector sweep analyze {folder}` first)")
    if not isinstance(data, dict) or not {"name", "design", "factors", "outcomes"} <= set(data):
        fail(f"--sweep {path} is not a sweep analysis; give a folder analysed by `multivector sweep analyze`")
    return data


def _scenario(folder: Path | None) -> dict | None:
    """The stored tables of a compared scenario run (`simulate --compare --out DIR`)."""

    import pandas as pd

    from .output import fail

    if folder is None:
        return None
    need = ("engagement", "compare", "baseline_engagement")
    missing = [n for n in ("summary.json", *(f"{t}.csv" for t in need)) if not (folder / n).is_file()]
    if missing:
        fail(f"--scenario {folder}: no {', '.join(missing)}; write it with `multivector simulate SCENARIO --compare "
             f"--out {folder}`")
    import io

    from ..textfiles import InputFileError, read_json, read_text

    try:
        out = {"summary": read_json(folder / "summary.json", "scenario summary")}
        for t in need:
            text = read_text(folder / f"{t}.csv", "scenario table")
            out[t] = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    except InputFileError as exc:
        fail(f"--scenario {folder}: {exc}")
    except (OSError, ValueError) as exc:
        fail(f"--scenario {folder}: cannot read it ({exc}); write it again with `multivector simulate --compare --out`")
    if "compare" not in out["summary"]:
        fail(f"--scenario {folder} was written without --compare; run `multivector simulate SCENARIO --compare --out "
             f"{folder}`")
    return out


def register(app: typer.Typer, kb_app: typer.Typer | None = None) -> None:
    """Mount `multivector report` on the main app."""
    app.command("report")(report)
