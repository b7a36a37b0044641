"""The embedded case's series against the shared data files they were imported from.

They fail, saying so, where ../shared/data (beside the project) is absent.
"""

from __future__ import annotations

import csv
import math

import pytest

from multivector import CaseBase
from multivector.series import read_econ, read_unga

from .conftest import SHARED

pytestmark = [pytest.mark.shared("data", "unga_idealpoints_excerpt.csv"), pytest.mark.shared("data", "econ")]


@pytest.fixture(scope="module")
def kb():
    return CaseBase.load()


def shared_rows(name):
    with (SHARED / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_shared_path_is_beside_the_project():
    assert SHARED.resolve().parts[-2:] == ("shared", "data")


def test_kyrgyz_remittances_2010_equal_the_wdi_file(kb):
    row = next(r for r in shared_rows("econ/wdi_remittances_pct_gdp.csv") if r["iso3"] == "KGZ" and r["year"] == "2010")
    got = kb.series(name="remittances_pct_gdp", actor="KGZ", start=2010, end=2010)
    assert len(got) == 1
    assert got.value.iloc[0] == float(row["value"])  # exactly, as published (26.41...)
    assert list(got.sources.iloc[0]) == ["bg_wdi_remittances"]
    assert got.unit.iloc[0] == "percent of GDP"


@pytest.mark.parametrize("year", [1995, 2010, 2022])
def test_kazakh_unga_agreement_with_russia_equals_the_unga_file(kb, year):
    row = next(r for r in shared_rows("unga_idealpoints_excerpt.csv")
               if r["iso3c"] == "KAZ" and r["year"] == str(year))
    got = kb.series(name="unga_agree_rus", actor="KAZ", partner="RUS", start=year, end=year)
    assert got.value.iloc[0] == float(row["agree_rus"])
    assert list(got.sources.iloc[0]) == ["bg_unga_voting_data", "bg_unga_bsv2017"]


def test_china_commitments_are_totals_of_recorded_recipient_years_only(kb):
    rows = shared_rows("econ/aiddata_gcdf3_china_devfin_commitments.csv")
    kaz2010 = math.fsum(float(r["value"]) for r in rows if r["iso3"] == "KAZ" and r["year"] == "2010")
    got = kb.series(name="china_devfin_commitments_usd2021", actor="KAZ", partner="CHN", start=2010, end=2010)
    assert got.value.iloc[0] == kaz2010
    recorded = {(r["iso3"], int(r["year"])) for r in rows}
    stored = kb.series(name="china_devfin_commitments_usd2021")
    assert set(zip(stored.actor, stored.year, strict=True)) == recorded  # no invented zeros


def test_every_stored_point_cites_a_declared_background_source(kb):
    cited = {c for v in kb.series()["sources"] for c in v}
    declared = kb.sources(kind="background")
    assert cited <= set(declared.id)


def test_the_embedded_series_files_are_up_to_date_with_the_shared_data(kb):
    """Re-reading the shared files gives exactly the stored points (re-run the imports if this fails)."""
    econ = read_econ(SHARED / "econ")
    for data in (read_unga(SHARED / "unga_idealpoints_excerpt.csv"), econ.wdi, econ.aiddata):
        names = sorted(set(data.frame.series))
        stored = kb.series().query("series in @names").reset_index(drop=True)
        stored["sources"] = [";".join(v) for v in stored["sources"]]
        expected = data.frame.reset_index(drop=True)
        assert len(stored) == len(expected), names
        assert stored.equals(expected[stored.columns]), names
