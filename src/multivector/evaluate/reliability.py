"""Reliability of probability forecasts: do events forecast at p happen a share p of the time?

Two views, both one-versus-rest over the three levels (each row gives three
forecast-outcome pairs, one per level), pooled over origins:

- `reliability_table`: equal-width probability bins with counts, mean forecast
  and observed frequency (the classical reliability diagram; Murphy & Winkler 1977).
- `corp_curve`: the CORP reliability curve (Dimitriadis, Gneiting & Jordan 2021,
  *PNAS* 118): the isotonic (pool-adjacent-violators) regression of outcomes on
  forecasts, which needs no choice of bins. Its Brier-score decomposition gives
  miscalibration (MCB), discrimination (DSC) and uncertainty (UNC),
  mean Brier = MCB − DSC + UNC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .task import LEVELS

PROBS = ["p_none", "p_partner", "p_member"]


def _pairs(forecasts: pd.DataFrame, level: str) -> tuple[np.ndarray, np.ndarray]:
    """(forecast probability, outcome 0/1) pairs of one level, or of all three ('all')."""
    levels = LEVELS if level == "all" else (level,)
    p = np.concatenate([forecasts[f"p_{lv}"].to_numpy(float) for lv in levels])
    y = np.concatenate([(forecasts["actual"] == lv).to_numpy(float) for lv in levels])
    return p, y


def reliability_table(forecasts: pd.DataFrame, bins: int, levels: tuple[str, ...] = ("all", *LEVELS)
                      ) -> pd.DataFrame:
    """Per forecaster and level: bin bounds, count, mean forecast probability, observed frequency."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows = []
    for fc, block in forecasts.groupby("forecaster", sort=False):
        for level in levels:
            p, y = _pairs(block, level)
            idx = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
            for b in range(bins):
                m = idx == b
                if m.any():
                    rows.append({"forecaster": fc, "level": level, "bin_lower": round(float(edges[b]), 3),
                                 "bin_upper": round(float(edges[b + 1]), 3), "n": int(m.sum()),
                                 "mean_forecast": float(p[m].mean()), "observed_frequency": float(y[m].mean())})
    return pd.DataFrame(rows, columns=["forecaster", "level", "bin_lower", "bin_upper", "n", "mean_forecast",
                                       "observed_frequency"])


def corp_curve(p: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """CORP: (sorted forecasts, recalibrated probabilities, Brier decomposition MCB/DSC/UNC).

    >>> x, r, d = corp_curve(np.array([0.1, 0.9, 0.9, 0.1]), np.array([0, 1, 1, 0]))
    >>> r.tolist(), round(d["MCB"], 3), round(d["DSC"], 3), round(d["UNC"], 3)
    ([0.0, 0.0, 1.0, 1.0], 0.01, 0.25, 0.25)
    """
    from sklearn.isotonic import IsotonicRegression

    order = np.argsort(p, kind="stable")
    x, yy = np.asarray(p, float)[order], np.asarray(y, float)[order]
    r = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit_transform(x, yy)
    clim = yy.mean()
    bs = np.mean((x - yy) ** 2)
    bs_rc = np.mean((r - yy) ** 2)
    bs_clim = np.mean((clim - yy) ** 2)
    return x, r, {"MCB": float(bs - bs_rc), "DSC": float(bs_clim - bs_rc), "UNC": float(bs_clim)}


def corp_table(forecasts: pd.DataFrame, level: str = "all") -> pd.DataFrame:
    """The CORP curve of each forecaster as its breakpoints (first and last forecast of each
    constant piece, so drawing straight lines between them gives the curve), with its decomposition."""
    rows = []
    for fc, block in forecasts.groupby("forecaster", sort=False):
        x, r, dec = corp_curve(*_pairs(block, level))
        if not len(x):
            continue
        change = np.flatnonzero(np.diff(r) != 0)
        keep = np.unique(np.concatenate([[0, len(x) - 1], change, change + 1]))
        rows += [{"forecaster": fc, "level": level, "forecast": float(x[i]), "recalibrated": float(r[i]), **dec}
                 for i in keep]
    return pd.DataFrame(rows, columns=["forecaster", "level", "forecast", "recalibrated", "MCB", "DSC", "UNC"])
