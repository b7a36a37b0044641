"""Sobol' indices recovered for the Ishigami function; Morris ranks its factors; PRIM finds a planted box."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from multivector.sweep.analyze import morris_indices, sobol_indices
from multivector.sweep.prim import prim, quantile

A, B = 7.0, 0.1
# Analytical indices of Ishigami & Homma (1990) with a = 7, b = 0.1 (Sobol' & Levitan 1999)
V = A**2 / 8 + B * np.pi**4 / 5 + B**2 * np.pi**8 / 18 + 0.5
S1 = np.array([(0.5 * (1 + B * np.pi**4 / 5) ** 2) / V, (A**2 / 8) / V, 0.0])
ST = np.array([(0.5 * (1 + B * np.pi**4 / 5) ** 2 + 8 * B**2 * np.pi**8 / 225) / V, (A**2 / 8) / V,
               (8 * B**2 * np.pi**8 / 225) / V])


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_ishigami_within_their_intervals():
    from SALib.sample import sobol

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[0, 1]] * 3}
    u = sobol.sample(problem, 2048, calc_second_order=False, seed=3)
    y = ishigami(-np.pi + 2 * np.pi * u)
    si = sobol_indices(problem, y, second_order=False, seed=3)
    # within the 95% interval, allowing for the interval's own noise (1.5 half-widths, and at least 0.01)
    assert np.all(np.abs(si.S1 - S1) <= np.maximum(1.5 * si.S1_conf, 0.01)), (si, S1)
    assert np.all(np.abs(si.ST - ST) <= np.maximum(1.5 * si.ST_conf, 0.01)), (si, ST)
    assert np.all(si.S1_conf < 0.1)


def test_morris_ranks_ishigami_factors():
    from SALib.sample import morris

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[0, 1]] * 3}
    u = morris.sample(problem, 60, num_levels=4, seed=2)
    m = morris_indices(problem, u, ishigami(-np.pi + 2 * np.pi * u), levels=4, seed=2)
    assert m.set_index("factor").mu_star.idxmax() in ("x1", "x2")
    assert m.set_index("factor").sigma["x3"] > 0       # x3 acts only through its interaction with x1


def _planted(n=2000, seed=4, noise=0.03):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(size=(n, 5)), columns=["a", "b", "c", "d", "e"])
    inside = (x.a > 0.2) & (x.a < 0.6) & (x.d > 0.5)
    y = inside.to_numpy() ^ (rng.uniform(size=n) < noise)
    return x, y


def test_prim_recovers_a_planted_box():
    x, y = _planted()
    r = prim(x, y)
    c = r.choose(0.95)        # the planted box is 97% dense (3% of the labels flipped)
    box = r.box(c).set_index("factor")
    assert set(box.index) == {"a", "d"}      # only the planted factors are restricted
    assert abs(box.low["a"] - 0.2) < 0.02 and abs(box.high["a"] - 0.6) < 0.02 and abs(box.low["d"] - 0.5) < 0.02
    assert box.high["d"] == box.full_high["d"]
    t = r.trajectory
    assert t.density[c] >= 0.95 and t.coverage[c] > 0.8
    assert r.choose(0.8) < c   # a looser density admits an earlier, larger box
    assert (box[["qp_low", "qp_high"]].fillna(0) < 1e-6).all().all()   # every planted limit matters
    assert t.coverage[0] == 1.0 and (t.mass.diff().dropna().iloc[:5] < 0).all()


def test_quantile_skips_ties():
    assert quantile(np.array([0, 0, 0, 0, 1.0]), 0.05) == 0.5
    assert quantile(np.array([0, 1.0, 1, 1, 1]), 0.95) == 0.5


@pytest.mark.parametrize("seed", [4, 9])
def test_prim_matches_the_ema_workbench(seed):
    """Our PRIM against ema_workbench.analysis.prim 2.5 (peeling and pasting, default settings)."""
    ema = pytest.importorskip("ema_workbench.analysis.prim")
    import logging
    import warnings

    logging.getLogger("EMA").setLevel(logging.ERROR)
    x, y = _planted(n=800, seed=seed, noise=0.08)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ema.Prim(x, y, threshold=0.5, peel_alpha=0.05).find_box()
    ours = prim(x, y, peel_alpha=0.05)
    cols = ["coverage", "density", "mass"]
    np.testing.assert_allclose(ours.trajectory[cols].to_numpy(), theirs.peeling_trajectory[cols].to_numpy())
    np.testing.assert_allclose(ours.limits[-1], theirs.box_lims[-1][list(x.columns)].to_numpy())
    mine = ours.box(len(ours.limits) - 1).set_index("factor")
    qp = theirs.qp[-1]
    assert set(mine.index) == set(qp)
    for f, (lo, hi) in qp.items():
        np.testing.assert_allclose([mine.qp_low[f], mine.qp_high[f]],
                                   [np.nan if lo == -1 else lo, np.nan if hi == -1 else hi], rtol=1e-9)
