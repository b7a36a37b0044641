"""The tenure hazard: per line, a discrete-time hazard of leaving the status quo that changes with tenure.

Binary time-series cross-section data as event history (Beck, Katz & Tucker
1998, "Taking time seriously", *AJPS* 42; Box-Steffensmeier & Jones 2004,
*Event History Modeling*, ch. 5): in each year a state that has held level j in
line l for d years leaves it with probability

    h_l(j, d) = logistic(μ_j + u_{l,j} + β_j · log d)

— a baseline per from-level, a line effect u_{l,j} ~ Normal(0, σ²) pooling the
lines toward it, and log-tenure (a duration dependence that falls, or rises,
with the years a tie has lasted). Where it goes when it leaves is the per-line
Markov chain's choice among the other levels (`markov.py`), and a body's first
year open to a state is the Markov chain's first-choice component.

Estimation: the posterior mode under weakly informative priors on the fixed
effects (Normal sd 10 on μ, 2.5 on β; Gelman, Jakulin, Pittau & Su 2008, *Ann.
Appl. Stat.* 2) with σ chosen by the Laplace approximation of the marginal
likelihood on the training years (empirical Bayes for a logistic model with
random intercepts; Breslow & Clayton 1993, *JASA* 88). Forecasts propagate the
joint distribution of level and tenure exactly from the origin's record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit

from .chains import FIRST, MAX_TENURE, K, TransitionRows, propagate, tenure_at, transition_rows
from .markov import FittedMarkov, fit_markov
from .task import ForecastTask

SD_INTERCEPT, SD_SLOPE = 10.0, 2.5
LOG_SIGMA = (np.log(1e-2), np.log(10.0))


def design(origin: np.ndarray, line: np.ndarray, tenure: np.ndarray, n_lines: int) -> np.ndarray:
    """(n, 6 + 3L) columns: μ per from-level, β (log tenure) per from-level, u per line and from-level."""
    n = len(origin)
    X = np.zeros((n, 6 + 3 * n_lines))
    rows = np.arange(n)
    X[rows, origin] = 1.0
    X[rows, 3 + origin] = np.log(np.maximum(tenure, 1))
    X[rows, 6 + 3 * line + origin] = 1.0
    return X


def prior_precision(sigma: float, n_lines: int) -> np.ndarray:
    return np.concatenate([np.full(3, SD_INTERCEPT ** -2), np.full(3, SD_SLOPE ** -2), np.full(3 * n_lines, sigma ** -2)])


def posterior_mode(X: np.ndarray, y: np.ndarray, prec: np.ndarray, theta: np.ndarray | None = None,
                   iterations: int = 100) -> tuple[np.ndarray, np.ndarray, float]:
    """Newton's method for the penalised logistic log likelihood: (θ̂, Hessian of −log posterior, log lik)."""
    theta = np.zeros(X.shape[1]) if theta is None else theta.copy()
    for _ in range(iterations):
        p = expit(X @ theta)
        grad = X.T @ (y - p) - prec * theta
        H = (X * (p * (1 - p))[:, None]).T @ X + np.diag(prec)
        step = np.linalg.solve(H, grad)
        theta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    p = np.clip(expit(X @ theta), 1e-300, 1 - 1e-16)
    H = (X * (p * (1 - p))[:, None]).T @ X + np.diag(prec)
    loglik = float(np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)))
    return theta, H, loglik


def laplace_log_marginal(X: np.ndarray, y: np.ndarray, sigma: float, n_lines: int,
                         theta: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """Laplace approximation of log ∫ p(y | θ) Normal(θ | 0, Λ⁻¹) dθ, and the mode."""
    prec = prior_precision(sigma, n_lines)
    theta, H, loglik = posterior_mode(X, y, prec, theta)
    logdet_h = np.linalg.slogdet(H)[1]
    return loglik - 0.5 * float(theta @ (prec * theta)) + 0.5 * float(np.log(prec).sum()) - 0.5 * logdet_h, theta


@dataclass(frozen=True)
class FittedHazard:
    """theta: μ (3), β (3), u (L, 3) flattened; sigma: the line effects' sd; chain: destinations, first choices."""

    theta: np.ndarray
    sigma: float
    chain: FittedMarkov
    n_lines: int

    def hazard(self) -> np.ndarray:
        """(L, 3, D) the probability of leaving level j after d = 1..D years, per line."""
        mu, beta = self.theta[:3], self.theta[3:6]
        u = self.theta[6:].reshape(self.n_lines, 3)
        d = np.log(np.arange(1, MAX_TENURE + 1))
        return expit(mu[None, :, None] + u[:, :, None] + beta[None, :, None] * d[None, None, :])

    def kernel(self) -> np.ndarray:
        """(L, 3, D, 3) transition probabilities from (level, tenure) to each level."""
        h = self.hazard()
        q = self.chain.P[:, :FIRST, :] * (1 - np.eye(K))[None]              # leave j: the chain's other levels
        q = q / q.sum(-1, keepdims=True)
        ker = h[..., None] * q[:, :, None, :]
        j = np.arange(K)
        ker[:, j, :, j] = 1 - h.transpose(1, 0, 2)
        return ker

    def summary(self) -> dict:
        return {"line_sd": round(self.sigma, 4), "intercept": [round(float(v), 4) for v in self.theta[:3]],
                "log_tenure": [round(float(v), 4) for v in self.theta[3:6]]}


def fit_hazard(rows: TransitionRows, n_lines: int) -> FittedHazard:
    """The hazard's posterior mode, σ chosen by the Laplace marginal likelihood."""
    chain = fit_markov(rows, n_lines)
    sq = rows.select(rows.origin < FIRST)
    X = design(sq.origin, sq.l, sq.tenure, n_lines)
    y = (sq.level != sq.origin).astype(float)
    cache: dict[float, np.ndarray] = {}

    def neg(log_sigma: float) -> float:
        value, theta = laplace_log_marginal(X, y, float(np.exp(log_sigma)), n_lines, cache.get("last"))
        cache["last"] = theta
        return -value

    grid = np.linspace(*LOG_SIGMA, 15)
    i = int(np.argmin([neg(g) for g in grid]))
    res = minimize_scalar(neg, bounds=(grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]), method="bounded",
                          options={"xatol": 1e-3})
    sigma = float(np.exp(res.x))
    theta = posterior_mode(X, y, prior_precision(sigma, n_lines))[0]
    return FittedHazard(theta=theta, sigma=sigma, chain=chain, n_lines=n_lines)


@dataclass
class TenureHazard:
    """Per-line discrete-time hazard of leaving the status quo with log-tenure, propagated exactly."""

    name: str = "hazard"
    fitted: dict = field(default_factory=dict, repr=False)   # origin -> FittedHazard

    def fit(self, task: ForecastTask) -> FittedHazard:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):   # small matrices: threads only contend
            fit = fit_hazard(transition_rows(task.inputs, task.origin), len(task.inputs.lines))
        self.fitted[task.origin] = fit
        return fit

    def forecast(self, task: ForecastTask) -> np.ndarray:
        fit = self.fit(task)
        is_open, allowed = task.entry_rules()
        kernel = fit.kernel()[None]                                        # (1, L, 3, D, 3)
        first = fit.chain.P[None, :, FIRST, :]
        return propagate(lambda h: kernel, lambda h: first, task.status_at_origin(), tenure_at(task.inputs, task.origin),
                         task.open_at_origin(), is_open, allowed, tenure_buckets=MAX_TENURE)
