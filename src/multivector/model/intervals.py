"""Intervals over the posterior: what the fitted model leaves open about a probability or an effect.

Every run of a simulation takes one posterior draw of the weights and intercepts, and
consecutive blocks of `posterior.RUNS_PER_DRAW` runs share a draw. A run's probability
of a status in a year (its own transition probability, given its path) averaged over
its block estimates that status's probability under the block's draw; the 5th and
95th percentiles of those block means over the draws are a 90% interval of the
probability (Gelman et al. 2013, *Bayesian Data Analysis*, §1.9: summaries of
posterior simulations). A scenario's effect is read the same way from the paired
runs (the same seed, so run r of the scenario and of its baseline share their draw
and their random numbers; Glasserman 2004, §4.2): the per-run differences, averaged
within blocks, then their percentiles. Where nothing differs in any run (every year
before the first change) the effect and both ends of its interval are exactly zero.

With fixed weights (no posterior) the blocks differ by their random numbers alone,
and the interval is only the Monte Carlo spread of a block's mean; outputs say so.
"""

from __future__ import annotations

import warnings

import numpy as np

from .posterior import RUNS_PER_DRAW

LOW, HIGH = 5.0, 95.0


def block_means(values: np.ndarray, block: int = RUNS_PER_DRAW) -> np.ndarray:
    """(D, ...) the mean of each block of `block` consecutive runs of values (R, ...), NaN ignored (a last
    block may be shorter; a block with no defined value is NaN)."""
    v = np.asarray(values, float)
    starts = np.arange(0, v.shape[0], block)
    ok = ~np.isnan(v)
    total = np.add.reduceat(np.where(ok, v, 0.0), starts, axis=0)
    count = np.add.reduceat(ok.astype(float), starts, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def interval(values: np.ndarray, block: int = RUNS_PER_DRAW) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, p05, p95) over the trailing axes of per-run values (R, ...): the mean over the runs, and the
    5th and 95th percentiles of the block means (NaN where no run defines the value).

    >>> runs = np.repeat([0.2, 0.4, 0.6, 0.8], 10)[:, None]     # four draws, ten runs each
    >>> tuple(round(float(a[0]), 2) for a in interval(runs))
    (0.5, 0.23, 0.77)
    """
    v = np.asarray(values, float)
    b = block_means(v, block)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # all-NaN cells: NaN is the answer
        mean = np.nanmean(v, axis=0)
        lo, hi = np.nanpercentile(b, [LOW, HIGH], axis=0)
    return mean, lo, hi


def describe(posterior_used: bool, runs: int, block: int = RUNS_PER_DRAW) -> str:
    """What an interval of these runs is, in one sentence for outputs."""
    draws = -(-runs // block)
    if posterior_used:
        return (f"90% interval over the posterior: 5th–95th percentiles over {draws:,} posterior draws "
                f"({block} runs each) of the per-run probabilities")
    return (f"fixed weights: 5th–95th percentiles over {draws:,} blocks of {block} runs, the Monte Carlo "
            "spread only")
