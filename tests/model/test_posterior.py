"""The posterior draws: whole draws per run from the one seed, the shipped files, and no JAX in the simulator."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from multivector.model import Parameters, simulate
from multivector.model.parameters import (
    SHIPPED,
    default_parameters,
    default_posterior,
    load_posterior,
)
from multivector.model.posterior import Posterior
from multivector.model.transition import ALPHA_NAMES


def _posterior(draws=40, lines=("CSTO",)) -> Posterior:
    rng = np.random.default_rng(0)
    cols = {"chain": np.repeat(np.arange(2), draws // 2), "draw": np.tile(np.arange(draws // 2), 2)}
    for name in Parameters.names():
        cols[name] = rng.gamma(2.0, 1.0, draws)
    cols["balance_weight"] = 2 * cols["sovereignty_weight"]        # a joint the draws must keep
    for line in (*lines, "*"):
        for n in ALPHA_NAMES:
            cols[f"alpha:{line}:{n}"] = rng.normal(-3, 1, draws)
    return Posterior(cols)


def test_runs_take_whole_draws_with_the_one_seed(inputs):
    post = _posterior()
    a = post.draw(500, np.random.default_rng(3))
    b = post.draw(500, np.random.default_rng(3))
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    np.testing.assert_allclose(a["balance_weight"], 2 * a["sovereignty_weight"], rtol=1e-6)   # the joint is kept
    assert a["alpha:CSTO"].shape == (500, 4, 3) and np.all(a["alpha:CSTO"][:, 2, 2] == 0)    # staying: reference
    r1 = simulate(inputs, Parameters(), runs=30, seed=5, posterior=post)
    r2 = simulate(inputs, Parameters(), runs=30, seed=5, posterior=post)
    np.testing.assert_array_equal(r1.probs, r2.probs)
    w = r1.parameters["sovereignty_weight"]
    assert w.std() > 0 and (w > 0).all()
    fixed = simulate(inputs, Parameters(), runs=30, seed=5)
    assert fixed.parameters["sovereignty_weight"].std() == 0


def test_a_line_without_intercepts_of_its_own_takes_the_pooled_chain():
    post = _posterior(lines=("CSTO",))
    idx = np.arange(post.size)
    np.testing.assert_array_equal(post.alpha("SCO", idx), post.alpha("*", idx))
    assert not np.array_equal(post.alpha("CSTO", idx), post.alpha("*", idx))


def test_parquet_round_trip_and_thinning(tmp_path):
    post = _posterior(draws=40)
    post.to_parquet(tmp_path / "d.parquet")
    back = Posterior.from_parquet(tmp_path / "d.parquet")
    assert back.columns.keys() == post.columns.keys()
    for k in post.columns:
        np.testing.assert_array_equal(back.columns[k], post.columns[k])
    assert post.thinned(4).size == 10 and set(post.thinned(4).columns["draw"] % 4) == {0}


def test_the_shipped_weights_name_their_draws():
    assert SHIPPED.exists()
    p = default_parameters()
    post = default_posterior()
    assert post is not None and post.size >= 400
    assert set(Parameters.names()) <= set(post.weights)
    for name in Parameters.names():                 # the point is the posterior mean
        assert getattr(p, name) == pytest.approx(float(post.columns[name].mean()), rel=1e-5)
    assert load_posterior(SHIPPED).size == post.size


def test_every_draw_keeps_the_sign_its_claims_give_it():
    post = default_posterior()
    for name in Parameters.names():
        assert (post.columns[name] >= 0).all(), name


def test_the_simulator_runs_on_the_stored_draws_without_jax():
    code = ("import sys\n"
            "from multivector.model import load_inputs, simulate\n"
            "from multivector.model.parameters import default_parameters, default_posterior\n"
            "import multivector.model.projection, multivector.model.compare, multivector.model.run\n"
            "r = simulate(load_inputs(end=2030), default_parameters(), runs=20, seed=1, posterior=default_posterior())\n"
            "assert r.probs.shape[-1] == 3\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('jax', 'jaxlib', 'numpyro', 'arviz'))\n"
            "print(bad)\n"
            "sys.exit(1 if bad else 0)\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
