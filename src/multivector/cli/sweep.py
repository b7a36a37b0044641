"""`multivector sweep SPEC.yaml | sweep analyze DIR`: thin adapters over multivector.sweep.

`multivector sweep SPEC.yaml ...` is short for `multivector sweep run SPEC.yaml ...`: a first argument
that is not a subcommand's name is taken as the spec (sweep.py's `SpecFirstGroup`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from .kb import CaseOpt, open_case
from .output import Format, console, emit, err_console, fail, progress_bar


class SpecFirstGroup(TyperGroup):
    """A group whose first argument, when it names no subcommand, is the spec of `run`."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=SpecFirstGroup, no_args_is_help=True, help=(
    "Sweeps over uncertain factors: `multivector sweep SPEC.yaml` runs one (see sweeps/), "
    "`multivector sweep analyze DIR` gives its Sobol' indices, Morris screening and PRIM boxes."))


def _require_sweep_deps() -> None:
    from ..sweep.execute import SweepError, require

    try:
        require("SALib")
    except SweepError as exc:
        fail(str(exc))


@app.command("run")
def run(spec_path: Annotated[Path, typer.Argument(metavar="SPEC", help="A sweep spec YAML file, or the name of a shipped one (smoke, central-asia-2035, morris-screening, uzbekistan-eaeu-discovery).")],
        out: Annotated[Path | None, typer.Option("--out", help="Folder of the results (default sweep-results/NAME).")] = None,
        workers: Annotated[int, typer.Option("--workers", min=1, max=512, help="Local worker processes (1: in this process).")] = 1,
        scheduler: Annotated[str | None, typer.Option("--scheduler", help="Run on the Dask cluster of this scheduler, tcp://HOST:PORT.")] = None,
        dask_local: Annotated[int | None, typer.Option("--dask-local", min=1, max=512, help="Start a Dask LocalCluster of N workers for the run.")] = None,
        resume: Annotated[bool, typer.Option("--resume", help="Finish the sweep in --out: run only its missing or damaged chunks.")] = False,
        case: CaseOpt = None) -> None:
    """Run a sweep: every point of the design, chunk by chunk, one Parquet part file per chunk."""
    from ..kb import CaseError
    from ..model.inputs import load_inputs
    from ..sweep import SweepError, load_spec, open_executor, run_sweep
    from ..sweep.design import n_points
    from .model import _case_errors

    _require_sweep_deps()
    if sum(x is not None and x is not False for x in (scheduler, dask_local)) + (workers > 1) > 1:
        fail("give one of --workers, --scheduler and --dask-local")
    from ..shipped import NotShipped, resolve

    try:
        spec_path = resolve("sweep", spec_path)
    except NotShipped as exc:
        fail(str(exc))
    if not spec_path.is_file():
        fail(f"spec {spec_path} is not a file; give a sweep spec YAML file or a shipped name (smoke, ...)")
    kb = open_case(case)
    try:
        inp = load_inputs(kb)
        spec = load_spec(spec_path, inp.states, {o for o in inp.era_org.ravel() if o}, inp.lines,
                         record_until=inp.record_until)
    except CaseError as exc:
        _case_errors(exc)
    out = out or Path("sweep-results") / spec.name
    total = n_points(spec)
    n_chunks = -(-total // spec.chunk)
    case_arg = str(kb.folder) if case is not None else None
    err_console.print(f"sweep {spec.name}: {total:,} points × {spec.runs:,} runs in {n_chunks:,} chunks of "
                      f"{spec.chunk}, years {spec.start}–{spec.end} from the record of {spec.start - 1}"
                      + (" (a counterfactual)" if spec.resolved.counterfactual else "")
                      + f", seed {spec.seed} → {out}", highlight=False, markup=False)
    state: dict = {}
    try:
        with open_executor(workers, scheduler, dask_local) as (ex, info), \
                progress_bar("chunks", extra="{task.fields[rate]}") as bar:
            task = bar.add_task(f"{spec.name} on {info.workers} {info.kind} worker(s)", total=n_chunks, rate="")

            def progress(p) -> None:
                state["p"] = p
                bar.update(task, completed=p.chunks_done,
                           rate=f"{p.points_per_second:,.1f} points/s" if p.points_done > p.skipped_points else "")

            res = run_sweep(spec, out, ex, resume=resume, case=case_arg, progress=progress, info=info)
    except SweepError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        p = state.get("p")
        kept = f"{p.chunks_done} of {p.chunks_total} chunks are kept" if p else "finished chunks are kept"
        err_console.print(f"interrupted: {kept} in {out}; run the same command with --resume to finish",
                          highlight=False, markup=False)
        raise typer.Exit(130) from None
    ran = len(res.ran)
    rate = sum(res.manifest.chunks[k]["rows"] for k in res.ran) / res.seconds if ran and res.seconds else 0.0
    console.print(f"{spec.name}: {res.manifest.n_points:,} points done ({ran} chunks run now, "
                  f"{res.manifest.n_chunks - ran} kept), {res.seconds:.1f} s, {rate:,.1f} points/s; "
                  f"results in {out}/results.parquet — next: multivector sweep analyze {out}", highlight=False, markup=False)


@app.command("analyze")
def analyze(folder: Annotated[Path, typer.Argument(metavar="DIR", help="Folder of a finished sweep.")],
            find: Annotated[str | None, typer.Option("--find", help='Scenario discovery (PRIM) for a condition, e.g. "P_member(UZB, EAEU, 2035) > 0.5".')] = None,
            min_density: Annotated[float, typer.Option("--min-density", min=0.0, max=1.0, help="The chosen PRIM box: the largest coverage at least this dense.")] = 0.8,
            out: Annotated[Path | None, typer.Option("--out", help="Folder for analysis.json and analysis.html (default DIR/analysis).")] = None,
            fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table) -> None:
    """Sobol' indices (sobol designs), Morris μ* and σ (morris designs) and PRIM boxes (any design)."""
    from rich.markup import escape

    from ..sweep import SweepError
    from ..sweep.analyze import analyze as run_analysis
    from ..sweep.analyze import write_analysis
    from ..sweep.outcomes import OutcomeError

    _require_sweep_deps()
    try:
        a = run_analysis(folder, find=find, min_density=min_density)
    except (SweepError, OutcomeError) as exc:
        fail(str(exc))
    except ValueError as exc:
        fail(str(exc))
    written = write_analysis(a, out or folder / "analysis")
    if fmt is Format.json:
        sys.stdout.write(json.dumps(a.as_dict()) + "\n")
        return
    if fmt is Format.csv:
        import pandas as pd

        frames = [df.assign(outcome=o, index="sobol") for o, df in a.sobol.items()]
        frames += [df.assign(outcome=o, index="morris") for o, df in a.morris.items()]
        sys.stdout.write(pd.concat(frames).to_csv(index=False) if frames else "")
        return
    if a.direction is not None:
        emit(a.direction.T.round(2).reset_index(names="outcome"), fmt,
             title="Direction: Spearman's ρ of each outcome with each factor, over all points")
    for o, df in a.sobol.items():
        emit(df.round(3), fmt, title=f"Sobol' indices of {o} ({a.n_points} points × {a.runs} runs; ± 95% interval)")
    for o, df in a.morris.items():
        emit(df.round(4), fmt, title=f"Morris screening of {o} (effects per full range of a factor)")
    if a.prim is not None:
        p = a.prim
        t = p["trajectory"]
        emit(t.round(3), fmt, title=f"PRIM peeling trajectory for {p['condition']} ({p['cases']} of {p['points']} points)",
             limit=None)
        c = p["chosen"]
        box = p["box"].drop(columns=["full_low", "full_high"])
        for col in ("qp_low", "qp_high"):
            box[col] = [("" if v != v else f"{v:.2g}") for v in box[col]]
        emit(box.round(4), fmt, caption="kept: share of the factor's range; qp: quasi-p of each restricted end "
             "(large: the limit adds little); --format json has the full ranges", title=f"Chosen box {c}: coverage {t.coverage[c]:.2f}, density {t.density[c]:.2f}, "
             f"mass {t.mass[c]:.2f} (largest coverage at density ≥ {p['min_density']:g})")
    for note in a.notes:
        console.print(f"[yellow]{escape(note)}[/yellow]", soft_wrap=True)
    if not (a.sobol or a.morris or a.prim or a.notes):
        console.print(f"design {a.method}: no sensitivity indices (those need sobol or morris); give --find for PRIM")
    err_console.print("wrote " + ", ".join(str(w) for w in written), highlight=False, soft_wrap=True, markup=False)


def register(app_: typer.Typer) -> None:
    app_.add_typer(app, name="sweep")
