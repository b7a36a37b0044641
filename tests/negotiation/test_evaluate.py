"""Evaluation: grouped, seeded folds; summaries; the dev-file figures."""

from __future__ import annotations

import numpy as np
import pytest

from multivector.negotiation import cross_validate, evaluate, get_model
from multivector.negotiation.evaluate import compare, group_kfold
from multivector.negotiation.stubborn import StubbornModel


def test_group_kfold_keeps_groups_and_partitions():
    groups = [f"p{i // 3}" for i in range(30)]
    folds = group_kfold(groups, 5, seed=1)
    assert len(folds) == 5
    assert sorted(np.concatenate(folds).tolist()) == list(range(30))
    for fold in folds:
        inside = {groups[i] for i in fold}
        assert all((groups[j] in inside) == (j in set(fold.tolist())) for j in range(30))


def test_group_kfold_is_seeded_and_leaves_global_state_alone():
    groups = [f"p{i}" for i in range(20)]
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    a = group_kfold(groups, 5, seed=7)
    b = group_kfold(groups, 5, seed=7)
    c = group_kfold(groups, 5, seed=8)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c, strict=True))
    assert np.array_equal(np.random.get_state()[1], before)


def test_evaluate_table_and_summary(deu_problems):
    table, summary = evaluate(get_model("compromise"), deu_problems)
    assert list(table.columns) == ["isnr", "prnr", "predicted", "actual"]
    assert len(table) == 217 and table["actual"].isna().sum() == 11
    assert summary["model"] == "compromise" and summary["n"] == 206


def test_dev_reference_figures(deu_problems):
    assert evaluate(get_model("compromise"), deu_problems).summary["mae"] == pytest.approx(
        23.7, abs=0.1
    )
    assert evaluate(get_model("median"), deu_problems).summary["mae"] == pytest.approx(
        28.3, abs=0.1
    )


def test_parameter_free_cv_equals_in_sample(deu_problems):
    model = get_model("median")
    assert (
        cross_validate(model, deu_problems, 5, 0).summary == evaluate(model, deu_problems).summary
    )


def test_stubborn_beats_compromise_cross_validated(deu_problems):
    comp = evaluate(get_model("compromise"), deu_problems).summary["mae"]
    ins = evaluate(get_model("stubborn"), deu_problems).summary
    cv = cross_validate(StubbornModel(), deu_problems, 5, 0).summary
    assert ins["mae"] == pytest.approx(21.58, abs=0.1)
    assert cv["mae"] == pytest.approx(21.90, abs=0.1)
    assert cv["mae"] < comp - 1.0


def test_cv_refits_inside_folds(deu_problems):
    calls = []

    class Spy(StubbornModel):
        def fit(self, problems):
            calls.append({p.meta["prnr"] for p in problems})
            return super().fit(problems)

    cross_validate(Spy(), deu_problems, 5, 0)
    assert len(calls) == 5
    every = {p.meta["prnr"] for p in deu_problems if p.outcome is not None}
    for train in calls:
        assert train < every  # each fit leaves a fold of proposals out


def test_compare_columns(deu_problems):
    frame = compare([get_model("compromise")], deu_problems[:40])
    assert list(frame.columns) == ["model", "n", "mae", "hits", "cv_mae", "cv_hits"]


def test_group_kfold_is_scikit_learns_and_says_when_there_are_too_few_groups():
    from sklearn.model_selection import GroupKFold

    groups = [f"p{i // 2}" for i in range(14)]
    ours = group_kfold(groups, 5, seed=3)
    theirs = [t for _, t in GroupKFold(5, shuffle=True, random_state=3).split(np.zeros((14, 1)), groups=groups)]
    assert all(np.array_equal(a, b) for a, b in zip(ours, theirs, strict=True))
    assert len(group_kfold(groups[:6], 5, seed=0)) == 3   # k cut to the number of proposals
    with pytest.raises(ValueError, match="at least 2 proposals, got 1"):
        group_kfold(["p1", "p1"], 5)
