"""The state-year table (`multivector panel`): one row per state-year, COW codes that are the COW codes, statuses,
measures and series as the base holds them, every format."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector.cli import app
from multivector.kb import CaseBase
from multivector.measures import measures_table, panel_from_case
from multivector.measures.state_year import codebook, state_year_table

COW = Path(__file__).resolve().parents[3] / "shared" / "data" / "cow_igo_v3_state_year_excerpt.csv"


@pytest.fixture(scope="module")
def kb():
    return CaseBase.load()


@pytest.fixture(scope="module")
def table(kb):
    return state_year_table(kb)


def test_one_row_per_state_year(kb, table):
    panel = panel_from_case(kb)
    assert len(table) == len(panel.states) * len(panel.years)
    assert not table.duplicated(["iso3", "year"]).any() and not table.duplicated(["ccode", "year"]).any()
    assert list(table.columns[:3]) == ["ccode", "iso3", "year"] and table.ccode.notna().all()


@pytest.mark.shared("data")
def test_ccode_is_the_cow_state_code():
    """Against the COW IGO file itself: every state both name has COW's code for it."""
    cow = pd.read_csv(COW, usecols=["ccode", "state"])
    cow_codes = dict(zip(cow.state.str.lower(), cow.ccode, strict=False))
    kb = CaseBase.load()
    names = dict(zip(kb.actors().id, kb.actors().name.str.lower(), strict=True))
    names["USA"] = "usa"   # COW's name for the United States
    table = state_year_table(kb)
    checked = 0
    for iso3, ccode in table[["iso3", "ccode"]].drop_duplicates().itertuples(index=False):
        if names[iso3] in cow_codes:
            assert ccode == cow_codes[names[iso3]], iso3
            checked += 1
    assert checked >= 20   # the five, the six other former Soviet republics, the powers and neighbours


def test_statuses_measures_and_series_are_the_base_s(kb, table):
    row = table[(table.iso3 == "UZB") & (table.year == 2008)].iloc[0]
    assert row.status_CSTO == kb.status("UZB", "CSTO", 2008) == "member"
    assert table[(table.iso3 == "UZB") & (table.year == 2013)].iloc[0].status_CSTO == "none"
    assert pd.isna(table[(table.iso3 == "KAZ") & (table.year == 2010)].iloc[0].status_EAEU)   # not founded yet
    m = measures_table(panel_from_case(kb), states=["KAZ"], years=(2016, 2016)).iloc[0]
    kaz = table[(table.iso3 == "KAZ") & (table.year == 2016)].iloc[0]
    assert kaz.balance_index == pytest.approx(m.balance_index) and kaz.n_orgs == m.n_orgs
    s = kb.series(name="remittances_pct_gdp", actor="KGZ", start=2010, end=2010)
    kgz = table[(table.iso3 == "KGZ") & (table.year == 2010)].iloc[0]
    assert kgz.remittances_pct_gdp == pytest.approx(float(s.value.iloc[0]))
    assert "unga_agree_rus" in table.columns and "china_devfin_commitments_usd2021" in table.columns


def test_a_year_without_a_published_value_is_empty_not_zero(kb, table):
    published = kb.series(name="external_debt_pct_gni", actor="KAZ")
    missing = sorted(set(range(1991, 2026)) - set(published.year))
    assert missing
    assert table[(table.iso3 == "KAZ") & table.year.isin(missing)].external_debt_pct_gni.isna().all()


def test_the_codebook_covers_every_column(kb, table):
    book = codebook(kb, table)
    assert list(book.column) == list(table.columns) and book.meaning.str.len().gt(0).all()
    assert book.set_index("column").loc["remittances_pct_gdp", "source"] == "bg_wdi_remittances"


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_cli_writes_the_selected_rows_in_every_format(fmt, tmp_path):
    out = tmp_path / f"panel.{fmt}"
    r = CliRunner().invoke(app, ["panel", "--states", "KAZ,kgz", "--from", "2010", "--to", "2014", "--format", fmt,
                                 "--out", str(out)])
    assert r.exit_code == 0, r.output
    df = {"csv": pd.read_csv, "json": lambda p: pd.DataFrame(json.loads(p.read_text())),
          "parquet": pd.read_parquet}[fmt](out)
    assert len(df) == 10 and set(df.iso3) == {"KAZ", "KGZ"} and set(df.year) == set(range(2010, 2015))
    assert set(df.ccode) == {705, 703}


def test_cli_to_stdout_and_its_errors():
    r = CliRunner().invoke(app, ["panel", "--states", "TJK", "--from", "2020", "--to", "2021"])
    assert r.exit_code == 0 and len(pd.read_csv(io.StringIO(r.stdout))) == 2
    bad = CliRunner().invoke(app, ["panel", "--states", "KAZ,XYZ"])
    assert bad.exit_code == 1 and "unknown state 'XYZ'" in bad.output
    assert CliRunner().invoke(app, ["panel", "--format", "parquet"]).exit_code == 1
    book = CliRunner().invoke(app, ["panel", "--codebook", "--format", "json"])
    assert book.exit_code == 0 and json.loads(book.stdout)[0]["column"] == "ccode"
