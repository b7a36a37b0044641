"""Compromise model: the capability × salience weighted mean of positions.

Reference: van den Bos (1991), *Dutch EC Policy Making*; Achen (2006),
"Evaluating political decision-making models", in Thomson, Stokman, Achen &
König (eds.), *The European Union Decides*, Cambridge UP, pp. 264–298. The
"compromise model" predicts, per dimension ``d``::

    x̂_d = Σ_i c_i s_id x_id / Σ_i c_i s_id

with capability ``c`` and salience ``s``. Achen finds it hard to beat on the
DEU data; on ``deu3_dev.tsv`` it scores MAE ≈ 23.7.
"""

from __future__ import annotations

import numpy as np

from .problem import NegotiationProblem, Prediction

NAME = "compromise"


def weighted_mean(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Column-wise weighted mean; falls back to the plain mean where weights sum to 0.

    ``position`` and ``weight`` have shape (n, m) (or (n,)); returns shape (m,).
    """
    x = np.asarray(position, dtype=float)
    w = np.asarray(weight, dtype=float)
    if x.ndim == 1:
        x, w = x[:, None], w[:, None]
    total = w.sum(axis=0)
    safe = np.where(total > 0, total, 1.0)
    mean = (w * x).sum(axis=0) / safe
    return np.where(total > 0, mean, x.mean(axis=0))


def predict(problem: NegotiationProblem) -> Prediction:
    """Forecast the weighted mean of positions (weights ``capability × salience``)."""
    return Prediction(NAME, weighted_mean(problem.position, problem.weights))
