"""Nash bargaining, the combination, the baselines and the veto term, computed by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multivector.negotiation import NegotiationProblem, get_model
from multivector.negotiation.nash import nash_bargaining
from multivector.negotiation.rules import honour_veto, rule_applies

from .test_models import ModelContract, forecast


def problem(x, w=None, q=None, rule="majority", salience=None, actors=None, setters=()):
    n = len(x)
    return NegotiationProblem(
        actors=actors or tuple(f"a{i}" for i in range(n)), capability=np.array(w or [1.0] * n, float),
        position=np.array(x, float), salience=np.array(salience or [100.0] * n, float),
        status_quo=None if q is None else [float(q)], decision_rule=rule, agenda_setters=setters)


class TestNash(ModelContract):
    name = "nash"
    two_equal = 50.0  # no status quo: each actor's far end is the disagreement point; symmetric
    dominant = 0.0  # set below from the first-order condition

    @pytest.fixture(autouse=True)
    def _dominant(self):
        # no status quo, actors 20, 80, 90 (far ends 100, 0, 0), weights 50, 0.5, 0.5:
        # maximise Σ w log(D_i − (x − x_i)²); the root of the derivative, by a dense grid
        x, w, far = np.array([20.0, 80, 90]), np.array([50.0, 0.5, 0.5]), np.array([80.0, 80, 90]) ** 2
        grid = np.linspace(0, 100, 1_000_001)[1:-1]
        obj = (w[:, None] * np.log(np.maximum(far[:, None] - (grid - x[:, None]) ** 2, 1e-300))).sum(axis=0)
        self.dominant = float(grid[np.argmax(obj)])
        self.tol = 1e-3

    def test_two_actors_closed_form(self):
        """q = 0, actors at 60 and 100, equal weights: x² − 240x + 12000 = 0, so x = 120 − √2400."""
        assert forecast("nash", problem([60, 100], q=0)) == pytest.approx(120 - np.sqrt(2400), abs=1e-9)
        # the compromise model would say 80: Nash is held back by the actor whose gains end at 120
        assert forecast("compromise", problem([60, 100], q=0)) == pytest.approx(80)

    def test_three_actors_against_the_polynomial(self):
        """q = 0, actors 20, 60, 100, equal weights: Σ (x_i − x)/(2x_i − x) = 0 on (0, 40)."""
        a, b, c = (np.poly1d([-1, 20]), np.poly1d([-1, 60]), np.poly1d([-1, 100]))
        da, db, dc = (np.poly1d([-1, 40]), np.poly1d([-1, 120]), np.poly1d([-1, 200]))
        roots = (a * db * dc + b * da * dc + c * da * db).roots
        root = [r.real for r in roots if abs(r.imag) < 1e-9 and 0 < r.real < 40]
        assert len(root) == 1
        assert forecast("nash", problem([20, 60, 100], q=0)) == pytest.approx(root[0], abs=1e-9)

    def test_identical_positions_pool(self):
        """Two actors at 100 with weight ½ each bargain as one actor of weight 1."""
        assert forecast("nash", problem([60, 100, 100], [1, 0.5, 0.5], q=0)) == pytest.approx(
            120 - np.sqrt(2400), abs=1e-9)

    def test_an_actor_that_gains_nothing_is_left_out(self):
        """An actor at the status quo gains from no agreement; with weight 0 an actor does not count."""
        base = forecast("nash", problem([60, 100], q=0))
        assert forecast("nash", problem([0, 60, 100], [5, 1, 1], q=0)) == pytest.approx(base, abs=1e-9)
        assert forecast("nash", problem([60, 100, 5], [1, 1, 0], q=0)) == pytest.approx(base, abs=1e-9)

    def test_status_quo_is_the_disagreement_point(self):
        """Moving q changes the forecast: gains are measured from it."""
        near, far = forecast("nash", problem([60, 100], q=50)), forecast("nash", problem([60, 100], q=0))
        # q = 50: gains (x − 50)(70 − x) and (x − 50)(150 − x); 2/(x − 50) = 1/(70 − x) + 1/(150 − x), i.e. x² − 190x + 8000 = 0
        assert near == pytest.approx((190 - np.sqrt(190 ** 2 - 4 * 8000)) / 2, abs=1e-9)
        assert near != pytest.approx(far)

    def test_no_shared_gain_keeps_the_status_quo(self):
        """Actors on both sides of q share no agreement they both prefer: nothing changes."""
        assert forecast("nash", problem([0, 100], q=50)) == pytest.approx(50)
        assert forecast("nash", problem([50, 50], q=50)) == pytest.approx(50)

    def test_one_actor_gets_its_position(self):
        assert nash_bargaining(np.array([[70.0]]), np.array([[2.0]]), np.array([10.0]))[0] == pytest.approx(70)


def test_combination_is_the_mean_of_its_members(make_problem):
    p = make_problem([10, 40, 95, 60], [1, 2, 1, 3], [80, 30, 60, 45], status_quo=[0.0])
    parts = [forecast(n, p) for n in ("compromise", "nash", "smp")]
    assert forecast("combination", p) == pytest.approx(sum(parts) / 3)
    details = get_model("combination").predict(p).details["members"]
    assert details["nash"][0] == pytest.approx(parts[1])


def test_baselines():
    p = problem([100, 20, 60], [2, 1, 1], q=10, actors=("com", "x", "y"), setters=("com",))
    assert forecast("status_quo", p) == 10.0
    assert forecast("agenda_setter", p) == 100.0
    assert np.isnan(forecast("status_quo", problem([1, 2])))
    assert np.isnan(forecast("agenda_setter", problem([1, 2])))


def test_veto_term_under_consensus():
    """q = 0; a salient member at 20 accepts only x ≤ 40: the compromise (≈ 73.3) is cut to 40."""
    p = problem([100, 100, 20], [1, 1, 1], q=0, rule="consensus", salience=[100, 100, 90])
    free = forecast("compromise", p)
    assert free == pytest.approx((100 + 100 + 20 * 0.9) / 2.9)
    assert get_model("compromise", rule_terms=True).predict(p).value == pytest.approx(40)
    assert honour_veto(np.array([free]), p, pull=0.5)[0] == pytest.approx((free + 40) / 2)
    # every point model honours it the same way
    for name in ("median", "nash", "smp", "bdm", "stubborn", "combination"):
        assert get_model(name, rule_terms=True).predict(p).value <= 40 + 1e-9
    # a member below the veto salience cannot block; under QMV nobody can
    low = problem([100, 100, 20], [1, 1, 1], q=0, rule="consensus", salience=[100, 100, 30])
    assert get_model("compromise", rule_terms=True).predict(low).value == pytest.approx(
        forecast("compromise", low))
    qmv = p.with_rule("qmv")
    assert get_model("compromise", rule_terms=True).predict(qmv).value == pytest.approx(free)
    assert "no single member can block" in rule_applies(qmv)
    assert "no status quo" in rule_applies(problem([1, 2], rule="consensus"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 100), st.floats(0.0, 5.0)), min_size=1, max_size=8),
       st.integers(0, 100))
def test_nash_is_individually_rational(actors, q):
    """Whatever the inputs, no bargaining actor loses against the status quo, and the point stays in range."""
    x = np.array([a for a, _ in actors], float)
    w = np.array([b for _, b in actors], float)
    got = nash_bargaining(x[None, :], w[None, :], np.array([float(q)]))[0]
    assert min(x.min(), q) - 1e-9 <= got <= max(x.max(), q) + 1e-9
    bargaining = (w > 0) & (x != q)
    gains = (q - x) ** 2 - (got - x) ** 2
    assert np.all(gains[bargaining] >= -1e-6)
