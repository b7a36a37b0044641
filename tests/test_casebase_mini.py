"""CaseBase queries on the hand-made mini case, and the compiled-database cache."""

from __future__ import annotations

import os

import pytest

from multivector import CaseBase, CaseError, UnknownIdError


@pytest.fixture
def kb(mini_case):
    return CaseBase.load(mini_case)


def test_status_by_year(kb):
    assert kb.status("UZB", "CSTO", 2008) == "member"
    assert kb.status("UZB", "CSTO", 2012) == "member"
    assert kb.status("UZB", "CSTO", 2013) == "none"
    assert kb.status("UZB", "CSTO", 2005) == "none"


def test_members_lists_every_member_with_status(kb):
    df = kb.members("CSTO", 2010)
    assert set(df.actor) == {"KAZ", "UZB", "RUS"}
    assert set(df.status) == {"member"}
    assert set(kb.members("CSTO", 2013).actor) == {"KAZ", "RUS"}


def test_unknown_ids_are_clear(kb):
    with pytest.raises(UnknownIdError, match="did you mean CSTO"):
        kb.members("CSTOO", 2010)
    with pytest.raises(UnknownIdError, match="unknown actor 'KAX'"):
        kb.timeline("KAX")


def test_timeline_in_date_order(kb):
    df = kb.timeline("UZB")
    assert list(df.kind) == ["membership", "membership", "event"]
    assert list(df.org) == ["SCO", "CSTO", "CSTO"]


def test_events_filters(kb):
    assert len(kb.events(actor="UZB", org="CSTO", start=2010, end=2013)) == 1
    assert len(kb.events(actor="UZB", start=2013)) == 0


def test_search_finds_facts_with_citations(kb):
    hits = kb.search("supranational")
    assert list(hits.id) == ["cl_kaz_sovereignty"]
    assert list(hits.sources[0]) == ["article:EAEU:fn46"]
    assert kb.search("no such words here").empty


def test_export_has_every_kind(kb):
    out = kb.export()
    assert {"actors", "organizations", "memberships", "events", "indicators", "claims", "sources"} <= set(out)
    assert len(out["memberships"]) == 5


def test_database_is_rebuilt_when_a_file_changes(mini_case, edit):
    first = CaseBase.load(mini_case)
    assert first.db_path.exists()
    again = CaseBase.load(mini_case)
    assert again.db_path == first.db_path  # reused: same content hash
    edit(mini_case, "memberships.csv", "UZB,CSTO,member,2006,2012", "UZB,CSTO,member,2006,2010")
    changed = CaseBase.load(mini_case)
    assert changed.db_path != first.db_path
    assert changed.status("UZB", "CSTO", 2011) == "none"
    assert not first.db_path.exists()  # stale database removed
    assert not [p for p in os.listdir(changed.db_path.parent) if p.endswith(".tmp")]


def test_invalid_case_raises_and_leaves_no_database(mini_case, edit):
    edit(mini_case, "memberships.csv", "UZB,CSTO,member", "UZB,CSTO,boss")
    with pytest.raises(CaseError):
        CaseBase.load(mini_case)
    cache = os.environ["MULTIVECTOR_CACHE_DIR"]
    assert not [p for p in os.listdir(cache) if p.endswith(".tmp")]
