"""Nested cross-validation never fits on what it scores; the bootstrap and the recommendation rule."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from multivector.negotiation import get_model
from multivector.negotiation.evaluate import Evaluation, summarise
from multivector.negotiation.perturb import forecast_interval, perturbed
from multivector.negotiation.selection import MARGIN, bootstrap_gain, nested_cv, recommend
from multivector.negotiation.stubborn import StubbornModel

CANDIDATES = (StubbornModel(free=("alpha",), penalty=0.0, name="alpha only"),
              StubbornModel(free=("alpha", "eps"), penalty=0.0, name="alpha and eps"))


@pytest.fixture(scope="module")
def subset(deu_problems):
    return [p for p in deu_problems if p.outcome is not None][:90]


def test_poisoned_outer_fold_changes_no_choice(subset):
    """Garbage outcomes in one outer test fold leave that fold's inner choice, fit and forecasts alone."""
    clean = nested_cv(CANDIDATES, subset, "stubborn", outer_k=3, inner_k=3, seed=4)
    j = 1
    poisoned_rows = set(clean.folds[j].tolist())
    poisoned = [replace(p, outcome=np.array([100.0 - float(p.outcome[0])])) if i in poisoned_rows else p
                for i, p in enumerate(subset)]
    dirty = nested_cv(CANDIDATES, poisoned, "stubborn", outer_k=3, inner_k=3, seed=4)
    assert dirty.choices[j] == clean.choices[j]
    assert dirty.fitted[j].params == clean.fitted[j].params
    rows = sorted(poisoned_rows)
    np.testing.assert_array_equal(dirty.evaluation.table.predicted.to_numpy()[rows],
                                  clean.evaluation.table.predicted.to_numpy()[rows])
    # the other folds did train on the poisoned rows, so their fits may move: the check has teeth
    assert any(d.params != c.params for d, c in zip(dirty.fitted, clean.fitted, strict=True)
               if d is not dirty.fitted[j])


def test_outer_folds_partition_and_keep_proposals(subset):
    res = nested_cv(CANDIDATES, subset, "stubborn", outer_k=3, inner_k=3, seed=0)
    assert sorted(np.concatenate(res.folds).tolist()) == list(range(len(subset)))
    for fold in res.folds:
        inside = {subset[i].meta["prnr"] for i in fold}
        outside = {p.meta["prnr"] for i, p in enumerate(subset) if i not in set(fold.tolist())}
        assert not inside & outside
    assert res.evaluation.summary["n"] == len(subset) and set(res.choices) <= {c.name for c in CANDIDATES}


def _table(pred, actual, groups):
    return pd.DataFrame({"isnr": [f"i{k}" for k in range(len(pred))], "prnr": groups, "predicted": pred,
                         "actual": actual})


def test_bootstrap_gain_is_seeded_and_exact_on_its_mean():
    actual = np.zeros(40)
    groups = [f"p{k // 2}" for k in range(40)]
    ref = _table(np.full(40, 3.0), actual, groups)
    model = _table(np.full(40, 1.0), actual, groups)
    gain, lo, hi = bootstrap_gain(model, ref, reps=200, seed=1)
    assert gain == lo == hi == pytest.approx(2.0)  # the same gain on every row
    noisy = _table(np.arange(40) % 5, actual, groups)
    assert bootstrap_gain(noisy, ref, 300, 5) == bootstrap_gain(noisy, ref, 300, 5)
    with pytest.raises(ValueError, match="same issues"):
        bootstrap_gain(noisy.iloc[::-1], ref)


def test_recommend_needs_the_margin():
    actual = np.zeros(60)
    groups = [f"p{k // 3}" for k in range(60)]

    def ev(pred, name):
        t = _table(np.asarray(pred, float), actual, groups)
        return Evaluation(t, summarise(t, name))

    comp = ev(np.full(60, 5.0), "compromise")
    small = ev(np.full(60, 5.0 - MARGIN / 2), "small")  # better, but by less than the margin
    rec = recommend({"compromise": comp, "small": small}, baselines=("compromise",), reps=100)
    assert rec.challenger == "small" and rec.model == "compromise" and "not above" in rec.reason
    big = ev(np.full(60, 2.0), "big")
    rec = recommend({"compromise": comp, "small": small, "big": big}, baselines=("compromise",), reps=100)
    assert rec.model == "big" and rec.low == pytest.approx(3.0)


def test_forecast_interval_is_seeded_and_brackets_the_forecast(make_problem):
    p = make_problem([10, 40, 95, 60], [1, 2, 1, 3], [80, 30, 60, 45], status_quo=[0.0])
    model = get_model("compromise")
    a, b = forecast_interval(model, p, 100, seed=3), forecast_interval(model, p, 100, seed=3)
    np.testing.assert_array_equal(a.low, b.low)
    assert a.low[0] < model.predict(p).value < a.high[0]
    assert a.as_dict()["seed"] == 3 and a.as_dict()["draws"] == 100
    c = forecast_interval(model, p, 100, seed=4)
    assert not np.array_equal(a.low, c.low)
    copy = perturbed(p, np.random.default_rng(0))
    assert np.all((copy.position >= 0) & (copy.position <= 100))
    assert np.all(np.abs(copy.position - p.position) <= 10 + 1e-9)
    assert np.all(np.abs(copy.capability / p.capability - 1) <= 0.2 + 1e-9)
    with pytest.raises(ValueError, match="at least 2"):
        forecast_interval(model, p, 1)


def test_the_recommended_model_is_what_the_rule_gives_on_the_dev_file(dev_comparison, deu_problems):
    """`models.RECOMMENDED` re-derived: the fixed rule, applied to the nested-CV figures of the DEU dev file."""
    from pathlib import Path

    from multivector import figures
    from multivector.figures.negotiation import deu_table
    from multivector.negotiation.models import RECOMMENDED

    rec = dev_comparison.recommendation
    assert rec.model == RECOMMENDED
    assert (rec.model == rec.challenger) == (rec.low > MARGIN)   # the rule, read off its own figures
    # and the table the docs print is this computation, not an older one
    stored = figures.stored_tables(Path(__file__).resolve().parents[2])["negotiation/deu"]
    fresh = deu_table(dev_comparison, deu_problems)
    assert (stored.rows, stored.note) == (fresh.rows, fresh.note)
    assert f"Recommendation: **{RECOMMENDED}**" in stored.note
