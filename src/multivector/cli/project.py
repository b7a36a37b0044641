"""`multivector simulate | forecast`: projections from the record. Thin adapters over multivector.model.projection,
multivector.model.compare and multivector.forecasts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .kb import CaseOpt, open_case
from .model import WeightsOpt, _case_errors, _output_set, _params, discard_on_failure
from .output import Format, console, emit, err_console, fail, progress_bar

if TYPE_CHECKING:
    import pandas as pd


def _posterior(weights: Path | None, fixed: bool):
    from ..model.parameters import default_posterior, load_posterior

    return None if fixed else (default_posterior() if weights is None else load_posterior(weights))


def simulate(scenario: Annotated[Path, typer.Argument(
                 metavar="SCENARIO", help="A scenario YAML file, or the name of a shipped one (multivector scenarios lists them: baseline, russia-distracted, ...).")],
             runs: Annotated[int | None, typer.Option("--runs", help="Monte Carlo runs (overrides the file).")] = None,
             seed: Annotated[int | None, typer.Option("--seed", help="Seed (overrides the file).")] = None,
             out: Annotated[Path | None, typer.Option("--out", help="Folder for per-run Parquet and summaries.")] = None,
             fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
             compare: Annotated[bool, typer.Option(
                 "--compare", help="Also run the scenario without its driver changes (same start, seed, runs and "
                                   "random numbers) and report the differences with their intervals.")] = False,
             top: Annotated[int, typer.Option("--top", min=1, max=200, help="Largest differences shown.")] = 15,
             weights: WeightsOpt = None, case: CaseOpt = None,
             fixed_weights: Annotated[bool, typer.Option(
                 "--fixed-weights", help="Use the point weights in every run (default: draw each run's weights "
                                         "from the posterior stored with them).")] = False) -> None:
    """Project a scenario from the record: membership probabilities and the balance index with uncertainty.

    The run starts from the recorded statuses of the year before its first simulated year: the year after
    the record ends, or the year of the scenario's first driver change when that lies inside the record (a
    counterfactual). Years before the start are the record (`source: record` in the tables).
    """
    from ..io_utils import plain, records
    from ..kb import CaseError
    from ..model.compare import compare as run_compare
    from ..model.projection import project, projection_start, scenario_inputs
    from ..model.scenario import MAX_RUNS, load_scenario
    from ..shipped import NotShipped, resolve

    try:
        scenario = resolve("scenario", scenario)
    except NotShipped as exc:
        fail(str(exc))
    kb = open_case(case)
    params = _params(weights)
    posterior = _posterior(weights, fixed_weights)
    try:
        inp = scenario_inputs(kb, 2035)
        sc = load_scenario(scenario, inp.states, {o for o in inp.era_org.ravel() if o})
        if sc.end > inp.years[-1]:
            inp = scenario_inputs(kb, sc.end)
    except CaseError as exc:
        _case_errors(exc)
    if runs is not None:
        if not 1 <= runs <= MAX_RUNS:
            fail(f"--runs {runs:,}: give 1 to {MAX_RUNS:,} (about {runs * 0.3 / 1024:,.0f} MB of per-run table "
                 "asked); for more, run several seeds or a sweep")
        sc.runs = runs
    if seed is not None:
        sc.seed = seed
    try:
        start = projection_start(sc, inp.record_until, int(inp.years[0]))
    except ValueError as exc:
        fail(str(exc))
    n_years = (sc.end - start.year + 1) * (2 if compare else 1)
    outset = _output_set(out)   # checked before the work: a bad --out fails now, not after it
    cmp = None
    with progress_bar("years", disable=sc.runs * n_years < 20_000 or not err_console.is_terminal) as bar:
        task = bar.add_task(f"simulating {sc.name} ({sc.runs} runs)", total=n_years)
        with discard_on_failure(outset):
            if compare:
                cmp = run_compare(kb, sc, params, posterior=posterior, inputs=inp,
                                  progress=lambda k: bar.update(task, completed=k))
                run = cmp.scenario
            else:
                run = project(kb, sc, params, keep_levels=out is not None, posterior=posterior, inputs=inp,
                              start=start, progress=lambda t: bar.update(task, completed=t + 1))
    from ..model.result_set import result_set

    results = result_set(kb, run, cmp)
    summary = results.summary
    eng, idx, stances, depth = (results.tables[k].drop(columns=["seed", "scenario"])
                                for k in ("engagement", "indices", "stances", "depth"))
    for note in run.clipped:
        err_console.print(f"[yellow]note:[/yellow] {note}", highlight=False, soft_wrap=True)
    if outset is not None:   # the whole set is swapped in at once: old set or new set, never a mix
        with outset:
            written = results.write(outset.path, per_run=True)
        err_console.print(f"wrote {out}/" + ", ".join(written), highlight=False, soft_wrap=True)
    if fmt is Format.json:
        payload = {**{k: plain(v) for k, v in summary.items()}, "engagement": records(eng), "indices": records(idx),
                   "stances": records(stances), "depth": records(depth)}
        if cmp is not None:
            payload["compare"] = {**plain(cmp.summary()), "rows": records(cmp.table),
                                  "largest_differences": records(cmp.largest(top))}
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    if fmt is Format.csv:
        sys.stdout.write((cmp.table if cmp is not None else eng).to_csv(index=False))
        return
    show_projection(run, eng, idx, fmt)
    if cmp is not None:
        show_comparison(cmp, top, fmt)


def _marks(start, end: int) -> list[int]:
    """The years the terminal shows: the record's year before the start, the start, 2030, the end, and for a
    counterfactual the record's last year (simulated, to read against the record)."""
    marks = {start.year - 1, start.year, end}
    if start.year <= 2030 <= end:
        marks.add(2030)
    if start.counterfactual and start.record_until <= end:
        marks.add(start.record_until)
    return sorted(m for m in marks if m >= 1991)[:6]


def show_projection(run, eng: pd.DataFrame, idx: pd.DataFrame, fmt: Format) -> None:
    sc, start = run.scenario, run.start
    what = start.describe()
    if run.counterfactual:
        what = what.replace("counterfactual", "[bold yellow]counterfactual[/bold yellow]", 1)
    console.print(f"[bold]{sc.name}[/bold]: {what}", highlight=False)
    marks = _marks(start, sc.end)
    view = eng[eng.year.isin(marks)].pivot_table(index=["state", "line"], columns="year", values="p_member")
    view.columns = [f"{y} rec" if y < start.year else str(y) for y in view.columns]
    emit(view.round(2).reset_index(), fmt, title=f"P(member) — {sc.runs} runs, seed {sc.seed}",
         caption=f"'rec': the record (the model starts in {start.year})")
    if len(marks) > 4:   # four columns of "mean [low–high]" fit 80 columns
        marks = [m for m in marks if m != start.year]
    iv = idx[idx.year.isin(marks)].assign(
        balance=lambda d: d.balance_index_mean.map("{:.1f}".format) + " [" + d.balance_index_p05.map("{:.0f}".format)
        + "–" + d.balance_index_p95.map("{:.0f}".format) + "]")
    wide = iv.pivot(index="state", columns="year", values="balance")
    wide.columns = [f"{y} rec" if y < start.year else str(y) for y in wide.columns]
    emit(wide.reset_index(), fmt, title="Balance index: mean [5th–95th percentile over runs]")


def _pts(v: float) -> str:
    return f"{100 * v:+.1f}" if v else "0.0"


def show_comparison(cmp, top: int, fmt: Format) -> None:
    """The largest differences of P(member) (from the first change on) and the balance index at the end."""
    import pandas as pd

    fc = cmp.first_change
    big = cmp.largest(top)
    if big.empty:
        console.print("No difference from the run without the scenario's changes"
                      + (f" (first change {fc})." if fc else " (the scenario changes no driver)."))
    else:
        rows = pd.DataFrame({
            "state": big.state, "line": big.line, "year": big.year,
            "scenario": (100 * big.with_changes).map("{:.1f}".format), "without": (100 * big.without_changes).map("{:.1f}".format),
            "difference": big.difference.map(_pts),
            "90% interval": "[" + big.p05.map(_pts) + ", " + big.p95.map(_pts) + "]"})
        emit(rows, fmt, title=f"Largest differences in P(member), % — scenario minus the same run without its "
                              f"changes, from {fc}",
             caption=f"interval: {cmp.summary()['interval']}")
    end = cmp.scenario.scenario.end
    b = cmp.table[(cmp.table.measure == "balance") & (cmp.table.year == end)]
    rows = pd.DataFrame({"state": b.state, "scenario": b.with_changes.map("{:.1f}".format),
                         "without": b.without_changes.map("{:.1f}".format),
                         "difference": b.difference.map(lambda v: f"{v:+.2f}"),
                         "90% interval": "[" + b.p05.map(lambda v: f"{v:+.2f}") + ", "
                         + b.p95.map(lambda v: f"{v:+.2f}") + "]"})
    emit(rows, fmt, title=f"Balance index in {end}: scenario minus the same run without its changes")


def _iv(p: float, lo: float, hi: float) -> str:
    return f"{100 * p:.0f} [{100 * lo:.0f}–{100 * hi:.0f}]"


def forecast(register: Annotated[Path | None, typer.Option(
                 "--register", help="Write the forecast as a registered forecast (JSON and its .sha256) into this "
                                    "folder, never replacing a file; commit or publish it.")] = None,
             end: Annotated[int, typer.Option("--end", help="Last year forecast.")] = 2030,
             runs: Annotated[int, typer.Option("--runs", min=1, max=100_000, help="Monte Carlo runs.")] = 2000,
             seed: Annotated[int, typer.Option("--seed", min=0, help="The one seed of every random draw.")] = 0,
             fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
             case: CaseOpt = None) -> None:
    """The baseline forecast from the record: every status's probability, with its 90% interval, for each year
    after the record. With --register, written once into a folder so it can be scored later
    (`multivector evaluate --registered FILE`)."""
    from ..forecasts import RegisteredForecastError, baseline_forecast
    from ..forecasts import register as run_register
    from ..kb import CaseError

    kb = open_case(case)
    record_until = int(kb.meta.get("period", {}).get("end", 2025))
    if end <= record_until:
        fail(f"--end {end}: the record ends in {record_until}; a forecast is for later years (e.g. --end 2030)")
    with progress_bar("years", disable=runs * (end - record_until) < 20_000 or not err_console.is_terminal) as bar:
        task = bar.add_task(f"forecast {record_until + 1}–{end} ({runs} runs)", total=end - record_until)
        step = lambda t: bar.update(task, completed=t + 1)  # noqa: E731
        try:
            if register is not None:
                path = run_register(kb, register, end=end, runs=runs, seed=seed, progress=step)
            else:
                path = None
                _, table = baseline_forecast(kb, end, runs, seed, progress=step)
        except (RegisteredForecastError, ValueError) as exc:
            fail(str(exc))
        except CaseError as exc:
            _case_errors(exc)
    if path is not None:
        from ..forecasts import read_registered

        reg = read_registered(path)   # read back: what was written verifies
        table, doc = reg.rows, reg.doc
        err_console.print(f"registered {path} (sha256 {doc['sha256'][:16]}…) and {path.name}.sha256; commit or "
                          "publish both, never edit them", highlight=False, soft_wrap=True)
    if fmt is not Format.table:
        emit(table, fmt)
        return
    years = sorted({record_until + 1, min(2030, end), end})
    w = table[table.year.isin(years)].assign(p=lambda d: [_iv(*v) for v in zip(d.p_member, d.p_member_p05,
                                                                                 d.p_member_p95, strict=True)])
    view = w.pivot_table(index=["state", "line"], columns="year", values="p", aggfunc="first").reset_index()
    emit(view, fmt, title=f"P(member) %, from the record of {record_until} — share of {runs} runs [90% interval]",
         caption="--format csv or json: every status, year and interval")


def score_registered_file(path: Path, fmt: Format, case: Path | None) -> None:
    """`multivector evaluate --registered FILE`: check the file's hashes and score it against the record."""
    import pandas as pd

    from ..forecasts import RegisteredForecastError, read_registered, score_registered
    from ..io_utils import plain, records
    from ..kb import CaseError
    from ..model.inputs import load_inputs

    kb = open_case(case)
    try:
        reg = read_registered(path)
        res = score_registered(reg, load_inputs(kb, end=max(reg.years[1], 2035)), kb.content_hash)
    except RegisteredForecastError as exc:
        fail(str(exc))
    except CaseError as exc:
        _case_errors(exc)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(plain({**res.summary, "scores": records(res.scores),
                                           "changes": records(res.changes), "rows": records(res.rows)})) + "\n")
        return
    if fmt is Format.csv:
        sys.stdout.write(res.scores.to_csv(index=False))
        return
    s = res.summary
    console.print(f"[bold]Registered forecast[/bold] {path.name}: registered {s['registered']}, code "
                  f"{(s['code'].get('commit') or s['code'].get('package') or '?')[:10]}, SHA-256 verified; scored "
                  f"{s['rows_scored']} rows of {', '.join(map(str, s['scored_years']))} against the record "
                  f"(it now ends in {s['case_now']['record_until']})", highlight=False)
    sc = res.scores
    emit(pd.DataFrame({"year": sc.year, "n": sc.n, "log": sc.forecast_log.round(3),
                       "log (p)": sc.persistence_log.round(3), "Brier": sc.forecast_brier.round(3),
                       "Brier (p)": sc.persistence_brier.round(3), "RPS": sc.forecast_rps.round(3),
                       "RPS (p)": sc.persistence_rps.round(3), "skill": sc.skill_log.round(2)}), fmt,
         title="Scores (lower is better); (p): persistence of the registration's record",
         caption=f"log score floor {s['log_floor']:g}; skill = 1 − log / persistence's log")
    if len(res.changes):
        ch = res.changes
        emit(pd.DataFrame({"state": ch.state, "line": ch.line, "year": ch.year, "was": ch.registered_record,
                           "recorded": ch.recorded, "P(recorded)": ch.p_recorded.round(2)}), fmt,
             title="What changed since the registration, and the probability the forecast gave it")


def register(app: typer.Typer, kb_app: typer.Typer | None = None) -> None:
    """Mount `multivector simulate` and `multivector forecast`."""
    app.command()(simulate)
    app.command()(forecast)
