"""Change discrimination: does a forecaster rank the ties that change above the ties that stay?

The rule (fixed before any figure was computed, the same for every forecaster):

- units: per origin, every state-line open to the state at the origin (subset
  `existing`) with at least one scored row in the `window` years after it;
- outcome: the recorded level differs from the origin's in at least one of
  those years;
- score: P(change) = max over those years h of 1 − P_h(level at the origin),
  read from the forecaster's marginal probabilities. With marginals alone the
  probability that the path leaves the origin's level at least once within the
  window is not determined; the largest yearly probability of being elsewhere
  is its lower bound under every joint distribution with those marginals
  (Fréchet 1951), and equals it for a chain that does not come back within the
  window. Persistence gives every unit the same score, so its AUC is ½;
- AUC: the probability that a changed unit scores above an unchanged one, ties
  counting ½ (the Mann–Whitney form; Hanley & McNeil 1982, *Radiology* 143).
  Undefined (NaN) when no unit, or every unit, changed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import rankdata

WINDOW = 2


def auc(score: np.ndarray, label: np.ndarray) -> float:
    """Area under the ROC curve, ties counting ½; NaN without both classes.

    >>> auc(np.array([0.9, 0.1, 0.5, 0.5]), np.array([1, 0, 1, 0]))
    0.875
    >>> auc(np.array([0.3, 0.3, 0.3]), np.array([1, 0, 0]))
    0.5
    """
    score, label = np.asarray(score, float), np.asarray(label, bool)
    n_pos, n_neg = int(label.sum()), int((~label).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(score)
    return float((ranks[label].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def change_units(forecasts: pd.DataFrame, window: int = WINDOW) -> pd.DataFrame:
    """Per forecaster, origin and state-line open at the origin: p_change and changed (module docstring)."""
    rows = forecasts[(forecasts["subset"] == "existing") & (forecasts["horizon"] <= window)]
    cols = ["forecaster", "origin", "state", "line", "p_change", "changed"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    p_origin = np.select([rows["status_at_origin"] == lv for lv in ("none", "partner", "member")],
                         [rows["p_none"], rows["p_partner"], rows["p_member"]], default=np.nan)
    # rounded: probabilities equal but for floating-point noise (renormalised over different open levels) tie
    units = rows.assign(p_change=np.round(1.0 - p_origin, 12), changed=rows["actual"] != rows["status_at_origin"])
    return (units.groupby(["forecaster", "origin", "state", "line"], sort=False)
            .agg(p_change=("p_change", "max"), changed=("changed", "any")).reset_index()[cols])


def change_auc(forecasts: pd.DataFrame, window: int = WINDOW) -> pd.DataFrame:
    """(forecaster, origin, change_auc, change_units, changes): the AUC of each forecaster at each origin."""
    units = change_units(forecasts, window)
    out = [{"forecaster": fc, "origin": int(o), "change_auc": auc(g["p_change"], g["changed"]),
            "change_units": int(len(g)), "changes": int(g["changed"].sum())}
           for (fc, o), g in units.groupby(["forecaster", "origin"], sort=False)]
    return pd.DataFrame(out, columns=["forecaster", "origin", "change_auc", "change_units", "changes"])
