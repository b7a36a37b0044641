"""The transition model: the probability of each level this year given last year's.

    P(status_t = k | status_t−1 = j, tenure, x_t)  ∝  exp( α[line, j, k]
                                                          − τ · g(tenure) · [k < j]
                                                          + Σ_m w_m · ΔU_m(k) )

over the levels k open to the state (entry rules, tiers). `α` are the baseline
transition intercepts of each line and from-level: with every theory weight
w_m = 0 the model *is* a per-line Markov chain with a memory of ties (the
nested reference), so what the theory adds is a measured difference. The
from-levels are none, partner, member and **first**: a body's first year open to
a state, a choice without a status quo (McFadden 1974 for the conditional
logit; a Markov chain of statuses with a duration term: Box-Steffensmeier &
Jones 2004, ch. 7). Staying is the reference of each from-level
(α[l, j, j] = 0) and none the reference of a first choice (α[l, first, none] = 0),
so each line has eight free intercepts.

The functions take the array module as `xp` (NumPy by default), so the
estimator evaluates exactly these expressions in JAX.
"""

from __future__ import annotations

import numpy as np

FROM_LEVELS = ("none", "partner", "member", "first")
FIRST = 3
K = 3
# the eight free intercepts of a line, as (from-level, to-level); the rest are 0 by identification
FREE = tuple((f, k) for f in range(4) for k in range(K) if (k != f if f < FIRST else k != 0))
# [k < j]: stepping down from a held status (never for a first choice)
DOWN = np.array([[k < f and f < FIRST for k in range(K)] for f in range(4)], float)
ALPHA_NAMES = tuple(f"{FROM_LEVELS[f]}>{('none', 'partner', 'member')[k]}" for f, k in FREE)


def alpha_full(free, xp=np):
    """(..., 4, 3) intercepts from the (..., 8) free ones (zeros where fixed by identification)."""
    free = xp.asarray(free)
    idx = np.array([f * K + k for f, k in FREE])
    flat = xp.zeros(free.shape[:-1] + (4 * K,), dtype=free.dtype)
    if xp is np:
        flat[..., idx] = free
    else:
        flat = flat.at[..., idx].set(free)
    return flat.reshape(free.shape[:-1] + (4, K))


def from_levels(prev: np.ndarray, fresh: np.ndarray) -> np.ndarray:
    """The from-level of every cell: last year's level, or FIRST where there is no status quo."""
    return np.where(fresh, FIRST, prev).astype(np.int8)


def logits(alpha_jk, tau, memory, down, utility, allowed, xp=np):
    """The transition logits (..., K), −inf where a level is not open.

    alpha_jk: (..., K) intercepts of each cell's line and from-level; tau: the tenure weight
    (broadcastable to the cells); memory: g(tenure) of each cell; down: (..., K) [k < j];
    utility: (..., K) Σ_m w_m ΔU_m(k); allowed: (..., K) bool.
    """
    z = alpha_jk - (tau * memory)[..., None] * down + utility
    return xp.where(allowed, z, -xp.inf)


def probabilities(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis of logits z (..., 3) (level 0 is always open, so no row is all −inf)."""
    m = np.maximum(np.maximum(z[..., 0], z[..., 1]), z[..., 2])[..., None]
    e = np.exp(z - m)
    return e / (e[..., 0] + e[..., 1] + e[..., 2])[..., None]


def log_probabilities(z, xp=np):
    """log softmax over the last axis (−inf stays −inf)."""
    m = xp.max(z, axis=-1, keepdims=True)
    return z - m - xp.log(xp.sum(xp.exp(z - m), axis=-1, keepdims=True))
