"""PRIM, the Patient Rule Induction Method, for scenario discovery.

Friedman & Fisher (1999) "Bump hunting in high-dimensional data": start from the box that
holds every point and peel, step by step, a thin slice (a share `peel_alpha` of the points
still inside) off the lower or upper end of one factor — the slice whose removal most
improves the objective — until the box holds less than `mass_min` of the points; then paste
back slices that improve it. Each step is one box on the *peeling trajectory*, a trade-off
between coverage (the share of all cases of interest that the box holds) and density (the
share of the points inside the box that are cases of interest). Bryant & Lempert (2010)
made it the tool of scenario discovery: the chosen box, a few factor ranges, *is* the
scenario ("Uzbekistan joins the EAEU when ...").

This is our implementation of the algorithm as the EMA Workbench 2.5 (`ema_workbench.analysis
.prim`) runs it for continuous factors and a binary outcome: the same quantile rule (the
sdtoolkit one), the same default objective ("lenient1": gain in mean per point removed), the
same tie-break (fewer restricted factors), the same pasting, the same quasi-p values of a
box's limits; the tests compare the two. It finds one box (no covering of the remaining
points, no resampling) and handles real-valued factors only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


def quantile(data: np.ndarray, q: float) -> float:
    """The peeling quantile of sdtoolkit and the EMA Workbench: a midpoint between distinct sorted values."""
    data = np.sort(data)
    i = (len(data) - 1) * q
    lo, hi = int(math.floor(i)), int(math.ceil(i))
    if q > 0.5:
        while data[lo] == data[hi] and lo > 0:
            lo -= 1
    else:
        while data[lo] == data[hi] and hi < len(data) - 1:
            hi += 1
    return float((data[lo] + data[hi]) / 2)


def lenient1(y_old: np.ndarray, y_new: np.ndarray) -> float:
    """Gain in mean per point removed (or added): the EMA Workbench's default objective."""
    m_old = float(np.mean(y_old))
    m_new = float(np.mean(y_new)) if len(y_new) else 0.0
    if m_old == m_new or len(y_old) == len(y_new):
        return 0.0
    return (m_new - m_old) / abs(len(y_old) - len(y_new))


def original(y_old: np.ndarray, y_new: np.ndarray) -> float:
    """Friedman & Fisher's objective: the mean inside the new box."""
    return float(np.mean(y_new)) if len(y_new) else -1.0


OBJECTIVES = {"lenient1": lenient1, "original": original}


@dataclass
class PrimResult:
    names: list[str]
    limits: list[np.ndarray]        # one (2, D) array [lower; upper] per step of the trajectory
    trajectory: pd.DataFrame        # step, coverage, density, mass, n, k, res_dim
    init: np.ndarray                # (2, D) the box that holds every point
    chosen: int = field(default=-1)

    x: np.ndarray | None = None      # (n, D) the factors, for the quasi-p values
    y: np.ndarray | None = None      # (n,) the cases of interest

    def box(self, i: int | None = None) -> pd.DataFrame:
        """The factor ranges of box i (default the chosen one): restricted factors only, with the share
        of each factor's range the box keeps and the quasi-p value of each restricted end (NaN: that end
        is not restricted).

        Quasi-p (Bryant & Lempert 2010): a one-sided binomial test of the box's density against the
        density of the same box with that one limit removed; a large value says the restriction adds
        little and a reader may drop it. As the EMA Workbench computes it.
        """
        i = self.chosen if i is None else i
        lim = self.limits[i]
        full = self.init[1] - self.init[0]
        res = [k for k in range(len(self.names)) if (lim[:, k] != self.init[:, k]).any()]
        rows = []
        for k in res:
            qp = [self._quasi_p(lim, res, k, side) if lim[side, k] != self.init[side, k] else np.nan
                  for side in (0, 1)]
            rows.append({"factor": self.names[k], "low": float(lim[0, k]), "high": float(lim[1, k]),
                         "full_low": float(self.init[0, k]), "full_high": float(self.init[1, k]),
                         "kept": float((lim[1, k] - lim[0, k]) / full[k]) if full[k] else 1.0,
                         "qp_low": qp[0], "qp_high": qp[1]})
        return pd.DataFrame(rows, columns=["factor", "low", "high", "full_low", "full_high", "kept", "qp_low",
                                           "qp_high"])

    def _quasi_p(self, lim: np.ndarray, res: list[int], k: int, side: int) -> float:
        if self.x is None:
            return float("nan")
        from scipy.stats import binomtest

        X, y = self.x[:, res], self.y
        inside = np.all((X >= lim[0, res]) & (X <= lim[1, res]), axis=1)
        relaxed = lim.copy()
        relaxed[side, k] = self.init[side, k]
        wider = np.all((X >= relaxed[0, res]) & (X <= relaxed[1, res]), axis=1)
        h, t = int(y[inside].sum()), int(inside.sum())
        return float(binomtest(h, t, y[wider].sum() / wider.sum(), alternative="greater").pvalue)

    def choose(self, min_density: float = 0.8) -> int:
        """The box with the largest coverage among those at least `min_density` dense (else the densest)."""
        t = self.trajectory
        ok = t[t.density >= min_density]
        self.chosen = int(ok.coverage.idxmax() if len(ok) else t.density.idxmax())
        return self.chosen


def prim(x: pd.DataFrame, y: np.ndarray, peel_alpha: float = 0.05, paste_alpha: float = 0.05,
         mass_min: float = 0.05, objective: str = "lenient1", paste: bool = True) -> PrimResult:
    """Peel (and paste) one box for the binary outcome y over the real-valued factors x."""
    X = x.to_numpy(float)
    y = np.asarray(y, float)
    n, D = X.shape
    obj = OBJECTIVES[objective]
    init = np.vstack([X.min(0), X.max(0)])
    t_coi = y.sum()
    res = PrimResult(list(x.columns), [], pd.DataFrame(), init, x=X, y=y)
    rows: list[dict] = []

    def n_restricted(lim: np.ndarray) -> int:
        return int((lim != init).any(axis=0).sum())

    def inside(lim: np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
        c = np.arange(D) if cols is None else cols
        return np.all((X[:, c] >= lim[0, c]) & (X[:, c] <= lim[1, c]), axis=1)

    def record(lim: np.ndarray, idx: np.ndarray) -> None:
        k = float(y[idx].sum())
        res.limits.append(lim.copy())
        rows.append({"step": len(rows), "coverage": k / t_coi if t_coi else 0.0, "density": k / len(idx),
                     "mass": len(idx) / n, "n": len(idx), "k": k, "res_dim": n_restricted(lim)})

    lim, idx = init.copy(), np.arange(n)
    record(lim, idx)
    while True:   # peeling
        cands = []
        for j in range(D):
            xj = X[idx, j]
            for side, q in ((1, 1 - peel_alpha), (0, peel_alpha)):   # upper, then lower (the EMA order)
                cut = quantile(xj, q)
                keep = idx[xj <= cut] if side == 1 else idx[xj >= cut]
                new = lim.copy()
                new[side, j] = cut
                cands.append((obj(y[idx], y[keep]), D - n_restricted(new), new, keep))
        best = max(cands, key=lambda c: (c[0], c[1]))     # first of the best, as a stable reverse sort
        if len(best[3]) / n >= mass_min and len(best[3]) < len(idx) and best[0] > 0:
            lim, idx = best[2], best[3]
            record(lim, idx)
        else:
            break
    while paste:   # pasting: grow a restricted factor back where it raises the mean
        resdim = np.flatnonzero((lim != init).any(axis=0))
        cands = []
        for j in resdim:
            for side in (0, 1):
                probe = lim.copy()
                if side == 0:
                    probe[:, j] = init[0, j], lim[0, j]
                    data = X[inside(probe, resdim), j]
                    value = quantile(data, 1 - paste_alpha) if data.size else init[0, j]
                else:
                    probe[:, j] = lim[1, j], init[1, j]
                    data = X[inside(probe, resdim), j]
                    value = quantile(data, paste_alpha) if data.size else init[1, j]
                new = lim.copy()
                new[side, j] = value
                keep = np.flatnonzero(inside(new, resdim))
                cands.append((obj(y[idx], y[keep]), D - n_restricted(new), new, keep))
        if not cands:
            break
        best = max(cands, key=lambda c: (c[0], c[1]))
        keep = best[3]
        if (len(keep) / n >= mass_min and len(keep) > len(idx) and best[0] > 0
                and np.mean(y[keep]) > np.mean(y[idx])):
            lim, idx = best[2], keep
            record(lim, idx)
        else:
            break
    res.trajectory = pd.DataFrame(rows)
    res.chosen = len(rows) - 1
    return res
