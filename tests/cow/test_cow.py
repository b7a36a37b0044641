"""The COW IGO importer, the comparison with the base, and the synthetic full-width file."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from multivector import CaseBase
from multivector.cow import (
    compare_with_base,
    cow_spells,
    panel_from_cow,
    read_cow,
    state_id,
    write_synthetic_cow,
)
from multivector.cow.synth import synthetic_cow
from multivector.measures import measures_table

EXCERPT = Path(__file__).parents[3] / "shared" / "data" / "cow_igo_v3_state_year_excerpt.csv"
HERE = Path(__file__).parent
HAND_CASE = HERE.parent / "measures" / "fixtures" / "hand_case"
HAND_COW = HERE / "fixtures" / "hand_cow.csv"

needs_excerpt = pytest.mark.shared("data", "cow_igo_v3_state_year_excerpt.csv")


@pytest.fixture(scope="module")
def excerpt():
    return read_cow(EXCERPT)


@needs_excerpt
def test_excerpt_shape_and_codes(excerpt):
    assert excerpt.codes.shape == (20, 16, 24) and excerpt.codes.dtype == np.int8
    assert excerpt.n_rows == 480 and excerpt.invalid == 0
    assert excerpt.code(701, "cis", 2005) == 2 and excerpt.code(701, "cis", 2004) == 1


@needs_excerpt
def test_turkmenistan_associate_in_the_cis_from_2005(excerpt):
    sp = cow_spells(excerpt)
    tkm = sp[(sp["actor"] == "TKM") & (sp["org"] == "CIS")]
    assert tkm[["status", "start", "end"]].values.tolist() == [["member", 1991, 2004], ["associate", 2005, 2014]]
    assert bool(tkm.iloc[1]["right_censored"])


@needs_excerpt
def test_csto_not_existing_in_1992_is_not_not_a_member(excerpt):
    assert excerpt.code(705, "csto", 1992) == -1
    panel = panel_from_cow(excerpt)
    assert panel.status("KAZ", "CST", 1992) == "not_existing"     # csto before 2002 maps to the CST line
    assert panel.status("KAZ", "CSTO", 2002) == "member"
    assert panel.status("TKM", "CSTO", 2002) == "none"
    assert panel.weights()[panel.state_index("KAZ"), panel.org_index("CST"), 1992 - 1991] == 0
    sp = cow_spells(excerpt)
    assert not ((sp["org"] == "CST") & (sp["actor"] == "KAZ")).any()
    assert set(sp["status"]) <= {"member", "associate", "observer"}


def test_state_codes():
    assert [state_id(c) for c in (372, 712, 705, 365, 2)] == ["GEO", "MNG", "KAZ", "RUS", "USA"]
    assert state_id(260) == "COW260" and state_id(4242) == "COW4242"
    assert state_id(705, {705: "XKZ"}) == "XKZ"


@needs_excerpt
def test_measures_for_any_state_georgia_mongolia(excerpt):
    panel = panel_from_cow(excerpt)
    m = measures_table(panel, states=["GEO", "MNG"], years=(2010, 2010))
    geo, mng = m.set_index("state").loc["GEO"], m.set_index("state").loc["MNG"]
    assert 0 <= geo["balance_index"] <= 100
    # the excerpt ties Mongolia to the West only: with no second pole its balance is undefined, not 0
    assert np.isnan(mng["balance_index"]) and mng["ties_CHN"] == 0
    assert mng["ties_RUS"] == 0 and mng["ties_WEST"] > 0 and mng["n_uncoded"] >= 1      # ASDB etc. uncoded
    assert {"degree", "betweenness", "forums_with_RUS", "forums_with_CHN"} <= set(m.columns)


def test_comparison_counts_on_hand_made_files():
    kb = CaseBase.load(HAND_CASE)
    res = compare_with_base(kb, read_cow(HAND_COW))
    a = res.agreement
    # 4 states of the base x 2 organizations x 2000-2002 = 24 cells, minus one -9 (KGZ cled 2002),
    # plus KGZ rled 1999 (COW codes a member of an organization the base founds only in 2000) = 24;
    # state 999 is not in the base and 1999 -1 cells are never compared.
    assert (a["compared"], a["agree"], a["disagree"]) == (24, 19, 5)
    assert (a["explained"], a["unexplained"], a["cow_missing"]) == (1, 4, 1)
    assert math.isclose(a["rate"], 19 / 24, abs_tol=1e-6)
    d = res.disagreements.set_index(["actor", "org"])
    uzb = d.loc[("UZB", "RLED")]
    assert (uzb["from"], uzb["to"], uzb["cow_status"], uzb["base_status"], bool(uzb["explained"])) == \
        (2000, 2002, "member", "observer", False)
    assert uzb["reason"].startswith("unexplained")
    kaz = d.loc[("KAZ", "CLED")]
    assert bool(kaz["explained"]) and kaz["reason"] == "A hand-made disagreement with a recorded reason"
    assert kaz["sources"] == ["bg_hand"]
    kgz = d.loc[("KGZ", "RLED")]
    assert (kgz["from"], kgz["base_status"]) == (1999, "none")
    um = res.unmatched_records
    assert um[["actor", "org", "why_unmatched"]].values.tolist() == [["RUS", "CLED",
                                                                      "the two sources agree on this cell"]]
    js = res.to_json()
    assert set(js) >= {"agreement", "disagreements"}


def test_reader_rejects_repeated_rows(tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text("ccode,state,year,un\n2,usa,2000,1\n2,usa,2000,1\n")
    with pytest.raises(ValueError, match="repeated"):
        read_cow(p)


def test_reader_invalid_codes_become_missing(tmp_path):
    p = tmp_path / "odd.csv"
    p.write_text("year,ccode,state,UN,nato\n2000,2,usa,7,\n")
    data = read_cow(p)
    assert data.columns == ["un", "nato"] and data.invalid == 1
    assert data.codes[0, :, 0].tolist() == [-9, -9]


def test_synthetic_full_width_file(tmp_path):
    p = write_synthetic_cow(tmp_path / "syn.csv", n_states=40, n_orgs=535, years=(1816, 2014), seed=5)
    data = read_cow(p)
    assert len(data.columns) == 535 and data.years[0] == 1816 and data.years[-1] == 2014
    assert set(np.unique(data.codes)) <= {-9, -2, -1, 0, 1, 2, 3}
    assert {1, 2, 3, -1} <= set(np.unique(data.codes))
    assert data.columns[:3] == ["caecc", "cica", "cis"]
    # seeded: the same seed gives the same data, another seed does not
    a, b = synthetic_cow(10, 30, (1990, 2000), seed=1), synthetic_cow(10, 30, (1990, 2000), seed=1)
    assert a.equals(b) and not a.equals(synthetic_cow(10, 30, (1990, 2000), seed=2))
    panel = panel_from_cow(data)
    m = measures_table(panel, network=False)
    assert len(m) == data.n_rows and m["balance_index"].dropna().between(0, 100).all()
    sp = cow_spells(data)
    assert len(sp) > 0 and (sp["end"] >= sp["start"]).all()


@needs_excerpt
def test_compare_excerpt_with_embedded_case():
    """The embedded case must validate (a CaseError here is a failure, never a skip)."""
    kb = CaseBase.load()
    res = compare_with_base(kb, read_cow(EXCERPT))
    assert res.agreement["compared"] > 3000 and res.agreement["rate"] > 0.9
