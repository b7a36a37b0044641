"""Reference forecasters on synthetic records whose answer is known."""

import numpy as np
import pytest

from multivector.evaluate import (
    BaseRate,
    ForecastTask,
    Persistence,
    TransitionLogit,
    evaluate,
    mask_after,
)
from multivector.evaluate.logit import feature_names
from multivector.evaluate.reference import change_rate

from .conftest import synthetic_inputs


def _task(inp, origin, seed=0):
    return ForecastTask(inputs=mask_after(inp, origin), origin=origin, last_year=inp.record_until, seed=seed)


def test_persistence_is_perfect_on_a_record_that_never_changes():
    rec = np.zeros((20, 4, 3), np.int8)
    rec[:, :, 0], rec[:, :, 1], rec[:, :2, 2] = 2, 1, 2
    inp = synthetic_inputs(rec)
    ev = evaluate(inputs=inp, forecasters=["persistence"], origins=[1995, 2000])
    s = ev.scores
    assert (s.accuracy == 1.0).all() and (s.brier == 0.0).all() and (s.log_score == 0.0).all()
    assert (s.spurious_changes == 0).all() and (s.events_total == 0).all()


def test_persistence_smooths_with_the_training_change_rate():
    rec = np.full((13, 2, 1), 2, np.int8)
    rec[5:, 0, 0] = 0                      # one change in 2 x 10 year-to-year pairs
    inp = synthetic_inputs(rec)
    task = _task(inp, 2001)
    assert change_rate(task) == pytest.approx(1 / 20)
    p = Persistence().forecast(task)
    assert p[0, 0, 0].tolist() == pytest.approx([0.95, 0.025, 0.025])
    assert p[0, 1, 0].tolist() == pytest.approx([0.025, 0.025, 0.95])


def test_base_rate_counts_training_years_by_line():
    rec = np.zeros((10, 2, 2), np.int8)
    rec[:, :, 1] = 2
    rec[:5, 0, 0] = 1
    inp = synthetic_inputs(rec)
    p = BaseRate(prior_count=0.0).forecast(_task(inp, 1994))      # training 1991-1994: 8 rows per line
    assert p[0, 0, 0].tolist() == pytest.approx([0.5, 0.5, 0.0])
    assert p[3, 1, 1].tolist() == pytest.approx([0.0, 0.0, 1.0])


def test_logit_recovers_the_coefficients_of_the_record_it_was_drawn_from():
    rng = np.random.default_rng(4)
    T, S, L = 40, 25, 8
    threat = rng.uniform(0, 1, (T, S))
    # log-odds against none: partner, member  (intercept, prev partner, prev member, threat)
    beta = {1: (-1.5, 2.0, 0.5, 1.0), 2: (-2.0, 1.0, 4.0, 2.0)}
    rec = np.zeros((T, S, L), np.int8)
    for t in range(1, T):
        prev = rec[t - 1]
        z = np.zeros((S, L, 3))
        for k, (a, bp, bm, bt) in beta.items():
            z[..., k] = a + bp * (prev == 1) + bm * (prev == 2) + bt * threat[t][:, None]
        p = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
        rec[t] = (rng.random((S, L))[..., None] > np.cumsum(p, -1)[..., :2]).sum(-1)
    inp = synthetic_inputs(rec, threat=threat)
    fc = TransitionLogit()
    p = fc.forecast(_task(inp, 2029))
    assert np.allclose(p.sum(-1), 1.0)
    fit = fc.fitted[2029]
    names = feature_names(inp.lines)
    # one-step probabilities by last level and threat (any line, any tenure) against the generating logit
    for prev in range(3):
        for th in (0.2, 0.5, 0.8):
            for tenure in (1, 4):
                x = np.zeros((1, len(names)))
                if prev:
                    x[0, names.index(("from_partner", "from_member")[prev - 1])] = 1
                    x[0, names.index(f"log_tenure_{('none', 'partner', 'member')[prev]}")] = np.log(tenure)
                x[0, names.index("line_L3")] = 1
                x[0, names.index("threat_level")] = th
                z = np.array([0.0] + [a + bp * (prev == 1) + bm * (prev == 2) + bt * th
                                      for a, bp, bm, bt in beta.values()])
                assert fit.predict(x)[0] == pytest.approx(np.exp(z) / np.exp(z).sum(), abs=0.05)


def test_logit_does_not_extrapolate_a_driver_beyond_its_training_range():
    rng = np.random.default_rng(5)
    T, S, L = 30, 20, 3
    threat = np.full((T, S), 0.2)
    threat[:15] = rng.uniform(0.1, 0.3, (15, S))
    rec = np.full((T, S, L), 2, np.int8)
    leave = rng.random((T, S, L)) < 0.2 * (threat[:, :, None] > 0.25)
    rec[leave] = 0
    inp = synthetic_inputs(rec, threat=threat)
    task = _task(inp, 2005)
    base = TransitionLogit().forecast(task)
    inp.drivers.state["threat_level"][15:] = 50.0          # far outside training: read as its training maximum
    high = TransitionLogit().forecast(_task(inp, 2005))
    inp.drivers.state["threat_level"][15:] = threat[:15].max()
    at_max = TransitionLogit().forecast(_task(inp, 2005))
    np.testing.assert_allclose(high, at_max)
    assert not np.allclose(high, base)


def test_custom_forecaster_plugs_in():
    class AlwaysMember:
        name = "always_member"

        def forecast(self, task):
            p = np.zeros((*task.shape, 3))
            p[..., 2] = 1.0
            return p

    rec = np.full((10, 2, 2), 2, np.int8)
    ev = evaluate(inputs=synthetic_inputs(rec), forecasters=[AlwaysMember(), "persistence"], origins=[1995])
    s = ev.scores[ev.scores.subset == "all"].set_index("forecaster")
    assert s.loc["always_member", "accuracy"] == 1.0


def test_a_forecaster_with_the_wrong_shape_is_told_what_to_return():
    class Broken:
        name = "broken"

        def forecast(self, task):
            return np.zeros((1, 3))

    with pytest.raises(ValueError, match="expected \\(years, states, lines, 3\\)"):
        evaluate(inputs=synthetic_inputs(np.zeros((10, 2, 2), np.int8)), forecasters=[Broken()], origins=[1995])
