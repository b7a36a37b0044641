"""An equal-weight combination of the compromise, Nash bargaining and SMP forecasts.

Combined forecasts are often more accurate than any single forecaster, and
fixed equal weights usually beat weights estimated on the same data (Bates &
Granger 1969, "The combination of forecasts", *Operational Research
Quarterly* 20(4); Clemen 1989, "Combining forecasts: a review", *International
Journal of Forecasting* 5(4); Smith & Wallis 2009 on the "forecast combination
puzzle")::

    x̂ = (x̂_compromise + x̂_nash + x̂_smp) / 3

The weights are fixed in advance (not fitted), so the combination has no
parameters to tune on the data it is judged on.
"""

from __future__ import annotations

import numpy as np

from . import compromise, nash, smp
from .problem import NegotiationProblem, Prediction

NAME = "combination"
MEMBERS = ("compromise", "nash", "smp")


def predict(problem: NegotiationProblem) -> Prediction:
    """The mean of the three members' forecasts on every dimension."""
    parts = {
        "compromise": compromise.predict(problem).position,
        "nash": nash.predict(problem).position,
        "smp": smp.predict(problem, smp.SMPOptions()).position,
    }
    return Prediction(NAME, np.mean(list(parts.values()), axis=0),
                      details={"members": {k: v.tolist() for k, v in parts.items()}})
