"""Parameter uncertainty: a Laplace approximation of the weights' posterior, and draws from it.

The weights are fitted on log scale (so each keeps the sign its mechanism's
claim gives it: a weight whose claim says "raises" cannot turn negative) with
a weakly informative half-normal prior on each weight (scale `PRIOR_SCALE`,
wide against the fitted values). Around the fitted point θ̂ the log posterior
is approximated by a normal with covariance H⁻¹, H the Hessian of the negative
log posterior in log-weights, by central differences of the simulated
likelihood with common random numbers (Laplace 1774; Gelman et al., *Bayesian
Data Analysis*, 3rd ed., §4.1; Train 2009 §8.7 on simulated likelihoods).
Every simulated run then draws its weights from N(θ̂, H⁻¹) on log scale, so a
projection carries the parameters' uncertainty. Directions in which the data
say nothing (flat likelihood) keep the prior's width: the Hessian is floored
at the prior's curvature, and such weights are flagged as weakly identified.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .inputs import ModelInputs
from .parameters import Parameters

PRIOR_SCALE = 25.0        # half-normal scale of every weight: wide against the fitted values
MAX_LOG_SD = 1.0          # a weight the data do not pin varies by at most a factor e (1 sd) across runs
STEP = 0.1                # finite-difference step in log-weight


@dataclass
class Posterior:
    """Normal approximation on log-weights of the free parameters."""

    names: list[str]
    mean_log: np.ndarray      # (P,)
    cov_log: np.ndarray       # (P, P)
    weakly_identified: list[str]

    def as_dict(self) -> dict:
        return {"names": self.names, "mean_log": self.mean_log.tolist(), "cov_log": self.cov_log.tolist(),
                "weakly_identified": self.weakly_identified}

    @classmethod
    def from_dict(cls, d: dict) -> Posterior:
        return cls(list(d["names"]), np.asarray(d["mean_log"], float), np.asarray(d["cov_log"], float),
                   list(d.get("weakly_identified", [])))

    def intervals(self, level: float = 0.9) -> dict[str, tuple[float, float, float]]:
        """name -> (median, lower, upper) of each weight's marginal interval."""
        from scipy.stats import norm

        z = norm.ppf(0.5 + level / 2)
        sd = np.sqrt(np.diag(self.cov_log))
        return {n: (float(np.exp(m)), float(np.exp(m - z * s)), float(np.exp(m + z * s)))
                for n, m, s in zip(self.names, self.mean_log, sd, strict=True)}

    def draw(self, runs: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """(runs,) weights per name; a share (review_rate) is capped at 1."""
        v = np.exp(rng.multivariate_normal(self.mean_log, self.cov_log, size=runs, method="eigh"))
        out = {n: v[:, k] for k, n in enumerate(self.names)}
        if "review_rate" in out:
            out["review_rate"] = np.minimum(out["review_rate"], 1.0)
        return out


def log_prior(theta: np.ndarray) -> float:
    """Half-normal(PRIOR_SCALE) on each weight w = exp(θ), with the Jacobian of the log transform."""
    w = np.exp(theta)
    return float(np.sum(-0.5 * (w / PRIOR_SCALE) ** 2 + theta))


def laplace(inp: ModelInputs, params: Parameters, train_until: int, runs: int, seed: int) -> Posterior:
    """The Laplace approximation at `params` (the fitted weights) on the years up to `train_until`."""
    from .calibrate import simulated_log_likelihood

    train = inp.restrict(int(inp.years[0]), min(train_until, inp.record_until))
    names = list(Parameters.FREE)
    theta0 = np.log(np.maximum(params.vector(), 1e-6))

    def f(theta: np.ndarray) -> float:
        w = np.exp(theta)
        if "review_rate" in names:
            w[names.index("review_rate")] = min(w[names.index("review_rate")], 1.0)
        return -simulated_log_likelihood(train, params.with_vector(w), runs, seed)[0] - log_prior(theta)

    P = len(names)
    f0 = f(theta0)
    H = np.zeros((P, P))
    e = np.eye(P) * STEP
    fp = np.array([f(theta0 + e[i]) for i in range(P)])
    fm = np.array([f(theta0 - e[i]) for i in range(P)])
    for i in range(P):
        H[i, i] = (fp[i] - 2 * f0 + fm[i]) / STEP**2
        for j in range(i + 1, P):
            fpp = f(theta0 + e[i] + e[j])
            H[i, j] = H[j, i] = (fpp - fp[i] - fp[j] + f0) / STEP**2
    # Keep it a proper covariance: curvature at least that of a log-sd of MAX_LOG_SD in every direction.
    vals, vecs = np.linalg.eigh((H + H.T) / 2)
    floor = 1.0 / MAX_LOG_SD**2
    weak = [names[k] for k in range(P) if H[k, k] < floor]
    cov = (vecs / np.maximum(vals, floor)) @ vecs.T
    return Posterior(names, theta0, cov, weak)
