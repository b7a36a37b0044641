"""Identification: do different starting weights reach the same fit and the same weights?

Fits the engagement model (simulated maximum likelihood, train <= 2008, the
same settings as `multivector calibrate`) from four starts — the code's
defaults, the shipped weights, and two random starts (each default weight times
a lognormal factor, sigma 1, seed 2026) — and prints each fit's log-likelihood
and weights side by side. Takes about ten minutes on two cores.
Run: .venv/bin/python benchmarks/identification.py
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np

from multivector.model import load_inputs
from multivector.model.calibrate import calibrate
from multivector.model.parameters import Parameters, default_parameters

TRAIN_UNTIL = 2008


def fit(start: dict) -> tuple[float, dict]:
    res = calibrate(inputs=load_inputs(), train_until=TRAIN_UNTIL, start=Parameters(**start), warm_starts=None)
    return res.log_likelihood, res.parameters.as_dict()


def main() -> None:
    rng = np.random.default_rng(2026)
    base = Parameters()
    starts = {"defaults": base.as_dict(), "shipped": default_parameters().as_dict()}
    for k in (1, 2):
        v = base.vector() * rng.lognormal(0.0, 1.0, len(Parameters.FREE))
        v[Parameters.FREE.index("review_rate")] = min(v[Parameters.FREE.index("review_rate")], 1.0)
        starts[f"random {k}"] = base.with_vector(v).as_dict()
    with ProcessPoolExecutor(max_workers=2) as pool:
        fits = dict(zip(starts, pool.map(fit, starts.values()), strict=True))
    names = list(starts)
    print(f"simulated ML, train <= {TRAIN_UNTIL}: log-likelihood and fitted weights by start")
    print(f"{'':22s}" + "".join(f"{n:>12s}" for n in names))
    print(f"{'log-likelihood':22s}" + "".join(f"{fits[n][0]:12.1f}" for n in names))
    for p in Parameters.FREE:
        print(f"{p:22s}" + "".join(f"{fits[n][1][p]:12.3f}" for n in names))


if __name__ == "__main__":
    main()
