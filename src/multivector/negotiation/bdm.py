"""Bueno de Mesquita's expected-utility model (1994 form, as unravelled by Scholz et al. 2011).

References:
    Bueno de Mesquita, B. (1994). "Political forecasting: an expected utility
    method". In Bueno de Mesquita & Stokman (eds.), *European Community Decision
    Making*, Yale UP, pp. 71–104.
    Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). "Unravelling Bueno De
    Mesquita's group decision model". *Journal of Theoretical Politics* 23(4):
    510–531 (also ICAART 2011).

One dimension at a time (multi-dimensional problems are solved per dimension).
Positions are normalised by the position range ``Δ`` (the data range, as in
Scholz et al., or the problem's scale). With ``d_ij = |x_i − x_j| / Δ``,
salience ``s`` on 0–1 and capability ``c``:

* votes of actor k on the contest i vs j: ``v_k(ij) = c_k s_k (d_kj − d_ki)``;
* probability that i beats j: ``P_ij = max(Σ_k v_k(ij), 0) / Σ_k |v_k(ij)|``
  (option ``probability``);
* utilities for i challenging j, with risk exponent ``r_i``:
  ``U_s = 2 − 4 (½ − ½ d_ij)^r``, ``U_f = 2 − 4 (½ + ½ d_ij)^r``,
  ``U_b = 2 − 4 (½ − ¼(d_iμ + d_ij))^r``, ``U_w = 2 − 4 (½ + ¼(d_iμ + d_ij))^r``,
  ``U_sq = 2 − 4 (½)^r``, where μ is the current forecast;
* expected utility of i challenging j:
  ``EU_i(ij) = s_j (P_ij U_s + (1 − P_ij) U_f) + (1 − s_j) U_s − Q U_sq − (1 − Q)(T U_b + (1 − T) U_w)``;
* risk: with risk-neutral utilities (r = 1), actor i's exposure is
  ``D_i = Σ_{j≠i} EU_j(ji)``; ``R_i = (2 D_i − D_max − D_min) / (D_max − D_min)``
  and ``r_i = (1 − R_i/3) / (1 + R_i/3)`` ∈ [½, 2] (option ``risk``);
* offers: i challenges j when ``EU_i(ij) > 0``. The receiver j compares it with
  its own ``EU_j(ji)``: **conflict** (``EU_j > 0`` and ``EU_i > EU_j``: j loses
  and moves to ``x_i``), **compromise** (``EU_j ≤ 0`` and ``|EU_j| < EU_i``: j
  moves the fraction ``|EU_j / EU_i|`` of the way to ``x_i``), **capitulation**
  (``EU_j ≤ 0`` and ``|EU_j| ≥ EU_i``: j moves to ``x_i``);
* each receiver accepts one offer (option ``accept``), all move at once, and
  rounds repeat until no position changes by more than ``tol × Δ`` or
  ``max_rounds`` is reached. The forecast is the weighted median (or mean)
  of the final positions.

The known ambiguities of the published descriptions are named options of
:class:`BDMOptions` (defaults reproduce the published EU-emissions figures:
weighted mean 7.39 and median 7 at round 0, a mean oscillating within 7.2–7.6
over ten rounds):

* ``probability``: ``"net"`` (default: the net vote for i, clipped at 0, over
  Σ_k |v_k(ij)| — the reading that reproduces the published figures),
  ``"pairwise"`` (only the positive votes in the numerator, as the paper's
  formula reads; P_ij + P_ji = 1) or ``"global"`` (positive votes over the sum
  of |votes| of every contest, as later replicators found in Scholz's code).
* ``risk``: ``"scholz"`` (D_i compared with other actors' exposure),
  ``"positions"`` (compared with i's own exposure at each position held by some
  actor, closer to BDM's text) or ``"neutral"`` (r = 1).
* ``q`` and ``t``: Q (probability that, without a challenge, nothing changes)
  and T (probability that change would favour the challenger); ``t="auto"``
  sets T = 1 when the challenger is closer to μ than the target, else 0.
* ``perspective``: ``"own"`` (each side's expected utility with its own risk
  exponent) or ``"receiver"`` (the receiver evaluates both with its own).
* ``accept``: ``"max_eu"`` (default: the challenger with the largest expected
  utility, then resolved by its type — this reproduces the published
  oscillation), ``"closest"`` (the offer needing the smallest move, as the text
  says) or ``"type_priority"`` (conflict before compromise before
  capitulation, then the smallest move).
* ``forecast``: ``"median"`` or ``"mean"`` of the final positions.
* ``position_range``: ``"data"`` (range of the initial positions) or ``"scale"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .compromise import weighted_mean
from .median import weighted_median
from .problem import NegotiationProblem, Prediction, check_size

NAME = "bdm"

CONFLICT, COMPROMISE, CAPITULATION = 1, 2, 3
OFFER_TYPES = {
    0: "none",
    CONFLICT: "conflict",
    COMPROMISE: "compromise",
    CAPITULATION: "capitulation",
}


@dataclass(frozen=True)
class BDMOptions:
    """Named choices for the ambiguous parts of the 1994 model (see module docstring)."""

    max_rounds: int = 10
    tol: float = 1e-6
    q: float = 1.0
    t: float | Literal["auto"] = 1.0
    probability: Literal["pairwise", "net", "global"] = "net"
    risk: Literal["scholz", "positions", "neutral"] = "scholz"
    perspective: Literal["own", "receiver"] = "own"
    accept: Literal["closest", "type_priority", "max_eu"] = "max_eu"
    forecast: Literal["median", "mean"] = "median"
    position_range: Literal["data", "scale"] = "data"

    def __post_init__(self) -> None:
        choices = {
            "probability": ("pairwise", "net", "global"),
            "risk": ("scholz", "positions", "neutral"),
            "perspective": ("own", "receiver"),
            "accept": ("closest", "type_priority", "max_eu"),
            "forecast": ("median", "mean"),
            "position_range": ("data", "scale"),
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"BDMOptions.{name} must be one of {allowed}, got {getattr(self, name)!r}"
                )
        if not 0.0 <= self.q <= 1.0:
            raise ValueError("BDMOptions.q must lie in [0, 1]")
        if self.t != "auto" and not 0.0 <= float(self.t) <= 1.0:
            raise ValueError("BDMOptions.t must lie in [0, 1] or be 'auto'")
        if self.max_rounds < 0:
            raise ValueError("BDMOptions.max_rounds must be >= 0")


@dataclass
class BDMRun:
    """Arrays of one run on one dimension."""

    positions: np.ndarray  # (rounds + 1, n)
    risk: np.ndarray  # (rounds, n) risk exponents used in each round
    offer_type: np.ndarray  # (rounds, n) type of the accepted offer (0 = none)
    offer_from: np.ndarray  # (rounds, n) index of the accepted challenger (-1 = none)
    converged: bool
    extras: dict = field(default_factory=dict)

    @property
    def rounds(self) -> int:
        return self.positions.shape[0] - 1


# ---------------------------------------------------------------- building blocks
def win_probability(
    x: np.ndarray, w: np.ndarray, width: float, method: str = "pairwise"
) -> np.ndarray:
    """P[i, j]: probability that i's position beats j's, from weighted votes ``w = c·s``."""
    if method not in ("pairwise", "net", "global"):
        raise ValueError(f"unknown probability method {method!r}")
    dist = np.abs(x[:, None] - x[None, :]) / width  # dist[k, j] = d_kj
    n = x.size
    absum, pos, net = np.zeros((n, n)), np.zeros((n, n)), np.zeros((n, n))
    # votes[k, i, j] = w_k (d_kj - d_ki), summed over voters k in blocks: memory O(block × n²), not O(n³)
    block = max(1, 2**22 // max(n * n, 1))   # about 32 MiB a block array
    for lo in range(0, n, block):
        d = dist[lo:lo + block]
        votes = w[lo:lo + block, None, None] * (d[:, None, :] - d[:, :, None])
        absum += np.abs(votes).sum(axis=0)
        pos += np.clip(votes, 0.0, None).sum(axis=0)
        net += votes.sum(axis=0)
    if method == "pairwise":
        num, den = pos, absum
    elif method == "net":
        num, den = np.clip(net, 0.0, None), absum
    else:
        num, den = pos, np.full_like(absum, absum.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
    return p


def expected_utility(
    x: np.ndarray,
    s: np.ndarray,
    p: np.ndarray,
    r: np.ndarray,
    width: float,
    q: float = 1.0,
    t: float | str = 1.0,
    mu: float | None = None,
) -> np.ndarray:
    """EU[i, j]: expected utility of i challenging j; ``r`` is an (n, n) or (n, 1) exponent array."""
    d = np.abs(x[:, None] - x[None, :]) / width
    r = np.broadcast_to(r, d.shape)
    us = 2.0 - 4.0 * np.clip(0.5 - 0.5 * d, 0.0, None) ** r  # d may exceed 1 by round-off
    uf = 2.0 - 4.0 * (0.5 + 0.5 * d) ** r
    usq = 2.0 - 4.0 * 0.5**r
    eu = s[None, :] * (p * us + (1.0 - p) * uf) + (1.0 - s[None, :]) * us - q * usq
    if q < 1.0:
        mu_ = float(np.mean(x)) if mu is None else mu
        dmu = np.abs(x - mu_)[:, None] / width
        ub = 2.0 - 4.0 * np.clip(0.5 - 0.25 * (dmu + d), 0.0, None) ** r
        uw = 2.0 - 4.0 * (0.5 + 0.25 * (dmu + d)) ** r
        if t == "auto":
            tt = (np.abs(x - mu_)[:, None] < np.abs(x - mu_)[None, :]).astype(float)
        else:
            tt = float(t)
        eu = eu - (1.0 - q) * (tt * ub + (1.0 - tt) * uw)
    np.fill_diagonal(eu, 0.0)
    return eu


def _risk_from_exposure(exposure: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    span = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        big_r = np.where(span > 0, (2.0 * exposure - hi - lo) / np.where(span > 0, span, 1.0), 0.0)
    return (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)


def risk_exponents(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, width: float, options: BDMOptions, mu: float
) -> np.ndarray:
    """Risk exponents r_i ∈ [½, 2] from risk-neutral expected utilities (option ``risk``)."""
    n = x.size
    if options.risk == "neutral" or n < 2:
        return np.ones(n)
    w = c * s
    ones = np.ones((n, 1))
    if options.risk == "scholz":
        p = win_probability(x, w, width, options.probability)
        eu0 = expected_utility(x, s, p, ones, width, options.q, options.t, mu)
        exposure = eu0.sum(axis=0)  # D_i = Σ_j EU_j(ji) (diagonal is 0)
        return _risk_from_exposure(exposure, exposure.min(), exposure.max())
    # "positions": i's exposure at every position some actor holds
    candidates = np.unique(x)
    exposure = np.empty(n)
    lo = np.empty(n)
    hi = np.empty(n)
    for i in range(n):
        values = np.empty(candidates.size)
        for k, y in enumerate(candidates):
            xi = x.copy()
            xi[i] = y
            p = win_probability(xi, w, width, options.probability)
            eu0 = expected_utility(xi, s, p, ones, width, options.q, options.t, mu)
            values[k] = eu0[:, i].sum()
        exposure[i] = values[np.searchsorted(candidates, x[i])]
        lo[i], hi[i] = values.min(), values.max()
    return _risk_from_exposure(exposure, lo, hi)


def _forecast(x: np.ndarray, w: np.ndarray, how: str) -> float:
    if how == "mean":
        return float(weighted_mean(x, w)[0])
    return float(weighted_median(x, w)[0])


def bdm_step(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, width: float, options: BDMOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One round: returns (new positions, risk exponents, accepted offer type, challenger index)."""
    n = x.size
    w = c * s
    mu = _forecast(x, w, options.forecast)
    r = risk_exponents(x, c, s, width, options, mu)
    p = win_probability(x, w, width, options.probability)
    eu_own = expected_utility(x, s, p, r[:, None], width, options.q, options.t, mu)
    if options.perspective == "receiver":
        # sender's EU of challenging j, as estimated by the receiver j (j's exponent)
        eu_send = expected_utility(x, s, p, r[None, :], width, options.q, options.t, mu)
    else:
        eu_send = eu_own
    # matrices indexed [receiver j, sender i]
    a = eu_send.T  # a[j, i] = EU_i(ij)
    b = eu_own  # b[j, i] = EU_j(ji)
    distinct = x[:, None] != x[None, :]
    sent = (a > 0) & distinct
    conflict = sent & (b > 0) & (a > b)
    yields = sent & (b <= 0)
    compromise = yields & (np.abs(b) < a)
    capitulation = yields & ~compromise
    kind = np.zeros((n, n), dtype=int)
    kind[conflict] = CONFLICT
    kind[compromise] = COMPROMISE
    kind[capitulation] = CAPITULATION
    xi = np.broadcast_to(x[None, :], (n, n))
    xj = np.broadcast_to(x[:, None], (n, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(compromise, np.abs(b) / np.where(a > 0, a, 1.0), 1.0)
    target = xj + frac * (xi - xj)
    move = np.abs(target - xj)
    moving = kind > 0
    if options.accept == "closest":
        key = np.where(moving, move, np.inf)
    elif options.accept == "type_priority":
        key = np.where(moving, kind * 1e6 + move, np.inf)
    else:  # max_eu: the strongest challenger among all offers sent, resolved by its type
        key = np.where(sent, -a, np.inf)
    choice = np.argmin(key, axis=1)
    rows = np.arange(n)
    has = np.isfinite(key[rows, choice])
    chosen_kind = np.where(has, kind[rows, choice], 0)
    accepted = chosen_kind > 0
    new_x = np.where(accepted, target[rows, choice], x)
    sender = np.where(accepted, choice, -1)
    return new_x, r, chosen_kind, sender


def run_bdm(
    x: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    options: BDMOptions | None = None,
    width: float | None = None,
) -> BDMRun:
    """Run the model on one dimension.

    Args:
        x: positions (n,); c: capabilities (n,); s: saliences on 0–1 (n,).
        options: model choices; width: the position range Δ (default: data range).
    """
    options = options or BDMOptions()
    x = np.asarray(x, dtype=float).copy()
    c = np.asarray(c, dtype=float)
    s = np.asarray(s, dtype=float)
    if width is None:
        width = float(x.max() - x.min())
    width = width if width > 0 else 1.0
    history = [x.copy()]
    risks, kinds, senders = [], [], []
    converged = False
    for _ in range(options.max_rounds):
        new_x, r, kind, sender = bdm_step(x, c, s, width, options)
        history.append(new_x.copy())
        risks.append(r)
        kinds.append(kind)
        senders.append(sender)
        if np.max(np.abs(new_x - x)) <= options.tol * width:
            converged = True
            x = new_x
            break
        x = new_x
    n = x.size
    return BDMRun(
        positions=np.array(history),
        risk=np.array(risks).reshape(-1, n),
        offer_type=np.array(kinds, dtype=int).reshape(-1, n),
        offer_from=np.array(senders, dtype=int).reshape(-1, n),
        converged=converged,
    )


def predict(problem: NegotiationProblem, options: BDMOptions | None = None) -> Prediction:
    """Run the expected-utility model on every dimension and forecast the final median/mean."""
    options = options or BDMOptions()
    check_size(len(problem.actors), "bdm", problem.n_dims)
    lo, hi = problem.position_range()
    runs = []
    for d in range(problem.n_dims):
        x = problem.position[:, d]
        width = (hi - lo) if options.position_range == "scale" else None
        runs.append(run_bdm(x, problem.capability, problem.salience[:, d] / 100.0, options, width))
    rounds = max(run.rounds for run in runs)
    n, m = problem.n_actors, problem.n_dims
    positions = np.empty((rounds + 1, n, m))
    for d, run in enumerate(runs):
        pos = run.positions
        if pos.shape[0] < rounds + 1:  # a dimension that stabilised earlier keeps its positions
            pos = np.vstack([pos, np.repeat(pos[-1:], rounds + 1 - pos.shape[0], axis=0)])
        positions[:, :, d] = pos
    weights = problem.weights
    trajectory = np.array(
        [
            [_forecast(positions[t, :, d], weights[:, d], options.forecast) for d in range(m)]
            for t in range(rounds + 1)
        ]
    )
    means = np.array([weighted_mean(positions[t], weights) for t in range(rounds + 1)])
    medians = np.array([weighted_median(positions[t], weights) for t in range(rounds + 1)])
    return Prediction(
        NAME,
        trajectory[-1].copy(),
        rounds=rounds,
        trajectory=trajectory,
        positions=positions,
        details={
            "options": options,
            "mean_by_round": means,
            "median_by_round": medians,
            "converged": all(run.converged for run in runs),
            "runs": runs,
        },
    )
