"""The exact log-likelihood of the design (design.py) under parameter values, in NumPy.

The same expressions (transition.py) the estimator evaluates in JAX; used for the
pointwise log-likelihood the ELPD-LOO comparison needs (one value per training
transition and posterior draw) and by the tests that check the two agree.
"""

from __future__ import annotations

import numpy as np

from .design import STANCE_WEIGHTS, Design
from .terms import THEORY, WEIGHT
from .transition import DOWN, log_probabilities, logits


def transition_log_likelihood(design: Design, alpha: np.ndarray, tau: np.ndarray,
                              weights: np.ndarray) -> np.ndarray:
    """(D, N) log P(recorded level) of every training transition under D parameter draws.

    alpha: (D, len(design.lines), 4, 3); tau: (D,); weights: (D, M) in terms.THEORY order.
    """
    D = len(tau)
    a = alpha[:, design.line, design.from_level]                                       # (D, N, 3)
    util = np.einsum("nkm,dm->dnk", design.terms, weights)
    z = logits(a, np.asarray(tau)[:, None], design.memory[None], DOWN[design.from_level][None], util,
               design.allowed[None])
    lp = log_probabilities(z)
    return np.take_along_axis(lp, np.broadcast_to(design.level[None, :, None], (D, design.n, 1)), -1)[..., 0]


def stance_log_likelihood(design: Design, values: dict[str, np.ndarray]) -> np.ndarray:
    """(D, N_s) log P(recorded stance) under D draws of the weights named in design.STANCE_WEIGHTS."""
    W = np.stack([np.asarray(values[c], float) for c in STANCE_WEIGHTS], axis=1)         # (D, C)
    util = np.einsum("nkc,dc->dnk", design.stance_terms, W)
    lp = log_probabilities(util)
    D = W.shape[0]
    return np.take_along_axis(lp, np.broadcast_to(design.stance[None, :, None], (D, len(design.stance), 1)),
                              -1)[..., 0]


def theory_matrix(values: dict[str, np.ndarray], D: int) -> np.ndarray:
    """(D, M) the theory weights in terms.THEORY order (0 for a weight not given: the nested reference)."""
    return np.stack([np.broadcast_to(np.asarray(values.get(WEIGHT[m], 0.0), float), (D,)) for m in THEORY], axis=1)
