"""The theory test: the engagement model against its nested reference, on the same rows.

The model's transition probabilities are its reference's — the hierarchical
per-line Markov chain with tenure — plus the theory's weighted terms; with every
weight 0 it *is* the reference (`EngagementModel(theory=False)`, fitted the same
way). What the theory adds is therefore a measured difference, reported two ways:

- **Out of sample** (`theory_test`): the log-score gain, reference's log score
  minus the model's on the same forecast rows (> 0: the theory's terms forecast
  better), per origin and pooled over origins, on each subset. Its 90% interval
  is a percentile bootstrap over state-lines (Davison & Hinkley 1997,
  *Bootstrap Methods*, §3.8 for clustered data): the rows of a state and line
  (over every year, and every origin in the pooled row) are resampled together,
  so the serial dependence of a tie's years is kept. The random stream of each
  row is derived from the one seed, the origin and the subset.
- **In sample** (`elpd_difference`): the difference of the two fits' expected
  log pointwise predictive densities on the training transitions, estimated by
  Pareto-smoothed importance-sampling leave-one-out cross-validation (Vehtari,
  Gelman & Gabry 2017, *Statistics and Computing* 27; ArviZ's `loo`), with the
  standard error of the paired difference, sqrt(n · Var(elpd_i,model − elpd_i,ref)).
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from .subsets import SUBSETS, rows_of
from .task import LEVELS

REPLICATES = 2000
LEVEL = 0.90
KEYS = ["origin", "state", "line", "year"]


def paired_rows(forecasts: pd.DataFrame, model: str, reference: str, floor: float) -> pd.DataFrame:
    """One row per state-line-year both forecasters scored: origin, subset, state, line and the log gain."""
    def logp(name: str) -> pd.DataFrame:
        f = forecasts[forecasts["forecaster"] == name]
        p = np.select([f["actual"] == lv for lv in LEVELS], [f[f"p_{lv}"] for lv in LEVELS], default=np.nan)
        return f[[*KEYS, "subset"]].assign(logp=np.log(np.maximum(p, floor)))

    a, b = logp(model), logp(reference)
    both = a.merge(b[[*KEYS, "logp"]], on=KEYS, suffixes=("_model", "_reference"), validate="one_to_one")
    if len(both) != len(a) or len(both) != len(b):
        raise ValueError(f"forecasters {model!r} and {reference!r} scored different rows "
                         f"({len(a)} and {len(b)}; {len(both)} in common): the theory test needs the same rows")
    return both.assign(gain=both["logp_model"] - both["logp_reference"])


def cluster_sums(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(gain sum, row count) of each state-line among `rows`."""
    g = rows.groupby(["state", "line"], sort=True)["gain"].agg(["sum", "count"])
    return g["sum"].to_numpy(float), g["count"].to_numpy(float)


def bootstrap_interval(sums: np.ndarray, counts: np.ndarray, rng: np.random.Generator,
                       replicates: int = REPLICATES, level: float = LEVEL) -> tuple[float, float, float]:
    """(mean gain, lower, upper): the ratio estimate Σ gain / Σ rows and its percentile interval,
    the clusters resampled with replacement.

    >>> bootstrap_interval(np.array([1.0, 1.0]), np.array([2.0, 2.0]), np.random.default_rng(0))
    (0.5, 0.5, 0.5)
    """
    if len(sums) == 0:
        return float("nan"), float("nan"), float("nan")
    est = float(sums.sum() / counts.sum())
    w = rng.multinomial(len(sums), np.full(len(sums), 1.0 / len(sums)), size=replicates)   # (B, C)
    boot = (w @ sums) / (w @ counts)
    lo, hi = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
    return est, float(lo), float(hi)


def _rng(seed: int, origin: int | str, subset: str) -> np.random.Generator:
    key = (zlib.crc32(b"theory_test"), 0 if origin == "pooled" else int(origin), SUBSETS.index(subset))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def theory_test(forecasts: pd.DataFrame, model: str = "model", reference: str = "nested", seed: int = 0,
                floor: float = 1e-3, replicates: int = REPLICATES, level: float = LEVEL) -> pd.DataFrame:
    """Rows {origin, subset, log_gain, lo, hi, n, state_lines}: per origin, then `pooled` over origins."""
    pairs = paired_rows(forecasts, model, reference, floor)
    out = []
    groups = [(int(o), g) for o, g in pairs.groupby("origin", sort=True)] + [("pooled", pairs)]
    for origin, g in groups:
        for subset in SUBSETS:
            rows = rows_of(g, subset)
            sums, counts = cluster_sums(rows)
            gain, lo, hi = bootstrap_interval(sums, counts, _rng(seed, origin, subset), replicates, level)
            out.append({"origin": origin, "subset": subset, "log_gain": gain, "lo": lo, "hi": hi,
                        "n": int(len(rows)), "state_lines": int(len(sums))})
    return pd.DataFrame(out, columns=["origin", "subset", "log_gain", "lo", "hi", "n", "state_lines"])


def pointwise_loo(idata, var_name: str = "transitions") -> tuple[np.ndarray, float]:
    """(elpd_i, max Pareto k) of PSIS-LOO on the log likelihood `var_name` (ArviZ 0.x or 1.x)."""
    import warnings

    import arviz as az

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")    # ArviZ warns of high Pareto k; the k is reported instead
        res = az.loo(idata, pointwise=True, var_name=var_name)
    for attr in ("elpd_i", "loo_i"):
        values = getattr(res, attr, None)
        if values is not None:
            k = getattr(res, "pareto_k", None)
            return np.asarray(values, float).ravel(), float(np.max(np.asarray(k, float))) if k is not None else np.nan
    raise TypeError("ArviZ's loo returned no pointwise values (elpd_i or loo_i)")


def elpd_difference(idata_model, idata_reference, var_name: str = "transitions") -> dict:
    """The in-sample PSIS-LOO difference, model minus reference, and its standard error."""
    a, ka = pointwise_loo(idata_model, var_name)
    b, kb = pointwise_loo(idata_reference, var_name)
    if a.shape != b.shape:
        raise ValueError(f"the two fits' log likelihoods cover different observations ({a.size} and {b.size}): "
                         "the ELPD difference needs the same training transitions")
    d = a - b
    return {"elpd_diff": float(d.sum()), "se": float(np.sqrt(d.size * d.var(ddof=1))) if d.size > 1 else float("nan"),
            "n": int(d.size), "elpd_model": float(a.sum()), "elpd_reference": float(b.sum()),
            "pareto_k_max_model": ka, "pareto_k_max_reference": kb}
