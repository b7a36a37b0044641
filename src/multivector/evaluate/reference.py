"""Reference forecasts that any model of the record must beat: persistence and base rates.

Both are computed from the record up to the origin only (a `ForecastTask`).

- `Persistence`: the status at the origin carries on (the "no change" or
  random-walk forecast of the forecasting literature; the VIEWS prediction
  challenge scores every entry against it). Its probabilities are smoothed with
  the yearly change rate seen in training, so that a change is possible and the
  log score finite. A pair that first opens after the origin gets the base rate
  of first choices in the training years.
- `BaseRate`: the training-year frequency of each level in each organization
  line (climatology).

Additive smoothing (`prior_count` per level; Jeffreys' ½ by default) keeps a
level never seen in training possible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .task import ForecastTask, allowed_mask, first_choices, renormalise, transitions

K = 3


def change_rate(task: ForecastTask) -> float:
    """Share of the training years' recorded year-to-year pairs in which the status changed."""
    inp = task.inputs
    t, s, l_ = transitions(inp, task.origin)
    if len(t) == 0:
        return 0.0
    return float(np.mean(inp.record[t, s, l_] != inp.record[t - 1, s, l_]))


def level_frequencies(levels: np.ndarray, prior_count: float) -> np.ndarray:
    """(3,) smoothed frequencies of levels 0..2.

    >>> level_frequencies(np.array([2, 2, 0]), prior_count=0.5).round(3).tolist()
    [0.333, 0.111, 0.556]
    """
    counts = np.bincount(np.asarray(levels, int), minlength=K)[:K] + prior_count
    return counts / counts.sum()


def _carried(status: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """The status quo in a year whose open levels are `allowed`: the highest open level not above it."""
    lv = np.arange(K)
    ok = allowed & (lv <= status[..., None])
    return np.where(ok, lv, 0).max(axis=-1)


@dataclass
class Persistence:
    """The status at the origin carries on, smoothed by the training change rate."""

    prior_count: float = 0.5
    name: str = "persistence"

    def forecast(self, task: ForecastTask) -> np.ndarray:
        inp = task.inputs
        allowed = allowed_mask(inp, task.years)                           # (H, S, L, 3)
        c = change_rate(task)
        q = _carried(np.broadcast_to(task.status_at_origin(), allowed.shape[:3]), allowed)
        n_other = allowed.sum(-1, keepdims=True) - 1
        stay = np.arange(K) == q[..., None]
        p = np.where(stay, 1.0 - c, np.divide(c, n_other, out=np.zeros(n_other.shape), where=n_other > 0))
        p = np.where(n_other == 0, stay.astype(float), p)                 # one open level: certain
        first = level_frequencies(first_choices(inp, task.origin), self.prior_count)
        new = ~task.open_at_origin()                                      # no status quo at the origin
        p = np.where(new[None, :, :, None], first, p)
        return renormalise(p, allowed)


@dataclass
class BaseRate:
    """Training-year frequencies of each level, by organization line."""

    prior_count: float = 0.5
    name: str = "base_rate"

    def forecast(self, task: ForecastTask) -> np.ndarray:
        inp = task.inputs
        rec, ml = inp.record, inp.max_level
        train = (rec >= 0) & (ml > 0) & (inp.years <= task.origin)[:, None, None]
        pooled = level_frequencies(rec[train], self.prior_count)
        per_line = np.array([level_frequencies(rec[:, :, j][train[:, :, j]], self.prior_count)
                             if train[:, :, j].any() else pooled for j in range(len(inp.lines))])   # (L, 3)
        allowed = allowed_mask(inp, task.years)
        return renormalise(np.broadcast_to(per_line[None, None], allowed.shape), allowed)
