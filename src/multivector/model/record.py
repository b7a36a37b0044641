"""The record as the model's tables: recorded levels, balance index and depth, year by year.

A projection reports the years before its start as the record, in the same
columns as the simulated years (`run.engagement_table`, `run.indices_table`,
`run.depth_table`), with `source` = "record"; charts draw the record up to its
end beside every simulated path. Pure functions of `ModelInputs`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .engine import balance_index
from .inputs import ModelInputs


def recorded_levels(inp: ModelInputs) -> np.ndarray:
    """(T, S, L) recorded level, -1 where nothing is recorded (after the record's end, a line closed)."""
    return np.where(inp.exists[:, None, :], inp.record, -1).astype(np.int8)


def record_years(inp: ModelInputs, before: int | None = None) -> np.ndarray:
    """Indices of the recorded years of `inp` (before the year `before`, when given)."""
    last = inp.record_until if before is None else min(inp.record_until, before - 1)
    return np.nonzero(inp.years <= last)[0]


def record_engagement(inp: ModelInputs, before: int | None = None) -> pd.DataFrame:
    """The record in the columns of `run.engagement_table`: P(level) is 1 for the recorded level.

    Rows where the line is open to the state and a level is recorded, for the recorded years
    (before `before` when given), with `source` = "record".
    """
    rec = recorded_levels(inp)
    keep = np.zeros(inp.T, bool)
    keep[record_years(inp, before)] = True
    t, s, l_ = np.nonzero(keep[:, None, None] & (inp.max_level >= 1) & (rec >= 0))
    lv = rec[t, s, l_]
    return pd.DataFrame({
        "state": np.array(inp.states)[s], "org": inp.era_org[t, l_].astype(str), "line": np.array(inp.lines)[l_],
        "year": inp.years[t], "p_member": (lv == 2).astype(float), "p_partner": (lv == 1).astype(float),
        "p_none": (lv == 0).astype(float), "source": "record",
    }).sort_values(["state", "line", "year"], kind="stable").reset_index(drop=True)


def recorded_balance(inp: ModelInputs) -> np.ndarray:
    """(T, S) the balance index of the recorded levels (NaN after the record's end or without a tie to a pole),
    computed as the engine computes it for simulated levels, so the two compare."""
    rec = np.maximum(recorded_levels(inp), 0)
    out = np.full((inp.T, len(inp.states)), np.nan)
    for t in record_years(inp):
        out[t] = balance_index(rec[t], inp.depth[t], inp.lead[t])
    return out


def record_indices(inp: ModelInputs, before: int | None = None) -> pd.DataFrame:
    """The recorded balance index in the columns of `run.indices_table` (mean = 5th = 95th percentile)."""
    b = recorded_balance(inp)
    ts = record_years(inp, before)
    S = len(inp.states)
    v = b[ts].ravel().round(2)
    return pd.DataFrame({
        "state": np.tile(inp.states, len(ts)), "year": np.repeat(inp.years[ts], S),
        "balance_index_mean": v, "balance_index_p05": v, "balance_index_p95": v, "source": "record",
    }).sort_values(["state", "year"]).reset_index(drop=True)


def record_depth(inp: ModelInputs, before: int | None = None) -> pd.DataFrame:
    """The coded depth of each organization in the recorded years, in the columns of `run.depth_table`."""
    keep = np.zeros(inp.T, bool)
    keep[record_years(inp, before)] = True
    t, l_ = np.nonzero(keep[:, None] & inp.exists)
    d = inp.depth[t, l_].round(4)
    return pd.DataFrame({
        "org": inp.era_org[t, l_].astype(str), "line": np.array(inp.lines)[l_], "year": inp.years[t],
        "depth_coded": d, "depth_mean": d, "depth_p05": d, "depth_p95": d, "source": "record",
    }).sort_values(["line", "year"], kind="stable").reset_index(drop=True)
