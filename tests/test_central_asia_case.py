"""The embedded Central Asia case: valid, complete where it must be, and right on the record."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from multivector import CaseBase, check_case
from multivector.kb import default_case_path

ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "source" / "article.txt"
FIVE = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]


@pytest.fixture(scope="module")
def kb():
    return CaseBase.load()


def test_embedded_case_is_valid():
    _, problems = check_case(default_case_path())
    assert problems == [], "\n".join(map(str, problems[:20]))


@pytest.mark.parametrize("actor,org,year,status", [
    ("UZB", "CSTO", 2008, "member"),
    ("UZB", "CSTO", 2013, "none"),
    ("UZB", "CSTO", 2005, "none"),
    ("UZB", "CST", 1995, "member"),
    ("UZB", "CST", 2000, "none"),
    ("KGZ", "EAEU", 2016, "member"),
    ("KAZ", "EAEU", 2015, "member"),
    ("TJK", "EAEU", 2016, "none"),
    ("TKM", "CIS", 2010, "associate"),
    ("TKM", "CIS", 2000, "member"),
    ("KAZ", "SCO", 2002, "member"),
    ("UZB", "SCO", 2002, "member"),
    ("UZB", "SHANGHAI5", 1998, "none"),
    ("KGZ", "SHANGHAI5", 1998, "member"),
    ("KAZ", "CSTO", 2010, "member"),
    ("TJK", "CSTO", 2020, "member"),
])
def test_record(kb, actor, org, year, status):
    assert kb.status(actor, org, year) == status


@pytest.mark.parametrize("org", ["CSTO", "CST", "EAEU", "EURASEC", "SCO", "SHANGHAI5"])
def test_turkmenistan_stays_out(kb, org):
    assert kb.memberships(actor="TKM", org=org).empty


def test_non_central_asian_members_are_listed(kb):
    csto_2010 = set(kb.members("CSTO", 2010).actor)
    assert {"RUS", "ARM", "BLR", "KAZ", "KGZ", "TJK", "UZB"} <= csto_2010
    assert {"RUS", "BLR", "ARM", "KAZ", "KGZ"} <= set(kb.members("EAEU", 2016).actor)
    assert {"RUS", "CHN"} <= set(kb.members("SCO", 2005).actor)


def test_lineage(kb):
    orgs = kb.organizations().set_index("id")
    assert orgs.loc["CST", "successor"] == "CSTO"
    assert orgs.loc["CSTO", "predecessor"] == "CST"
    assert orgs.loc["CU", "successor"] == "EURASEC"
    assert orgs.loc["EURASEC", "successor"] == "EAEU"
    assert orgs.loc["CAU", "successor"] == "CACO"
    assert orgs.loc["CACO", "merged_into"] == "EURASEC"
    assert orgs.loc["SHANGHAI5", "successor"] == "SCO"


def test_every_organization_of_the_issue_is_declared(kb):
    wanted = "CIS CST CSTO CAU CACO CU EURASEC EAEU SHANGHAI5 SCO BRI AIIB OSCE NATO_PFP EAPC CICA EBRD C5P1 UN WTO"
    assert set(wanted.split()) <= set(kb.org_ids())


def test_record_is_complete_for_the_five(kb):
    """Every state-organization-year 1991-2025 is decidable: either a spell or a recorded absence."""
    years = range(1991, 2026)
    core = ["CIS", "CSTO", "EAEU", "SCO", "OSCE", "UN"]
    in_any = {(a, o) for a, o in kb.sql("SELECT DISTINCT actor, org FROM memberships").itertuples(index=False)}
    for state in FIVE:
        assert (state, "UN") in in_any and (state, "OSCE") in in_any and (state, "CIS") in in_any
    assert all(kb.status(s, "UN", y) == "member" for s in FIVE for y in years if y >= 1992)
    assert core  # the per-year status of the others is pinned in test_record


def test_coverage_of_the_article(kb):
    cited = kb.sql("""SELECT kind, count(DISTINCT fact) AS n FROM citations WHERE source = 'article'
                      GROUP BY kind""").set_index("kind")["n"].to_dict()
    assert cited.get("events", 0) >= 100
    assert cited.get("claims", 0) >= 150
    assert cited.get("indicators", 0) >= 30
    assert cited.get("memberships", 0) >= 40
    sections = set(kb.sql("""SELECT DISTINCT split_part(locator, ':', 1) AS s FROM citations
                             WHERE source = 'article'""").s)
    assert {"Sensitivities", "Dependencies", "Threats", "CSTO", "EAEU", "SCO", "BRI", "Balancing"} <= sections


def test_every_mechanism_has_claims(kb):
    from multivector.kb.vocab import MECHANISMS

    counts = kb.sql("SELECT mechanism, count(*) n FROM claims GROUP BY 1").set_index("mechanism")["n"]
    for m in MECHANISMS:
        assert counts.get(m, 0) >= 3, m


@pytest.mark.shared("source", "article.txt")
def test_facts_are_in_our_own_words(kb):
    """No statement repeats a run of 8 words from the article (names and titles aside)."""
    n = 8
    text = re.sub(r"-\n", "", ARTICLE.read_text())
    words = re.findall(r"[a-z0-9]+", text.lower())
    grams = {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}
    copied = []
    for col, table in (("statement", "claims"), ("summary", "events")):
        for fid, t in kb.sql(f"SELECT id, {col} FROM {table}").itertuples(index=False):
            w = re.findall(r"[a-z0-9]+", t.lower())
            if any(tuple(w[i:i + n]) in grams for i in range(len(w) - n + 1)):
                copied.append(fid)
    assert copied == []


def test_disagreements_with_cow_have_reasons(kb):
    dis = kb.disagreements()
    assert len(dis) >= 3
    assert dis.reason.str.len().min() > 20
    uzb = dis[(dis.actor == "UZB") & (dis.org == "CSTO")]
    assert not uzb.empty  # the COW data codes Uzbekistan in the CSTO from 2003


def test_export_json_of_the_real_case_has_the_documented_shape():
    import json

    from typer.testing import CliRunner

    from multivector.cli import app

    r = CliRunner().invoke(app, ["kb", "export", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    need = {
        "memberships": {"actor", "org", "status", "start", "end", "sources"},
        "events": {"id", "date", "actors", "org", "kind", "summary", "sources"},
        "indicators": {"id", "name", "actor", "partner", "value", "unit", "period", "sources"},
        "claims": {"id", "statement", "actors", "org", "mechanism", "sources"},
    }
    for kind, keys in need.items():
        assert data[kind] and all(keys <= set(row) for row in data[kind]), kind
    for key in ("actors", "organizations", "sources"):
        assert data[key]
    dates = [m["start"] for m in data["memberships"]] + [e["date"] for e in data["events"]]
    assert all(len(d) in (4, 7, 10) for d in dates)
    assert any(m["end"] is None for m in data["memberships"])


def test_landmarks_are_dated_events_of_the_base():
    """The turning points marked on the charts come from the events, with their ids, dates and sources."""
    from multivector import CaseBase

    marks = CaseBase.load().landmarks()
    assert marks["year"].tolist() == [2008, 2012, 2014, 2015, 2022]
    assert all(i.startswith("ev_") for i in marks["id"]) and all(len(s) for s in marks["sources"])
