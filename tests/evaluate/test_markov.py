"""The per-line Markov chain and the chain machinery, on records whose answer is worked out by hand."""

import numpy as np

from multivector.evaluate import ForecastTask, MarkovChain, mask_after
from multivector.evaluate.chains import (
    FIRST,
    MAX_TENURE,
    propagate,
    spell_lengths,
    tenure_at,
    transition_rows,
)
from multivector.evaluate.markov import (
    choose_concentration,
    dm_log_marginal,
    fit_markov,
    pooled_chain,
)

from .conftest import synthetic_inputs


def _task(inp, origin, seed=0):
    return ForecastTask(inputs=mask_after(inp, origin), origin=origin, last_year=inp.record_until, seed=seed)


def hand_record() -> np.ndarray:
    """1991-1996, three states, two lines; every line open throughout (1991 is a first choice)."""
    rec = np.zeros((6, 3, 2), np.int8)
    rec[:, 0, 0] = [2, 2, 0, 0, 0, 0]      # S0 leaves L0 in 1993
    rec[:, 1, 0] = [2, 2, 2, 2, 2, 2]
    rec[:, 2, 0] = [0, 1, 1, 2, 2, 2]      # S2: none -> partner (1992) -> member (1994)
    rec[:, :, 1] = [[2, 2, 0]] * 6         # L1 never changes
    return rec


def test_transition_rows_flag_first_choices_and_count_tenure():
    inp = synthetic_inputs(hand_record())
    rows = transition_rows(inp, 1994)
    assert len(rows) == 4 * 3 * 2
    first = rows.origin == FIRST
    assert (inp.years[rows.t[first]] == 1991).all() and first.sum() == 6
    i = np.flatnonzero((rows.s == 0) & (rows.l == 0) & (inp.years[rows.t] == 1993))[0]
    assert (rows.origin[i], rows.level[i], rows.tenure[i]) == (2, 0, 2)    # member for 1991-1992, then none
    i = np.flatnonzero((rows.s == 2) & (rows.l == 0) & (inp.years[rows.t] == 1994))[0]
    assert (rows.origin[i], rows.level[i], rows.tenure[i]) == (1, 2, 2)
    assert tenure_at(inp, 1996)[1, 0] == 6 and tenure_at(inp, 1996)[0, 0] == 4


def test_spell_lengths_restart_where_the_line_closes():
    rec = np.array([2, 2, 2, -1, 2, 2])[:, None, None]
    ml = np.array([2, 2, 2, 0, 2, 2])[:, None, None]
    assert spell_lengths(rec, ml).ravel().tolist() == [1, 2, 3, 0, 1, 2]


def test_the_chain_estimated_by_hand():
    inp = synthetic_inputs(hand_record())
    fit = fit_markov(transition_rows(inp, 1996), n_lines=2)
    # counts by hand, 1992-1996 (from-state -> level), and the first choices of 1991
    n = np.zeros((2, 4, 3))
    n[0, 2] = [1, 0, 8]          # L0 from member: S0 1992 stays, 1993 leaves; S1 5 stays; S2 1995, 1996 stay
    n[0, 0] = [3, 1, 0]          # L0 from none: S0 1994-1996 stay; S2 1992 -> partner
    n[0, 1] = [0, 1, 1]          # L0 from partner: S2 1993 stays, 1994 -> member
    n[0, 3] = [1, 0, 2]          # L0 first choices
    n[1, 2] = [0, 0, 10]
    n[1, 0] = [5, 0, 0]
    n[1, 3] = [1, 0, 2]
    np.testing.assert_array_equal(fit.counts, n)
    pooled = (n.sum(0) + 0.5) / (n.sum(0) + 0.5).sum(-1, keepdims=True)
    np.testing.assert_allclose(fit.pooled, pooled)
    for f in range(4):
        kappa = fit.kappa[f]
        expected = (n[:, f] + kappa * pooled[f]) / (n[:, f].sum(-1, keepdims=True) + kappa)
        np.testing.assert_allclose(fit.P[:, f], expected)
        # κ maximises the Dirichlet-multinomial marginal likelihood (or sits at a bound)
        ml = lambda k, f=f: dm_log_marginal(n[:, f], k * pooled[f])  # noqa: E731
        if 1e-2 * 1.01 < kappa < 1e6 / 1.01:
            assert ml(kappa) >= max(ml(kappa * 1.05), ml(kappa / 1.05)) - 1e-6


def test_forecasts_are_exact_matrix_powers_of_the_chain():
    inp = synthetic_inputs(hand_record())
    task = _task(inp, 1993)
    fc = MarkovChain()
    p = fc.forecast(task)
    P = fc.fitted[1993].P
    for s, l_, level in [(0, 0, 0), (1, 0, 2), (2, 0, 1), (2, 1, 0)]:
        assert task.status_at_origin()[s, l_] == level
        for h in range(3):
            expected = np.linalg.matrix_power(P[l_, :3], h + 1)[level]
            np.testing.assert_allclose(p[h, s, l_], expected, atol=1e-12)


def test_a_line_that_opens_after_the_origin_starts_from_the_pooled_first_choice():
    rec = hand_record()
    inp = synthetic_inputs(rec)
    inp.max_level[:3, :, 1] = 0            # L1 opens in 1994: no training year at origin 1993
    inp.allowed[:3, :, 1] = False
    inp.allowed[:3, :, 1, 0] = True
    inp.record[:3, :, 1] = -1
    task = _task(inp, 1993)
    fc = MarkovChain()
    p = fc.forecast(task)
    fit = fc.fitted[1993]
    np.testing.assert_allclose(fit.P[1], fit.pooled)       # no data: the pooled chain
    np.testing.assert_allclose(p[0, :, 1], np.broadcast_to(fit.pooled[FIRST], (3, 3)))
    np.testing.assert_allclose(p[1, 0, 1], fit.pooled[FIRST] @ fit.pooled[:3])


def test_propagation_keeps_probabilities_on_open_levels_and_sums_to_one():
    rng = np.random.default_rng(0)
    S, L, H, D = 3, 2, 5, 4
    ker = rng.dirichlet(np.ones(3), size=(S, L, 3, D))
    first = rng.dirichlet(np.ones(3), size=(S, L))
    allowed = np.ones((H, S, L, 3), bool)
    allowed[2:, 0, 0, 1] = False                           # partner closes in L0 for S0 from step 2
    is_open = np.ones((H, S, L), bool)
    is_open[:2, 1, 1] = False                              # S1 L1 opens in step 2
    out = propagate(lambda h: ker, lambda h: first, np.full((S, L), 2), np.ones((S, L), int),
                    is_open[0] | True, is_open, allowed, tenure_buckets=D)
    assert np.allclose(out.sum(-1)[is_open], 1.0) and np.all(out[~is_open] == 0)
    assert np.all(out[2:, 0, 0, 1] == 0)


def test_tenure_buckets_move_on_and_cap():
    # stay in every bucket but the last (D years or more), which always leaves for none
    D = MAX_TENURE
    ker = np.zeros((1, 1, 3, D, 3))
    for j in range(3):
        ker[..., j, :, j] = 1.0
    ker[..., 1, D - 1, :] = [1.0, 0.0, 0.0]
    out = propagate(lambda h: ker, lambda h: np.full((1, 1, 3), 1 / 3), np.array([[1]]), np.array([[D - 2]]),
                    np.ones((1, 1), bool), np.ones((4, 1, 1), bool), np.ones((4, 1, 1, 3), bool), D)
    # tenure D-2 at the origin: D-1 and D after one and two stays, then the last bucket leaves
    assert out[:, 0, 0, 1].tolist() == [1.0, 1.0, 0.0, 0.0] and out[3, 0, 0, 0] == 1.0


def test_dirichlet_multinomial_prefers_pooling_when_lines_agree():
    same = np.array([[10.0, 0, 90], [11, 0, 89], [9, 0, 91]])
    apart = np.array([[90.0, 0, 10], [10, 0, 90], [50, 0, 50]])
    m = pooled_chain(same[:, None])[0]
    assert choose_concentration(same, m) > 100 * choose_concentration(apart, pooled_chain(apart[:, None])[0])
