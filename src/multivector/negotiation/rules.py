"""Decision rules as pure functions on arrays: what a compromise can be under consensus.

`consensus_compromise` is the compromise model (capability × salience weighted
mean of positions; van den Bos 1991, Achen 2006) constrained by the decision
rule: under consensus (unanimity) every veto player accepts only outcomes at
least as close to its position as the status quo q, so the outcome must lie in
∩_i {x : |x − x_i| ≤ |q − x_i|} (Steunenberg 1994, "Decision making under
different institutional arrangements", *JITE* 150; Tsebelis 2002, *Veto
Players*). The compromise is pulled the share `pull` of the way into that
interval (1: all the way). Any leading shape broadcasts: the last axis is the
actors.
"""

from __future__ import annotations

import numpy as np


def veto_core(position: np.ndarray, veto: np.ndarray, status_quo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi) of the outcomes every veto player prefers to the status quo (±inf where no veto player).

    >>> lo, hi = veto_core(np.array([0.0, 1.0]), np.array([True, True]), np.array(0.5))
    >>> float(lo), float(hi)
    (0.5, 0.5)
    """
    q = np.asarray(status_quo, float)[..., None]
    x = np.asarray(position, float)
    lo = np.where(veto, np.minimum(2 * x - q, q), -np.inf).max(axis=-1)
    hi = np.where(veto, np.maximum(2 * x - q, q), np.inf).min(axis=-1)
    return lo, hi


def consensus_compromise(position: np.ndarray, weight: np.ndarray, veto: np.ndarray, status_quo: np.ndarray,
                         pull: float = 1.0) -> np.ndarray:
    """The weighted mean of positions, moved `pull` of the way into the veto players' core.

    One member that prefers less than the status quo blocks any step beyond it:

    >>> float(consensus_compromise(np.array([1.0, 1.0, 0.0]), np.array([2.0, 1.0, 1.0]),
    ...                            np.array([True, True, True]), np.array(0.4)))
    0.4
    >>> float(consensus_compromise(np.array([1.0, 0.4]), np.array([1.0, 1.0]),
    ...                            np.array([True, False]), np.array(0.4)))
    0.7
    """
    w = np.asarray(weight, float)
    x = np.asarray(position, float)
    total = w.sum(axis=-1)
    mu = np.where(total > 0, (w * x).sum(axis=-1) / np.where(total > 0, total, 1.0), status_quo)
    lo, hi = veto_core(x, veto, status_quo)
    core = np.clip(mu, lo, hi)
    return mu + pull * (core - mu)
