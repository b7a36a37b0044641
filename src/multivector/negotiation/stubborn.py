"""``stubborn``: the stubbornness-weighted compromise, with optional rule terms (our own model).

The model starts from the compromise model (van den Bos 1991; Achen 2006) and
adds three things, each a named parameter (fitted on outcome data and judged by
cross-validation grouped by proposal):

1. **Stubbornness.** Actors concede at a rate that falls with their salience:
   in the adjustment dynamics ``dx_i/dt = (1 − s_i)(μ − x_i)`` (the SMP's
   movement rule, cf. Friedkin & Johnsen 1990 on stubborn actors in DeGroot
   consensus) with μ the ``w``-weighted mean, the quantity
   ``Σ_i w_i x_i / (1 − s_i)`` is conserved, so the consensus they reach is the
   weighted mean with weights ``w_i / (1 − s_i)``. We use

       w_i = c_i^α · s_i / (1 − s_i + ε)

   (ε keeps fully salient actors finite; α < 1 dampens capability measured
   as GDP). α = 1 and ε → ∞ give back the compromise model.
2. **Agenda setting and co-decision.** The agenda setters' weight (DEU: the
   Commission) is multiplied by ``setter_qmv`` or ``setter_unanimity``
   according to the decision rule (Tsebelis & Garrett 2000: conditional
   agenda setting under QMV, little under unanimity); the European
   Parliament's by ``ep_cod`` or ``ep_cns`` (co-decision vs consultation).
3. **The decision rule.** Under unanimity (and consensus) every salient member
   (salience ≥ ``veto_salience``) holds a veto relative to the status quo q:
   the outcome must lie in ``∩_i {x : |x − x_i| ≤ |q − x_i|}``; the forecast
   moves the share ``veto`` of the way into that interval (Steunenberg 1994;
   the most reluctant salient member constrains it). Under QMV (majority),
   members beyond the qualified (simple) majority closest to the agenda
   setter's proposal can be outvoted; their weight is multiplied by
   ``outvoted`` (Council votes: Treaty of Nice weights, threshold 74%).

An optional fourth ingredient, ``focal`` < ½, forecasts the median of the
mixture ``focal·δ(μ) + (1 − focal)·Σ_i w̃_i δ(x_i)`` (outcomes often adopt an
actor's position verbatim); it is not fitted by default because it overfits
under cross-validation. ``RULE_AWARE`` is a theory-driven, unfitted setting of
the rule parameters for cases without outcome data.

Parameters are fitted by coordinate descent on a grid minimising the mean
absolute error; every rule-specific parameter pays ``penalty`` MAE points for
leaving its neutral value, so a rule effect is kept only when it earns it.
The defaults are the values fitted on ``deu3_dev.tsv`` (all 206 issues with
an outcome); cross-validated figures refit them inside every fold. Missing
saliences (an actor with a position but no salience) are imputed with the
issue mean rather than 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from .problem import NegotiationProblem, Prediction
from .rules import veto_core

NAME = "stubborn"

#: Council votes under the Treaty of Nice (Art. 205 TEC as amended; HR from 2013).
NICE_VOTES: dict[str, float] = {
    "de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "ro": 14, "nl": 13,
    "be": 12, "cz": 12, "el": 12, "hu": 12, "pt": 12, "at": 10, "bu": 10, "se": 10,
    "dk": 7, "ie": 7, "lt": 7, "sk": 7, "fi": 7, "cr": 7, "cy": 4, "ee": 4, "lv": 4,
    "lu": 4, "si": 4, "mt": 3,
}  # fmt: skip
RULE_THRESHOLD = {"qmv": 0.74, "majority": 0.5}
PARLIAMENT = "ep"


@dataclass(frozen=True)
class StubbornParams:
    """Parameters of :mod:`stubborn` (neutral values in comments)."""

    alpha: float = 0.5  # capability exponent (compromise: 1)
    eps: float = 0.1  # stubbornness softening (compromise: ∞)
    setter_qmv: float = 1.0  # agenda-setter weight multiplier under QMV/majority (1)
    setter_unanimity: float = 1.0  # ... under unanimity/consensus (1)
    ep_cod: float = 1.0  # Parliament multiplier under co-decision (1)
    ep_cns: float = 1.0  # Parliament multiplier under consultation (1)
    veto: float = 0.0  # pull into the unanimity core (0)
    outvoted: float = 1.0  # weight multiplier of members outvoted under QMV (1)
    focal: float = 0.5  # weight of the compromise in the predictive mixture (≥ 0.5: compromise)
    veto_salience: float = 50.0
    impute_salience: bool = True


#: neutral values of the rule parameters (no agenda-setter, Parliament or rule effect)
RULE_NEUTRAL: dict[str, float] = {
    "setter_qmv": 1.0, "setter_unanimity": 1.0, "ep_cod": 1.0, "ep_cns": 1.0, "veto": 0.0, "outvoted": 1.0,
}  # fmt: skip
RULE_PARAMS = tuple(RULE_NEUTRAL)
#: where fitting starts: close to the compromise model, independent of any data
FIT_START = StubbornParams(alpha=1.0, eps=1.0, **RULE_NEUTRAL)
DEFAULT_GRID: dict[str, tuple[float, ...]] = {
    "alpha": (0.0, 0.25, 0.5, 0.75, 1.0),
    "eps": (0.02, 0.05, 0.1, 0.2, 0.5, 1.0),
    "setter_qmv": (0.25, 0.5, 1.0, 2.0, 4.0),
    "setter_unanimity": (0.25, 0.5, 1.0, 2.0, 4.0),
    "ep_cod": (0.25, 0.5, 1.0, 2.0, 4.0),
    "ep_cns": (0.25, 0.5, 1.0, 2.0, 4.0),
    "veto": (0.0, 0.25, 0.5, 0.75, 1.0),
    "outvoted": (0.0, 0.25, 0.5, 0.75, 1.0),
    "focal": (0.5, 0.4, 0.35, 0.3),
}
#: parameters fitted by default ("focal" is left out: it overfits under cross-validation)
DEFAULT_FREE: tuple[str, ...] = ("alpha", "eps", *RULE_PARAMS)
#: a theory-driven setting of the rule parameters (not fitted; see docs/negotiation.md)
RULE_AWARE = StubbornParams(setter_qmv=2.0, veto=0.5, outvoted=0.5)


# ---------------------------------------------------------------- batch arrays
@dataclass
class Batch:
    """Padded arrays for many (problem, dimension) rows; ``mask`` marks real actors."""

    x: np.ndarray  # (R, N) positions
    s: np.ndarray  # (R, N) saliences 0-1
    c: np.ndarray  # (R, N) capabilities
    mask: np.ndarray  # (R, N)
    setter: np.ndarray  # (R, N) agenda setter
    parl: np.ndarray  # (R, N) European Parliament
    member: np.ndarray  # (R, N) Council members / ordinary voters
    votes: np.ndarray  # (R, N) Council votes (Nice) or capability
    veto_player: np.ndarray  # (R, N) may veto under unanimity (members, EP under COD)
    unanimity: np.ndarray  # (R,) unanimity or consensus
    threshold: np.ndarray  # (R,) qualified share (nan under unanimity)
    cod: np.ndarray  # (R,) co-decision (EP multiplier ep_cod), else ep_cns
    status_quo: np.ndarray  # (R,) nan when unknown
    rows: list[tuple[int, int]] = field(default_factory=list)  # (problem index, dimension)


def make_batch(problems: Sequence[NegotiationProblem], impute: bool = True) -> Batch:
    rows = [(k, d) for k, p in enumerate(problems) for d in range(p.n_dims)]
    r, n = len(rows), max((p.n_actors for p in problems), default=1)
    z = np.zeros((r, n))
    b = Batch(
        x=z.copy(),
        s=z.copy(),
        c=z.copy(),
        mask=np.zeros((r, n), bool),
        setter=np.zeros((r, n), bool),
        parl=np.zeros((r, n), bool),
        member=np.zeros((r, n), bool),
        votes=z.copy(),
        veto_player=np.zeros((r, n), bool),
        unanimity=np.zeros(r, bool),
        threshold=np.full(r, np.nan),
        cod=np.ones(r, bool),
        status_quo=np.full(r, np.nan),
        rows=rows,
    )
    for row, (k, d) in enumerate(rows):
        p = problems[k]
        m = p.n_actors
        lo, hi = p.position_range()
        width = hi - lo
        sal = p.salience[:, d].copy()
        missing = [p.index(a) for a in p.meta.get("missing_salience", ()) if a in p.actors]
        if impute and missing:
            known = np.setdiff1d(np.arange(m), missing)
            sal[missing] = sal[known].mean() if known.size else 50.0
        b.x[row, :m] = (p.position[:, d] - lo) / width * 100.0
        b.s[row, :m] = sal / 100.0
        b.c[row, :m] = p.capability
        b.mask[row, :m] = True
        proc = str(p.meta.get("proc", "")).upper()
        b.cod[row] = proc != "CNS"
        for i, a in enumerate(p.actors):
            b.setter[row, i] = a in p.agenda_setters
            b.parl[row, i] = a == PARLIAMENT and p.meta.get("kind") == "deu"
        b.member[row, :m] = ~b.setter[row, :m] & ~b.parl[row, :m]
        b.votes[row, :m] = [NICE_VOTES.get(a, np.nan) for a in p.actors]
        if np.any(np.isnan(b.votes[row, :m][b.member[row, :m]])):
            b.votes[row, :m] = p.capability
        b.veto_player[row, :m] = b.member[row, :m] | (b.parl[row, :m] & b.cod[row])
        b.unanimity[row] = p.decision_rule in ("unanimity", "consensus")
        b.threshold[row] = RULE_THRESHOLD.get(p.decision_rule, np.nan)
        if p.status_quo is not None:
            b.status_quo[row] = (p.status_quo[d] - lo) / width * 100.0
    return b


def _weighted_mean(x: np.ndarray, w: np.ndarray, mask: np.ndarray) -> np.ndarray:
    tot = w.sum(axis=1)
    plain = np.where(mask, x, 0).sum(axis=1) / np.maximum(mask.sum(axis=1), 1)
    return np.where(tot > 0, (w * x).sum(axis=1) / np.where(tot > 0, tot, 1.0), plain)


def predict_batch(batch: Batch, params: StubbornParams) -> np.ndarray:
    """Forecasts (0–100 scale of each row) for every row of the batch."""
    b, th = batch, params
    s = b.s
    w = np.where(b.mask, np.power(b.c, th.alpha) * s / (1.0 - s + th.eps), 0.0)
    setter_mult = np.where(b.unanimity, th.setter_unanimity, th.setter_qmv)[:, None]
    w = np.where(b.setter, w * setter_mult, w)
    ep_mult = np.where(b.cod, th.ep_cod, th.ep_cns)[:, None]
    w = np.where(b.parl, w * ep_mult, w)
    # QMV / majority: members beyond the qualified majority nearest the proposal may be outvoted
    qual = ~np.isnan(b.threshold)
    if th.outvoted != 1.0 and np.any(qual):
        has_setter = b.setter.any(axis=1)
        proposal = np.where(
            has_setter,
            _weighted_mean(b.x, b.setter.astype(float), b.setter),
            _weighted_mean(b.x, w, b.mask),
        )
        dist = np.where(b.member, np.abs(b.x - proposal[:, None]), np.inf)
        order = np.argsort(dist, axis=1, kind="stable")
        votes = np.where(b.member, np.nan_to_num(b.votes), 0.0)
        sorted_votes = np.take_along_axis(votes, order, axis=1)
        share = np.cumsum(sorted_votes, axis=1) / np.maximum(
            votes.sum(axis=1, keepdims=True), 1e-12
        )
        k = np.argmax(share >= np.nan_to_num(b.threshold, nan=1.0)[:, None] - 1e-12, axis=1)
        pivot_d = np.take_along_axis(np.take_along_axis(dist, order, axis=1), k[:, None], axis=1)
        outv = b.member & (dist > pivot_d + 1e-9) & qual[:, None]
        w = np.where(outv, w * th.outvoted, w)
    mu = _weighted_mean(b.x, w, b.mask)
    # unanimity: pull into the core of salient veto players relative to the status quo
    if th.veto > 0:
        sq = b.status_quo
        use = b.unanimity & ~np.isnan(sq)
        vp = b.veto_player & (b.s * 100.0 >= th.veto_salience)
        lo, hi = veto_core(b.x, vp, np.nan_to_num(sq))
        core = np.clip(mu, lo, hi)
        mu = np.where(use, mu + th.veto * (core - mu), mu)
    if th.focal < 0.5:
        mu = _focal_median(b, mu, np.where(b.mask, np.power(b.c, th.alpha) * s, 0.0), th.focal)
    return mu


def _focal_median(b: Batch, mu: np.ndarray, w: np.ndarray, focal: float) -> np.ndarray:
    """Median of the mixture ``focal·δ(μ) + (1 − focal)·Σ_i w_i δ(x_i)`` (weights normalised per row)."""
    tot = w.sum(axis=1, keepdims=True)
    w = np.where(
        tot > 0,
        w / np.where(tot > 0, tot, 1.0),
        b.mask / np.maximum(b.mask.sum(axis=1, keepdims=True), 1),
    )
    xs = np.concatenate([np.where(b.mask, b.x, np.inf), mu[:, None]], axis=1)
    ws = np.concatenate([(1.0 - focal) * w, np.full((mu.size, 1), focal)], axis=1)
    order = np.argsort(xs, axis=1, kind="stable")
    xs, ws = np.take_along_axis(xs, order, axis=1), np.take_along_axis(ws, order, axis=1)
    k = np.argmax(np.cumsum(ws, axis=1) >= 0.5 - 1e-12, axis=1)
    return xs[np.arange(mu.size), k]


def predict(problem: NegotiationProblem, params: StubbornParams | None = None) -> Prediction:
    """Forecast one problem (every dimension) with the given (default: fitted) parameters."""
    params = params or StubbornParams()
    batch = make_batch([problem], params.impute_salience)
    lo, hi = problem.position_range()
    values = lo + predict_batch(batch, params) / 100.0 * (hi - lo)
    return Prediction(NAME, values, details={"params": asdict(params)})


# ---------------------------------------------------------------- fitting
def _objective(batch: Batch, target: np.ndarray, params: StubbornParams, penalty: float) -> float:
    err = float(np.mean(np.abs(predict_batch(batch, params) - target)))
    moved = sum(
        1 for name in RULE_PARAMS if not np.isclose(getattr(params, name), RULE_NEUTRAL[name])
    )
    return err + penalty * moved


def fit(
    problems: Sequence[NegotiationProblem],
    free: Sequence[str] = DEFAULT_FREE,
    grid: dict[str, Sequence[float]] | None = None,
    penalty: float = 0.2,
    sweeps: int = 3,
    start: StubbornParams = FIT_START,
) -> StubbornParams:
    """Fit parameters by coordinate descent on a grid (MAE + ``penalty`` per non-neutral rule parameter).

    Only problems with a recorded outcome are used (first dimension of each).
    Descent starts from ``FIT_START`` (near the compromise model), never from
    values fitted on other data.
    """
    grid = {**DEFAULT_GRID, **(grid or {})}
    data = [p for p in problems if p.outcome is not None]
    if not data:
        raise ValueError("fit needs problems with a recorded outcome")
    params = start
    batch = make_batch(data, params.impute_salience)
    first = np.array([d == 0 for _, d in batch.rows])
    batch = _select(batch, first)
    target = np.array(
        [
            (p.outcome[0] - p.position_range()[0])
            / (p.position_range()[1] - p.position_range()[0])
            * 100.0
            for p in data
        ]
    )
    lowest = _objective(batch, target, params, penalty)
    for _ in range(sweeps):
        changed = False
        for name in free:
            for value in grid[name]:
                trial = replace(params, **{name: float(value)})
                score = _objective(batch, target, trial, penalty)
                if score < lowest - 1e-9:
                    lowest, params, changed = score, trial, True
        if not changed:
            break
    return params


def _select(batch: Batch, keep: np.ndarray) -> Batch:
    out = {}
    for name, value in vars(batch).items():
        if isinstance(value, np.ndarray):
            out[name] = value[keep]
        else:
            out[name] = [r for r, k in zip(value, keep, strict=True) if k]
    return Batch(**out)


@dataclass(frozen=True)
class StubbornModel:
    """The stubborn model as an evaluable object (``predict`` and ``fit``)."""

    params: StubbornParams = StubbornParams()
    free: tuple[str, ...] = DEFAULT_FREE
    penalty: float = 0.2
    name: str = NAME
    refit: bool = True  # False: keep ``params`` as given (no fitting inside cross-validation)

    def predict(self, problem: NegotiationProblem) -> Prediction:
        return predict(problem, self.params)

    def fit(self, problems: Sequence[NegotiationProblem]) -> StubbornModel:
        if not self.refit:
            return self
        return replace(self, params=fit(problems, self.free, penalty=self.penalty))
