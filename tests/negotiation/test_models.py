"""Hand-checked small cases for every model, through one shared contract per kind of model."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multivector.negotiation import (
    MODEL_NAMES,
    NegotiationProblem,
    bdm,
    get_model,
    read_ktab_csv,
    smp,
    stubborn,
)
from multivector.negotiation.stubborn import StubbornParams


def forecast(name: str, problem: NegotiationProblem, options=None) -> float:
    return get_model(name, options).predict(problem).value


problems_1d = st.integers(min_value=1, max_value=8).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 100), min_size=n, max_size=n),
        st.lists(st.floats(0.05, 5.0), min_size=n, max_size=n),
        st.lists(st.integers(1, 100), min_size=n, max_size=n),
    )
)


class ModelContract:
    """What every model must satisfy; subclasses give the hand-computed figures."""

    name: str
    two_equal: float  # actors at 0 and 100, equal capability and salience 100
    dominant: float  # capabilities 100, 1, 1 at 20, 80, 90 (salience 50)
    tol: float = 1e-6

    def test_consensus_stays(self, make_problem):
        assert forecast(
            self.name, make_problem([30, 30, 30], [1, 2, 3], [50, 60, 70])
        ) == pytest.approx(30)

    def test_two_actors(self, make_problem):
        got = forecast(self.name, make_problem([0, 100], [1, 1], [100, 100]))
        assert got == pytest.approx(self.two_equal, abs=self.tol)

    def test_dominant_actor(self, make_problem):
        got = forecast(self.name, make_problem([20, 80, 90], [100, 1, 1], [50, 50, 50]))
        assert got == pytest.approx(self.dominant, abs=self.tol)

    def test_rule_blind_models_ignore_rule(self, make_problem):
        """Without rule parameters a model forecasts the same under unanimity and QMV."""
        p = make_problem([10, 40, 95], [1, 2, 1], [80, 30, 60], status_quo=[0.0])
        assert forecast(self.name, p.with_rule("unanimity")) == pytest.approx(
            forecast(self.name, p.with_rule("qmv"))
        )

    def test_permutation_invariant(self, make_problem):
        x, c, s = [5, 60, 35, 90], [1, 3, 2, 1], [70, 40, 90, 20]
        order = [2, 0, 3, 1]
        a = forecast(self.name, make_problem(x, c, s))
        b = forecast(
            self.name,
            make_problem([x[i] for i in order], [c[i] for i in order], [s[i] for i in order]),
        )
        assert a == pytest.approx(b)

    def test_every_dimension(self, ktab_file):
        pred = get_model(self.name).predict(read_ktab_csv(ktab_file))
        assert pred.position.shape == (2,)
        assert np.all((0 <= pred.position) & (pred.position <= 100))


class TestCompromise(ModelContract):
    name = "compromise"
    two_equal = 50.0
    dominant = (100 * 20 + 80 + 90) / 102

    def test_salience_weights(self, make_problem):
        # weights 1·100 and 1·50: (0·100 + 100·50) / 150
        assert forecast(self.name, make_problem([0, 100], [1, 1], [100, 50])) == pytest.approx(
            100 / 3
        )


class TestMedian(ModelContract):
    name = "median"
    two_equal = 0.0  # the lower weighted median: cumulative weight reaches half at the first actor
    dominant = 20.0

    def test_heavier_side_wins(self, make_problem):
        assert forecast(self.name, make_problem([0, 40, 100], [1, 1, 3], [50, 50, 50])) == 100


class TestStubborn(ModelContract):
    name = "stubborn"
    two_equal = 50.0
    dominant = (10 * 20 + 80 + 90) / 12  # weights √c · s/(1 − s + 0.1) = 10, 1, 1 (× 0.5/0.6)

    def test_stubborn_actor_pulls(self, make_problem):
        # weights 1/(0 + 0.1) = 10 and 0.5/(0.5 + 0.1) = 5/6: 100 · (5/6) / (10 + 5/6)
        assert forecast(self.name, make_problem([0, 100], [1, 1], [100, 50])) == pytest.approx(
            100 / 13
        )

    def test_default_params_are_the_fitted_ones(self, deu_problems):
        assert stubborn.fit(deu_problems) == StubbornParams()

    @pytest.fixture
    def veto_case(self):
        """Commission proposes 100; a small but salient member at 20 can veto a move away from q = 0."""
        return NegotiationProblem(
            actors=("com", "m1", "m2"), capability=np.array([1.0, 0.01, 1.0]), position=np.array([100.0, 20, 100]),
            salience=np.array([50.0, 90, 50]), agenda_setters=("com",), status_quo=[0.0], decision_rule="unanimity",
        )  # fmt: skip

    def test_veto_under_unanimity(self, veto_case):
        free = (100 / 0.6 * 0.5 + 0.1 * 0.9 / 0.2 * 20 + 100 / 0.6 * 0.5) / (0.5 / 0.6 * 2 + 0.45)
        assert forecast(self.name, veto_case, StubbornParams()) == pytest.approx(free)
        # m1 accepts only |x − 20| ≤ |0 − 20|, i.e. x ≤ 40
        assert forecast(self.name, veto_case, StubbornParams(veto=1.0)) == pytest.approx(40.0)
        assert forecast(self.name, veto_case, StubbornParams(veto=0.5)) == pytest.approx(
            (free + 40) / 2
        )
        assert forecast(
            self.name, veto_case.with_rule("consensus"), StubbornParams(veto=1.0)
        ) == pytest.approx(40.0)

    def test_no_veto_under_qmv(self, veto_case):
        free = forecast(self.name, veto_case, StubbornParams())
        assert forecast(
            self.name, veto_case.with_rule("qmv"), StubbornParams(veto=1.0)
        ) == pytest.approx(free)

    def test_non_salient_member_has_no_veto(self, veto_case):
        free = forecast(self.name, veto_case, StubbornParams())
        assert forecast(
            self.name, veto_case, StubbornParams(veto=1.0, veto_salience=95)
        ) == pytest.approx(free)

    def test_agenda_setter_weight(self, veto_case):
        base = forecast(self.name, veto_case.with_rule("qmv"), StubbornParams())
        stronger = forecast(self.name, veto_case.with_rule("qmv"), StubbornParams(setter_qmv=4.0))
        assert stronger > base  # the Commission proposes 100

    def test_outvoted_members_under_qmv(self, make_problem):
        # with capability votes, the three at 100 hold 75% ≥ 74%; the member at 0 is outvoted
        p = make_problem([100, 100, 100, 100, 0], [1, 1, 1, 1, 1], [50] * 5, rule="qmv",
                         actors=("com", "a", "b", "c", "d"), agenda_setters=("com",))  # fmt: skip
        assert forecast(self.name, p, StubbornParams(outvoted=0.0)) == pytest.approx(100.0)
        assert forecast(self.name, p, StubbornParams()) == pytest.approx(80.0)


class RoundModelContract(ModelContract):
    """Models that bargain over rounds: a trajectory, deterministic runs."""

    def test_trajectory(self, make_problem):
        pred = get_model(self.name).predict(make_problem([10, 40, 95], [1, 2, 1], [80, 30, 60]))
        assert pred.trajectory.shape == (pred.rounds + 1, 1)
        assert pred.positions.shape == (pred.rounds + 1, 3, 1)
        assert pred.position[0] == pytest.approx(pred.trajectory[-1, 0])

    def test_deterministic(self, make_problem):
        p = make_problem([10, 40, 95, 60], [1, 2, 1, 3], [80, 30, 60, 45])
        a, b = get_model(self.name).predict(p), get_model(self.name).predict(p)
        np.testing.assert_array_equal(a.positions, b.positions)


class TestBDM(RoundModelContract):
    name = "bdm"
    two_equal = 0.0  # nobody challenges (EU = −2 each), the median is the lower position
    dominant = 20.0

    def test_two_actors_hand_checked(self):
        """x = (0, 1), c = (1, 1), s = (0.2, 0.6): actor 0 loses a conflict and moves to 1."""
        x, c, s = np.array([0.0, 1.0]), np.array([1.0, 1.0]), np.array([0.2, 0.6])
        p = bdm.win_probability(x, c * s, 1.0, "net")
        # votes on 1 vs 0: −0.2 and +0.6 → net 0.4 over 0.8
        np.testing.assert_allclose(p, [[0.0, 0.0], [0.5, 0.0]])
        eu0 = bdm.expected_utility(x, s, p, np.ones((2, 1)), 1.0)
        # EU_0(01) = 0.6·(−2) + 0.4·2; EU_1(10) = 0.2·(0.5·2 − 0.5·2) + 0.8·2
        np.testing.assert_allclose(eu0, [[0.0, -0.4], [1.6, 0.0]])
        r = bdm.risk_exponents(x, c, s, 1.0, bdm.BDMOptions(), 0.5)
        np.testing.assert_allclose(r, [0.5, 2.0])  # R = +1 and −1
        eu = bdm.expected_utility(x, s, p, r[:, None], 1.0)
        # with r: U_sq = 2 − 4·0.5^0.5 and 2 − 4·0.25
        np.testing.assert_allclose(eu, [[0.0, -1.2 + 0.8 - (2 - 4 * 0.5**0.5)], [1.6 - 1.0, 0.0]])
        new_x, _, kind, sender = bdm.bdm_step(x, c, s, 1.0, bdm.BDMOptions())
        np.testing.assert_allclose(new_x, [1.0, 1.0])
        assert kind.tolist() == [bdm.CONFLICT, 0] and sender.tolist() == [1, -1]

    def test_compromise_offer(self):
        """A compromise moves the receiver the fraction |EU_j / EU_i| of the way."""
        x, c, s = np.array([0.0, 0.5, 1.0]), np.array([1.0, 1.0, 5.0]), np.array([0.9, 0.3, 0.9])
        run = bdm.run_bdm(x, c, s, bdm.BDMOptions(max_rounds=1))
        kinds = set(run.offer_type[0].tolist())
        assert kinds <= {0, bdm.CONFLICT, bdm.COMPROMISE, bdm.CAPITULATION}
        assert run.rounds == 1

    @pytest.mark.parametrize(
        "field,value",
        [
            ("probability", "odd"),
            ("risk", "x"),
            ("accept", "x"),
            ("forecast", "x"),
            ("q", 2.0),
            ("t", 3.0),
        ],
    )
    def test_option_validation(self, field, value):
        with pytest.raises(ValueError, match=field):
            bdm.BDMOptions(**{field: value})

    @pytest.mark.parametrize(
        "options",
        [
            bdm.BDMOptions(probability="pairwise", accept="closest"),
            bdm.BDMOptions(probability="global", accept="type_priority"),
            bdm.BDMOptions(risk="positions", perspective="receiver"),
            bdm.BDMOptions(
                risk="neutral", q=0.5, t="auto", forecast="mean", position_range="scale"
            ),
        ],
    )
    def test_variants_run(self, make_problem, options):
        pred = bdm.predict(make_problem([10, 40, 95, 60], [1, 2, 1, 3], [80, 30, 60, 45]), options)
        assert 10 <= pred.value <= 95 and pred.rounds <= options.max_rounds

    def test_pairwise_probabilities_sum_to_one(self):
        x, w = np.array([0.0, 3.0, 7.0, 10.0]), np.array([1.0, 2.0, 0.5, 1.5])
        p = bdm.win_probability(x, w, 10.0, "pairwise")
        off = ~np.eye(4, dtype=bool)
        np.testing.assert_allclose((p + p.T)[off], 1.0)


class TestSMP(RoundModelContract):
    name = "smp"
    two_equal = 50.0  # equal coalitions: P = ½ each, conditional PCE ½/½
    dominant = 21.196302517  # computed by the model; checked below to lie near the dominant actor
    tol = 1e-6

    def test_two_actors_three_to_one(self, make_problem):
        # C = 3 vs 1 → P = 0.75; π ∝ 0.5·0.75 and 0.5·0.25 → μ = 0.25·100
        assert forecast(self.name, make_problem([0, 100], [3, 1], [100, 100])) == pytest.approx(
            25.0, abs=1e-6
        )

    def test_dominant_is_near(self, make_problem):
        assert (
            abs(forecast(self.name, make_problem([20, 80, 90], [100, 1, 1], [50, 50, 50])) - 20) < 2
        )

    @pytest.mark.parametrize("pce", ["markov_uniform", "markov_incentive"])
    def test_markov_pce_solves_ktab_iteration(self, pce):
        c = np.array([[1e-8, 3.0, 1.0], [1.0, 1e-8, 2.0], [2.5, 0.5, 1e-8]])
        p = smp.victory_probability("linear", c)
        got = smp.pce(pce, p, c)
        # KTAB's damped fixed-point iteration
        n = 3
        prob = np.full(n, 1 / n)
        inc = c * p + np.eye(n) * 1e-10
        chlg = inc / inc.sum(axis=0, keepdims=True)
        for _ in range(5000):
            if pce == "markov_uniform":
                q = np.array(
                    [sum(p[i, j] * (prob[i] + prob[j]) for j in range(n)) / n for i in range(n)]
                )
            else:
                ct = np.array([[prob[i] * chlg[j, i] for j in range(n)] for i in range(n)])
                q = np.array(
                    [sum(p[i, j] * (ct[i, j] + ct[j, i]) for j in range(n)) for i in range(n)]
                )
            prob = (prob + q) / 2
        np.testing.assert_allclose(got, prob, atol=1e-9)

    def test_victory_models(self):
        c = np.array([[1e-8, 2.0], [1.0, 1e-8]])
        np.testing.assert_allclose(smp.victory_probability("linear", c)[0, 1], 2 / 3)
        np.testing.assert_allclose(smp.victory_probability("square", c)[0, 1], 4 / 5)
        np.testing.assert_allclose(smp.victory_probability("binary", c)[0, 1], 1.0)  # 2 ≥ 1.1 · 1
        close = np.array([[1e-8, 1.05], [1.0, 1e-8]])
        r = 1.05 / 2.05
        np.testing.assert_allclose(
            smp.victory_probability("binary", close)[0, 1], (r * 2.1 - 1) / 0.1
        )

    def test_voting_rules(self):
        du = np.array([-0.5, 0.0, 0.5])
        np.testing.assert_allclose(smp.vote("proportional", 2.0, du), [-1, 0, 1])
        np.testing.assert_allclose(smp.vote("binary", 2.0, du), [-2, 0, 2])
        np.testing.assert_allclose(smp.vote("cubic", 1.0, du), [-0.125, 0, 0.125])
        np.testing.assert_allclose(smp.vote("asymprosp", 3.0, du), [-1.5, 0, 1.0])

    @pytest.mark.parametrize(
        "field,value", [("voting", "x"), ("victory", "x"), ("pce", "x"), ("adjust", 2.0)]
    )
    def test_option_validation(self, field, value):
        with pytest.raises(ValueError, match=field):
            smp.SMPOptions(**{field: value})


@pytest.mark.parametrize("name", MODEL_NAMES)
@settings(max_examples=25, deadline=None)
@given(data=problems_1d)
def test_forecast_within_positions(name, data):
    x, c, s = data
    p = NegotiationProblem(
        actors=tuple(f"a{i}" for i in range(len(x))), capability=np.array(c), position=np.array(x, float),
        salience=np.array(s, float),
    )  # fmt: skip
    got = forecast(name, p)
    if name in ("status_quo", "agenda_setter"):  # no status quo or setter in these problems: no forecast
        assert np.isnan(got)
    else:
        assert min(x) - 1e-6 <= got <= max(x) + 1e-6


def test_unknown_model():
    with pytest.raises(ValueError, match="unknown model"):
        get_model("oracle")


def test_problem_validation():
    with pytest.raises(ValueError, match="salience must lie in 0-100"):
        NegotiationProblem(actors=("a",), capability=[1.0], position=[[1.0]], salience=[[150.0]])
    with pytest.raises(ValueError, match="decision_rule"):
        NegotiationProblem(
            actors=("a",),
            capability=[1.0],
            position=[[1.0]],
            salience=[[1.0]],
            decision_rule="vote",
        )
    with pytest.raises(ValueError, match="agenda setters"):
        NegotiationProblem(
            actors=("a",),
            capability=[1.0],
            position=[[1.0]],
            salience=[[1.0]],
            agenda_setters=("b",),
        )
    with pytest.raises(ValueError, match="unique"):
        NegotiationProblem(
            actors=("a", "a"), capability=[1.0, 1.0], position=[1.0, 2.0], salience=[1.0, 2.0]
        )
