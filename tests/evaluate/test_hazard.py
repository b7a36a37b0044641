"""The tenure hazard: it recovers a known duration dependence and propagates level and tenure exactly."""

import numpy as np
import pytest
from scipy.special import expit

from multivector.evaluate import ForecastTask, TenureHazard, mask_after
from multivector.evaluate.chains import FIRST, MAX_TENURE, tenure_at, transition_rows
from multivector.evaluate.hazard import fit_hazard

from .conftest import synthetic_inputs


def simulated_record(mu: float, beta: float, seed: int, T: int = 40, S: int = 60, L: int = 2) -> np.ndarray:
    """Members leave with logistic(mu + beta log tenure) a year and come back with probability ½ a year."""
    rng = np.random.default_rng(seed)
    rec = np.zeros((T, S, L), np.int8)
    rec[0] = 2
    tenure = np.ones((S, L))
    for t in range(1, T):
        leave = rng.random((S, L)) < expit(mu + beta * np.log(np.minimum(tenure, MAX_TENURE)))
        back = rng.random((S, L)) < 0.5
        was = rec[t - 1]
        rec[t] = np.where(was == 2, np.where(leave, 0, 2), np.where(back, 2, 0))
        tenure = np.where(rec[t] == was, tenure + 1, 1)
    return rec


def test_the_hazard_recovers_a_falling_duration_dependence():
    inp = synthetic_inputs(simulated_record(mu=-1.0, beta=-1.0, seed=3))
    fit = fit_hazard(transition_rows(inp, inp.record_until), n_lines=2)
    mu, beta = fit.theta[2], fit.theta[5]          # from member
    assert mu == pytest.approx(-1.0, abs=0.3) and beta == pytest.approx(-1.0, abs=0.3)
    assert fit.sigma < 0.3                          # the two lines were drawn alike: little line effect


def test_kernel_rows_are_distributions_and_staying_is_one_minus_the_hazard():
    inp = synthetic_inputs(simulated_record(mu=-1.0, beta=-0.5, seed=4, T=20, S=20))
    fit = fit_hazard(transition_rows(inp, inp.record_until), n_lines=2)
    ker = fit.kernel()
    assert ker.shape == (2, 3, MAX_TENURE, 3) and np.allclose(ker.sum(-1), 1.0)
    h = fit.hazard()
    assert np.allclose(ker[:, 2, :, 2], 1 - h[:, 2])


def test_two_steps_of_the_forecast_by_hand():
    rec = simulated_record(mu=-1.5, beta=-0.7, seed=5, T=25, S=30)
    inp = synthetic_inputs(rec)
    origin = 2010
    task = ForecastTask(inputs=mask_after(inp, origin), origin=origin, last_year=inp.record_until, seed=0)
    fc = TenureHazard()
    p = fc.forecast(task)
    ker = fc.fitted[origin].kernel()
    d0 = tenure_at(task.inputs, origin)
    for s in range(5):
        j, d = int(task.status_at_origin()[s, 0]), int(d0[s, 0])
        one = ker[0, j, d - 1]
        np.testing.assert_allclose(p[0, s, 0], one, atol=1e-12)
        # year 2: stay (tenure d + 1) or changed last year (tenure 1)
        two = one[j] * ker[0, j, min(d + 1, MAX_TENURE) - 1]
        for k in range(3):
            if k != j:
                two = two + one[k] * ker[0, k, 0]
        np.testing.assert_allclose(p[1, s, 0], two, atol=1e-12)


def test_first_choices_come_from_the_markov_chain():
    rec = simulated_record(mu=-1.0, beta=-0.5, seed=6, T=20, S=10)
    inp = synthetic_inputs(rec)
    inp.max_level[:12, :, 1] = 0           # line 1 opens in 2003
    inp.record[:12, :, 1] = -1
    task = ForecastTask(inputs=mask_after(inp, 2001), origin=2001, last_year=inp.record_until, seed=0)
    fc = TenureHazard()
    p = fc.forecast(task)
    assert np.all(p[0, :, 1] == 0)         # 2002: closed
    np.testing.assert_allclose(p[1, :, 1], np.broadcast_to(fc.fitted[2001].chain.P[1, FIRST], (10, 3)))
