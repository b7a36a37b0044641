"""Calibration: fit the free weights by maximum likelihood on the training years.

The likelihood is the one-step conditional likelihood of the record under the
logit choice (likelihood.py), maximised with L-BFGS-B over non-negative
weights (McFadden 1974 for the conditional logit; Train 2009, ch. 3).
The fitted weights are then judged by the free-running backtest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from ..kb import CaseBase
from .inputs import ModelInputs, load_inputs
from .likelihood import log_likelihood
from .parameters import Parameters

BOUNDS = (0.0, 25.0)


@dataclass
class CalibrationResult:
    parameters: Parameters
    train_until: int
    log_likelihood: float
    n: int
    start_log_likelihood: float
    converged: bool
    message: str


def calibrate(kb: CaseBase | None = None, train_until: int = 2008, start: Parameters | None = None,
              inputs: ModelInputs | None = None) -> CalibrationResult:
    kb = kb or CaseBase.load()
    inp = inputs or load_inputs(kb)
    start = start or Parameters()
    years = inp.years[inp.years <= train_until]

    def nll(v: np.ndarray) -> float:
        ll, _ = log_likelihood(inp, start.with_vector(v), years)
        return -ll

    ll0, n = log_likelihood(inp, start, years)
    opt = minimize(nll, start.vector(), method="L-BFGS-B", bounds=[BOUNDS] * len(Parameters.FREE),
                   options={"maxiter": 200, "eps": 1e-4})
    fitted = start.with_vector(opt.x)
    return CalibrationResult(parameters=fitted, train_until=train_until, log_likelihood=-float(opt.fun), n=n,
                             start_log_likelihood=ll0, converged=bool(opt.success), message=str(opt.message))
