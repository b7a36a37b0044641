"""Paired differences of per-run outcomes and their percentile bootstrap intervals.

Two simulations with the same seed and runs share their random numbers run by
run (common random numbers; Glasserman 2004, §4.2), so run r of a scenario and
run r of its baseline form a pair, and the scenario's effect is the mean of the
per-run differences. Each difference comes with the 5th and 95th percentiles of
that mean over bootstrap resamples of the pairs (the percentile bootstrap,
Efron & Tibshirani 1993, ch. 13): the Monte Carlo uncertainty of the difference,
which narrows as runs are added.

Per-run outcomes, not per-run probabilities: the engine keeps each run's
levels, not its choice probabilities, so a run's membership is 0 or 1 and the
5th–95th percentiles of a single run's difference could only be −1, 0 or 1.
Where nothing differs in any run (every year before the first change) the
difference and both ends of its interval are exactly zero.
"""

from __future__ import annotations

import numpy as np

#: bootstrap resamples: enough for the 5th and 95th percentiles to settle to about ±0.1 point
RESAMPLES = 1000
#: the child of the run's SeedSequence the bootstrap draws from; the engine spawns children 0, 1, 2
BOOTSTRAP_KEY = 1000
LOW, HIGH = 5.0, 95.0


def bootstrap_rng(seed: int) -> np.random.Generator:
    """The bootstrap's own stream of the run's seed: the same seed gives the same intervals."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(BOOTSTRAP_KEY,)))


def paired_binary(a: np.ndarray, b: np.ndarray, rng: np.random.Generator, resamples: int = RESAMPLES
                  ) -> dict[str, np.ndarray]:
    """Paired difference of a 0/1 outcome: a, b (R, ...) bool, run r of a paired with run r of b.

    Returns arrays over the trailing axes: `scenario`, `baseline` (shares of runs), `difference`
    (their difference = the mean per-run difference), `gained` (share of pairs 1 in a and 0 in b),
    `lost` (0 in a, 1 in b), and `p05`, `p95`. A pair is gained, lost or the same, so a resample of the
    R pairs is a multinomial draw of those three counts, whatever R is.
    """
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    R = a.shape[0]
    gained = (a & ~b).mean(0)
    lost = (~a & b).mean(0)
    p = np.stack([gained, lost, np.clip(1.0 - gained - lost, 0.0, 1.0)], -1).reshape(-1, 3)
    lo = np.zeros(len(p))
    hi = np.zeros(len(p))
    moved = (p[:, 0] > 0) | (p[:, 1] > 0)          # cells where nothing moved stay exactly 0
    if moved.any():
        q = p[moved] / p[moved].sum(1, keepdims=True)
        counts = rng.multinomial(R, q, size=(resamples, len(q)))        # (B, n, 3)
        means = (counts[..., 0] - counts[..., 1]) / R
        lo[moved], hi[moved] = np.percentile(means, [LOW, HIGH], axis=0)
    shape = gained.shape
    return {"scenario": a.mean(0), "baseline": b.mean(0), "difference": gained - lost, "gained": gained,
            "lost": lost, "p05": lo.reshape(shape), "p95": hi.reshape(shape)}


def paired_continuous(a: np.ndarray, b: np.ndarray, rng: np.random.Generator, resamples: int = RESAMPLES,
                      block: int = 100) -> dict[str, np.ndarray]:
    """Paired difference of a continuous outcome: a, b (R, ...) float, NaN where undefined in a run.

    A pair counts where both are defined. `scenario` and `baseline` are the means over those pairs,
    `difference` their mean per-run difference, `p05`/`p95` its percentiles over bootstrap resamples of
    the pairs (each resample a multinomial count of every run; drawn `block` resamples at a time so
    20,000 runs never need a resamples × runs array of more than a few MB).
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    R = a.shape[0]
    shape = a.shape[1:]
    a2, b2 = a.reshape(R, -1), b.reshape(R, -1)
    ok = ~(np.isnan(a2) | np.isnan(b2))
    d = np.where(ok, a2 - b2, 0.0)
    n = ok.sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = np.where(n > 0, d.sum(0) / n, np.nan)
        sa = np.where(n > 0, np.where(ok, a2, 0.0).sum(0) / n, np.nan)
        sb = np.where(n > 0, np.where(ok, b2, 0.0).sum(0) / n, np.nan)
    lo = np.where(n > 0, 0.0, np.nan)
    hi = lo.copy()
    moved = np.any(d != 0, axis=0)
    if moved.any():
        dm, okm = d[:, moved], ok[:, moved].astype(float)
        means = np.empty((resamples, int(moved.sum())))
        uniform = np.full(R, 1.0 / R)
        for s in range(0, resamples, block):
            k = min(block, resamples - s)
            c = rng.multinomial(R, uniform, size=k).astype(float)          # (k, R) times each run is drawn
            with np.errstate(invalid="ignore", divide="ignore"):
                means[s:s + k] = (c @ dm) / (c @ okm)
        lo[moved], hi[moved] = np.nanpercentile(means, [LOW, HIGH], axis=0)
    return {"scenario": sa.reshape(shape), "baseline": sb.reshape(shape), "difference": diff.reshape(shape),
            "p05": lo.reshape(shape), "p95": hi.reshape(shape)}


def share_interval(a: np.ndarray, rng: np.random.Generator, resamples: int = RESAMPLES
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(share, p05, p95) of a 0/1 outcome a (R, ...) over runs: the share of runs, and its 5th and 95th
    percentiles over bootstrap resamples of the runs (a resample's count is Binomial(R, share))."""
    a = np.asarray(a, bool)
    R = a.shape[0]
    share = a.mean(0)
    counts = rng.binomial(R, np.broadcast_to(share, (resamples, *share.shape)))
    lo, hi = np.percentile(counts / R, [LOW, HIGH], axis=0)
    return share, lo, hi
