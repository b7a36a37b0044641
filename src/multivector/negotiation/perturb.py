"""How fragile a forecast is: its spread when the inputs move within their coding precision.

Positions and saliences in expert-coded negotiation data are coded on a
0–100 scale to about ±10 points, and capabilities are rough proxies (GDP,
votes, a driver) good to about ±20% (Thomson et al. 2006, *The European Union
Decides*, ch. 2, on the DEU coding; the case's proposals follow the same
rules). Each draw moves every input independently and uniformly within those
bounds (positions ±10% of the scale's width, saliences ±10 points clipped to
0–100, capabilities ×U(0.8, 1.2)), reruns the model and keeps its forecast;
the interval is the central 90% of the draws. One seed,
``numpy.random.default_rng(seed)``, drives every draw.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .catalogue import DRAWS
from .problem import NegotiationProblem

POSITION_PRECISION = 10.0  # points on a 0-100 scale (share of the scale's width otherwise)
SALIENCE_PRECISION = 10.0
CAPABILITY_PRECISION = 0.20
LEVEL = 0.90


@dataclass(frozen=True)
class ForecastInterval:
    """Central interval of a model's forecast under input perturbation, per dimension."""

    low: np.ndarray
    high: np.ndarray
    draws: int
    seed: int
    level: float = LEVEL

    def as_dict(self) -> dict:
        return {"low": [round(float(v), 2) for v in self.low], "high": [round(float(v), 2) for v in self.high],
                "level": self.level, "draws": self.draws, "seed": self.seed,
                "perturbation": {"position": f"±{POSITION_PRECISION:g}% of the scale",
                                 "salience": f"±{SALIENCE_PRECISION:g}",
                                 "capability": f"±{100 * CAPABILITY_PRECISION:g}%"}}


def perturbed(problem: NegotiationProblem, rng: np.random.Generator) -> NegotiationProblem:
    """One copy of ``problem`` with every input moved within its precision (kept on its scale)."""
    lo, hi = problem.position_range()
    width = hi - lo
    n, m = problem.position.shape
    pos = problem.position + rng.uniform(-1, 1, (n, m)) * POSITION_PRECISION / 100.0 * width
    if problem.scale is not None:
        pos = np.clip(pos, lo, hi)
    sal = np.clip(problem.salience + rng.uniform(-1, 1, (n, m)) * SALIENCE_PRECISION, 0.0, 100.0)
    cap = problem.capability * rng.uniform(1 - CAPABILITY_PRECISION, 1 + CAPABILITY_PRECISION, n)
    return replace(problem, position=pos, salience=sal, capability=cap)


def forecast_interval(model, problem: NegotiationProblem, draws: int = DRAWS, seed: int = 0,
                      level: float = LEVEL) -> ForecastInterval:
    """The central ``level`` interval of ``model``'s forecasts over ``draws`` perturbed copies."""
    if draws < 2:
        raise ValueError(f"draws must be at least 2, got {draws}")
    rng = np.random.default_rng(seed)
    values = np.array([model.predict(perturbed(problem, rng)).position for _ in range(draws)])
    tail = (1 - level) / 2 * 100
    low, high = np.nanpercentile(values, [tail, 100 - tail], axis=0)
    return ForecastInterval(low, high, draws, seed, level)
