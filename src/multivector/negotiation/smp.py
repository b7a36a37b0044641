"""Spatial model of politics in the style of KTAB's SMP.

References:
    Wise, B. P., Lester, L. R., Efird, B. et al. (2015–2017). *KAPSARC Toolkit
    for Behavioral Analysis (KTAB)*: the Spatial Model of Politics ("SMP") and
    its documentation "KTAB: Spatial Model of Politics"; source
    https://github.com/KTAB/KTAB (``kmodel.cpp``: ``Model::vote``,
    ``Model::vProb``, ``Model::condPCE``, ``Model::markovUniformPCE``,
    ``Model::markovIncentivePCE``; ``smp.cpp``: ``bvDiff``, ``bsUtil``).
    Efird, B., Wise, B. P. et al. (2016). "Markov Voting with Incentives in KTAB".

Every actor's position is an *option*; identical positions are merged. Each round:

1. Salience-weighted distance of actor i to option j (positions scaled to 0–1):
   ``d_ij = sqrt(Σ_k (s_ik (x_ik − y_jk))² / Σ_k s_ik²)``; utility
   ``u_ij = (1 − d_ij)(1 + d_ij R_i)`` with risk attitude ``R_i ∈ [−1, 1]``
   (0 = neutral; option ``risk``).
2. Votes of actor k between options i and j, weight ``w_k = c_k Σ_d s_kd/100``
   (KTAB's "effective power"; option ``weight``): ``v_k(i:j) = w_k f(u_ki − u_kj)``
   with the voting rule ``f`` (option ``voting``): proportional ``Δ``, binary
   ``sign(Δ)``, propbin ``0.8Δ + 0.2 sign(Δ)``, cubic ``Δ³``, propcbc
   ``(Δ + Δ³)/2``, asymprosp (gains count ⅔).
3. Coalition strength ``C_ij = Σ_k max(v_k(i:j), 0)``; victory probability
   ``P_ij = g(C_ij) / (g(C_ij) + g(C_ji))`` with ``g`` the victory-probability
   model (option ``victory``): linear ``C``, square ``C²``, quartic ``C⁴``,
   octic ``C⁸``, or binary (a 10% advantage wins for sure, linear in between).
4. Probabilistic Condorcet election (option ``pce``): ``conditional`` (π_i ∝
   Π_j P_ij), ``markov_uniform`` or ``markov_incentive`` (Markov chains of
   challenges, uniform or proportional to the incentive ``C_ij P_ij``).
5. Expected outcome ``μ = Σ_j π_j y_j``; actors then move toward it,
   ``x_ik ← x_ik + a (1 − s_ik/100)(μ_k − x_ik)`` (rate ``a = adjust``; salient
   actors hold firm, option ``firmness``). This replaces KTAB's pairwise
   bargaining search with its simplest fixed point.

Rounds stop when no position moves more than ``tol`` (share of the scale) or at
``max_rounds``. The forecast is the final expected outcome (or the most
probable option, ``forecast="mode"``). Deterministic: no random numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .problem import NegotiationProblem, Prediction, check_size

NAME = "smp"

VOTING_RULES = ("proportional", "binary", "propbin", "cubic", "propcbc", "asymprosp")
VICTORY_MODELS = ("linear", "square", "quartic", "octic", "binary")
PCE_MODELS = ("conditional", "markov_uniform", "markov_incentive")


@dataclass(frozen=True)
class SMPOptions:
    """KTAB-style options (names follow KTAB's enums, in lower case)."""

    voting: Literal["proportional", "binary", "propbin", "cubic", "propcbc", "asymprosp"] = (
        "proportional"
    )
    victory: Literal["linear", "square", "quartic", "octic", "binary"] = "linear"
    pce: Literal["conditional", "markov_uniform", "markov_incentive"] = "conditional"
    risk: Literal["neutral", "probability"] = "neutral"
    big_r_range: Literal["min", "mid", "max"] = "mid"
    weight: Literal["cap_sal", "cap"] = "cap_sal"
    firmness: Literal["salience", "none"] = "salience"
    adjust: float = 0.5
    max_rounds: int = 100
    min_rounds: int = 1
    tol: float = 1e-4
    forecast: Literal["expected", "mode"] = "expected"

    def __post_init__(self) -> None:
        checks = {
            "voting": VOTING_RULES,
            "victory": VICTORY_MODELS,
            "pce": PCE_MODELS,
            "risk": ("neutral", "probability"),
            "big_r_range": ("min", "mid", "max"),
            "weight": ("cap_sal", "cap"),
            "firmness": ("salience", "none"),
            "forecast": ("expected", "mode"),
        }
        for name, allowed in checks.items():
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"SMPOptions.{name} must be one of {allowed}, got {getattr(self, name)!r}"
                )
        if not 0.0 <= self.adjust <= 1.0:
            raise ValueError("SMPOptions.adjust must lie in [0, 1]")


# ---------------------------------------------------------------- KTAB primitives
def vote(rule: str, w: np.ndarray, du: np.ndarray) -> np.ndarray:
    """KTAB ``Model::vote``: weight × response to a utility difference (broadcasting)."""
    if rule == "proportional":
        r = du
    elif rule == "binary":
        r = np.clip(du / 1e-8, -1.0, 1.0)
    elif rule == "propbin":
        r = 0.8 * du + 0.2 * np.clip(du / 1e-8, -1.0, 1.0)
    elif rule == "cubic":
        r = du**3
    elif rule == "propcbc":
        r = 0.5 * du + 0.5 * du**3
    elif rule == "asymprosp":
        r = np.where(du > 0, 2.0 * du / 3.0, du)
    else:
        raise ValueError(f"unknown voting rule {rule!r}")
    return w * r


def victory_probability(model: str, c: np.ndarray) -> np.ndarray:
    """KTAB ``Model::vProb``: P[i, j] from coalition strengths C (P + Pᵀ = 1, diagonal ½)."""
    ct = c.T
    if model == "binary":
        thresh = 1.10
        with np.errstate(invalid="ignore", divide="ignore"):
            r12 = c / (c + ct)
        mid = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        p = np.where(c >= thresh * ct, 1.0, np.where(ct >= thresh * c, 0.0, mid))
    else:
        power = {"linear": 1, "square": 2, "quartic": 4, "octic": 8}[model]
        scale = max(float(c.max()), 1e-300)
        a, b = (c / scale) ** power, (ct / scale) ** power
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(a + b > 0, a / np.where(a + b > 0, a + b, 1.0), 0.5)
    np.fill_diagonal(p, 0.5)
    return p


def coalitions(rule: str, w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """C[i, j] = 1e-8 + Σ_k max(v_k(i:j), 0); ``u`` is (actors, options)."""
    # summed over voters k in blocks, so memory is O(block × options²), not O(actors × options²)
    n = u.shape[1]
    c = np.full((n, n), 1e-8)
    for lo in range(0, u.shape[0], _block(n)):
        uk = u[lo:lo + _block(n)]
        du = uk[:, :, None] - uk[:, None, :]  # du[k, i, j] = u_ki - u_kj
        c += np.clip(vote(rule, w[lo:lo + _block(n), None, None], du), 0.0, None).sum(axis=0)
    np.fill_diagonal(c, 1e-8)
    return c


def _block(n: int, budget: int = 2**22) -> int:
    """Voters per block: about `budget` numbers (32 MiB) per (block, n, n) array."""
    return max(1, budget // max(n * n, 1))


def pce(model: str, p: np.ndarray, c: np.ndarray | None = None, tol: float = 1e-10) -> np.ndarray:
    """Probabilistic Condorcet election: the probability that each option wins."""
    n = p.shape[0]
    if n == 1:
        return np.ones(1)
    if model == "conditional":
        logp = np.log(np.clip(p, 1e-300, None)).sum(axis=1)
        q = np.exp(logp - logp.max())
        return q / q.sum()
    if model == "markov_uniform":
        # q_i = Σ_j P_ij (p_i + p_j) / n, i.e. q = M p with M column-stochastic
        m = (np.diag(p.sum(axis=1)) + p) / n
    elif model == "markov_incentive":
        if c is None:
            raise ValueError("markov_incentive needs the coalition matrix")
        inc = c * p + np.eye(n) * 1e-10
        chlg = inc / inc.sum(axis=0, keepdims=True)  # chlg[i, j] = P[i challenges j]
        # q_i = Σ_j P_ij (p_i chlg_ji + p_j chlg_ij)
        m = np.diag((p * chlg.T).sum(axis=1)) + p * chlg
    else:
        raise ValueError(f"unknown PCE model {model!r}")
    return _stationary(m, tol)


def _stationary(m: np.ndarray, tol: float) -> np.ndarray:
    """Fixed point p = M p, Σ p = 1 of a column-stochastic M (KTAB iterates; we solve)."""
    n = m.shape[0]
    a = m - np.eye(n)
    a[-1, :] = 1.0
    b = np.zeros(n)
    b[-1] = 1.0
    try:
        prob = np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        prob = np.full(n, 1.0 / n)
    if (
        not np.all(np.isfinite(prob))
        or np.any(prob < -1e-9)
        or np.max(np.abs(m @ prob - prob)) > 1e-8
    ):
        prob = np.full(n, 1.0 / n)  # reducible chain: fall back to KTAB's damped iteration
        for _ in range(100_000):
            new = 0.5 * (prob + m @ prob)
            if np.max(np.abs(new - prob)) < tol:
                prob = new
                break
            prob = new
    prob = np.clip(prob, 0.0, None)
    return prob / prob.sum()


def big_r_from_prob(p: np.ndarray, how: str = "mid") -> np.ndarray:
    """KTAB ``Model::bigRfromProb``: risk attitudes in [−1, 1] from win probabilities."""
    lo, hi = float(p.min()), float(p.max())
    if hi - lo <= 1e-12:
        return np.zeros_like(p)
    if how == "min":
        return (p - lo) / (hi - lo)
    if how == "max":
        return (2 * p - (hi + lo)) / (hi - lo)
    return (3 * p - (hi + 2 * lo)) / (2 * (hi - lo))


def salience_distance(x: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """KTAB ``bvDiff``: d[i, j] between actor i (x_i, s_i) and option y_j; shapes (n,m),(n,m),(o,m)."""
    num = ((s[:, None, :] * (x[:, None, :] - y[None, :, :])) ** 2).sum(axis=2)
    den = (s**2).sum(axis=1)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(den > 0, np.sqrt(num / np.where(den > 0, den, 1.0)), 0.0)
    return d


def utility(d: np.ndarray, big_r: np.ndarray) -> np.ndarray:
    """KTAB ``bsUtil``: (1 − d)(1 + d R)."""
    return (1.0 - d) * (1.0 + np.minimum(d, 1.0) * big_r[:, None])


# ---------------------------------------------------------------- one election
def election(
    x: np.ndarray, s: np.ndarray, w: np.ndarray, options: SMPOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One probabilistic Condorcet election among the actors' (unique) positions.

    ``x`` positions on 0–1 (n, m), ``s`` saliences on 0–1, ``w`` vote weights.
    Returns (options (o, m), option probabilities (o,), option index per actor (n,)).
    """
    opts, inv = np.unique(np.round(x, 9), axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    d = salience_distance(x, s, opts)

    def solve(big_r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        u = utility(d, big_r)
        c = coalitions(options.voting, w, u)
        p = victory_probability(options.victory, c)
        return pce(options.pce, p, c), c

    big_r = np.zeros(x.shape[0])
    probs, _ = solve(big_r)
    if options.risk == "probability" and opts.shape[0] > 1:
        big_r = big_r_from_prob(probs[inv], options.big_r_range)
        probs, _ = solve(big_r)
    return opts, probs, inv


def run_smp(
    x: np.ndarray, s: np.ndarray, w: np.ndarray, options: SMPOptions | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Rounds on 0–1 positions; returns (positions (T+1, n, m), expected outcomes (T+1, m))."""
    options = options or SMPOptions()
    x = np.asarray(x, dtype=float).copy()
    history, outcomes = [x.copy()], []
    firm = s if options.firmness == "salience" else np.zeros_like(s)
    for t in range(options.max_rounds + 1):
        opts, probs, _ = election(x, s, w, options)
        mu = probs @ opts if options.forecast == "expected" else opts[int(np.argmax(probs))]
        outcomes.append(mu)
        if t == options.max_rounds:
            break
        new = x + options.adjust * (1.0 - firm) * (mu[None, :] - x)
        step = float(np.max(np.abs(new - x)))
        x = new
        history.append(x.copy())
        if step < options.tol and t + 1 >= options.min_rounds:
            opts, probs, _ = election(x, s, w, options)
            outcomes.append(
                probs @ opts if options.forecast == "expected" else opts[int(np.argmax(probs))]
            )
            break
    return np.array(history), np.array(outcomes)


def predict(problem: NegotiationProblem, options: SMPOptions | None = None) -> Prediction:
    """Run the SMP on the problem (all dimensions at once) and forecast the final expected outcome."""
    options = options or SMPOptions()
    check_size(len(problem.actors), "smp", problem.n_dims)
    lo, hi = problem.position_range()
    width = hi - lo
    x = (problem.position - lo) / width
    s = problem.salience / 100.0
    overall = np.clip(s.sum(axis=1), 0.0, 1.0) if s.shape[1] > 1 else s[:, 0]
    w = problem.capability * (overall if options.weight == "cap_sal" else 1.0)
    if not np.any(w > 0):
        w = np.ones_like(w)
    positions, outcomes = run_smp(x, s, np.maximum(w, 1e-12), options)
    trajectory = lo + outcomes * width
    return Prediction(
        NAME,
        trajectory[-1].copy(),
        rounds=positions.shape[0] - 1,
        trajectory=trajectory,
        positions=lo + positions * width,
        details={"options": options},
    )
