"""`multivector drivers | backtest | calibrate | explain`: thin adapters over multivector.model (`simulate` and
`forecast`, projections from the record, are in cli/project.py)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .kb import CaseOpt, open_case
from .output import Format, console, emit, err_console, fail, progress_bar

if TYPE_CHECKING:
    from ..kb import CaseError
    from ..model.parameters import Parameters

WeightsOpt = Annotated[Path | None, typer.Option("--weights", help="Weights file written by `multivector calibrate`.")]


def _params(path: Path | None) -> Parameters:
    from ..model.parameters import Parameters, default_parameters

    if path is None:
        return default_parameters()
    if not path.exists():
        fail(f"weights file {path} not found; write one with `multivector calibrate --out {path}`")
    try:
        return Parameters.from_json(path)
    except (ValueError, json.JSONDecodeError, TypeError) as exc:
        fail(f"cannot read weights from {path}: {exc}")
    raise AssertionError


def _output_set(out: Path | None):
    """An OutputSet for --out (None without it); a folder that cannot be written fails here, before any work."""
    from ..io_utils import OutputFolderError, OutputSet

    if out is None:
        return None
    try:
        return OutputSet(out)
    except OutputFolderError as exc:
        fail(str(exc))
    raise AssertionError


def default_weights_path(case_name: str, train_until: int) -> Path:
    """Where `calibrate` writes without --out: the user data folder, never the current folder or the repository."""
    import os

    from platformdirs import user_data_dir

    base = Path(os.environ.get("MULTIVECTOR_DATA_DIR") or user_data_dir("multivector"))
    return base / "weights" / f"{case_name}-train{train_until}.json"


def _check_file_target(path: Path) -> None:
    """Fail now if `path` cannot take a file (a folder there, an unwritable place)."""
    if path.is_dir():
        fail(f"--out {path} is a folder; give a file name such as {path / 'weights.json'}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe = path.parent / f".{path.name}.probe"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}; choose a writable place with --out")


@contextmanager
def discard_on_failure(outset):
    """Around the work of a command with --out: on any failure drop the staged output set; a ValueError is
    the input's fault and becomes the one-line error."""
    try:
        yield
    except BaseException as exc:
        if outset is not None:
            outset.discard()
        if isinstance(exc, ValueError):
            fail(str(exc))
        raise


def _case_errors(exc: CaseError) -> None:
    for p in exc.problems:
        err_console.print(f"{exc.folder}/{p}" if exc.folder and not str(p).startswith(exc.folder) else str(p),
                          highlight=False, soft_wrap=True, markup=False)
    fail(f"{len(exc.problems)} problem(s); fix them and run again")


def drivers(state: Annotated[str | None, typer.Option("--state", help="Only this state (ISO3 id, e.g. KAZ).")] = None,
            fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
            case: CaseOpt = None) -> None:
    """The model's drivers by year, with the evidence behind each value."""
    import numpy as np
    import pandas as pd

    from ..kb import CaseError, UnknownIdError
    from ..model.inputs import POWERS, load_inputs

    kb = open_case(case)
    try:
        inp = load_inputs(kb)
    except CaseError as exc:
        _case_errors(exc)
    rows = []
    years = inp.years[inp.years <= inp.record_until]
    prov = inp.drivers.provenance
    states = inp.states
    if state:
        try:
            state = kb.require_actor(state)
        except UnknownIdError as exc:
            fail(str(exc))
        if state not in states:
            fail(f"{state} is not a regional state of the model; use one of {', '.join(states)}")
        states = [state]
    for t, y in enumerate(years):
        for s in states:
            i = inp.states.index(s)
            for name, arr in inp.drivers.state.items():
                seg = prov.get((name, s, None, None, int(y)), {})
                rows.append({"year": int(y), "actor": s, "driver": name, "partner": None,
                             "value": float(arr[t, i]), "evidence": seg.get("evidence", [])})
            for name, arr in inp.drivers.dependence.items():
                for k, p in enumerate(POWERS):
                    seg = prov.get((name, s, p, None, int(y)), {})
                    rows.append({"year": int(y), "actor": s, "driver": name, "partner": p,
                                 "value": float(arr[t, i, k]), "evidence": seg.get("evidence", [])})
        if not state:
            for name, arr in inp.drivers.power.items():
                for k, p in enumerate(POWERS):
                    seg = prov.get((name, p, None, None, int(y)), {})
                    rows.append({"year": int(y), "actor": p, "driver": name, "partner": None,
                                 "value": float(arr[t, k]), "evidence": seg.get("evidence", [])})
    df = pd.DataFrame(rows)
    if fmt is Format.table:
        wide = df.assign(series=df.driver + np.where(df.partner.isna(), "", "/" + df.partner.fillna(""))) \
                 .pivot_table(index=["actor", "series"], columns="year", values="value").round(2)
        shown = [c for c in wide.columns if c % 5 == 0 or c == wide.columns[0] or c == wide.columns[-1]]
        emit(wide[shown].reset_index(), fmt, title="Drivers (0-1 scale; every 5th year)",
             caption="--format json gives every year with its evidence ids")
        return
    emit(df, fmt)


def backtest(train_until: Annotated[int, typer.Option("--train-until", help="Last year the weights were fitted on; later years are the test.")] = 2008,
             runs: Annotated[int, typer.Option("--runs", min=1, max=100_000, help="Monte Carlo runs of the free run.")] = 500,
             seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of every random draw (stored with the result).")] = 0,
             fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
             weights: WeightsOpt = None, case: CaseOpt = None) -> None:
    """The model's own history: a free run from 1991 compared with the record, year by year (one split).

    Never a projection and never a baseline: scenarios and forecasts start from the record
    (`multivector simulate`). For rolling origins, proper scores and reference forecasts use
    `multivector evaluate`.
    """
    from ..io_utils import plain, records
    from ..kb import CaseError
    from ..model.backtest import backtest as run_backtest
    from .checks import train_until as check_split

    kb = open_case(case)
    check_split(kb, train_until)
    params = _params(weights)
    with progress_bar("years") as bar:
        task = bar.add_task(f"backtest ({runs} runs)", total=None)
        try:
            res = run_backtest(kb, params, train_until=train_until, runs=runs, seed=seed,
                               progress=lambda t, total: bar.update(task, completed=t, total=total))
        except CaseError as exc:
            _case_errors(exc)
    if fmt is Format.json:
        payload = {**plain(res.summary), "per_state": records(res.per_state), "per_level": records(res.per_level),
                   "turning_points": records(res.turning_points), "rows": records(res.rows)}
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    if fmt is Format.csv:
        sys.stdout.write(res.rows.to_csv(index=False))
        return
    s = res.summary
    console.print(f"[bold]Backtest[/bold]: the model's own history, a free run from 1991 that never sees the "
                  f"record ({s['runs']} runs, seed {s['seed']}; "
                  f"train ≤ {s['train_until']}): accuracy {s['accuracy']:.3f}, balanced accuracy "
                  f"{s['balanced_accuracy']:.3f}; after {s['train_until']}: accuracy {s['test_accuracy']:.3f}, "
                  f"balanced {s['test_balanced_accuracy']:.3f}  (n = {s['n']})")
    emit(res.per_state.round(3), fmt, title="By state")
    emit(res.per_level.round(3), fmt, title="By recorded level (recall; the balanced accuracy is their mean)")
    emit(res.turning_points, fmt, title="Turning points")


def calibrate(train_until: Annotated[int, typer.Option("--train-until", help="Fit on the record up to this year; later years are the test.")] = 2008,
              out: Annotated[Path | None, typer.Option(
                  "--out", help="Where to write the weights file (default: the user data folder; the path is "
                                "printed). The posterior draws go beside it (NAME.draws.parquet).")] = None,
              seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of every random draw (stored with the result).")] = 0,
              chains: Annotated[int, typer.Option("--chains", min=2, max=16, help="NUTS chains (run one after the other; R-hat needs two or more).")] = 4,
              warmup: Annotated[int, typer.Option("--warmup", min=10, help="Warm-up iterations per chain.")] = 500,
              samples: Annotated[int, typer.Option("--samples", min=10, help="Draws kept per chain.")] = 1000,
              fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
              case: CaseOpt = None,
              pool: Annotated[bool, typer.Option(
                  "--pool/--no-pool",
                  help="Fit on the case's pooled republics too (case.yaml pooled_states).")] = True) -> None:
    """Sample the posterior of the weights and intercepts (NUTS) on the record up to --train-until.

    Prints R-hat, bulk ESS and divergences and fails (exit 1, nothing written) if any R-hat exceeds 1.01.
    Needs the `bayes` extra (pip install 'multivector[bayes]').
    """
    import pandas as pd

    from ..io_utils import plain
    from ..kb import CaseError

    try:
        import numpyro  # noqa: F401
    except ImportError:
        fail("calibrate needs JAX and NumPyro: pip install 'multivector[bayes]'")
    from ..model.calibrate import calibrate as run_calibrate
    from ..model.calibrate import write_weights
    from ..model.estimate import ConvergenceError
    from .checks import MAX_COUNT, in_range
    from .checks import train_until as check_split

    in_range(warmup, 10, MAX_COUNT, "--warmup")
    in_range(samples, 10, MAX_COUNT, "--samples")
    kb = open_case(case)
    check_split(kb, train_until)
    out = out or default_weights_path(kb.folder.name, train_until)
    _check_file_target(out)   # before the sampling, not after
    with progress_bar("iterations") as bar:
        task = bar.add_task("compiling the model", total=chains * (warmup + samples))
        try:
            cal = run_calibrate(kb, train_until=train_until, pool=pool, seed=seed, chains=chains, warmup=warmup,
                                samples=samples,
                                progress=lambda done, total, what: bar.update(task, completed=done, description=what))
        except CaseError as exc:
            _case_errors(exc)
        except ConvergenceError as exc:
            fail(str(exc))
        except ValueError as exc:
            fail(str(exc))
    draws = write_weights(cal, out)
    payload = {**cal.summary(), "weights_file": str(out), "draws_file": str(draws)}
    if fmt is Format.json:
        sys.stdout.write(json.dumps(plain(payload)) + "\n")
        return
    d = cal.diagnostics
    console.print(f"[bold]Posterior[/bold] (NUTS, {chains} chains × {samples} draws after {warmup} warm-up, seed "
                  f"{seed}; train ≤ {train_until}: {cal.n} transitions, {cal.n_stances} stances): R-hat max "
                  f"{d['rhat_max']:.4f}, bulk ESS min {d['ess_bulk_min']:.0f}, {d['divergences']} divergences, "
                  f"{cal.seconds:.0f} CPU s", highlight=False)
    rows = [{"weight": k, "mean": f"{v['mean']:.3g}", "5%": f"{v['q05']:.3g}", "95%": f"{v['q95']:.3g}",
             "R-hat": f"{d['parameters'][k]['rhat']:.3f}", "ESS": int(d["parameters"][k]["ess_bulk"])}
            for k, v in cal.weights_summary().items()]
    emit(pd.DataFrame(rows), fmt, title="Weights: posterior mean and 90% interval")
    st = cal.stances
    if st.get("n"):
        console.print(f"stances on record after {train_until} (n = {st['n']}): log score {st['log_score']:.3f}, "
                      f"accuracy {st['accuracy']:.2f}", highlight=False)
    console.print(f"wrote {out} and {draws.name}; use them with --weights {out}", highlight=False, soft_wrap=True)


def explain(state: Annotated[str, typer.Argument(help="State id, e.g. KAZ.")],
            org: Annotated[str, typer.Argument(help="Organization id, e.g. EAEU.")],
            year: Annotated[int, typer.Argument(help="Year, e.g. 2015.")],
            detail: Annotated[bool, typer.Option("--detail", help="Show every driver's evidence ids and the "
                                                                  "justification of its value.")] = False,
            fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
            weights: WeightsOpt = None, case: CaseOpt = None) -> None:
    """The utility of each status split into its terms, with drivers and evidence."""
    import numpy as np
    import pandas as pd

    from ..io_utils import plain, records
    from ..kb import CaseError, UnknownIdError
    from ..model.explain import explain as run_explain

    kb = open_case(case)
    try:
        e = run_explain(kb, state, org, year, _params(weights))
    except UnknownIdError as exc:
        fail(str(exc))
    except (ValueError, CaseError) as exc:
        fail(str(exc))
    if fmt is Format.json:
        sys.stdout.write(json.dumps(plain({
            "state": e.state, "org": e.org, "year": e.year, "recorded": e.recorded, "previous": e.previous,
            "probabilities": e.probabilities,
            "terms": {term: {lv: plain(v) for lv, v in row.items()} for term, row in e.terms.iterrows()},
            "stance_probabilities": e.stance_probabilities, "observed_stances": e.observed_stances,
            "stance_terms": None if e.stance is None else {term: {k: plain(v) for k, v in row.items()}
                                                           for term, row in e.stance.iterrows()},
            "tenure": e.tenure,
            "drivers": records(e.drivers)})) + "\n")
        return
    prev = e.previous if e.previous == "first choice" else f"previous year {e.previous}, held {e.tenure} years"
    console.print(f"[bold]{e.state} in {e.org}, {e.year}[/bold]: recorded {e.recorded} ({prev}); "
                  "model: " + ", ".join(f"P({k}) = {v:.2f}" for k, v in e.probabilities.items()), highlight=False)
    emit(e.terms.reset_index(names="term"), fmt,
         title="Log-odds of each status, by term (weighted; intercept α and memory of ties)")
    on_record = ("; on record: " + "; ".join(f"{o['stance']} on {o['proposal']} ({o['claim']})"
                                              for o in e.observed_stances)) if e.observed_stances else ""
    if e.stance_probabilities is None:
        console.print(f"No deepening step on the table in {e.org} in {e.year}: no stance{on_record}.",
                      highlight=False)
    else:
        console.print("As a member, its stance inside: " + ", ".join(
            f"P({k}) = {v:.2f}" for k, v in e.stance_probabilities.items()) + on_record, highlight=False)
        emit(e.stance.reset_index(names="term"), fmt, title="Utility of each stance, by term (weighted)")
    d = e.drivers
    who = d["actor"].astype(str) + d["partner"].map(lambda p: f"→{p}" if isinstance(p, str) else "") \
        + d["org"].map(lambda o: f" in {o}" if isinstance(o, str) else "")
    compact = pd.DataFrame({"term": d["term"], "driver": d["driver"] + " " + who, "value": d["value"],
                            "years": d["segment"], "evidence": d["evidence"]})
    if not detail:
        compact = compact.drop(columns="evidence").assign(
            evidence=[len(v) if isinstance(v, list | tuple | np.ndarray) else 0 for v in d["evidence"]])
        emit(compact, fmt, title="Drivers behind the terms (number of evidence ids)",
             caption="the evidence ids and the coder's justification of each value: add --detail")
    else:
        emit(compact.assign(justification=d["justification"]), fmt,
             title="Drivers behind the terms, with evidence ids and justification")


def register(app: typer.Typer) -> None:
    for fn in (drivers, backtest, calibrate, explain):
        app.command()(fn)
