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

import math

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


#: Salience (0–100) from which a member counts as a veto player under unanimity and consensus: a member
#: that cares little about an issue does not block it (the threshold of the stubborn model's veto term).
VETO_SALIENCE = 50.0
VETO_RULES = ("unanimity", "consensus")


def veto_players(problem, dimension: int = 0, veto_salience: float = VETO_SALIENCE) -> np.ndarray:
    """Which actors can block a move from the status quo on one dimension (bool, one per actor).

    Members with salience ≥ ``veto_salience``; agenda setters propose rather than vote (the
    Commission in the Council); in DEU data the Parliament votes only under co-decision.
    """
    setters = np.array([a in problem.agenda_setters for a in problem.actors])
    salient = problem.salience[:, dimension] >= veto_salience
    vp = salient & ~setters
    if problem.meta.get("kind") == "deu" and str(problem.meta.get("proc", "")).upper() == "CNS":
        vp &= np.array([a != "ep" for a in problem.actors])
    return vp


def rule_applies(problem) -> str | None:
    """Why the veto term cannot change this problem's forecast, or None when it can."""
    if problem.decision_rule not in VETO_RULES:
        return (f"under {problem.decision_rule} no single member can block, so the veto term does nothing "
                "(use --rule unanimity or consensus to give every salient member a veto)")
    if problem.status_quo is None:
        return "the input has no status quo, and a veto is defined relative to it: the rule changes nothing"
    return None


def honour_veto(values: np.ndarray, problem, pull: float = 1.0) -> np.ndarray:
    """A forecast per dimension moved ``pull`` of the way into the veto players' core.

    Under unanimity or consensus every veto player (:func:`veto_players`) accepts only outcomes at
    least as close to its position as the status quo (Tsebelis 2002); other rules, or a problem
    without a status quo, leave the forecast as it is.
    """
    values = np.asarray(values, float).copy()
    if rule_applies(problem) is not None:
        return values
    for d in range(values.size):
        lo, hi = veto_core(problem.position[:, d], veto_players(problem, d), np.asarray(problem.status_quo[d]))
        values[d] += pull * (float(np.clip(values[d], lo, hi)) - values[d])
    return values


def veto_holders(problem, forecast: float, dimension: int = 0) -> tuple[str, ...]:
    """The veto players whose veto alone holds a forecast (before the veto) at the status quo on one dimension.

    A veto player at the status quo, or on its far side from the forecast, prefers the status quo to any
    step toward the forecast, so under unanimity or consensus it blocks every such step (Tsebelis 2002).
    Empty when the rule gives no veto, the problem has no status quo, or the forecast is the status quo.

    >>> from multivector.negotiation import NegotiationProblem
    >>> p = NegotiationProblem(("A", "B", "C"), [1, 1, 1], [[100], [0], [60]], [[90], [80], [30]],
    ...                        decision_rule="consensus", status_quo=[0])
    >>> veto_holders(p, 55.0)
    ('B',)
    """
    if rule_applies(problem) is not None:
        return ()
    q = float(problem.status_quo[dimension])
    if math.isclose(float(forecast), q, abs_tol=1e-9):
        return ()
    x = problem.position[:, dimension]
    holds = veto_players(problem, dimension) & ((x - q) * np.sign(float(forecast) - q) <= 0)
    return tuple(a for a, h in zip(problem.actors, holds, strict=True) if h)
