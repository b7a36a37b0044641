"""The simulator: pinned seeded results, invariants (Hypothesis), the nested Markov chain, common random
numbers, and each mechanism's direction in one step of the transition model."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from multivector.model import Parameters, simulate
from multivector.model import simulator as SIM
from multivector.model import terms as TM
from multivector.model.design import recorded_prev, recorded_tenure_of
from multivector.model.projection import project
from multivector.model.scenario import parse_scenario
from multivector.model.transition import ALPHA_NAMES, alpha_full

PARAMS = Parameters()
NESTED = Parameters(**{name: 0.0 for name in Parameters.theory_names()})


def test_pinned_seeded_result(inputs):
    res = simulate(inputs, PARAMS, runs=200, seed=42)
    t = inputs.year_index(2010)
    # KAZ in the CSTO line, 2010: exact figures of this seed (change only with the model, and say why:
    # last changed with the third design, the transition model nested in its Markov reference).
    np.testing.assert_allclose(res.probs[t, 0, 0], [0.164261, 0.357350, 0.478390], atol=1e-6)
    assert np.nanmean(res.balance[:, t]) == pytest.approx(43.1445, abs=1e-3)


def test_same_seed_same_output_and_different_seed_differs(inputs):
    a = simulate(inputs, PARAMS, runs=50, seed=7, keep_levels=True)
    b = simulate(inputs, PARAMS, runs=50, seed=7, keep_levels=True)
    c = simulate(inputs, PARAMS, runs=50, seed=8, keep_levels=True)
    assert np.array_equal(a.levels, b.levels) and np.array_equal(a.probs, b.probs)
    assert not np.array_equal(a.levels, c.levels)


weights = st.floats(0, 10)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**31 - 1), runs=st.integers(1, 30), balance=weights, sov=weights, tau=weights,
       alpha=st.lists(st.floats(-8, 8), min_size=8, max_size=8))
def test_transition_probabilities_are_probabilities(inputs, seed, runs, balance, sov, tau, alpha):
    p = Parameters(balance_weight=balance, sovereignty_weight=sov, exit_tenure_weight=tau, alpha_pooled=tuple(alpha))
    res = simulate(inputs, p, runs=runs, seed=seed)
    assert np.all(res.probs >= 0) and np.all(res.probs <= 1 + 1e-12)
    np.testing.assert_allclose(res.probs.sum(-1), 1.0, atol=1e-9)
    closed = inputs.max_level == 0
    assert np.all(res.probs[..., 1:][closed] == 0)  # nothing is chosen where nothing is open
    assert np.all(res.probs[~inputs.allowed] == 0)  # nor at a level that is not open
    b = res.balance[~np.isnan(res.balance)]
    assert np.all((b >= -1e-9) & (b <= 100 + 1e-9))


def test_with_every_theory_weight_zero_the_model_is_the_markov_chain(inputs):
    """w = 0 and no memory: each year's probabilities are exactly the chain's row of the line and from-level."""
    rng = np.random.default_rng(0)
    alpha = {line: tuple(rng.normal(-2, 1.5, 8)) for line in inputs.lines}
    p = replace(NESTED, exit_tenure_weight=0.0, alpha=alpha)
    t = inputs.year_index(2010)
    prev, fresh = recorded_prev(inputs, t)
    got = SIM.step_probabilities(inputs, t, SIM.draw_parameters(p, {}, 1, rng), p.alpha_array(inputs.lines)[None],
                                 prev[None], fresh, np.zeros((1, *prev.shape)), None)[0]
    A = alpha_full(np.array([alpha[line] for line in inputs.lines]))          # (L, 4, 3)
    for s in range(len(inputs.states)):
        for j in range(len(inputs.lines)):
            f = 3 if fresh[s, j] else prev[s, j]
            row = np.where(inputs.allowed[t, s, j], np.exp(A[j, f]), 0.0)
            np.testing.assert_allclose(got[s, j], row / row.sum(), rtol=1e-12)
    # and the theory changes them once a weight is on
    on = SIM.step_probabilities(inputs, t, SIM.draw_parameters(replace(p, sovereignty_weight=3.0), {}, 1, rng),
                                p.alpha_array(inputs.lines)[None], prev[None], fresh, np.zeros((1, *prev.shape)), None)
    assert not np.allclose(on[0], got)


def test_a_scenario_that_changes_nothing_equals_the_baseline(kb):
    base = parse_scenario("name: base\nstart: 1991\nend: 2030\nruns: 40\nseed: 3\n", states=["KAZ", "UZB"])
    same = parse_scenario("name: same\nstart: 1991\nend: 2030\nruns: 40\nseed: 3\ndrivers:\n"
                          "  - {actor: RUS, driver: attention, from: 2000, scale: 1.0}\n"
                          "  - {actor: KAZ, driver: threat_level, from: 1995, add: 0.0}\n", states=["KAZ", "UZB"])
    a, b = project(kb, base, PARAMS), project(kb, same, PARAMS)
    assert np.array_equal(a.result.probs, b.result.probs)
    assert np.array_equal(a.result.balance, b.result.balance, equal_nan=True)


def test_common_random_numbers_runs_agree_until_the_first_changed_year(inputs):
    d = inputs.drivers.copy()
    t0 = inputs.year_index(2015)
    d.state["sovereignty_sensitivity"][t0:, 0] = 0.95
    changed = replace(inputs, drivers=d)
    a = simulate(inputs, PARAMS, runs=600, seed=4, keep_levels=True)
    b = simulate(changed, PARAMS, runs=600, seed=4, keep_levels=True)
    assert np.array_equal(a.levels[:, :t0], b.levels[:, :t0])
    assert not np.array_equal(a.levels[:, t0:], b.levels[:, t0:])


def test_chunking_does_not_change_a_run(inputs, monkeypatch):
    a = simulate(inputs, PARAMS, runs=70, seed=9, keep_levels=True)
    monkeypatch.setattr(SIM, "CHUNK", 16)
    b = simulate(inputs, PARAMS, runs=70, seed=9, keep_levels=True)
    assert np.array_equal(a.levels, b.levels)
    np.testing.assert_allclose(a.probs, b.probs, atol=1e-12)


def test_a_scenario_start_uses_the_record_of_the_year_before(kb):
    sc = parse_scenario("name: late\nstart: 2013\nend: 2020\nruns: 30\nseed: 1\n", states=["KAZ", "UZB"])
    stay = Parameters(alpha_pooled=tuple(-30.0 if not n.startswith("first") else 0.0 for n in ALPHA_NAMES))
    eng = project(kb, sc, stay).engagement()
    first = eng[(eng.year == 2013) & (eng.line == "CSTO")].set_index("state")
    # With a chain that never leaves a status the first year repeats 2012's record: KAZ in, UZB in.
    assert first.loc["KAZ", "p_member"] > 0.99 and first.loc["UZB", "p_member"] > 0.99


# -- each mechanism on its own: one-step probabilities of the member level, from the record ----------------

def _p_member(inp, t, params, state=0, line=0, mutate=None):
    d = inp.drivers.copy()
    if mutate:
        mutate(d)
    inp2 = replace(inp, drivers=d)
    prev, fresh = recorded_prev(inp2, t)
    w = SIM.draw_parameters(params, {}, 1, np.random.default_rng(0))
    p = SIM.step_probabilities(inp2, t, w, params.alpha_array(inp.lines)[None], prev[None], fresh,
                               recorded_tenure_of(inp2)[t][None], None)
    return p[0, state, line, 2]


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
@given(v=st.floats(0.0, 5.0), dv=st.floats(0.1, 2.0))
def test_balance_weight_lowers_membership_of_a_one_pole_organization(inputs, v, dv):
    t = _year(inputs)
    low = _p_member(inputs, t, Parameters(balance_weight=v), 1, 0)
    high = _p_member(inputs, t, Parameters(balance_weight=v + dv), 1, 0)
    assert high <= low + 1e-12


@mech
@given(v=st.floats(0.0, 1.0), dv=st.floats(0.05, 0.5), w=st.floats(0.1, 20.0))
def test_neutrality_lowers_membership_of_a_bloc_but_not_partial_ties(inputs, v, dv, w):
    t = _year(inputs)

    def set_(x):
        return lambda d: d.state["neutrality"].__setitem__((t, 1), x)
    params = Parameters(neutrality_weight=w)
    assert _p_member(inputs, t, params, 1, 0, set_(v + dv)) <= _p_member(inputs, t, params, 1, 0, set_(v)) + 1e-12
    # Observer status is how neutral states take part: its term does not move.
    d = inputs.drivers.copy()
    d.state["neutrality"][t, 1] = v + dv
    base = TM.static_terms(inputs, t)["neutrality"]
    neutral = TM.static_terms(replace(inputs, drivers=d), t)["neutrality"]
    np.testing.assert_allclose(neutral[..., :2], base[..., :2])


@mech
@given(years=st.integers(0, 30), more=st.integers(1, 20), tau=st.floats(0.01, 5.0))
def test_a_longer_held_tie_is_harder_to_leave(inputs, years, more, tau):
    t = inputs.year_index(2010)
    S, L = len(inputs.states), len(inputs.lines)
    prev = np.full((1, S, L), 2, np.int8)
    p = replace(PARAMS, exit_tenure_weight=tau)
    w = SIM.draw_parameters(p, {}, 1, np.random.default_rng(0))

    def p_leave(n):
        out = SIM.step_probabilities(inputs, t, w, p.alpha_array(inputs.lines)[None], prev,
                                     np.zeros((S, L), bool), np.full((1, S, L), n), None)
        return out[0, 0, 0, 0]
    assert p_leave(years + more) <= p_leave(years) + 1e-12
