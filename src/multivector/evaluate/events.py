"""Event scores: does a forecaster's median path change when the record changed?

For every recorded status change after the origin (a state's level in a line
differs from the year before, the line open in both years), a forecaster scores
a hit within ±w years if its median path moves into the recorded new level
within w years of the recorded year. The median path is, year by year, the
median of the forecast distribution over the ordered levels (the lowest level
whose cumulative probability reaches ½). Changes of the median path that no
recorded change into the same level matches within ±`spurious_window` years
are spurious (exits and entries that never happened).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .task import LEVELS

LEVEL_INDEX = {name: k for k, name in enumerate(LEVELS)}


def median_levels(p: np.ndarray) -> np.ndarray:
    """(n, 3) probabilities → (n,) median level.

    >>> median_levels(np.array([[0.3, 0.3, 0.4], [0.5, 0.0, 0.5], [0.2, 0.1, 0.7]])).tolist()
    [1, 0, 2]
    """
    return np.argmax(np.cumsum(p, axis=-1) >= 0.5 - 1e-12, axis=-1)


def changes(years: np.ndarray, levels: np.ndarray, start: int | None) -> list[tuple[int, int, int]]:
    """(year, from, to) of every change of a level path; `start` is the level the year before the first.

    >>> changes(np.array([2001, 2002, 2003, 2005]), np.array([2, 2, 0, 2]), start=0)
    [(2001, 0, 2), (2003, 2, 0)]
    """
    out = []
    prev_year, prev = (years[0] - 1, start) if start is not None and len(years) else (None, None)
    for y, lv in zip(years.tolist(), levels.tolist(), strict=True):
        if prev is not None and prev_year == y - 1 and lv != prev:
            out.append((int(y), int(prev), int(lv)))
        prev_year, prev = y, lv
    return out


def event_table(forecasts: pd.DataFrame, windows: tuple[int, int] = (1, 2),
                spurious_window: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(events, spurious) from forecast rows (forecast_rows' columns).

    events: one row per recorded change and forecaster-origin, with the nearest
    year the median path moves into the recorded new level (None if never) and
    a hit flag per window. spurious: (forecaster, origin, spurious_changes).
    """
    ev_rows, sp_rows = [], []
    for (fc, origin), block in forecasts.groupby(["forecaster", "origin"], sort=False):
        n_spurious = 0
        for (_state, _line), g in block.groupby(["state", "line"], sort=False):
            g = g.sort_values("year")
            years = g["year"].to_numpy()
            s0 = g["status_at_origin"].iloc[0]
            start = LEVEL_INDEX[s0] if isinstance(s0, str) and s0 else None
            actual = g["actual"].map(LEVEL_INDEX).to_numpy()
            med = median_levels(g[["p_none", "p_partner", "p_member"]].to_numpy())
            rec, pred = changes(years, actual, start), changes(years, med, start)
            orgs = dict(zip(years.tolist(), g["org"].tolist(), strict=True))
            for y, a, b in rec:
                into = [py for py, _, pb in pred if pb == b]
                nearest = min(into, key=lambda py: (abs(py - y), py)) if into else None
                ev_rows.append({"state": _state, "org": orgs[y], "line": _line, "year": y, "from": LEVELS[a],
                                "to": LEVELS[b], "forecaster": fc, "origin": int(origin), "predicted_year": nearest,
                                **{f"hit_{w}": nearest is not None and abs(nearest - y) <= w for w in windows}})
            for py, _, pb in pred:
                if not any(b == pb and abs(y - py) <= spurious_window for y, _, b in rec):
                    n_spurious += 1
        sp_rows.append({"forecaster": fc, "origin": int(origin), "spurious_changes": n_spurious})
    cols = ["state", "org", "line", "year", "from", "to", "forecaster", "origin", "predicted_year",
            *(f"hit_{w}" for w in windows)]
    return pd.DataFrame(ev_rows, columns=cols), pd.DataFrame(sp_rows, columns=["forecaster", "origin",
                                                                                "spurious_changes"])
