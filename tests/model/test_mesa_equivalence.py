"""The Mesa per-agent implementation (benchmarks/) and the vectorized engine give the same probabilities."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from multivector.model import Parameters, simulate

pytest.importorskip("mesa")
_PATH = Path(__file__).parents[2] / "benchmarks" / "mesa_engagement.py"
_spec = importlib.util.spec_from_file_location("mesa_engagement", _PATH)
mesa_engagement = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mesa_engagement)


def test_same_probabilities_within_monte_carlo_error(inputs):
    from dataclasses import replace

    small = inputs.restrict(1995, 2015)
    # Exercise every term: a neutral state from 2000, a body with no partial tier until 2005, memory of ties.
    drivers = small.drivers.copy()
    drivers.state["neutrality"][5:, 1] = 1.0
    # a threat from Russia to the first state from 2003, Chinese finance to the second, two regions,
    # and intercepts of one line apart from the pooled chain
    drivers.dependence["pole_threat"][8:, 0, 0] = 0.7
    drivers.dependence["finance_dependence"][4:, 1, 1] = 0.3
    allowed = small.allowed.copy()
    allowed[:11, :, 0, 1] = False
    S = len(small.states)
    region = np.arange(S) % 2
    neighbours = (region[:, None] == region[None, :]).astype(float) - np.eye(S)
    small = replace(small, drivers=drivers, allowed=allowed, neighbours=neighbours)
    params = Parameters(neutrality_weight=3.0, external_weight=2.0, balance_weight=20.0, exit_tenure_weight=0.8,
                        alpha={small.lines[1]: (-2.0, -1.0, -1.5, -2.5, -3.0, -1.0, 0.5, 1.0)},
                        alpha_pooled=(-2.5, -2.0, -2.0, -1.5, -3.0, -2.0, -0.5, 1.0))
    mesa_p = np.array(mesa_engagement.run_mesa(small, params, runs=200, seed=3))
    vec_p = simulate(small, params, runs=4000, seed=3).probs
    diff = mesa_p - vec_p
    assert np.abs(diff).max() < 0.08          # a few standard errors of 200 paths
    assert abs(diff.mean()) < 0.005           # no systematic bias
    # first year: no path dependence yet, so both compute the same exact probabilities
    np.testing.assert_allclose(mesa_p[0], vec_p[0], atol=0.03)
