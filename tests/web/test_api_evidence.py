"""The evidence-base and measures endpoints: answers from the case, and a 422 for every kind of bad value."""

from __future__ import annotations

import pytest

from .conftest import problem_line


def test_case_and_lists(client):
    case = client.get("/api/v1/case").json()
    assert case["regional_states"] == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    assert case["counts"]["claims"] > 100
    assert case["regions"]["south_caucasus"] == ["ARM", "AZE", "GEO"]
    c = case["counts"]   # one total: the evidence page's and the report's
    assert case["facts"] == sum(c[k] for k in ("claims", "events", "indicators", "memberships", "organizations",
                                               "proposals"))
    assert len(client.get("/api/v1/actors").json()) == case["counts"]["actors"]
    assert {o["id"] for o in client.get("/api/v1/organizations").json()} >= {"CSTO", "SCO", "EAEU"}
    assert client.get("/api/v1/organizations/csto").json()["id"] == "CSTO"
    assert len(client.get("/api/v1/sources", params={"kind": "article"}).json()) == 1


def test_members_and_status_follow_the_record(client):
    m = client.get("/api/v1/organizations/CSTO/members", params={"year": 2010}).json()
    assert "UZB" in {r["actor"] for r in m}   # Uzbekistan rejoined 2006-2012
    grid = client.get("/api/v1/status", params={"year": 2013}).json()
    csto = next(r for r in grid["organizations"] if r["org"] == "CSTO")
    assert csto["UZB"] == "none" and csto["KAZ"] == "member"
    assert all(r["org"] != "EAEU" for r in client.get("/api/v1/status", params={"year": 2005}).json()["organizations"])


def test_filters(client):
    ev = client.get("/api/v1/events", params={"actor": "KGZ", "org": "CSTO", "from": 2005, "to": 2015}).json()
    assert ev and all(2005 <= int(e["date"][:4]) <= 2015 for e in ev)
    cl = client.get("/api/v1/claims", params={"mechanism": "economic_dependence"}).json()
    assert cl and all(c["mechanism"] == "economic_dependence" for c in cl)
    assert client.get("/api/v1/indicators", params={"actor": "TJK"}).json()
    assert client.get("/api/v1/memberships", params={"actor": "UZB", "org": "CSTO"}).json()
    assert client.get("/api/v1/timeline/UZB").json()
    s = client.get("/api/v1/series", params={"name": "remittances_pct_gdp", "actor": "KGZ"}).json()
    assert s and all(r["actor"] == "KGZ" for r in s)


def test_search_and_facts_carry_readable_citations(client):
    hits = client.get("/api/v1/search", params={"q": "remittances"}).json()
    assert hits and all(h["citations"] for h in hits if h["sources"])
    fact = client.get("/api/v1/facts/cl_bal_aware_of_org_limits").json()
    assert fact["kind"] == "claim"
    assert fact["citations"][0]["text"] == "the article, section Balancing, footnote 78"


def test_measures(client):
    m = client.get("/api/v1/measures", params={"state": "KAZ", "from": 2000, "to": 2005}).json()
    assert [r["year"] for r in m] == list(range(2000, 2006))
    assert all(0 <= r["balance_index"] <= 100 for r in m)
    arm = client.get("/api/v1/measures", params={"state": "ARM", "from": 1991, "to": 1992}).json()
    assert arm[0]["balance_index"] is None and arm[1]["balance_index"] > 0   # undefined before a second pole
    assert {r["state"] for r in client.get("/api/v1/measures").json()} == {"KAZ", "KGZ", "TJK", "TKM", "UZB"}


@pytest.mark.parametrize("url, params, status, words", [
    ("/api/v1/organizations/NOPE", {}, 422, "unknown organization"),
    ("/api/v1/organizations/CSTO/members", {"year": 1800}, 422, "year"),
    ("/api/v1/organizations/CSTO/members", {"year": "soon"}, 422, "year"),
    ("/api/v1/organizations/CSTO/members", {"year": 2050}, 422, "outside the case's years"),
    ("/api/v1/status", {"year": 1985}, 422, "outside"),
    ("/api/v1/memberships", {"status": "friend"}, 422, "unknown status"),
    ("/api/v1/memberships", {"actor": "KZ"}, 422, "unknown actor"),
    ("/api/v1/events", {"from": 2015, "to": 2005}, 422, "before"),
    ("/api/v1/events", {"actor": "x" * 100}, 422, "actor"),
    ("/api/v1/claims", {"mechanism": "magic"}, 422, "unknown mechanism"),
    ("/api/v1/search", {"q": ""}, 422, "q"),
    ("/api/v1/search", {}, 422, "missing"),
    ("/api/v1/search", {"q": "a", "limit": 100000}, 422, "limit"),
    ("/api/v1/facts/no_such_fact", {}, 404, "no fact"),
    ("/api/v1/series", {"name": "gdp_in_sheep"}, 422, "unknown series"),
    ("/api/v1/measures", {"state": "RUS"}, 422, "not a regional state of the case, nor one it pools"),
    ("/api/v1/measures", {"state": "ZZZ"}, 422, "unknown actor"),
    ("/api/v1/timeline/ZZZ", {}, 422, "unknown actor"),
])
def test_bad_values_get_one_line(client, url, params, status, words):
    r = client.get(url, params=params)
    assert r.status_code == status, r.text
    assert words in problem_line(r)


def test_path_like_values_are_only_ids(client):
    for bad in ("..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd"):
        r = client.get(f"/api/v1/facts/{bad}")
        assert r.status_code == 404 and problem_line(r)
