"""Scores of categorical forecasts over the ordered levels none < partner < member.

Pure functions on arrays: `p` is (n, 3) forecast probabilities, `y` is (n,)
the observed level (0 none, 1 partner, 2 member). Lower is better for the
log, Brier and ranked probability scores; higher for the accuracies. Proper
scores come from `scoringrules` (Zanetti et al.); every parameter is named.

References
- Good, I. J. (1952). Rational decisions. *JRSS B* 14 — the logarithmic score.
- Brier, G. W. (1950). Verification of forecasts expressed in terms of probability.
  *Monthly Weather Review* 78 — the multi-category form sums over the categories.
- Epstein, E. S. (1969). A scoring system for probability forecasts of ranked
  categories. *J. Applied Meteorology* 8 — the RPS, here unnormalised (0 to K−1 = 2).
- Gneiting, T. & Raftery, A. (2007). Strictly proper scoring rules, prediction,
  and estimation. *JASA* 102.
- Brodersen, K. et al. (2010). The balanced accuracy and its posterior distribution. *ICPR*.
"""

from __future__ import annotations

import numpy as np
import scoringrules as sr

K = 3  # levels: none, partner, member


def onehot(y: np.ndarray, k: int = K) -> np.ndarray:
    """(n,) levels as (n, k) indicators.

    >>> onehot(np.array([0, 2])).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    return (np.asarray(y)[:, None] == np.arange(k)[None, :]).astype(float)


def log_score(p: np.ndarray, y: np.ndarray, floor: float) -> float:
    """Mean negative log probability of the observed level, each probability taken as at least `floor`.

    A Monte Carlo forecast gives probability 0 to a level no run reached, and the
    log score of an event called impossible is infinite; the floor says how much
    a forecaster is punished for that (−log floor at most; stated with every
    result). A forecast that is right with certainty scores 0.

    >>> round(log_score(np.array([[0.5, 0.25, 0.25]]), np.array([0]), floor=1e-3), 4)
    0.6931
    >>> round(log_score(np.array([[1.0, 0.0, 0.0]]), np.array([1]), floor=1e-3), 4)
    6.9078
    """
    p_obs = np.maximum(np.asarray(p, float)[np.arange(len(y)), y], floor)
    return float(np.mean(sr.log_score(np.ones_like(p_obs), p_obs)))


def brier_score(p: np.ndarray, y: np.ndarray) -> float:
    """Mean multi-category Brier score: Σ_k (p_k − 1[y = k])², 0 (perfect) to 2.

    >>> round(brier_score(np.array([[0.5, 0.25, 0.25]]), np.array([0])), 4)
    0.375
    """
    return float(np.mean(np.sum(sr.brier_score(onehot(y, p.shape[-1]), np.asarray(p, float)), axis=-1)))


def ranked_probability_score(p: np.ndarray, y: np.ndarray) -> float:
    """Mean RPS over the ordered levels: Σ_k (F_k − 1[y ≤ k])², 0 to 2 (K − 1).

    >>> round(ranked_probability_score(np.array([[0.5, 0.25, 0.25]]), np.array([2])), 4)
    0.8125
    """
    return float(np.mean(sr.rps_score(onehot(y, p.shape[-1]), np.asarray(p, float), k_axis=-1, onehot=True)))


def accuracy(p: np.ndarray, y: np.ndarray) -> float:
    """Share of rows whose most probable level is the observed one (ties go to the lower level)."""
    return float(np.mean(np.argmax(p, axis=-1) == y))


def balanced_accuracy(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean recall over the classes present in `actual` (Brodersen et al. 2010).

    >>> balanced_accuracy(np.array([0, 0, 0, 2]), np.array([0, 0, 0, 0]))
    0.5
    """
    actual, predicted = np.asarray(actual), np.asarray(predicted)
    classes = np.unique(actual)
    if len(classes) == 0:
        return float("nan")
    return float(np.mean([(predicted[actual == c] == c).mean() for c in classes]))


def balanced_accuracy_3(p: np.ndarray, y: np.ndarray) -> float:
    """Balanced accuracy over the three levels, predicting the most probable level."""
    return balanced_accuracy(y, np.argmax(p, axis=-1))


def balanced_accuracy_2(p: np.ndarray, y: np.ndarray, threshold: float) -> float:
    """Balanced accuracy of member versus not, predicting member where P(member) > `threshold`.

    >>> balanced_accuracy_2(np.array([[0.2, 0.1, 0.7], [0.6, 0.1, 0.3]]), np.array([2, 1]), threshold=0.5)
    1.0
    """
    return balanced_accuracy(np.asarray(y) == 2, np.asarray(p)[:, 2] > threshold)


def skill(score: float, reference: float) -> float:
    """Skill relative to a reference forecast: 1 − score / reference (1 perfect, 0 no better, < 0 worse).

    >>> skill(0.5, 1.0)
    0.5
    """
    if reference == 0:
        return 0.0 if score == 0 else float("-inf")
    return float(1.0 - score / reference)


def score_all(p: np.ndarray, y: np.ndarray, log_floor: float, member_threshold: float) -> dict[str, float]:
    """Every probability and classification score of one set of rows."""
    p, y = np.asarray(p, float), np.asarray(y, int)
    return {
        "n": int(len(y)),
        "log_score": log_score(p, y, floor=log_floor),
        "brier": brier_score(p, y),
        "rps": ranked_probability_score(p, y),
        "accuracy": accuracy(p, y),
        "balanced_accuracy_3": balanced_accuracy_3(p, y),
        "balanced_accuracy_2": balanced_accuracy_2(p, y, threshold=member_threshold),
    }
