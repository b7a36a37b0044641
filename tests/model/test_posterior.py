"""The weights' posterior: a proper covariance, draws from one seed, runs that carry it."""

from __future__ import annotations

import numpy as np

from multivector.model import Parameters, simulate
from multivector.model.posterior import Posterior, laplace


def test_laplace_gives_a_proper_covariance_and_flags_what_the_data_do_not_pin(inputs):
    post = laplace(inputs, Parameters(), train_until=2012, runs=20, seed=3)
    assert post.names == list(Parameters.FREE)
    assert np.all(np.linalg.eigvalsh(post.cov_log) > 0)
    assert np.allclose(np.exp(post.mean_log), Parameters().vector())
    lo_hi = post.intervals(0.9)
    assert all(lo <= med <= hi for med, lo, hi in lo_hi.values())
    again = Posterior.from_dict(post.as_dict())
    np.testing.assert_allclose(again.cov_log, post.cov_log)


def test_runs_draw_their_weights_from_the_posterior_with_the_one_seed(inputs):
    names = list(Parameters.FREE)
    post = Posterior(names, np.log(Parameters().vector()), np.eye(len(names)) * 0.04, [])
    a = simulate(inputs, Parameters(), runs=30, seed=5, posterior=post)
    b = simulate(inputs, Parameters(), runs=30, seed=5, posterior=post)
    np.testing.assert_array_equal(a.probs, b.probs)
    w = a.parameters["sovereignty_weight"]
    assert w.std() > 0 and (w > 0).all()                                   # varies, keeps its sign
    assert (a.parameters["review_rate"] <= 1).all()
    fixed = simulate(inputs, Parameters(), runs=30, seed=5)
    assert fixed.parameters["sovereignty_weight"].std() == 0
