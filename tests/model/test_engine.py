"""The engine: pinned seeded results, invariants (Hypothesis) and each mechanism's direction."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from multivector.model import Parameters, simulate
from multivector.model.engine import choice_probabilities, year_utilities
from multivector.model.projection import project
from multivector.model.scenario import parse_scenario

PARAMS = Parameters()


def test_pinned_seeded_result(inputs):
    res = simulate(inputs, PARAMS, runs=200, seed=42)
    t = inputs.year_index(2010)
    # KAZ in the CSTO line, 2010: exact figures of this seed (change only with the model, and say why:
    # last changed with the second design: ties with memory and the depth reached by members' stances).
    np.testing.assert_allclose(res.probs[t, 0, 0], [0.211534, 0.264672, 0.523794], atol=1e-6)
    assert np.nanmean(res.balance[:, t]) == pytest.approx(51.601, abs=1e-3)


def test_same_seed_same_output_and_different_seed_differs(inputs):
    a = simulate(inputs, PARAMS, runs=50, seed=7, keep_levels=True)
    b = simulate(inputs, PARAMS, runs=50, seed=7, keep_levels=True)
    c = simulate(inputs, PARAMS, runs=50, seed=8, keep_levels=True)
    assert np.array_equal(a.levels, b.levels) and np.array_equal(a.probs, b.probs)
    assert not np.array_equal(a.levels, c.levels)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**31 - 1), runs=st.integers(1, 30),
       balance=st.floats(0, 10), sov=st.floats(0, 10), rationality=st.floats(0.1, 5))
def test_probabilities_are_probabilities(inputs, seed, runs, balance, sov, rationality):
    p = Parameters(balance_weight=balance, sovereignty_weight=sov, rationality=rationality)
    res = simulate(inputs, p, runs=runs, seed=seed)
    assert np.all(res.probs >= 0) and np.all(res.probs <= 1 + 1e-12)
    np.testing.assert_allclose(res.probs.sum(-1), 1.0, atol=1e-9)
    closed = inputs.max_level == 0
    assert np.all(res.probs[..., 1:][closed] == 0)  # nothing is chosen where nothing is open
    b = res.balance[~np.isnan(res.balance)]
    assert np.all((b >= -1e-9) & (b <= 100 + 1e-9))


def test_a_scenario_that_changes_nothing_equals_the_baseline(kb):
    base = parse_scenario("name: base\nstart: 1991\nend: 2030\nruns: 40\nseed: 3\n", states=["KAZ", "UZB"])
    same = parse_scenario("name: same\nstart: 1991\nend: 2030\nruns: 40\nseed: 3\ndrivers:\n"
                          "  - {actor: RUS, driver: attention, from: 2000, scale: 1.0}\n"
                          "  - {actor: KAZ, driver: threat_level, from: 1995, add: 0.0}\n", states=["KAZ", "UZB"])
    a, b = project(kb, base, PARAMS), project(kb, same, PARAMS)
    assert np.array_equal(a.result.probs, b.result.probs)
    assert np.array_equal(a.result.balance, b.result.balance, equal_nan=True)


def test_a_scenario_start_uses_the_record_of_the_year_before(kb):
    sc = parse_scenario("name: late\nstart: 2013\nend: 2020\nruns: 30\nseed: 1\n", states=["KAZ", "UZB"])
    run = project(kb, sc, Parameters(switching_cost=25.0))
    eng = run.engagement()
    first = eng[(eng.year == 2013) & (eng.line == "CSTO")].set_index("state")
    # With a very high switching cost the first year repeats 2012's record: KAZ in, UZB in (left end-2012).
    assert first.loc["KAZ", "p_member"] > 0.99


# -- each mechanism on its own: one-step probabilities of the member level --------------------------

def _p_member(inp, t, params, state=0, line=0, mutate=None):
    d = inp.drivers.copy()
    if mutate:
        mutate(d)
    from dataclasses import replace

    inp2 = replace(inp, drivers=d)
    w = {k: np.array([v]) for k, v in params.as_dict().items()}
    x = np.maximum(inp.record[t], 0)[None].astype(np.int8)
    prev = np.maximum(inp.record[t - 1], 0)[None].astype(np.int8)
    util = year_utilities(inp2, t, w, x, prev)
    return choice_probabilities(util, inp.allowed[t], w["rationality"])[0, state, line, 2]


mech = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
level = st.floats(0.0, 0.9)
bump = st.floats(0.01, 0.1)


def _year(inputs):
    return inputs.year_index(2010)


@mech
@given(v=level, dv=bump, state=st.integers(0, 1))
def test_sovereignty_sensitivity_never_raises_membership_of_deep_organizations(inputs, v, dv, state):
    t = _year(inputs)

    def set_(x):
        return lambda d: d.state["sovereignty_sensitivity"].__setitem__((t, state), x)
    assert _p_member(inputs, t, PARAMS, state, 0, set_(v + dv)) <= _p_member(inputs, t, PARAMS, state, 0, set_(v)) + 1e-12


@mech
@given(v=level, dv=bump)
def test_threat_raises_the_value_of_security_organizations(inputs, v, dv):
    t = _year(inputs)

    def set_(x):
        return lambda d: d.state["threat_level"].__setitem__((t, 1), x)
    assert _p_member(inputs, t, PARAMS, 1, 0, set_(v + dv)) >= _p_member(inputs, t, PARAMS, 1, 0, set_(v)) - 1e-12


@mech
@given(v=level, dv=bump)
def test_dependence_on_the_lead_raises_membership(inputs, v, dv):
    t = _year(inputs)

    def set_(x):
        return lambda d: d.dependence["trade_dependence"].__setitem__((t, 1, 0), x)  # UZB on RUS
    # SCO (line 1) is half Russia-led and gives economic benefits.
    assert _p_member(inputs, t, PARAMS, 1, 1, set_(v + dv)) >= _p_member(inputs, t, PARAMS, 1, 1, set_(v)) - 1e-12


@mech
@given(v=level, dv=bump)
def test_regime_insecurity_pulls_toward_non_western_organizations(inputs, v, dv):
    t = _year(inputs)

    def set_(x):
        return lambda d: d.state["regime_insecurity"].__setitem__((t, 1), x)
    assert _p_member(inputs, t, PARAMS, 1, 0, set_(v + dv)) >= _p_member(inputs, t, PARAMS, 1, 0, set_(v)) - 1e-12


@mech
@given(v=level, dv=bump)
def test_revisionism_of_the_lead_lowers_membership(inputs, v, dv):
    t = _year(inputs)

    def set_(x):
        return lambda d: d.power["revisionism"].__setitem__((t, 0), x)
    assert _p_member(inputs, t, PARAMS, 1, 0, set_(v + dv)) <= _p_member(inputs, t, PARAMS, 1, 0, set_(v)) + 1e-12


@mech
@given(v=level, dv=bump)
def test_pressure_raises_membership_of_the_pushed_organization(inputs, v, dv):
    t = _year(inputs)

    def set_(x):
        return lambda d: d.pressure.__setitem__((t, 0, 0), x)
    assert _p_member(inputs, t, PARAMS, 1, 0, set_(v + dv)) >= _p_member(inputs, t, PARAMS, 1, 0, set_(v)) - 1e-12


@mech
@given(v=level, dv=bump)
def test_a_rival_offer_lowers_the_cost_of_refusing(inputs, v, dv):
    t = _year(inputs)

    def set_(x):
        return lambda d: d.power["economic_offer"].__setitem__((t, 1), x)  # China's offer
    # Russia pushes the CSTO; a bigger Chinese offer weakens Russia's leverage.
    assert _p_member(inputs, t, PARAMS, 1, 0, set_(v + dv)) <= _p_member(inputs, t, PARAMS, 1, 0, set_(v)) + 1e-12


@mech
@given(v=st.floats(0.0, 10.0), dv=st.floats(0.1, 2.0))
def test_switching_cost_keeps_states_where_they_were(inputs, v, dv):
    t = inputs.year_index(2010)
    # KAZ was a CSTO member in 2009: a higher switching cost makes staying more likely.
    low = _p_member(inputs, t, Parameters(switching_cost=v), 0, 0)
    high = _p_member(inputs, t, Parameters(switching_cost=v + dv), 0, 0)
    assert high >= low - 1e-12


@mech
@given(v=st.floats(0.0, 5.0), dv=st.floats(0.1, 2.0))
def test_balance_weight_lowers_membership_of_a_one_pole_organization(inputs, v, dv):
    t = _year(inputs)
    low = _p_member(inputs, t, Parameters(balance_weight=v), 1, 0)
    high = _p_member(inputs, t, Parameters(balance_weight=v + dv), 1, 0)
    assert high <= low + 1e-12


def test_calibration_does_not_lower_the_likelihood(kb):
    from multivector.model.calibrate import calibrate

    cond = calibrate(kb, train_until=2012, method="conditional")
    assert cond.log_likelihood >= cond.start_log_likelihood - 1e-9
    sim = calibrate(kb, train_until=2012, method="simulated", runs=20, max_evaluations=40)
    assert sim.method == "simulated"
    assert sim.log_likelihood >= sim.start_log_likelihood - 1e-9
    assert all(v >= 0 for v in sim.parameters.as_dict().values())


@mech
@given(v=st.floats(0.0, 1.0), dv=st.floats(0.05, 0.5), w=st.floats(0.1, 20.0))
def test_neutrality_lowers_membership_of_a_bloc_but_not_partial_ties(inputs, v, dv, w):
    t = _year(inputs)

    def set_(x):
        return lambda d: d.state["neutrality"].__setitem__((t, 1), x)
    params = Parameters(neutrality_weight=w)
    assert _p_member(inputs, t, params, 1, 0, set_(v + dv)) <= _p_member(inputs, t, params, 1, 0, set_(v)) + 1e-12
    # Observer status is how neutral states take part: its utility does not move.
    d = inputs.drivers.copy()
    d.state["neutrality"][t, 1] = v + dv
    from dataclasses import replace

    wts = {k: np.array([x]) for k, x in params.as_dict().items()}
    x = np.maximum(inputs.record[t], 0)[None].astype(np.int8)
    prev = np.maximum(inputs.record[t - 1], 0)[None].astype(np.int8)
    base = year_utilities(inputs, t, wts, x, prev)
    neutral = year_utilities(replace(inputs, drivers=d), t, wts, x, prev)
    np.testing.assert_allclose(neutral[..., :2], base[..., :2])


@mech
@given(v=st.floats(0.0, 5.0), dv=st.floats(0.1, 2.0))
def test_participation_cost_lowers_any_tie(inputs, v, dv):
    t = _year(inputs)
    for state, line in ((0, 0), (1, 1)):
        low = _p_member(inputs, t, Parameters(participation_cost=v), state, line)
        high = _p_member(inputs, t, Parameters(participation_cost=v + dv), state, line)
        assert high <= low + 1e-12
