"""Designs against SALib's own samplers, and the factors' marginals."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from multivector.sweep.design import (
    design_seed,
    design_table,
    n_points,
    salib_problem,
    to_values,
    unit_design,
)

from .conftest import TINY


@pytest.mark.parametrize("design,sampler", [
    ("{{method: sobol, n: 8}}", "sobol"), ("{{method: sobol, n: 8, second_order: true}}", "sobol2"),
    ("{{method: lhs, n: 10}}", "latin"), ("{{method: morris, trajectories: 5, levels: 4}}", "morris")])
def test_unit_design_is_salibs(tiny_spec_file, load, design, sampler):
    from SALib.sample import latin, morris, sobol

    spec = load(tiny_spec_file(TINY.replace("{{method: sobol, n: 4}}", design)))
    problem = {"num_vars": 3, "names": spec.factor_names(), "bounds": [[0, 1]] * 3}
    seed = design_seed(spec.seed)
    want = {"sobol": lambda: sobol.sample(problem, 8, calc_second_order=False, seed=seed),
            "sobol2": lambda: sobol.sample(problem, 8, calc_second_order=True, seed=seed),
            "latin": lambda: latin.sample(problem, 10, seed=seed),
            "morris": lambda: morris.sample(problem, 5, num_levels=4, seed=seed)}[sampler]()
    got = unit_design(spec)
    np.testing.assert_array_equal(got, want)
    assert len(got) == n_points(spec)
    assert salib_problem(spec)["names"] == spec.factor_names()


def test_grid_is_every_combination(tiny_spec_file, load):
    spec = load(tiny_spec_file(TINY.replace("{{method: sobol, n: 4}}", "{{method: grid, levels: 3}}")))
    u = unit_design(spec)
    assert len(u) == 27 == n_points(spec)
    assert len({tuple(r) for r in u}) == 27 and set(u.ravel()) == {0.0, 0.5, 1.0}


def test_design_table_maps_units_to_ranges_and_chunks(tiny_spec_file, load):
    spec = load(tiny_spec_file())
    t = design_table(spec)
    assert list(t.point) == list(range(len(t))) and list(t.chunk) == [p // spec.chunk for p in t.point]
    for f in spec.factors:
        np.testing.assert_allclose(t[f.name], f.low + t[f"u_{f.name}"] * (f.high - f.low))


def test_marginals_follow_their_distribution(tiny_spec_file, load):
    spec = load(tiny_spec_file(TINY.replace("    scale: [0.6, 1.6]\n", "    scale: [0.6, 1.6]\n    dist: triangular\n"
                                            "    mode: 0.8\n", 1).replace(
        "    add: [-0.2, 0.3]\n", "    add: [-0.2, 0.3]\n    dist: normal\n    mean: 0.0\n    sd: 0.1\n", 1)))
    tri, nor = spec.factors[0], spec.factors[1]
    u = np.random.default_rng(0).uniform(size=4000)
    v = to_values(tri, u)
    assert stats.kstest(v, stats.triang(c=0.2, loc=0.6, scale=1.0).cdf).pvalue > 0.01
    w = to_values(nor, u)
    assert w.min() >= -0.2 and w.max() <= 0.3
    assert stats.kstest(w, stats.truncnorm(-2, 3, loc=0, scale=0.1).cdf).pvalue > 0.01
