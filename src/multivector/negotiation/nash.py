"""Nash bargaining solution with the status quo as the disagreement point.

The form used on the DEU data (Achen 2006, "Institutional realism and
bargaining models", in Thomson, Stokman, Achen & König (eds.), *The European
Union Decides*, Cambridge UP; Nash 1950, "The bargaining problem",
*Econometrica* 18(2); the asymmetric form with bargaining weights: Kalai 1977,
Roth 1979). Actor i has quadratic-loss utility ``u_i(x) = −(x − x_i)²`` and
bargaining weight ``w_i = c_i s_i`` (capability × salience). With the status
quo ``q`` as the disagreement point the gain of an agreement ``x`` is::

    g_i(x) = u_i(x) − u_i(q) = (q − x_i)² − (x − x_i)²

and the forecast is the agreement that maximises the weighted sum of log gains
over the agreements every bargaining actor prefers to the status quo::

    x̂ = argmax_x  Σ_i w_i log g_i(x)    subject to  g_i(x) > 0 for every i

Per dimension, as Achen does (the DEU issues are one-dimensional). Choices
that the formula leaves open, fixed here in advance:

* An actor that gains nothing from any agreement (its position is the status
  quo, ``x_i = q``) or has weight 0 is left out of the sum: with it the product
  is 0 everywhere. It is not a veto player here; the decision rule (the veto
  core of :mod:`.rules`) is applied separately when rule terms are on.
* Actors on both sides of ``q`` share no agreement they all prefer: the
  bargaining set is empty and the forecast is the status quo.
* Without a known status quo the disagreement point is each actor's worst
  outcome on the scale (an end of it), so every interior agreement is a gain.

On one dimension the objective is strictly concave on the bargaining interval,
so its derivative ``Σ_i w_i (x_i − x)/g_i(x)`` falls through zero once; the
root is found by bisection, vectorised over rows.
"""

from __future__ import annotations

import numpy as np

from .problem import NegotiationProblem, Prediction

NAME = "nash"
_BISECTIONS = 80


def nash_bargaining(position: np.ndarray, weight: np.ndarray, disagreement: np.ndarray) -> np.ndarray:
    """The weighted Nash bargaining point of each row.

    ``position`` and ``weight`` have shape (R, n) (actors on the last axis);
    ``disagreement`` (R,) is the status quo of each row. Returns (R,).

    Two actors at 60 and 100 with equal weight and q = 0: the first-order
    condition ``x² − 240x + 12000 = 0`` gives ``x = 120 − √2400``:

    >>> float(nash_bargaining(np.array([[60.0, 100.0]]), np.array([[1.0, 1.0]]), np.array([0.0]))[0])
    71.0102051443...
    """
    x = np.asarray(position, float)
    w = np.asarray(weight, float)
    q = np.asarray(disagreement, float)[:, None]
    bargains = (w > 0) & (x != q)
    up = bargains & (x > q)
    down = bargains & (x < q)
    # the agreements i prefers to q form the open interval between q and 2x_i − q
    hi = np.where(up, 2 * x - q, np.inf).min(axis=1)
    lo = np.where(down, 2 * x - q, -np.inf).max(axis=1)
    q1 = q[:, 0]
    any_up, any_down = up.any(axis=1), down.any(axis=1)
    lo = np.where(any_up & ~any_down, q1, lo)
    hi = np.where(any_down & ~any_up, q1, hi)
    feasible = bargains.any(axis=1) & ~(any_up & any_down)
    a = np.where(feasible, lo, q1)
    b = np.where(feasible, hi, q1)
    wb = np.where(bargains, w, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(_BISECTIONS):
            a, b = _bisect(a, b, x, q, wb, bargains)
    return np.where(feasible, 0.5 * (a + b), q1)


def _bisect(a, b, x, q, wb, bargains):
    """One bisection step on the sign of the objective's derivative."""
    mid = 0.5 * (a + b)
    gain = (q - x) ** 2 - (mid[:, None] - x) ** 2
    slope = np.where(bargains, wb * (x - mid[:, None]) / np.where(bargains, gain, 1.0), 0.0).sum(axis=1)
    return np.where(slope > 0, mid, a), np.where(slope > 0, b, mid)


def predict(problem: NegotiationProblem) -> Prediction:
    """Forecast the Nash bargaining point on every dimension (status quo or worst point as disagreement)."""
    lo, hi = problem.position_range()
    x = problem.position.T  # (m, n)
    w = problem.weights.T
    if problem.status_quo is not None:
        values = nash_bargaining(x, w, problem.status_quo)
        return Prediction(NAME, values, details={"disagreement": "status quo"})
    # no status quo: each actor's worst outcome is the far end of the scale; solve with a
    # virtual disagreement by maximising Σ w log(D_i − (x − x_i)²) directly on [lo, hi]
    values = np.array([_worst_point_nash(x[d], w[d], lo, hi) for d in range(x.shape[0])])
    return Prediction(NAME, values, details={"disagreement": "worst outcome on the scale"})


def _worst_point_nash(x: np.ndarray, w: np.ndarray, lo: float, hi: float) -> float:
    """Maximise Σ_i w_i log(D_i − (y − x_i)²), D_i the squared distance to i's far end of the scale."""
    keep = w > 0
    if not keep.any():
        return float(x.mean())
    x, w = x[keep], w[keep]
    far = np.maximum(x - lo, hi - x) ** 2
    a, b = float(lo), float(hi)
    for _ in range(_BISECTIONS):
        mid = 0.5 * (a + b)
        gain = np.maximum(far - (mid - x) ** 2, 1e-300)
        with np.errstate(over="ignore", invalid="ignore"):   # an actor at its far end: ±inf is the slope's sign
            slope = float(np.sum(w * (x - mid) / gain))
        if slope > 0:
            a = mid
        else:
            b = mid
    return 0.5 * (a + b)
