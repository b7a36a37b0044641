"""The estimator: one definition of the terms for fit and simulation, the JAX likelihood equals the NumPy
one, NUTS draws from the one seed, sign constraints, the nested reference, and no look at the record
after the origin (small fits: few chains and iterations)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from multivector.model import Parameters
from multivector.model import simulator as SIM
from multivector.model.design import build_design, recorded_prev, recorded_tenure_of
from multivector.model.likelihood import theory_matrix, transition_log_likelihood
from multivector.model.terms import THEORY
from multivector.model.transition import log_probabilities

pytest.importorskip("numpyro")
QUICK = {"chains": 2, "warmup": 40, "samples": 40, "max_tree_depth": 5}


@pytest.fixture(scope="module")
def fit(inputs):
    from multivector.model.estimate import sample

    return sample(build_design(inputs, 2012), seed=5, **QUICK)


def test_estimation_and_simulation_compute_identical_utilities(inputs):
    """The design's covariates (record of the year before, coded depth) are the simulator's terms."""
    design = build_design(inputs, 2025)
    params = Parameters(security_weight=0.7, economy_weight=1.9, regime_weight=0.4, network_weight=1.1,
                        external_weight=0.3, sovereignty_weight=2.5, balance_weight=30.0, neutrality_weight=2.0,
                        pressure_weight=0.8, exit_tenure_weight=0.6)
    w = SIM.draw_parameters(params, {}, 1, np.random.default_rng(0))
    W = theory_matrix(params.as_dict(), 1)
    checked = 0
    for t in range(inputs.T):
        rows = np.flatnonzero(design.year == inputs.years[t])
        if not len(rows):
            continue
        prev, fresh = recorded_prev(inputs, t)
        depth = inputs.depth[t][None]                       # the simulator with the coded depth of the era
        util = SIM.year_utility(inputs, t, w, prev[None], depth)[0]
        s, l_ = design.state[rows], design.line_all[rows]
        np.testing.assert_allclose(np.einsum("nkm,m->nk", design.terms[rows], W[0]), util[s, l_], atol=1e-12)
        p_sim = SIM.step_probabilities(inputs, t, w, params.alpha_array(inputs.lines)[None], prev[None], fresh,
                                       recorded_tenure_of(inputs)[t][None], depth)[0]
        ll = transition_log_likelihood(design, params.alpha_array(design.lines)[None],
                                       np.array([params.exit_tenure_weight]), W)[0, rows]
        np.testing.assert_allclose(ll, np.log(p_sim[s, l_, design.level[rows]]), atol=1e-10)
        checked += len(rows)
    assert checked == design.n > 0


def test_the_jax_log_density_is_the_numpy_likelihood(inputs):
    import jax
    import jax.numpy as jnp

    from multivector.model import estimate as E
    from multivector.model.transition import alpha_full

    jax.config.update("jax_enable_x64", True)
    design = build_design(inputs, 2025)
    rng = np.random.default_rng(1)
    u = {"mu": rng.normal(-2, 1, 8), "log_sigma": rng.normal(0, 0.5, 8), "z": rng.normal(0, 1, (len(design.lines), 8)),
         "log_tau": np.log(0.8), "log_obstruction": np.log(1.3), "log_w": rng.normal(0, 1, len(THEORY))}
    p = E.constrained(u, True)
    data = {k: jnp.asarray(v) for k, v in E.model_data(design).items()}
    alpha = alpha_full(p["mu"] + p["sigma"] * p["z"])[None]
    expect = transition_log_likelihood(design, alpha, np.array([0.8]), theory_matrix(p, 1)).sum()
    got = E.transition_log_likelihood_jax({k: jnp.asarray(v) for k, v in p.items()}, data, True)
    assert float(got) == pytest.approx(expect, rel=1e-10)
    # the gradient of the log density is finite everywhere the sampler may go (closed levels are −inf)
    grad = jax.grad(lambda v: E.log_density(v, data, np.ones(len(THEORY)), True))(
        {k: jnp.asarray(v, float) for k, v in u.items()})
    assert all(np.isfinite(np.asarray(g)).all() for g in grad.values())


def test_the_same_seed_gives_the_same_draws_and_every_weight_keeps_its_sign(inputs, fit):
    from multivector.model.estimate import sample

    again = sample(build_design(inputs, 2012), seed=5, **QUICK)
    for k in fit.samples:
        np.testing.assert_array_equal(fit.samples[k], again.samples[k])
    for name in fit.weight_names():
        assert (fit.samples[name] >= 0).all(), name
    assert fit.samples["security_weight"].shape == (2, 40)
    post = fit.posterior()
    assert post.size == 80 and set(post.lines) == {"CSTO", "SCO"}


def test_diagnostics_cover_every_parameter_and_fail_loudly(fit):
    from multivector.model.estimate import ConvergenceError, check, diagnose

    d = diagnose(fit)
    assert {"rhat_max", "ess_bulk_min", "divergences"} <= set(d)
    assert {"security_weight", "alpha:*:member>none", "sigma:member>none", "z:CSTO:member>none"} <= set(d["parameters"])
    bad = {**d, "parameters": {**d["parameters"], "balance_weight": {"rhat": 1.2, "ess_bulk": 10.0}}}
    with pytest.raises(ConvergenceError, match="balance_weight 1.200"):
        check(bad)


def test_the_nested_reference_has_no_theory(inputs):
    from multivector.model.calibrate import point
    from multivector.model.estimate import sample

    nested = sample(build_design(inputs, 2012), seed=5, theory=False, **QUICK)
    assert not set(Parameters.theory_names()) & set(nested.samples)
    p = point(nested.posterior())
    assert all(getattr(p, n) == 0.0 for n in Parameters.theory_names())


def test_the_estimator_on_the_pooled_path_reads_no_record_after_the_origin():
    """Poison every recorded status and stance after the origin: the fit is unchanged, draw for draw."""
    from multivector.evaluate.engagement import CalibrationSettings, EngagementModel
    from multivector.evaluate.task import ForecastTask
    from multivector.model import load_inputs

    clean = load_inputs(pool=True)
    origin = 2004
    rng = np.random.default_rng(2)
    rec = clean.record.copy()
    later = (clean.years > origin)[:, None, None] & (rec >= 0)
    rec[later] = rng.integers(0, 3, later.sum())
    stances = [*clean.stance_observations, {"year": origin + 1, "state": "KAZ", "line": 1, "stance": 2,
                                            "evidence": "poison", "proposal": "poison"}]
    poisoned = replace(clean, record=rec, stance_observations=stances)
    settings = CalibrationSettings(chains=1, warmup=20, samples=20, check=False, max_tree_depth=5)
    fits = []
    for inp in (clean, poisoned):   # the full inputs: the estimator itself must stop at the origin
        m = EngagementModel(calibration=settings, use_cache=False)
        fits.append(m._fit(ForecastTask(inp, origin, 2025, seed=1))[1])
    for k in fits[0].columns:
        np.testing.assert_array_equal(fits[0].columns[k], fits[1].columns[k])


def test_log_probabilities_of_a_closed_level_are_minus_infinity():
    z = np.array([[0.0, -np.inf, 1.0]])
    lp = log_probabilities(z)
    assert lp[0, 1] == -np.inf and np.exp(lp).sum() == pytest.approx(1.0)
