"""Measures on the hand-made case, where every right answer is worked out by hand.

Hand case (tests/measures/fixtures/hand_case), depth 0.5 for RLED/CLED/WLED, from 2000:
- KAZ: member of one Russia-led organization (+ a regional and a global one) → balance 0 by the formula,
  but never tied to a second pole, so the table leaves it undefined (NaN, `balance_from_onset`);
- KGZ: member of one Russia-led and one China-led organization of equal depth → two equal poles
  out of the three balance poles: H = 1/2, H* = (1/2 − 1/3)/(2/3) = 1/4 → balance 75
  (and 100 when the balance is taken over the two poles RUS and CHN only);
- TJK: equal ties to Russia, China and the West → 100;
- TKM: one organization led half by Russia, half by China → 75;
- UZB: observer (0.5) of the Russia-led and member of the China-led one → ties 0.25 vs 0.5 →
  H = 5/9, H* = 1/3 → balance 66.67; member of both from mid-2005 → 75 in 2005.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from multivector.measures import (
    FORMULAS,
    balance_index,
    bipartite_betweenness,
    codes_from_spells,
    explain_state_year,
    hhi,
    measures_table,
    nest_rows,
    network_measures,
    state_year_measures,
    year_graph,
)


def row(df: pd.DataFrame, state: str, year: int) -> pd.Series:
    r = df[(df["state"] == state) & (df["year"] == year)]
    assert len(r) == 1, (state, year)
    return r.iloc[0]


@pytest.fixture(scope="module")
def core(hand_panel):
    return state_year_measures(hand_panel)


def test_one_russia_led_organization_gives_balance_zero_but_is_undefined_without_a_second_pole(core):
    r = row(core, "KAZ", 2006)
    assert balance_index(np.array([r["ties_RUS"], r["ties_CHN"], r["ties_WEST"]])) == 0.0
    assert np.isnan(r["balance_index"])   # KAZ never had a second pole to choose: nothing balanced
    assert r["concentration"] == 1.0
    # regional and global ties are reported but left out of the balance
    assert (r["ties_RUS"], r["ties_REGIONAL"], r["ties_GLOBAL"]) == (0.5, 0.2, 0.1)
    assert math.isclose(r["sovereignty_exposure"], 0.5 + 0.2 + 0.1)


def test_two_equal_poles_of_three_give_75_and_of_two_give_100(hand_panel, core):
    assert math.isclose(row(core, "KGZ", 2006)["balance_index"], 75.0)
    two = state_year_measures(hand_panel, balance_poles=("RUS", "CHN"))
    assert math.isclose(row(two, "KGZ", 2006)["balance_index"], 100.0)
    assert np.isnan(row(two, "KAZ", 2006)["balance_index"])


def test_three_equal_poles_give_100_and_shared_lead_splits(core):
    assert math.isclose(row(core, "TJK", 2006)["balance_index"], 100.0)
    assert math.isclose(row(core, "TJK", 2006)["effective_poles"], 3.0)
    tkm = row(core, "TKM", 2006)
    assert math.isclose(tkm["ties_RUS"], 0.2) and math.isclose(tkm["ties_CHN"], 0.2)
    assert math.isclose(tkm["balance_index"], 75.0)


def test_status_weights_and_status_held_last_in_the_year(core):
    assert math.isclose(row(core, "UZB", 2004)["balance_index"], 100 * (1 - 1 / 3), abs_tol=1e-3)
    assert math.isclose(row(core, "UZB", 2004)["sovereignty_exposure"], 0.5 * 0.5 + 0.5)
    assert math.isclose(row(core, "UZB", 2005)["balance_index"], 75.0)   # member from July 2005


def test_balance_is_defined_from_the_first_year_with_two_poles():
    """A state tied only to Russia for two years, then also to China, then only to Russia again: undefined
    before the second pole, defined (0 included) from then on; a year range cut later keeps the onset."""
    from multivector.measures import balance_from_onset, balance_onset

    ties = np.array([[[1.0, 0, 0], [1, 0, 0], [1, 1, 0], [1, 0, 0]], [[0, 0, 1.0], [0, 0, 1], [0, 0, 1], [0, 0, 1]]])
    assert balance_onset(ties).tolist() == [2, 4]
    got = balance_from_onset(balance_index(ties), ties)
    assert np.isnan(got[0, :2]).all() and got[0, 2] == 75.0 and got[0, 3] == 0.0
    assert np.isnan(got[1]).all()


def test_a_year_range_keeps_the_onset_of_the_whole_record(hand_panel):
    whole = measures_table(hand_panel, network=False)
    cut = measures_table(hand_panel, network=False, years=(2006, 2006))
    for s in cut["state"]:
        a, b = row(whole, s, 2006)["balance_index"], row(cut, s, 2006)["balance_index"]
        assert (np.isnan(a) and np.isnan(b)) or a == b, s


def test_no_great_power_tie_means_no_balance_not_zero(core):
    r = row(core, "KAZ", 1999)          # only the global body
    assert np.isnan(r["balance_index"]) and r["ties_GLOBAL"] == 0.1


def test_panel_agrees_with_casebase_status(hand_kb, hand_panel):
    for s in hand_panel.states:
        for o in hand_panel.orgs:
            for y in hand_panel.years:
                want = hand_kb.status(s, o, int(y))
                got = hand_panel.status(s, o, int(y))
                assert (got if got != "not_existing" else "none") == want, (s, o, y)


def test_codes_from_spells_later_spell_wins():
    spells = pd.DataFrame({"actor": ["A", "A"], "org": ["X", "X"], "status": ["observer", "member"],
                           "start_year": [2000, 2003], "end_year": [2003, None],
                           "start_date": pd.to_datetime(["2000-01-01", "2003-07-01"])})
    codes = codes_from_spells(spells, ["A"], ["X"], np.arange(1999, 2006))
    assert codes[0, 0].tolist() == [0, 3, 3, 3, 1, 1, 1]


def test_balance_index_properties():
    rng = np.random.default_rng(7)
    t = rng.random((500, 3)) * rng.integers(0, 2, (500, 3))
    b = balance_index(t)
    ok = ~np.isnan(b)
    assert np.all((b[ok] >= -1e-9) & (b[ok] <= 100 + 1e-9))
    assert np.all(np.isnan(b[t.sum(axis=1) == 0]))
    assert math.isclose(float(hhi(np.array([0.25, 0.25, 0.5]))), 0.375)
    # scale invariance: doubling every tie leaves the index unchanged
    assert np.allclose(balance_index(2 * t)[ok], b[ok])


def test_json_rows_carry_ties_object(hand_panel):
    df = measures_table(hand_panel, states=["KGZ"], years=(2006, 2006))
    rows = nest_rows(df, hand_panel.poles)
    assert set(rows[0]) >= {"state", "year", "ties", "balance_index", "concentration", "sovereignty_exposure"}
    assert rows[0]["ties"] == {"RUS": 0.5, "CHN": 0.5, "WEST": 0.0, "REGIONAL": 0.0, "GLOBAL": 0.0}


def test_network_measures_shared_forums(hand_panel):
    net = network_measures(hand_panel)
    r = row(net, "KGZ", 2006)
    assert (r["degree"], r["forums_with_RUS"], r["forums_with_CHN"]) == (2, 1.0, 1.0)
    assert row(net, "TKM", 2006)["forums_with_RUS"] == 0.0
    assert np.isnan(row(net, "RUS", 2006)["forums_with_RUS"])
    g = year_graph(hand_panel, 2006)
    assert g.nodes["MIX"]["pole"] in ("RUS", "CHN") and g["UZB"]["RLED"]["status"] == "member"
    ref = nx.betweenness_centrality(g, normalized=True)
    assert math.isclose(r["betweenness"], ref["KGZ"], abs_tol=1e-6)


def test_bipartite_betweenness_equals_networkx():
    rng = np.random.default_rng(3)
    for _ in range(4):
        b = rng.random((15, 11)) < 0.2
        bs, bo = bipartite_betweenness(b)
        g = nx.Graph()
        g.add_edges_from((("s", i), ("o", j)) for i, j in zip(*np.nonzero(b), strict=True))
        ref = nx.betweenness_centrality(g, normalized=True)
        assert np.allclose(bs, [ref.get(("s", i), 0.0) for i in range(15)])
        assert np.allclose(bo, [ref.get(("o", j), 0.0) for j in range(11)])


def test_explain_names_terms_and_evidence(hand_panel):
    e = explain_state_year(hand_panel, "UZB", 2004)
    rled = next(t for t in e["terms"] if t["org"] == "RLED")
    assert rled["status"] == "observer" and rled["weight"] == 0.5 and rled["contribution"] == {"RUS": 0.25}
    assert "UZB/RLED/observer/2000-01" in e["evidence_ids"]
    assert "article:CSTO:fn27" in e["citations"]
    assert {"ties", "balance_index", "sovereignty_exposure", "dependence"} <= set(FORMULAS)
