"""Each score against values computed by hand."""

import numpy as np
import pytest

from multivector.evaluate import scores as S

P = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.2, 0.6]])
Y = np.array([0, 2, 1])


def test_log_score_by_hand():
    expected = -(np.log(0.7) + np.log(0.6) + np.log(0.2)) / 3
    assert S.log_score(P, Y, floor=1e-3) == pytest.approx(expected)


def test_log_score_floor_bounds_an_impossible_event():
    assert S.log_score(np.array([[1.0, 0.0, 0.0]]), np.array([2]), floor=0.01) == pytest.approx(-np.log(0.01))


def test_brier_by_hand():
    rows = [(0.3**2 + 0.2**2 + 0.1**2), (0.1**2 + 0.3**2 + 0.4**2), (0.2**2 + 0.8**2 + 0.6**2)]
    assert S.brier_score(P, Y) == pytest.approx(np.mean(rows))


def test_rps_by_hand():
    # cumulative forecasts vs cumulative outcomes over none, partner (the last term is always 0)
    rows = [(0.7 - 1) ** 2 + (0.9 - 1) ** 2, (0.1 - 0) ** 2 + (0.4 - 0) ** 2, (0.2 - 0) ** 2 + (0.4 - 1) ** 2]
    assert S.ranked_probability_score(P, Y) == pytest.approx(np.mean(rows))


def test_rps_respects_order_where_brier_does_not():
    near, far = np.array([[0.0, 1.0, 0.0]]), np.array([[1.0, 0.0, 0.0]])
    y = np.array([2])
    assert S.brier_score(near, y) == S.brier_score(far, y)
    assert S.ranked_probability_score(near, y) < S.ranked_probability_score(far, y)


def test_accuracies_by_hand():
    assert S.accuracy(P, Y) == pytest.approx(2 / 3)
    # recall: none 1/1, partner 0/1, member 1/1
    assert S.balanced_accuracy_3(P, Y) == pytest.approx(2 / 3)
    # member vs not: actual [F, T, F], predicted P(member) > .5: [F, T, T] -> recall not 1/2, member 1/1
    assert S.balanced_accuracy_2(P, Y, threshold=0.5) == pytest.approx(0.75)


def test_skill():
    assert S.skill(0.25, 0.5) == pytest.approx(0.5)
    assert S.skill(1.0, 0.5) == pytest.approx(-1.0)
    assert S.skill(0.0, 0.0) == 0.0


def test_score_all_names_every_score():
    out = S.score_all(P, Y, log_floor=1e-3, member_threshold=0.5)
    assert set(out) == {"n", "log_score", "brier", "rps", "accuracy", "balanced_accuracy_3", "balanced_accuracy_2"}
    assert out["n"] == 3
