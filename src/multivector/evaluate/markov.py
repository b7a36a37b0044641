"""The per-line Markov chain: a transition matrix per line and from-state, partially pooled.

For line l and from-state f (the level the year before — none, partner,
member — or a first choice, `chains.FIRST`) the level is drawn from P_l[f].
The lines are pooled toward the chain of all lines with a Dirichlet prior,
P_l[f] ~ Dirichlet(κ_f · P̄[f]), and the estimate is its posterior mean

    P_l[f, k] = (n_l[f, k] + κ_f · P̄[f, k]) / (n_l[f] + κ_f)

where n_l are the line's transition counts in the training years, P̄ the
pooled chain (all lines' counts with Jeffreys' ½ per cell), and κ_f the
concentration that maximises the Dirichlet-multinomial marginal likelihood of
the lines' counts (empirical Bayes: Minka 2000, "Estimating a Dirichlet
distribution"; Gelman et al., *Bayesian Data Analysis*, 3rd ed., §5.3). Large
κ_f: the lines behave alike and share the pooled chain; small: each line keeps
its own. A line with no training year (a body founded after the origin) gets
the pooled chain. Maximum-likelihood transition matrices: Anderson & Goodman
(1957), "Statistical inference about Markov chains", *Ann. Math. Stat.* 28.

Forecasts propagate the chain exactly from the levels recorded at the origin
(`chains.propagate`), with the entry rules of each year: no simulation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import gammaln

from .chains import FIRST, FROM_STATES, K, TransitionRows, propagate, transition_rows
from .task import ForecastTask

PRIOR = 0.5                      # Jeffreys' prior count per cell of the pooled chain
LOG_KAPPA = (np.log(1e-2), np.log(1e6))


def transition_counts(rows: TransitionRows, n_lines: int) -> np.ndarray:
    """(L, 4, 3) counts of (line, from-state, level)."""
    counts = np.zeros((n_lines, len(FROM_STATES), K))
    np.add.at(counts, (rows.l, rows.origin, rows.level), 1.0)
    return counts


def pooled_chain(counts: np.ndarray, prior: float = PRIOR) -> np.ndarray:
    """(4, 3) the chain of all lines together, smoothed by `prior` per cell.

    >>> pooled_chain(np.array([[[3.0, 0, 1]], [[1.0, 0, 0]]]), prior=0.5).round(3).tolist()
    [[0.692, 0.077, 0.231]]
    """
    n = counts.sum(0) + prior
    return n / n.sum(-1, keepdims=True)


def dm_log_marginal(counts: np.ndarray, alpha: np.ndarray) -> float:
    """Σ over lines of the Dirichlet-multinomial log likelihood of the counts (L, 3) given α (3,).

    The sequence likelihood (no multinomial coefficient, which does not depend on α).
    >>> round(dm_log_marginal(np.array([[1.0, 0.0]]), np.array([1.0, 1.0])), 4)   # Beta(1,1): P = ½
    -0.6931
    """
    n = counts.sum(-1)
    a = alpha.sum()
    per_line = gammaln(a) - gammaln(a + n) + (gammaln(alpha + counts) - gammaln(alpha)).sum(-1)
    return float(per_line[n > 0].sum())


def choose_concentration(counts: np.ndarray, mean: np.ndarray) -> float:
    """κ maximising the marginal likelihood of the lines' counts (L, 3) under Dirichlet(κ · mean).

    A coarse grid over log κ (the likelihood can have a flat tail), then a bounded search
    around its best point; κ is at most 10⁶ (the lines are then the pooled chain).
    """
    if counts.sum() == 0:
        return float(np.exp(LOG_KAPPA[1]))
    f = lambda lk: -dm_log_marginal(counts, np.exp(lk) * mean)   # noqa: E731
    grid = np.linspace(*LOG_KAPPA, 41)
    i = int(np.argmin([f(g) for g in grid]))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    res = minimize_scalar(f, bounds=(lo, hi), method="bounded", options={"xatol": 1e-4})
    return float(np.exp(res.x if res.fun <= f(grid[i]) else grid[i]))


@dataclass(frozen=True)
class FittedMarkov:
    """P (L, 4, 3): each line's transition matrix by from-state; pooled (4, 3); kappa (4,)."""

    P: np.ndarray
    pooled: np.ndarray
    kappa: np.ndarray
    counts: np.ndarray

    def summary(self) -> dict:
        return {"concentration": {f: round(float(k), 4) for f, k in zip(FROM_STATES, self.kappa, strict=True)},
                "transitions": int(self.counts[:, :FIRST].sum()), "first_choices": int(self.counts[:, FIRST].sum())}


def fit_markov(rows: TransitionRows, n_lines: int) -> FittedMarkov:
    """The partially pooled chain of every line from its training rows."""
    counts = transition_counts(rows, n_lines)
    pooled = pooled_chain(counts)
    kappa = np.array([choose_concentration(counts[:, f], pooled[f]) for f in range(len(FROM_STATES))])
    P = (counts + kappa[None, :, None] * pooled[None]) / (counts.sum(-1, keepdims=True) + kappa[None, :, None])
    return FittedMarkov(P=P, pooled=pooled, kappa=kappa, counts=counts)


@dataclass
class MarkovChain:
    """The per-line Markov chain, partially pooled, propagated exactly from the origin's record."""

    name: str = "markov"
    fitted: dict = field(default_factory=dict, repr=False)   # origin -> FittedMarkov

    def fit(self, task: ForecastTask) -> FittedMarkov:
        fit = fit_markov(transition_rows(task.inputs, task.origin), len(task.inputs.lines))
        self.fitted[task.origin] = fit
        return fit

    def forecast(self, task: ForecastTask) -> np.ndarray:
        fit = self.fit(task)
        is_open, allowed = task.entry_rules()
        S = len(task.inputs.states)
        kernel = fit.P[None, :, :FIRST, None, :]                       # (1, L, 3, 1, 3): no tenure
        first = fit.P[None, :, FIRST, :]
        return propagate(lambda h: kernel, lambda h: first, task.status_at_origin(),
                         np.ones((S, len(task.inputs.lines)), int), task.open_at_origin(), is_open, allowed,
                         tenure_buckets=1)
