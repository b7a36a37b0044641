"""Readers of the published series on small hand-written files, and every broken-file case."""

from __future__ import annotations

import math
import re
import shutil

import pytest

from multivector.series import (
    SERIES_COLUMNS,
    SeriesFileError,
    read_aiddata,
    read_econ,
    read_unga,
    read_wdi,
)
from multivector.series.casefile import format_value, render


def point(df, series, actor, year, partner=""):
    rows = df[(df.series == series) & (df.actor == actor) & (df.year == year) & (df.partner == partner)]
    assert len(rows) == 1, (series, actor, year, partner)
    return rows.iloc[0]


# -- UNGA ------------------------------------------------------------------------------------------

def test_unga_gives_four_series_with_partners_units_and_citations(fixtures):
    data = read_unga(fixtures / "unga_small.csv")
    df = data.frame
    assert list(df.columns) == SERIES_COLUMNS
    assert data.rows_read == 6
    assert set(df.series) == {"unga_agree_rus", "unga_agree_chn", "unga_agree_usa", "unga_ideal_point"}
    p = point(df, "unga_agree_rus", "KAZ", 2010, "RUS")
    assert p.value == 0.7878788 and p.unit == "share"
    assert p.sources == "bg_unga_voting_data;bg_unga_bsv2017"
    assert point(df, "unga_agree_chn", "KAZ", 2010, "CHN").value == 0.8615385
    assert point(df, "unga_agree_usa", "KAZ", 2010, "USA").value == 0.1538462
    ideal = point(df, "unga_ideal_point", "KAZ", 2010)
    assert ideal.value == -0.2950186 and ideal.unit == "ideal point"


def test_unga_na_is_no_point_not_zero(fixtures):
    data = read_unga(fixtures / "unga_small.csv")
    arm = data.frame[data.frame.actor == "ARM"]
    assert set(arm.series) == {"unga_agree_chn", "unga_agree_usa", "unga_ideal_point"}  # agree_rus is NA
    assert data.not_published == 1


def test_unga_reads_crlf_and_a_bom(fixtures, tmp_path):
    text = (fixtures / "unga_small.csv").read_text()
    path = tmp_path / "crlf.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert read_unga(path).frame.equals(read_unga(fixtures / "unga_small.csv").frame)


# -- WDI and AidData -------------------------------------------------------------------------------

def test_wdi_file_name_gives_series_unit_and_source(fixtures):
    data = read_wdi(fixtures / "econ" / "wdi_remittances_pct_gdp.csv")
    p = point(data.frame, "remittances_pct_gdp", "KGZ", 2010)
    assert p.value == 26.4101162844678 and p.unit == "percent of GDP" and p.sources == "bg_wdi_remittances"
    assert data.sources == ["bg_wdi_remittances"]


def test_wdi_unknown_file_name_is_an_error(fixtures, tmp_path):
    path = tmp_path / "wdi_something_else.csv"
    shutil.copy(fixtures / "econ" / "wdi_trade_pct_gdp.csv", path)
    with pytest.raises(ValueError, match="not a known WDI file name — name it as one of wdi_remittances"):
        read_wdi(path)


def test_aiddata_totals_sum_the_flow_classes_and_invent_no_zeros(fixtures):
    data = read_aiddata(fixtures / "econ" / "aiddata_gcdf3_china_devfin_commitments.csv")
    df = data.frame
    total = df[df.series == "china_devfin_commitments_usd2021"]
    assert set(total.partner) == {"CHN"} and set(total.unit) == {"constant 2021 USD"}
    assert point(df, "china_devfin_commitments_usd2021", "KAZ", 2010, "CHN").value == \
        math.fsum([1117456.7905428906, 1158748810.582471, 0.0])
    # KAZ 2011 and 2012 have no row: no point, never a zero. 2013's zero row is as published.
    assert sorted(total[total.actor == "KAZ"].year) == [2010, 2013]
    assert point(df, "china_devfin_commitments_usd2021", "KAZ", 2013, "CHN").value == 0
    assert point(df, "china_devfin_commitments_usd2021_oof_like", "UZB", 2012, "CHN").value == 1000
    assert point(df, "china_devfin_commitments_usd2021_oda_like", "UZB", 2012, "CHN").value == 250.5
    assert point(df, "china_devfin_commitments_usd2021_vague", "UZB", 2012, "CHN").value == 0
    assert point(df, "china_devfin_commitments_adjusted_usd2021", "UZB", 2012, "CHN").value == 1150.5
    assert set(df.sources) == {"bg_aiddata_gcdf3"}


def test_read_econ_reads_every_file(fixtures):
    data = read_econ(fixtures / "econ")
    assert set(data.wdi.frame.series) == {"remittances_pct_gdp", "trade_pct_gdp", "gdp_current_usd",
                                          "military_exp_pct_gdp", "fuel_exports_pct_merch",
                                          "external_debt_pct_gni"}
    assert len(data.wdi.files) == 6 and data.ignored == []
    assert point(data.wdi.frame, "gdp_current_usd", "KAZ", 2010).value == 148047348240.64334


def test_read_econ_names_missing_files(fixtures, tmp_path):
    folder = tmp_path / "econ"
    shutil.copytree(fixtures / "econ", folder)
    (folder / "wdi_trade_pct_gdp.csv").unlink()
    with pytest.raises(ValueError, match=r"econ: missing file\(s\) wdi_trade_pct_gdp.csv — "):
        read_econ(folder)
    with pytest.raises(ValueError, match="no such folder"):
        read_econ(tmp_path / "nope")


def test_values_round_trip_exactly_through_the_case_file(fixtures):
    df = read_econ(fixtures / "econ").wdi.frame
    text = render(df)
    lines = text.splitlines()
    assert lines[0] == ",".join(SERIES_COLUMNS)
    for line, value in zip(lines[1:], df.value, strict=True):
        assert float(line.split(",")[4]) == value
    assert format_value(1.0) == "1" and format_value(0.1538462) == "0.1538462"


# -- broken files: one line, file:line: what — how to fix ----------------------------------------

UNGA_HEADER = ("ccode,session,year,iso3c,country,n_votes,ideal_point,ideal_point_q05,ideal_point_q50,"
               "ideal_point_q95,agree_usa,agree_rus,agree_chn\n")
UNGA_ROW = "705,65,2010,KAZ,Kazakhstan,66,-0.29,-0.48,-0.29,-0.1,0.15,0.78,0.86\n"


@pytest.mark.parametrize(("content", "line", "what"), [
    (b"", 1, "the file is empty"),
    (b"\x1f\x8b\x08\x00binary", 1, "the file is a gzip archive"),
    (b"PK\x03\x04xlsx", 1, "an Excel workbook"),
    (b"\x00\x01\x02\x03", 1, "NUL byte"),
    ((UNGA_HEADER + UNGA_ROW).encode() + b"705,66,2011,KAZ,Kaz\x00akhstan,1,0,0,0,0,0,0,0\n", 3, "NUL byte"),
    ((UNGA_HEADER + UNGA_ROW + UNGA_ROW.replace("Kazakhstan", "Kazakhst\xe9n").replace("2010", "2011")
      .replace(",65,", ",66,")).encode("latin-1"), 3, "byte 0xe9 is not UTF-8"),
    (b"iso3,year,value\nKAZ,2010,1\n", 1, "missing column(s) iso3c, ideal_point"),
    ((UNGA_HEADER + UNGA_ROW.replace("0.78", "abc")).encode(), 2, "`agree_rus` is 'abc', not a number"),
    ((UNGA_HEADER + UNGA_ROW.replace("0.78", "inf")).encode(), 2, "not a finite number"),
    ((UNGA_HEADER + UNGA_ROW.replace("0.78", "1.5")).encode(), 2, "outside the share range"),
    ((UNGA_HEADER + UNGA_ROW.replace(",2010,", ",20x0,")).encode(), 2, "not a whole year"),
    ((UNGA_HEADER + UNGA_ROW.replace(",2010,", ",2011,")).encode(), 2, "does not match session 65"),
    ((UNGA_HEADER + UNGA_ROW.replace("KAZ", "Kaz")).encode(), 2, "not an ISO 3166 alpha-3 code"),
    ((UNGA_HEADER + UNGA_ROW + UNGA_ROW).encode(), 3, "state-year KAZ/2010 appears twice (first at line 2)"),
    ((UNGA_HEADER + "705,65,2010,KAZ\n").encode(), 2, "expected 13 fields, found 4"),
])
def test_broken_unga_files(tmp_path, content, line, what):
    path = tmp_path / "unga.csv"
    path.write_bytes(content)
    with pytest.raises(ValueError) as info:
        read_unga(path)
    msg = str(info.value)
    assert isinstance(info.value, SeriesFileError)
    assert msg.startswith(f"{path}:{line}: "), msg
    assert what in msg and " — " in msg and "\n" not in msg


@pytest.mark.parametrize(("make", "what"), [
    (lambda p: None, r"wdi_trade_pct_gdp.csv: WDI file \(NE.TRD.GNFS.ZS\) not found"),
    (lambda p: p.mkdir(), "wdi_trade_pct_gdp.csv: is a folder"),
])
def test_missing_file_and_folder(tmp_path, make, what):
    path = tmp_path / "wdi_trade_pct_gdp.csv"
    make(path)
    with pytest.raises(ValueError, match=what):
        read_wdi(path)


@pytest.mark.parametrize(("content", "line", "what"), [
    ("iso3,year,value\nKAZ,2010,1\nKAZ,2010,2\n", 3, "appears twice"),
    ("iso3,year,value\nKAZ,2010,12,5\n", 2, "expected 3 fields"),
    ("iso3,year,value\nKAZ,1750,1\n", 2, "outside 1800-2100"),
    ("iso3,year,value\nKAZ,2010,-inf\n", 2, "not a finite number"),
    ("iso3,year,value\nKAZ,2010,n.a.\n", 2, "not a number"),
    ("Country Name,Country Code,Indicator Name,Indicator Code,1990\nKazakhstan,KAZ,Trade,NE.TRD.GNFS.ZS,1\n", 1,
     "the World Bank's wide download"),
])
def test_broken_wdi_files(tmp_path, content, line, what):
    path = tmp_path / "wdi_trade_pct_gdp.csv"
    path.write_text(content)
    with pytest.raises(ValueError) as info:
        read_wdi(path)
    assert str(info.value).startswith(f"{path}:{line}: ") and what in str(info.value)


def test_wdi_missing_markers_give_no_point(tmp_path):
    path = tmp_path / "wdi_trade_pct_gdp.csv"
    path.write_text("iso3,year,value\nKAZ,2009,\nKAZ,2010,..\nKAZ,2011,NA\nKAZ,2012,5\n")
    data = read_wdi(path)
    assert list(data.frame.year) == [2012] and data.not_published == 3


@pytest.mark.parametrize(("row", "what"), [
    ("KAZ,2010,Grant,1,1", "unknown flow_class 'Grant'"),
    ("KAZ,2010,ODA-like,x,1", "`value` is 'x', not a number"),
    ("KAZ,2010,ODA-like,1,nan", None),  # a not-published adjusted amount: no adjusted point, no error
])
def test_broken_aiddata_rows(tmp_path, row, what):
    path = tmp_path / "aiddata.csv"
    path.write_text("iso3,year,flow_class,value,value_adjusted\n" + row + "\n")
    if what is None:
        df = read_aiddata(path).frame
        assert "china_devfin_commitments_adjusted_usd2021" not in set(df.series)
        return
    with pytest.raises(ValueError, match=f"^{re.escape(str(path))}:2: {re.escape(what)}"):
        read_aiddata(path)
