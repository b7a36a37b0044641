"""Drivers read from published series: the values, their provenance and the rule checks."""

from __future__ import annotations

import pytest

from multivector import CaseBase
from multivector.kb import CaseError
from multivector.model import load_inputs


@pytest.fixture(scope="module")
def real():
    kb = CaseBase.load()
    return kb, load_inputs(kb)


def test_remittance_dependence_follows_the_wdi_series(real):
    kb, inp = real
    wdi = kb.series("remittances_pct_gdp", actor="KGZ")
    v2010 = float(wdi[wdi.year == 2010].value.iloc[0])
    i, t = inp.states.index("KGZ"), inp.year_index(2010)
    assert inp.drivers.dependence["remittance_dependence"][t, i, 0] == pytest.approx(v2010 / 100)
    seg = inp.drivers.provenance[("remittance_dependence", "KGZ", "RUS", None, 2010)]
    assert "bg_wdi_remittances" in seg["evidence"] and "published" in seg["justification"]
    # the timing the ordinal coding lacked: Kyrgyz remittances grow from almost nothing
    assert inp.drivers.dependence["remittance_dependence"][inp.year_index(1998), i, 0] < 0.01 < v2010 / 100


def test_years_before_the_series_are_backfilled_and_flagged(real):
    _, inp = real
    seg = inp.drivers.provenance[("remittance_dependence", "UZB", "RUS", None, 2005)]
    assert "backfilled" in seg["justification"]


def test_a_bad_rule_is_reported_with_how_to_fix_it(mini_case, tmp_path):
    import shutil
    from pathlib import Path

    case = tmp_path / "case"
    shutil.copytree(Path(__file__).parents[2] / "src" / "multivector" / "cases" / "central_asia", case)
    text = (case / "model.yaml").read_text().replace("series: remittances_pct_gdp", "series: no_such_series", 1)
    (case / "model.yaml").write_text(text)
    with pytest.raises(CaseError) as err:
        load_inputs(CaseBase.load(case))
    assert "series 'no_such_series' is not in the evidence base" in str(err.value.problems[0])


def test_unga_check_pairs_simulated_obstruction_with_votes(real):
    from multivector.evaluate.stances import unga_check, unga_pairs
    from multivector.model import simulate
    from multivector.model.parameters import default_parameters

    kb, inp = real
    res = simulate(inp.restrict(1991, 2023), default_parameters(), runs=40, seed=1)
    pairs = unga_pairs(kb, res)
    assert len(pairs) > 100 and set(pairs.line) <= {"CSTO", "EURASEC", "EAEU", "CIS"}
    assert pairs.p_obstruct.between(0, 1).all() and pairs.away_from_lead.between(0, 1).all()
    out = unga_check(kb, res)
    assert out["n"] == len(pairs) and -1 <= out["spearman"] <= 1


def test_chinese_finance_is_five_years_of_aiddata_commitments_over_gdp(real):
    kb, inp = real
    aid = kb.series("china_devfin_commitments_usd2021", actor="TJK")
    gdp = kb.series("gdp_current_usd", actor="TJK")
    total = float(aid[(aid.year >= 2003) & (aid.year <= 2007)].value.sum())   # a year without a row counts 0
    want = total / float(gdp[gdp.year == 2007].value.iloc[0])
    i, t = inp.states.index("TJK"), inp.year_index(2007)
    assert inp.drivers.dependence["finance_dependence"][t, i, 1] == pytest.approx(min(want, 1.0))
    assert want > 0.1                                          # Tajikistan's road and power loans of 2006-07
    seg = inp.drivers.provenance[("finance_dependence", "TJK", "CHN", None, 2007)]
    assert {"bg_aiddata_gcdf3", "bg_wdi_gdp"} <= set(seg["evidence"])
    # no series for Russian or Western finance: 0, not invented
    assert (inp.drivers.dependence["finance_dependence"][:, :, [0, 2]] == 0).all()
    # AidData ends in 2021: later years carry 2021's value, not a sum with missing years as 0
    assert inp.drivers.dependence["finance_dependence"][inp.year_index(2024), i, 1] == pytest.approx(
        inp.drivers.dependence["finance_dependence"][inp.year_index(2021), i, 1])
