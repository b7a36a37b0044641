"""A forecasting task: the record up to an origin year, the drivers, and the years to forecast.

A forecaster sees a `ForecastTask` and nothing else. Its inputs are the case's
model inputs with every recorded status after the origin removed (set to −1,
`record_until` = origin), so no forecaster can read the record it is judged
on. The drivers and entry rules are given for every year: the forecasts are
conditional on the drivers' coded paths (ex-post conditional forecasts).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

import numpy as np

from ..model.inputs import ModelInputs

LEVELS = ("none", "partner", "member")


def mask_after(inp: ModelInputs, origin: int) -> ModelInputs:
    """The same inputs with the record (statuses and observed stances) after `origin` removed."""
    record = inp.record.copy()
    record[inp.years > origin] = -1
    stances = [o for o in inp.stance_observations if o["year"] <= origin]
    return replace(inp, record=record, record_until=min(origin, inp.record_until), stance_observations=stances)


@dataclass(frozen=True)
class ForecastTask:
    """What a forecaster may use: the record up to `origin`, drivers and rules for every year."""

    inputs: ModelInputs        # full years, record masked after the origin
    origin: int
    last_year: int             # the last year to forecast
    seed: int

    @property
    def years(self) -> np.ndarray:
        """The forecast years, origin + 1 … last_year."""
        return np.arange(self.origin + 1, self.last_year + 1)

    @property
    def shape(self) -> tuple[int, int, int]:
        """(years, states, lines) of a forecast; add the level axis (3)."""
        return len(self.years), len(self.inputs.states), len(self.inputs.lines)

    @property
    def t0(self) -> int:
        """Index of the origin year in `inputs.years`."""
        return self.inputs.year_index(self.origin)

    def status_at_origin(self) -> np.ndarray:
        """(S, L) recorded levels in the origin year, 0 where none is recorded or the line is closed."""
        return np.maximum(self.inputs.record[self.t0], 0).astype(np.int8)

    def open_at_origin(self) -> np.ndarray:
        """(S, L) True where the line was open to the state in the origin year (a status quo exists)."""
        return self.inputs.max_level[self.t0] > 0

    def entry_rules(self) -> tuple[np.ndarray, np.ndarray]:
        """(H, S, L) lines open to each state and (H, S, L, 3) levels open, in each forecast year."""
        idx = [self.inputs.year_index(int(y)) for y in self.years]
        return self.inputs.max_level[idx] > 0, self.inputs.allowed[idx]

    def future(self) -> ModelInputs:
        """The inputs of the forecast years (drivers and rules only: their record is empty)."""
        return self.inputs.restrict(self.origin + 1, self.last_year)

    def training_years(self) -> np.ndarray:
        return self.inputs.years[self.inputs.years <= self.origin]

    def rng(self, forecaster: str) -> np.random.Generator:
        """The random stream of one forecaster at this origin, from the one seed.

        Keyed by the forecaster's name and the origin, so a forecaster's draws do
        not depend on which other forecasters run or in which order.
        """
        ss = np.random.SeedSequence(self.seed, spawn_key=(self.origin, zlib.crc32(forecaster.encode())))
        return np.random.default_rng(ss)

    def seed_int(self, forecaster: str) -> int:
        """An integer seed for code that takes one (the engagement model's `simulate`)."""
        return int(self.rng(forecaster).integers(0, 2**31 - 1))


@runtime_checkable
class Forecaster(Protocol):
    """Anything with a `name` and a `forecast(task)` returning (years, states, lines, 3) probabilities.

    Probabilities are of none, partner, member for every forecast year, state and
    line; cells of closed lines are ignored. A forecaster that simulates returns
    the share of its Monte Carlo runs at each level.
    """

    name: str

    def forecast(self, task: ForecastTask) -> np.ndarray: ...


def transitions(inp: ModelInputs, until: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Recorded year-to-year pairs up to `until`: (t, s, l) of every cell with a status quo.

    A cell counts where the line was open to the state last year and both years
    are recorded; the first year a line opens has no status quo.
    """
    rec, ml = inp.record, inp.max_level
    t, s, l_ = np.nonzero((rec[1:] >= 0) & (rec[:-1] >= 0) & (ml[:-1] > 0) & (ml[1:] > 0)
                          & (inp.years[1:] <= until)[:, None, None])
    return t + 1, s, l_


def first_choices(inp: ModelInputs, until: int) -> np.ndarray:
    """Recorded levels in the first year a line is open to a state, up to `until`."""
    rec, ml = inp.record, inp.max_level
    opened = (ml > 0) & (rec >= 0) & (inp.years <= until)[:, None, None]
    opened[1:] &= ml[:-1] == 0
    return rec[opened]


def allowed_mask(inp: ModelInputs, years: np.ndarray) -> np.ndarray:
    """(H, S, L, 3) levels open in each of `years`."""
    return inp.allowed[[inp.year_index(int(y)) for y in years]]


def renormalise(p: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Zero the levels that are not open and rescale to 1 (cells with nothing open stay 0)."""
    q = np.where(allowed, p, 0.0)
    total = q.sum(axis=-1, keepdims=True)
    return np.divide(q, total, out=np.zeros_like(q), where=total > 0)
