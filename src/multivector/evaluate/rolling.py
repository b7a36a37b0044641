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
from .engagement import EngagementModel
from .events import event_table
from .logit import LaggedLogit
from .reference import BaseRate, Persistence
from .reliability import corp_table, reliability_table
from .scores import score_all, skill
from .task import LEVELS, Forecaster, ForecastTask, mask_after

ORIGINS = (2000, 2004, 2008, 2012, 2016)
FORECASTERS = ("model", "persistence", "base_rate", "logit")
REFERENCE = "persistence"


@dataclass(frozen=True)
class Settings:
    """Every choice that shapes the scores, stored with the results."""

    log_floor: float = 1e-3          # probabilities raised to this before the log score
    member_threshold: float = 0.5    # member vs not: predict member where P(member) > this
    event_windows: tuple[int, ...] = (1, 2)
    spurious_window: int = 2
    reliability_bins: int = 10


def make_forecaster(name: str, runs: int) -> Forecaster:
    """A forecaster by name: model, persistence, base_rate or logit."""
    if name == "model":
        return EngagementModel(runs=runs)
    if name == "persistence":
        return Persistence()
    if name == "base_rate":
        return BaseRate()
    if name == "logit":
        return LaggedLogit(runs=runs)
    raise ValueError(f"unknown forecaster {name!r}: use one of {', '.join(FORECASTERS)} "
                     "or pass an object with `name` and `forecast(task)`")


def _check(probs: np.ndarray, task: ForecastTask, name: str) -> np.ndarray:
    probs = np.asarray(probs, float)
    if probs.shape != (*task.shape, 3):
        raise ValueError(f"forecaster {name!r} returned shape {probs.shape} at origin {task.origin}; "
                         f"expected (years, states, lines, 3) = {(*task.shape, 3)}")
    return probs


def forecast_rows(name: str, probs: np.ndarray, task: ForecastTask, full: ModelInputs) -> pd.DataFrame:
    """Tidy rows of one forecast: every open, recorded state-line-year after the origin."""
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
        "horizon": years - task.origin, "p_none": p[:, 0], "p_partner": p[:, 1], "p_member": p[:, 2],
        "actual": np.array(LEVELS)[rec[h, s, l_]], "status_at_origin": origin_status, "seed": task.seed})


def score_forecasts(forecasts: pd.DataFrame, settings: Settings = Settings()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scores, events) from forecast rows: one score row per forecaster and origin."""
    events, spurious = event_table(forecasts, windows=settings.event_windows,
                                   spurious_window=settings.spurious_window)
    rows = []
    for (fc, origin), g in forecasts.groupby(["forecaster", "origin"], sort=False):
        p = g[["p_none", "p_partner", "p_member"]].to_numpy(float)
        y = g["actual"].map({lv: k for k, lv in enumerate(LEVELS)}).to_numpy(int)
        ev = events[(events.forecaster == fc) & (events.origin == origin)]
        sp = spurious[(spurious.forecaster == fc) & (spurious.origin == origin)].spurious_changes
        rows.append({"forecaster": fc, "origin": int(origin), "horizon_years": int(g["horizon"].max()),
                     **score_all(p, y, log_floor=settings.log_floor, member_threshold=settings.member_threshold),
                     **{f"events_hit_{w}": int(ev[f"hit_{w}"].sum()) for w in settings.event_windows},
                     "events_total": int(len(ev)), "spurious_changes": int(sp.iloc[0]) if len(sp) else 0})
    scores = pd.DataFrame(rows)
    for metric in ("log_score", "brier", "rps"):
        ref = scores[scores.forecaster == REFERENCE].set_index("origin")[metric]
        scores[f"skill_{metric.split('_')[0]}_vs_{REFERENCE}"] = [
            skill(v, ref[o]) if o in ref.index else np.nan for v, o in zip(scores[metric], scores.origin, strict=True)]
    return scores, events


@dataclass
class Evaluation:
    """Raw forecast rows, and the scores, events and reliability computed from them."""

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

    def to_dict(self) -> dict:
        from dataclasses import asdict

        from ..io_utils import plain, records

        return {"origins": self.origins, "seed": self.seed, "runs": self.runs,
                "settings": plain(asdict(self.settings)), "scores": records(self.scores),
                "events": records(self.events), "reliability": records(self.reliability),
                "corp": records(self.corp),
                "scores_pooled": None if self.scores_pooled is None else records(self.scores_pooled),
                "states": sorted(self.forecasts.state.unique().tolist()),
                "fits": plain(self.fits)}


def evaluate(kb: CaseBase | None = None, forecasters: Iterable[str | Forecaster] = FORECASTERS,
             origins: Sequence[int] = ORIGINS, runs: int = 500, seed: int = 0, inputs: ModelInputs | None = None,
             settings: Settings = Settings(),
             progress: Callable[[str, int], None] | None = None) -> Evaluation:
    """Score every forecaster at every origin on the record after it.

    forecasters: names (model, persistence, base_rate, logit) or objects with a
    `name` and `forecast(task)`. `progress(name, origin)` is called after each fit.
    Every forecaster is fitted on every state the inputs hold (by default the regional
    states and the case's pooled republics); `scores` are on the regional states' rows,
    `scores_pooled` on all rows.
    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1, not {runs}")
    full = inputs if inputs is not None else load_inputs(kb or CaseBase.load(), pool=True)
    last = full.record_until
    origins = sorted({int(o) for o in origins})
    for o in origins:
        if not full.years[0] <= o < last:
            raise ValueError(f"origin {o} is outside the record: use a year from {full.years[0]} to {last - 1}")
    fcs = [make_forecaster(f, runs) if isinstance(f, str) else f for f in forecasters]
    names = [f.name for f in fcs]
    if len(set(names)) != len(names):
        raise ValueError(f"forecaster names must differ: {names}")
    parts, fits = [], {}
    for o in origins:
        task = ForecastTask(inputs=mask_after(full, o), origin=o, last_year=last, seed=seed)
        for fc in fcs:
            probs = _check(fc.forecast(task), task, fc.name)
            parts.append(forecast_rows(fc.name, probs, task, full))
            fitted = getattr(fc, "fitted", {}).get(o)
            if fitted is not None and isinstance(fitted, tuple):     # the engagement model: (weights, info)
                fits.setdefault(fc.name, {})[o] = fitted[1]
            elif fitted is not None and hasattr(fitted, "penalty_C"):
                fits.setdefault(fc.name, {})[o] = {"penalty_C": fitted.penalty_C}
            if progress:
                progress(fc.name, o)
    forecasts = pd.concat(parts, ignore_index=True)
    regional = list(full.regional) or list(full.states)
    pooled = len(set(full.states) - set(regional)) > 0
    shown = forecasts[forecasts.state.isin(regional)].reset_index(drop=True) if pooled else forecasts
    scores, events = score_forecasts(shown, settings)
    scores_pooled = score_forecasts(forecasts, settings)[0] if pooled else None
    return Evaluation(forecasts=forecasts, scores=scores, events=events,
                      reliability=reliability_table(shown, bins=settings.reliability_bins),
                      corp=corp_table(shown), origins=origins, seed=seed, runs=runs, settings=settings,
                      fits=fits, scores_pooled=scores_pooled)
