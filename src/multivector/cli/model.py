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

    kb = open_case(case)
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
                  "--out", help="Where to write the fitted weights (default: the user data folder; the path is "
                                "printed).")] = None,
              runs: Annotated[int, typer.Option("--runs", help="Runs of the backtest that judges the fit.")] = 500,
              seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of every random draw (stored with the result).")] = 0,
              method: Annotated[str, typer.Option("--method", help="simulated (free-run likelihood) or conditional.")] = "simulated",
              fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
              weights: Annotated[Path | None, typer.Option(
                  "--weights", help="Also start the fit from these weights (default: the weights in use).")] = None,
              case: CaseOpt = None,
              pool: Annotated[bool, typer.Option(
                  "--pool/--no-pool",
                  help="Fit on the case's pooled republics too (case.yaml pooled_states).")] = True,
              uncertainty: Annotated[bool, typer.Option(
                  "--uncertainty/--no-uncertainty",
                  help="Also store the Laplace posterior of the weights (about a minute more).")] = True) -> None:
    """Fit the free weights on the years up to --train-until; print train and test figures."""
    import pandas as pd

    from ..io_utils import plain
    from ..kb import CaseError
    from ..model.inputs import load_inputs

    if method not in ("simulated", "conditional"):
        fail(f"unknown --method {method!r}: use simulated or conditional")
    from ..model.backtest import backtest as run_backtest
    from ..model.calibrate import calibrate as run_calibrate

    kb = open_case(case)
    out = out or default_weights_path(kb.folder.name, train_until)
    _check_file_target(out)   # before two minutes of fitting, not after
    start = _params(weights)
    with progress_bar("fits") as bar:
        task = bar.add_task(f"fitting weights ({method} maximum likelihood)", total=None)
        try:
            cal = run_calibrate(kb, train_until=train_until, method=method, warm_starts=[start], pool=pool,
                                progress=lambda done, bound: bar.update(task, completed=done, total=bound))
        except CaseError as exc:
            _case_errors(exc)
        bar.update(task, description="backtest of the fitted weights")
        res = run_backtest(kb, cal.parameters, train_until=train_until, runs=runs, seed=seed)
    post = None
    if uncertainty and method == "simulated":
        from ..model.posterior import laplace

        with console.status("the weights' posterior (Laplace approximation)…"):
            post = laplace(load_inputs(kb, pool=pool), cal.parameters, train_until, runs=150, seed=11)
    s = res.summary
    extra = {"posterior": post.as_dict(), "intervals_90": post.intervals(0.9)} if post else {}
    cal.parameters.to_json(out, train_until=train_until, method=cal.method, log_likelihood=cal.log_likelihood, n=cal.n,
                           backtest={k: v for k, v in s.items() if k != "parameters"}, **extra)
    payload = {"weights_file": str(out), "train_until": train_until, "method": cal.method,
               "log_likelihood": cal.log_likelihood,
               "start_log_likelihood": cal.start_log_likelihood, "n": cal.n, "converged": cal.converged,
               "parameters": cal.parameters.as_dict(), "effects": cal.parameters.effects,
               **{k: s[k] for k in ("accuracy", "balanced_accuracy", "train_accuracy", "train_balanced_accuracy",
                                    "test_accuracy", "test_balanced_accuracy", "seed", "runs")}}
    if fmt is Format.json:
        sys.stdout.write(json.dumps(plain(payload)) + "\n")
        return
    emit(pd.DataFrame([{"parameter": k, "value": round(v, 4)} for k, v in cal.parameters.as_dict().items()]),
         fmt, title=f"Fitted weights (train ≤ {train_until}); log-likelihood {cal.log_likelihood:.1f} "
                    f"(start {cal.start_log_likelihood:.1f}) over {cal.n} state-organization-years")
    if cal.parameters.effects:
        emit(pd.DataFrame([{"effect": k, "value": round(v, 3)} for k, v in cal.parameters.effects.items()]),
             fmt, title="State and organization effects (prior N(0, 1); 0 where the training years say nothing)")
    console.print(f"train: accuracy {s['train_accuracy']:.3f}, balanced {s['train_balanced_accuracy']:.3f}   "
                  f"test (> {train_until}): accuracy {s['test_accuracy']:.3f}, balanced {s['test_balanced_accuracy']:.3f}")
    console.print(f"wrote {out}; use it with --weights {out}")


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
            "stance_terms": {term: {k: plain(v) for k, v in row.items()} for term, row in e.stance.iterrows()},
            "drivers": records(e.drivers)})) + "\n")
        return
    console.print(f"[bold]{e.state} in {e.org}, {e.year}[/bold]: recorded {e.recorded} (previous year {e.previous}); "
                  "model: " + ", ".join(f"P({k}) = {v:.2f}" for k, v in e.probabilities.items()))
    emit(e.terms.reset_index(names="term"), fmt, title="Utility of each status, by term (weighted)")
    console.print("As a member, its stance inside: " + ", ".join(f"P({k}) = {v:.2f}"
                                                                for k, v in e.stance_probabilities.items())
                  + ("; on record: " + "; ".join(f"{o['stance']} on {o['proposal']} ({o['claim']})"
                                                  for o in e.observed_stances) if e.observed_stances else ""))
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
