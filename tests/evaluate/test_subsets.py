"""The three subsets of rows and the change AUC, on the real case and by hand."""

import numpy as np
import pandas as pd
import pytest

from multivector.evaluate import evaluate
from multivector.evaluate.discrimination import auc, change_units


@pytest.fixture(scope="module")
def ev():
    return evaluate(forecasters=["persistence", "markov", "base_rate"], origins=[2000, 2004, 2008], seed=0)


def test_the_subsets_partition_the_rows(ev):
    f = ev.forecasts
    assert set(f.subset) == {"existing", "first_choice"}
    assert ((f.subset == "existing") == (f.status_at_origin != "")).all()
    for scores in (ev.scores, ev.scores_pooled):
        s = scores.set_index(["forecaster", "origin", "subset"]).n
        for fc, origin in {(a, b) for a, b, _ in s.index}:
            assert s[(fc, origin, "all")] == s[(fc, origin, "existing")] + s[(fc, origin, "first_choice")]
    # first choices after 2008 are the EAEU, the BRI, the AIIB and the C5+1
    later = f[(f.origin == 2008) & (f.subset == "first_choice")]
    assert set(later.line) == {"EAEU", "BRI", "AIIB", "C5P1"}
    # events partition as well
    total = ev.scores.set_index(["forecaster", "origin", "subset"]).events_total
    assert all(total[(fc, o, "all")] == total[(fc, o, "existing")] + total[(fc, o, "first_choice")]
               for fc, o, _ in total.index)


def test_persistence_has_change_auc_one_half(ev):
    for scores in (ev.scores, ev.scores_pooled):
        pers = scores[(scores.forecaster == "persistence") & (scores.subset == "existing")]
        defined = pers.change_auc.dropna()
        assert len(defined) >= 2 and (defined == 0.5).all()
        # AUC is reported on the existing lines only
        assert scores[scores.subset != "existing"].change_auc.isna().all()


def test_persistence_ties_on_the_regional_inputs_too():
    from multivector.model.inputs import load_inputs

    ev = evaluate(inputs=load_inputs(), forecasters=["persistence"], origins=[2008], seed=0)
    assert ev.scores[ev.scores.subset == "existing"].change_auc.iloc[0] == 0.5


def test_change_units_by_hand():
    rows = pd.DataFrame({
        "forecaster": "f", "origin": 2000, "state": ["A", "A", "B", "B", "C", "C"], "line": "L",
        "year": [2001, 2002] * 3, "horizon": [1, 2] * 3, "subset": "existing",
        "status_at_origin": ["member", "member", "none", "none", "member", "member"],
        "actual": ["member", "none", "none", "none", "member", "member"],
        "p_none": [0.1, 0.3, 0.9, 0.8, 0.05, 0.1], "p_partner": 0.0, "p_member": [0.9, 0.7, 0.1, 0.2, 0.95, 0.9]})
    u = change_units(rows, window=2).set_index("state")
    assert u.p_change.to_dict() == pytest.approx({"A": 0.3, "B": 0.2, "C": 0.1})
    assert u.changed.to_dict() == {"A": True, "B": False, "C": False}
    assert auc(u.p_change, u.changed) == 1.0
    # a row beyond the window is not read
    late = rows.assign(horizon=[1, 3] * 3)
    assert not change_units(late, window=2).set_index("state").changed["A"]


def test_auc_by_hand_with_ties():
    assert auc(np.array([0.2, 0.2, 0.8, 0.1]), np.array([1, 0, 1, 0])) == pytest.approx((1 + 0.5 + 1 + 1) / 4)
    assert np.isnan(auc(np.array([0.2, 0.3]), np.array([0, 0])))
