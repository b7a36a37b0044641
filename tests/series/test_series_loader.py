"""The loader's `series/*.csv`: validation problems, the `series` table, CaseBase.series, hash and export."""

from __future__ import annotations

import pytest

from multivector import CaseBase
from multivector.kb import check_case
from multivector.kb.casebase import UnknownIdError

from .conftest import write_series

GOOD = """# a comment line
series,actor,partner,year,value,unit,sources
unga_agree_rus,KAZ,RUS,2010,0.7878788,share,bg_unga_voting_data;bg_unga_bsv2017
unga_agree_rus,KAZ,RUS,2011,0.8,share,bg_unga_voting_data;bg_unga_bsv2017
unga_agree_rus,UZB,RUS,2010,0.7,share,bg_unga_voting_data
remittances_pct_gdp,KAZ,,2010,0.152354119782253,percent of GDP,bg_wdi_remittances:p.3
"""


def problems_of(case):
    _, problems = check_case(case)
    return [str(p) for p in problems]


def test_a_case_without_series_loads_with_an_empty_table(mini_case):
    kb = CaseBase.load(mini_case)
    assert "series" in kb.tables()
    assert kb.series().empty
    assert list(kb.series().columns) == ["series", "actor", "partner", "year", "value", "unit", "sources"]
    assert kb.export()["series"].empty


def test_series_are_loaded_and_queried(series_case):
    write_series(series_case, GOOD)
    assert problems_of(series_case) == []
    kb = CaseBase.load(series_case)
    df = kb.series()
    assert len(df) == 4
    kaz = kb.series(name="unga_agree_rus", actor="kaz", partner="RUS", start=2011)
    assert list(kaz.year) == [2011] and kaz.value.iloc[0] == 0.8
    assert list(kaz.sources.iloc[0]) == ["bg_unga_voting_data", "bg_unga_bsv2017"]
    rem = kb.series(name="remittances_pct_gdp")
    assert rem.partner.iloc[0] == "" and rem.value.iloc[0] == 0.152354119782253
    assert len(kb.series(end=2010)) == 3
    assert len(kb.export()["series"]) == 4
    counts = kb.sql("SELECT file, count(*) AS n FROM series GROUP BY file")
    assert counts.to_dict("records") == [{"file": "series/test.csv", "n": 4}]


def test_unknown_series_name_and_actor_are_errors(series_case):
    write_series(series_case, GOOD)
    kb = CaseBase.load(series_case)
    with pytest.raises(UnknownIdError, match="did you mean unga_agree_rus"):
        kb.series(name="unga_agree_ru")
    with pytest.raises(UnknownIdError, match="unknown actor 'KGZ'"):
        kb.series(actor="KGZ")


@pytest.mark.parametrize(("row", "message"), [
    ("x,KGZ,,2010,1,u,bg_wdi_trade", "series/test.csv:2: unknown actor 'KGZ'"),
    ("x,KAZ,CSTO,2010,1,u,bg_wdi_trade", "series/test.csv:2: unknown partner 'CSTO' (a series partner is an actor"),
    ("x,KAZ,,1700,1,u,bg_wdi_trade", "series/test.csv:2: `year`: Input should be greater than or equal to 1800"),
    ("x,KAZ,,2010.5,1,u,bg_wdi_trade", "series/test.csv:2: `year`:"),
    ("x,KAZ,,2010,nan,u,bg_wdi_trade", "series/test.csv:2: `value`:"),
    ("x,KAZ,,2010,inf,u,bg_wdi_trade", "— write a finite number"),
    ("x,KAZ,,2010,abc,u,bg_wdi_trade", "series/test.csv:2: `value`: Input should be a valid number"),
    ("x,KAZ,,2010,1,,bg_wdi_trade", "series/test.csv:2: `unit`:"),
    ("x,KAZ,,2010,1,u,", "series/test.csv:2: `sources`:"),
    ("x,KAZ,,2010,1,u,bg_wdi_trad", "series/test.csv:2: citation 'bg_wdi_trad' names unknown source 'bg_wdi_trad' "
                                    "— did you mean bg_wdi_trade"),
    ("Bad Name,KAZ,,2010,1,u,bg_wdi_trade", "series/test.csv:2: `series`: series name 'Bad Name' must be snake case"),
    ("x,KAZ,,2010,1,u", "series/test.csv:2: expected 7 fields, found 6"),
])
def test_validation_problems(series_case, row, message):
    write_series(series_case, row + "\n")
    found = problems_of(series_case)
    assert any(message in p for p in found), found
    assert all(" — " in p for p in found)


def test_duplicate_point_and_unit_mismatch(series_case):
    write_series(series_case, "x,KAZ,,2010,1,u,bg_wdi_trade\nx,KAZ,,2011,1,v,bg_wdi_trade\n")
    write_series(series_case, "x,KAZ,,2010,2,u,bg_wdi_trade\n", name="other.csv")
    found = problems_of(series_case)
    assert "series/test.csv:2: duplicate point x KAZ 2010 (first at series/other.csv:2) — keep one row per series, " \
           "actor, partner and year; re-run the import rather than editing by hand" in found
    assert any(p.startswith("series/test.csv:3: series x is in 'v' here but in 'u' at series/other.csv:2") for p in found)


def test_same_year_with_other_partner_is_not_a_duplicate(series_case):
    write_series(series_case, "x,KAZ,RUS,2010,1,u,bg_wdi_trade\nx,KAZ,CHN,2010,1,u,bg_wdi_trade\n"
                              "x,KAZ,,2010,1,u,bg_wdi_trade\n")
    assert problems_of(series_case) == []


def test_wrong_header_encoding_and_nul_are_problems_not_tracebacks(series_case):
    write_series(series_case, "series,actor,year,value\nx,KAZ,2010,1\n")
    found = problems_of(series_case)
    assert any(p.startswith("series/test.csv:1: missing column(s) partner, unit, sources") for p in found), found
    path = series_case / "series" / "test.csv"
    path.write_bytes(("series,actor,partner,year,value,unit,sources\nx,KAZ,,2010,1,m\xb2,bg_wdi_trade\n")
                     .encode("latin-1"))
    assert problems_of(series_case) == ["series/test.csv:2: byte 0xb2 is not UTF-8 (the file looks Latin-1 encoded) "
                                        "— re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)"]
    path.write_bytes(b"series,actor,partner,year,value,unit,sources\n\x00\n")
    assert problems_of(series_case)[0].startswith("series/test.csv:2: NUL byte in the file: ")


def test_content_hash_changes_when_a_series_file_changes(series_case, edit):
    write_series(series_case, GOOD)
    first = CaseBase.load(series_case)
    edit(series_case, "series/test.csv", "KAZ,RUS,2011,0.8", "KAZ,RUS,2011,0.81")
    second = CaseBase.load(series_case)
    assert second.content_hash != first.content_hash and second.db_path != first.db_path
    assert second.series(name="unga_agree_rus", actor="KAZ", start=2011).value.iloc[0] == 0.81
    (series_case / "series" / "more.csv").write_text("series,actor,partner,year,value,unit,sources\n"
                                                     "y,KAZ,,2010,1,u,bg_wdi_trade\n")
    assert CaseBase.load(series_case).content_hash != second.content_hash


def test_invalid_series_block_loading(series_case):
    from multivector import CaseError

    write_series(series_case, "x,KGZ,,2010,1,u,bg_wdi_trade\n")
    with pytest.raises(CaseError, match="unknown actor 'KGZ'"):
        CaseBase.load(series_case)
