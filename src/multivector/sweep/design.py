"""Designs: the points of a sweep, first in the unit hypercube, then as factor values.

The unit design comes from SALib's own samplers, so the analysis that reads it
(sobol, morris) finds the row layout it expects:

- `sobol`: Saltelli's extension of the Sobol' sequence, N·(D+2) points (N·(2D+2) with
  second-order indices) (Saltelli 2002; Saltelli et al. 2010);
- `morris`: r one-at-a-time trajectories of D+1 points on a p-level grid (Morris 1991),
  r·(D+1) points; μ* as in Campolongo, Cariboni & Saltelli (2007);
- `lhs`: a Latin hypercube of N points (McKay, Beckman & Conover 1979);
- `grid`: every combination of `levels` evenly spaced values per factor (ends included).

A unit value u becomes a factor value by the inverse CDF of the factor's marginal on
[low, high] (uniform, triangular, or normal truncated to the range), so the
estimators, which assume independent inputs, stay valid for any marginal.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from .spec import Factor, SweepSpec


def salib_problem(spec: SweepSpec, unit: bool = True) -> dict:
    """The SALib problem dictionary: bounds [0, 1] (the unit design) or the factors' ranges."""
    return {"num_vars": len(spec.factors), "names": spec.factor_names(),
            "bounds": [[0.0, 1.0] if unit else [f.low, f.high] for f in spec.factors]}


def design_seed(seed: int) -> int:
    """The sampler's seed, from the sweep's one SeedSequence (child 0; the chunks use child 1)."""
    return int(np.random.SeedSequence(seed, spawn_key=(0,)).generate_state(1, np.uint32)[0])


def unit_design(spec: SweepSpec) -> np.ndarray:
    """(points, D) values in [0, 1] of the spec's design."""
    d = spec.design
    problem = salib_problem(spec)
    seed = design_seed(spec.seed)
    if d.method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, d.n, calc_second_order=d.second_order, scramble=True, seed=seed)
    if d.method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, d.trajectories, num_levels=d.levels, seed=seed)
    if d.method == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, d.n, seed=seed)
    if d.method == "grid":
        axis = np.linspace(0.0, 1.0, d.levels)
        return np.array(list(itertools.product(axis, repeat=len(spec.factors))), float)
    raise ValueError(f"unknown design method {d.method!r}")


def to_values(factor: Factor, u: np.ndarray) -> np.ndarray:
    """Factor values for unit values u by the inverse CDF of the factor's marginal on [low, high]."""
    u = np.clip(np.asarray(u, float), 0.0, 1.0)
    lo, hi = factor.low, factor.high
    if factor.dist == "uniform":
        return lo + u * (hi - lo)
    from scipy import stats

    if factor.dist == "triangular":
        return stats.triang(c=(factor.mode - lo) / (hi - lo), loc=lo, scale=hi - lo).ppf(u)
    a, b = (lo - factor.mean) / factor.sd, (hi - factor.mean) / factor.sd
    return stats.truncnorm(a, b, loc=factor.mean, scale=factor.sd).ppf(u)


def design_table(spec: SweepSpec) -> pd.DataFrame:
    """{point, chunk, u_<factor>..., <factor>...}: every point with its unit and factor values."""
    u = unit_design(spec)
    n = len(u)
    cols = {"point": np.arange(n, dtype=np.int64), "chunk": np.arange(n, dtype=np.int64) // spec.chunk}
    for k, f in enumerate(spec.factors):
        cols[f"u_{f.name}"] = u[:, k]
    for k, f in enumerate(spec.factors):
        cols[f.name] = to_values(f, u[:, k])
    return pd.DataFrame(cols)


def n_points(spec: SweepSpec) -> int:
    """How many points the design has, without drawing it."""
    d, D = spec.design, len(spec.factors)
    return {"sobol": d.n * (2 * D + 2 if d.second_order else D + 2), "morris": d.trajectories * (D + 1),
            "lhs": d.n, "grid": d.levels ** D}[d.method]
