"""The engagement model as a forecaster inside the evaluation: no look at the later record, one seed, a cached
fit. A short NUTS fit keeps these fast (its chains need not converge: these tests check the plumbing)."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from multivector.evaluate import CalibrationSettings, EngagementModel, evaluate
from multivector.model.inputs import load_inputs

PROBS = ["p_none", "p_partner", "p_member"]
QUICK_FIT = CalibrationSettings(chains=2, warmup=40, samples=40, check=False, max_tree_depth=5)


@pytest.fixture(scope="module")
def case_inputs():
    return load_inputs()


def _quick(runs=60):
    return [EngagementModel(runs=runs, calibration=QUICK_FIT, use_cache=False,
                            parameter_uncertainty=False), "persistence"]


def test_the_model_does_not_read_the_record_after_its_origin(case_inputs):
    origin = 2008
    rng = np.random.default_rng(1)
    scrambled = case_inputs.record.copy()
    later = (case_inputs.years > origin)[:, None, None] & (scrambled >= 0)
    scrambled[later] = rng.integers(0, 3, later.sum())
    other = replace(case_inputs, record=scrambled)
    a = evaluate(inputs=case_inputs, forecasters=_quick(), origins=[origin], runs=60, seed=3)
    b = evaluate(inputs=other, forecasters=_quick(), origins=[origin], runs=60, seed=3)
    np.testing.assert_array_equal(a.forecasts[PROBS].to_numpy(), b.forecasts[PROBS].to_numpy())
    assert (a.forecasts.actual != b.forecasts.actual).any()        # the scramble did change what is scored


def test_the_model_follows_the_seed(case_inputs):
    a = evaluate(inputs=case_inputs, forecasters=_quick(), origins=[2000], runs=60, seed=5)
    b = evaluate(inputs=case_inputs, forecasters=_quick(), origins=[2000], runs=60, seed=5)
    c = evaluate(inputs=case_inputs, forecasters=_quick(), origins=[2000], runs=60, seed=6)
    pd.testing.assert_frame_equal(a.forecasts, b.forecasts)
    assert not np.array_equal(a.forecasts[PROBS].to_numpy(), c.forecasts[PROBS].to_numpy())


def test_model_calibration_is_cached(case_inputs, monkeypatch):
    from multivector.evaluate import engagement

    calls = []
    real = engagement.calibrate
    monkeypatch.setattr(engagement, "calibrate", lambda **kw: calls.append(kw) or real(**kw))
    fc = EngagementModel(runs=20, calibration=QUICK_FIT, parameter_uncertainty=False)
    evaluate(inputs=case_inputs, forecasters=[fc], origins=[2000], runs=20, seed=9)
    evaluate(inputs=case_inputs, forecasters=[fc], origins=[2000], runs=20, seed=9)
    assert len(calls) == 1
    assert fc.fitted[2000][1]["cached"] is True
