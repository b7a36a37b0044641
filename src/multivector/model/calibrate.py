"""Calibration: fit the free weights by maximum likelihood on the training years.

Two likelihoods of the record under the logit choice:

- `conditional`: each year given last year's *recorded* levels (likelihood.py),
  maximised with L-BFGS-B over non-negative weights (McFadden 1974; Train
  2009, ch. 3). Fast; it fits transitions.
- `simulated` (default): the model runs free from the first year, as in the
  backtest, and the record is scored under its marginal (Monte Carlo) choice
  probabilities, with common random numbers (one seed) so the objective is
  stable; Powell's method over log-weights, started from the conditional fit
  (simulated maximum likelihood, Train 2009, ch. 10). It fits what the
  backtest judges: paths, not single steps.

With `effects` (the default) the conditional step also fits a state effect for
every state and an organization effect for every line (pooled estimation with
random intercepts, fitted at the mode of a normal prior N(0, EFFECT_SCALE²):
penalised likelihood, Gelman & Hill 2007 ch. 12); the simulated step then keeps
them fixed and refits the weights. A line with no training years (the EAEU, the
BRI, the AIIB before 2009) keeps its prior effect, 0.

The fitted weights are then judged by the free-running backtest on the years
after the training period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from ..kb import CaseBase
from .engine import simulate
from .inputs import ModelInputs, load_inputs
from .likelihood import log_likelihood
from .parameters import Parameters

BOUNDS = (0.0, 25.0)
LIMITS = {"review_rate": (0.01, 1.0)}  # a share, not a weight


def _bounds() -> list[tuple[float, float]]:
    return [LIMITS.get(n, BOUNDS) for n in Parameters.FREE]


FLOOR = 1e-3  # probability floor: one impossible cell must not dominate the fit
EFFECT_SCALE = 1.0   # prior sd of a state or organization effect, in utility units (a weight's term is ~1)
EFFECT_BOUND = 6.0


def effect_names(inp: ModelInputs) -> list[str]:
    """`state:ID` for every state, `line:ID` for every line of the inputs."""
    return [f"state:{s}" for s in inp.states] + [f"line:{l_}" for l_ in inp.lines]


@dataclass
class CalibrationResult:
    parameters: Parameters
    train_until: int
    log_likelihood: float
    n: int
    start_log_likelihood: float
    converged: bool
    message: str
    method: str = "conditional"


def calibrate(kb: CaseBase | None = None, train_until: int = 2008, start: Parameters | None = None,
              inputs: ModelInputs | None = None, method: str = "simulated", runs: int = 150, seed: int = 11,
              max_evaluations: int = 600, warm_starts: list[Parameters] | None = None,
              progress=None, effects: bool = True, pool: bool = True) -> CalibrationResult:
    """Fit the free weights on the years up to `train_until`.

    The simulated step runs from the conditional fit and from each of
    `warm_starts` (e.g. the weights in use) and keeps the best (pool: fit on the case's
    pooled republics too, the default): the simulated
    likelihood has local optima, and several starts find better ones.
    progress(done, bound): called after every simulated-likelihood evaluation; the
    bound is max_evaluations per start (Powell usually stops earlier).
    """
    inp = inputs if inputs is not None else load_inputs(kb or CaseBase.load(), pool=pool)
    start = start or Parameters()
    years = inp.years[inp.years <= train_until]

    names = effect_names(inp) if effects else []
    P = len(Parameters.FREE)

    def with_all(v: np.ndarray) -> Parameters:
        p = start.with_vector(v[:P])
        if names:
            p.effects = dict(zip(names, map(float, v[P:]), strict=True))
        return p

    def nll(v: np.ndarray) -> float:
        ll, _ = log_likelihood(inp, with_all(v), years)
        return -ll + 0.5 * float(np.sum(v[P:] ** 2)) / EFFECT_SCALE**2

    ll0, n = log_likelihood(inp, start, years)
    v0 = np.concatenate([start.vector(), [start.effects.get(k, 0.0) for k in names]])
    opt = minimize(nll, v0, method="L-BFGS-B", bounds=_bounds() + [(-EFFECT_BOUND, EFFECT_BOUND)] * len(names),
                   options={"maxiter": 200, "eps": 1e-4})
    fitted = with_all(opt.x)
    ll_fit, _ = log_likelihood(inp, fitted, years)
    result = CalibrationResult(parameters=fitted, train_until=train_until, log_likelihood=float(ll_fit), n=n,
                               start_log_likelihood=ll0, converged=bool(opt.success), message=str(opt.message),
                               method="conditional")
    if method == "conditional":
        return result
    if method != "simulated":
        raise ValueError(f"unknown calibration method {method!r}: use simulated or conditional")
    # warm starts keep their weights but take the effects just fitted (they may be for other states)
    starts = [result.parameters, *[w.with_vector(w.vector()) for w in (warm_starts or [])]]
    for w in starts[1:]:
        w.effects = dict(result.parameters.effects)
    count = {"done": 0, "bound": len(starts) * (max_evaluations + 2)}

    def tick() -> None:
        count["done"] += 1
        if progress:
            progress(count["done"], count["bound"])

    fits = []
    for k, p in enumerate(starts):
        fits.append(_simulated(inp, p, train_until, runs, seed, max_evaluations, tick))
        count["done"] = (k + 1) * (max_evaluations + 2)   # a start that stopped early frees its share of the bound
        tick()
    best = max(fits, key=lambda r: r.log_likelihood)
    best.start_log_likelihood = fits[0].start_log_likelihood
    return best


def simulated_log_likelihood(inp: ModelInputs, params: Parameters, runs: int, seed: int) -> tuple[float, int]:
    """Log-likelihood of the record under the free-running model's marginal probabilities."""
    res = simulate(inp, params, runs=runs, seed=seed)
    rec = inp.record
    ok = (rec >= 0) & (inp.max_level >= 1) & (rec <= inp.max_level) & (inp.years <= inp.record_until)[:, None, None]
    pr = np.take_along_axis(res.probs, np.maximum(rec, 0)[..., None].astype(np.int64), -1)[..., 0]
    ll, n = float(np.log(np.clip(pr[ok], FLOOR, 1.0)).sum()), int(ok.sum())
    # the second decision: observed stances, scored under the runs in which the state was a member
    for obs in inp.stance_observations:
        y = obs["year"]
        if inp.years[0] <= y <= min(inp.years[-1], inp.record_until):
            p = res.stance_probs[int(y - inp.years[0]), inp.states.index(obs["state"]), obs["line"], obs["stance"]]
            ll += float(np.log(np.clip(np.nan_to_num(p, nan=FLOOR), FLOOR, 1.0)))
            n += 1
    return ll, n


def _simulated(inp: ModelInputs, base: Parameters, train_until: int, runs: int, seed: int,
               max_evaluations: int, tick=None) -> CalibrationResult:
    train = inp.restrict(int(inp.years[0]), min(train_until, inp.record_until))

    def nll(theta: np.ndarray) -> float:
        if tick:
            tick()
        return -simulated_log_likelihood(train, base.with_vector(np.exp(theta)), runs, seed)[0]

    theta0 = np.log(np.maximum(base.vector(), 0.05))
    # Powell works on log-weights; a share (review_rate) may not exceed 1.
    log_bounds = [(None, np.log(LIMITS[n][1])) if n in LIMITS else (None, None) for n in Parameters.FREE]
    theta0 = np.minimum(theta0, [b[1] if b[1] is not None else np.inf for b in log_bounds])
    ll0 = -nll(theta0)
    opt = minimize(nll, theta0, method="Powell", bounds=log_bounds,
                   options={"maxfev": max_evaluations, "xtol": 1e-2, "ftol": 1e-3})
    best = opt.x if opt.fun <= -ll0 else theta0   # never return a point worse than the start
    fitted = base.with_vector(np.exp(best))
    _, n = simulated_log_likelihood(train, fitted, runs, seed)
    return CalibrationResult(parameters=fitted, train_until=train_until, log_likelihood=-float(min(opt.fun, -ll0)),
                             n=n,
                             start_log_likelihood=ll0, converged=bool(opt.success), message=str(opt.message),
                             method="simulated")
