"""Rolling-origin evaluation: fit at each origin, forecast free to the end of the record, score.

For each origin year every forecaster gets a `ForecastTask` whose record ends
at the origin, fits on it (the engagement model is calibrated; the logit is
estimated; the references count), and forecasts every later year of the record
without seeing it (Tashman 2000, "Out-of-sample tests of forecasting accuracy:
an analysis and review", *IJF* 16). The raw forecast rows are kept apart from
the scores computed on them (`score_forecasts`), so anyone can recompute them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..kb import CaseBase
from ..model.inputs import ModelInputs, load_inputs
from . import registry
from .discrimination import change_auc
from .events import event_table
from .frozen import freeze_drivers
from .reliability import corp_table, reliability_table
from .scores import score_all, skill
from .subsets import SUBSETS, rows_of, subset_labels
from .task import LEVELS, Forecaster, ForecastTask, mask_after
from .theory import elpd_difference, theory_test

ORIGINS = (2000, 2004, 2008, 2012, 2016)
DRIVER_MODES = ("coded", "frozen")
REFERENCE = "persistence"
THEORY = ("model", "nested")     # the theory test: the model against its nested reference


@dataclass(frozen=True)
class Settings:
    """Every choice that shapes the scores, stored with the results."""

    log_floor: float = 1e-3          # probabilities raised to this before the log score
    member_threshold: float = 0.5    # member vs not: predict member where P(member) > this
    event_windows: tuple[int, ...] = (1, 2)
    spurious_window: int = 2
    reliability_bins: int = 10
    change_window: int = 2           # change AUC: P(status differs from the origin's within this many years)
    bootstrap_replicates: int = 2000   # theory test: resamples of state-lines
    interval_level: float = 0.90


def _check(probs: np.ndarray, task: ForecastTask, name: str) -> np.ndarray:
    probs = np.asarray(probs, float)
    if probs.shape != (*task.shape, 3):
        raise ValueError(f"forecaster {name!r} returned shape {probs.shape} at origin {task.origin}; "
                         f"expected (years, states, lines, 3) = {(*task.shape, 3)}")
    return probs


def make_task(full: ModelInputs, origin: int, seed: int, drivers: str = "coded") -> ForecastTask:
    """The task of one origin: the record masked after it, the drivers coded or frozen (`frozen.py`)."""
    if drivers not in DRIVER_MODES:
        raise ValueError(f"unknown driver mode {drivers!r}: use one of {', '.join(DRIVER_MODES)}")
    inp = mask_after(full, origin)
    if drivers == "frozen":
        inp = freeze_drivers(inp, origin)
    return ForecastTask(inputs=inp, origin=origin, last_year=full.record_until, seed=seed)


def forecast_rows(name: str, probs: np.ndarray, task: ForecastTask, full: ModelInputs) -> pd.DataFrame:
    """Tidy rows of one forecast: every open, recorded state-line-year after the origin, with its subset."""
    t_idx = np.array([full.year_index(int(y)) for y in task.years])
    rec = full.record[t_idx]
    ok = (full.max_level[t_idx] >= 1) & (rec >= 0)
    h, s, l_ = np.nonzero(ok)
    p = probs[h, s, l_]
    total = p.sum(-1)
    bad = ~np.isfinite(total) | (np.abs(total - 1) > 1e-6) | (p < -1e-12).any(-1)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"forecaster {name!r} gave probabilities {p[i].tolist()} for {full.states[s[i]]} in "
                         f"{full.lines[l_[i]]} {task.years[h[i]]} (origin {task.origin}); they must be >= 0 "
                         "and sum to 1 on every open line")
    origin_open = task.open_at_origin()[s, l_]
    origin_status = np.where(origin_open, np.array(LEVELS, dtype=object)[task.status_at_origin()[s, l_]], "")
    years = task.years[h]
    return pd.DataFrame({
        "forecaster": name, "origin": task.origin, "state": np.array(full.states)[s],
        "org": full.era_org[t_idx[h], l_].astype(str), "line": np.array(full.lines)[l_], "year": years,
        "horizon": years - task.origin, "subset": subset_labels(origin_open),
        "p_none": p[:, 0], "p_partner": p[:, 1], "p_member": p[:, 2],
        "actual": np.array(LEVELS)[rec[h, s, l_]], "status_at_origin": origin_status, "seed": task.seed})


def _events(forecasts: pd.DataFrame, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events and spurious changes per subset (a state-line belongs to one subset, so they partition)."""
    ev, sp = [], []
    for subset in SUBSETS[1:]:
        rows = rows_of(forecasts, subset)
        if rows.empty:
            continue
        e, s = event_table(rows, windows=settings.event_windows, spurious_window=settings.spurious_window)
        ev.append(e.assign(subset=subset))
        sp.append(s.assign(subset=subset))
    if not ev:
        e, s = event_table(forecasts.iloc[:0], windows=settings.event_windows)
        return e.assign(subset=pd.Series(dtype=object)), s.assign(subset=pd.Series(dtype=object))
    return pd.concat(ev, ignore_index=True), pd.concat(sp, ignore_index=True)


def score_forecasts(forecasts: pd.DataFrame, settings: Settings = Settings()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scores, events) from forecast rows: one score row per forecaster, origin and subset.

    Forecast rows without a `subset` column (written before it existed) are given one from
    `status_at_origin` (empty: the line was not open at the origin).
    """
    if "subset" not in forecasts.columns:
        forecasts = forecasts.assign(subset=subset_labels(forecasts["status_at_origin"].fillna("") != ""))
    events, spurious = _events(forecasts, settings)
    aucs = change_auc(forecasts, settings.change_window).set_index(["forecaster", "origin"])
    rows = []
    for (fc, origin), block in forecasts.groupby(["forecaster", "origin"], sort=False):
        for subset in SUBSETS:
            g = rows_of(block, subset)
            if g.empty:
                continue
            p = g[["p_none", "p_partner", "p_member"]].to_numpy(float)
            y = g["actual"].map({lv: k for k, lv in enumerate(LEVELS)}).to_numpy(int)
            in_subset = (events.forecaster == fc) & (events.origin == origin)
            sp_in = (spurious.forecaster == fc) & (spurious.origin == origin)
            if subset != "all":
                in_subset &= events.subset == subset
                sp_in &= spurious.subset == subset
            ev = events[in_subset]
            a = aucs.loc[(fc, origin)] if subset == "existing" and (fc, origin) in aucs.index else None
            rows.append({"forecaster": fc, "origin": int(origin), "subset": subset,
                         "horizon_years": int(g["horizon"].max()),
                         **score_all(p, y, log_floor=settings.log_floor, member_threshold=settings.member_threshold),
                         **{f"events_hit_{w}": int(ev[f"hit_{w}"].sum()) for w in settings.event_windows},
                         "events_total": int(len(ev)), "spurious_changes": int(spurious[sp_in].spurious_changes.sum()),
                         "change_auc": float(a["change_auc"]) if a is not None else np.nan,
                         "change_units": int(a["change_units"]) if a is not None else 0,
                         "changes": int(a["changes"]) if a is not None else 0})
    scores = pd.DataFrame(rows)
    for metric in ("log_score", "brier", "rps"):
        ref = scores[scores.forecaster == REFERENCE].set_index(["origin", "subset"])[metric]
        scores[f"skill_{metric.split('_')[0]}_vs_{REFERENCE}"] = [
            skill(v, ref[(o, sub)]) if (o, sub) in ref.index else np.nan
            for v, o, sub in zip(scores[metric], scores.origin, scores.subset, strict=True)]
    return scores, events


@dataclass
class Evaluation:
    """Raw forecast rows, and the scores, events, reliability and theory test computed from them."""

    forecasts: pd.DataFrame
    scores: pd.DataFrame
    events: pd.DataFrame
    reliability: pd.DataFrame
    corp: pd.DataFrame
    origins: list[int]
    seed: int
    runs: int
    settings: Settings
    fits: dict = field(default_factory=dict)    # forecaster -> origin -> fitted parameters (for the record)
    # the same scores on every row, the pooled republics' too (None: nothing pooled); `scores` and
    # `events` are on the regional states' rows, the case the tool presents
    scores_pooled: pd.DataFrame | None = None
    drivers: str = "coded"                      # coded (ex post) or frozen (ex ante) drivers after the origin
    theory: pd.DataFrame | None = None          # the theory test on the regional rows (None: not run)
    theory_pooled: pd.DataFrame | None = None   # ... on every row
    elpd: list[dict] = field(default_factory=list)   # in-sample PSIS-LOO difference per origin
    notes: list[str] = field(default_factory=list)   # what could not be computed, and why

    def theory_dict(self) -> dict:
        from ..io_utils import plain, records

        s = self.settings
        return plain({"model": THEORY[0], "reference": THEORY[1], "level": s.interval_level,
                "replicates": s.bootstrap_replicates, "seed": self.seed,
                "rows": [] if self.theory is None else records(self.theory),
                "rows_pooled": [] if self.theory_pooled is None else records(self.theory_pooled),
                "elpd": self.elpd, "notes": [n for n in self.notes if "theory" in n or "ELPD" in n]})

    def to_dict(self) -> dict:
        from dataclasses import asdict

        from ..io_utils import plain, records

        return {"origins": self.origins, "seed": self.seed, "runs": self.runs, "drivers": self.drivers,
                "settings": plain(asdict(self.settings)), "scores": records(self.scores),
                "events": records(self.events), "reliability": records(self.reliability),
                "corp": records(self.corp),
                "scores_pooled": None if self.scores_pooled is None else records(self.scores_pooled),
                "theory_test": self.theory_dict(), "notes": self.notes,
                "states": sorted(self.forecasts.state.unique().tolist()),
                "fits": plain(self.fits)}


def _fit_record(fc: Forecaster, origin: int) -> dict | None:
    """What a forecaster fitted at an origin, for the record (its hyperparameters, the model's weights)."""
    fitted = getattr(fc, "fitted", {}).get(origin)
    if fitted is None:
        return None
    if isinstance(fitted, tuple):                 # the engagement model: (weights, info)
        return fitted[1]
    if hasattr(fitted, "summary"):
        return fitted.summary()
    return None


def _elpd(fcs: dict[str, Forecaster], tasks: dict[int, ForecastTask], notes: list[str]) -> list[dict]:
    """The in-sample PSIS-LOO difference of the model and its nested reference at each origin, if both give it."""
    model, ref = fcs.get(THEORY[0]), fcs.get(THEORY[1])
    if model is None or ref is None:
        return []
    if not (callable(getattr(model, "idata", None)) and callable(getattr(ref, "idata", None))):
        notes.append("ELPD-LOO not computed: the installed engagement model has no idata(task) "
                     "(the posterior's log likelihood of the training transitions)")
        return []
    try:
        import arviz  # noqa: F401
    except ImportError:
        notes.append("ELPD-LOO not computed: ArviZ is not installed (pip install arviz)")
        return []
    return [{"origin": o, **elpd_difference(model.idata(task), ref.idata(task))} for o, task in tasks.items()]


def evaluate(kb: CaseBase | None = None, forecasters: Iterable[str | Forecaster] | None = None,
             origins: Sequence[int] = ORIGINS, runs: int = 500, seed: int = 0, inputs: ModelInputs | None = None,
             settings: Settings = Settings(), progress: Callable[[str, int], None] | None = None,
             drivers: str = "coded") -> Evaluation:
    """Score every forecaster at every origin on the record after it.

    forecasters: names (default `registry.available_forecasters()`) or objects with a `name`
    and `forecast(task)`. `progress(name, origin)` is called after each fit. Every
    forecaster is fitted on every state the inputs hold (by default the regional states
    and the case's pooled republics); `scores` are on the regional states' rows,
    `scores_pooled` on all rows. drivers: `coded` (ex post: the drivers' coded paths)
    or `frozen` (ex ante: every driver held at the origin, `frozen.py`). With both the
    model and its nested reference among the forecasters, the theory test is run.
    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1, not {runs}")
    if drivers not in DRIVER_MODES:
        raise ValueError(f"unknown driver mode {drivers!r}: use one of {', '.join(DRIVER_MODES)}")
    full = inputs if inputs is not None else load_inputs(kb or CaseBase.load(), pool=True)
    last = full.record_until
    origins = sorted({int(o) for o in origins})
    for o in origins:
        if not full.years[0] <= o < last:
            raise ValueError(f"origin {o} is outside the record: use a year from {full.years[0]} to {last - 1}")
    fcs = [registry.make_forecaster(f, runs) if isinstance(f, str) else f
           for f in (registry.available_forecasters() if forecasters is None else forecasters)]
    names = [f.name for f in fcs]
    if len(set(names)) != len(names):
        raise ValueError(f"forecaster names must differ: {names}")
    parts, fits, tasks = [], {}, {}
    for o in origins:
        task = tasks[o] = make_task(full, o, seed, drivers)
        for fc in fcs:
            probs = _check(fc.forecast(task), task, fc.name)
            parts.append(forecast_rows(fc.name, probs, task, full))
            record = _fit_record(fc, o)
            if record is not None:
                fits.setdefault(fc.name, {})[o] = record
            if progress:
                progress(fc.name, o)
    forecasts = pd.concat(parts, ignore_index=True)
    regional = list(full.regional) or list(full.states)
    pooled = len(set(full.states) - set(regional)) > 0
    shown = forecasts[forecasts.state.isin(regional)].reset_index(drop=True) if pooled else forecasts
    scores, events = score_forecasts(shown, settings)
    scores_pooled = score_forecasts(forecasts, settings)[0] if pooled else None
    notes: list[str] = []
    theory = theory_pooled = None
    if set(THEORY) <= set(names):
        kw = {"model": THEORY[0], "reference": THEORY[1], "seed": seed, "floor": settings.log_floor,
              "replicates": settings.bootstrap_replicates, "level": settings.interval_level}
        theory = theory_test(shown, **kw)
        theory_pooled = theory_test(forecasts, **kw) if pooled else None
    else:
        notes.append(f"theory test not run: it needs the forecasters {THEORY[0]!r} and {THEORY[1]!r}"
                     + ("" if registry.nested_available() else "; the installed engagement model has no nested reference "
                        "(EngagementModel(theory=False), issue 21's transition model)"))
    elpd = _elpd(dict(zip(names, fcs, strict=True)), tasks, notes)
    return Evaluation(forecasts=forecasts, scores=scores, events=events,
                      reliability=reliability_table(shown, bins=settings.reliability_bins),
                      corp=corp_table(shown), origins=origins, seed=seed, runs=runs, settings=settings,
                      fits=fits, scores_pooled=scores_pooled, drivers=drivers, theory=theory,
                      theory_pooled=theory_pooled, elpd=elpd, notes=notes)
