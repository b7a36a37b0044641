"""The HTML pages: each renders from the case, bad page inputs get the one-line message, nothing from a CDN."""

from __future__ import annotations

import re

import pytest

from .conftest import SMALL


@pytest.mark.parametrize("url, needles", [
    ("/", ["Who was in what", "id=\"status-grid\"", "type=\"range\"", "Balance index", "fig-heatmap",
           "ev_bg_rus_invades_ukraine_2022"]),
    ("/?region=south_caucasus", ["Balance index over time: South Caucasus", ">ARM</th>", ">GEO</th>"]),
    ("/?year=2013", ["in <span class=\"year-label\">2013</span>"]),
    ("/evidence", ["facts", "Membership timeline", "the article, section"]),
    ("/evidence?q=remittances&state=KGZ", ["remittances"]),
    ("/evidence?org=CSTO&timeline=CSTO", ["members over time"]),
    ("/evidence?mechanism=sovereignty_sensitivity&from=2010&to=2015", ["sovereignty sensitivity"]),
    ("/measures", ["Balance index", "Ties by pole", "Dependence by partner", "UN voting agreement"]),
    ("/measures?state=KGZ", ["Kyrgyz"]),
    ("/measures?region=eastern_europe", ["Ukraine", "Moldova", "all of Eastern Europe"]),
    ("/measures?state=ARM", ["Armenia", '<option value="south_caucasus" selected>']),
    ("/lab", ["Run the scenario", "Driver changes", "<progress"]),
    ("/lab?library=russia-distracted", ["russia-distracted"]),
    ("/negotiation", ["eaeu_supranational", "Forecast your own file"]),
    ("/negotiation?proposal=csto_expansion", ["csto_expansion: "]),
    ("/check", ["rolling origins"]),
    ("/docs", ["/api/v1/jobs", "/openapi.json"]),
])
def test_pages_render(client, url, needles):
    r = client.get(url)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    for n in needles:
        assert n in r.text, n
    # every script and style from the app itself
    for src in re.findall(r'(?:src|href)="([^"#]+)"', r.text):
        assert src.startswith("/") or src.startswith("?"), src
    assert "cdn." not in r.text


def test_every_page_has_labels_for_its_controls(client):
    for url in ("/", "/evidence", "/measures", "/lab", "/negotiation"):
        html = client.get(url).text
        ids = set(re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html))
        labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', html))
        hidden = set(re.findall(r'<input[^>]*type="hidden"[^>]*id="([^"]+)"', html))
        assert ids - hidden - {"share"} <= labelled | {"share"}, (url, ids - labelled)


@pytest.mark.parametrize("url, words", [
    ("/?year=1800", "outside the case's years"),
    ("/?year=soon", "is not a year"),
    ("/evidence?state=XYZ", "unknown actor"),
    ("/evidence?mechanism=luck", "unknown mechanism"),
    ("/evidence?from=2015&to=2000", "before"),
    ("/evidence?timeline=NOPE", "unknown actor"),
    ("/measures?state=RUS", "not a state the case models"),
    ("/?region=antarctica", "unknown region"),
    ("/evidence?page=0", "outside"),
    ("/lab?s=%%%", "damaged"),
    ("/lab?s=eyJydW5zIjogIm1hbnkifQ", "runs"),
    ("/lab?library=nope", "unknown scenario"),
    ("/negotiation?proposal=nope", "unknown proposal"),
])
def test_bad_page_inputs(client, url, words):
    r = client.get(url)
    assert r.status_code in (404, 422)
    import html

    text = html.unescape(r.text)
    assert words in text and " — " in text


def test_share_link_recreates_the_scenario(client):
    link = client.post("/api/v1/scenarios/validate", json=SMALL).json()["link"]
    html = client.get(link).text
    m = re.search(r'<script type="application/json" id="lab-initial">(.*?)</script>', html, re.S)
    import json

    assert json.loads(m.group(1))["drivers"] == [{"actor": "RUS", "driver": "attention", "from": 2022, "set": 0.3}]


def test_static_and_plotly_offline(client):
    js = client.get("/vendor/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    assert b"https://cdn.plot.ly" not in js.content
    for f in ("app.css", "app.js", "lab.js", "negotiation.js", "check.js", "favicon.svg"):
        assert client.get(f"/static/{f}").status_code == 200
    assert client.get("/static/../app.py").status_code == 404
    r = client.get("/")
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_unknown_pages_and_methods(client):
    assert client.get("/nowhere").status_code == 404
    r = client.put("/api/v1/case")
    assert r.status_code == 405 and " — " in r.json()["detail"]


def test_health_says_when_warm(client, web_app):
    assert web_app.state.warmed.wait(120)
    h = client.get("/api/v1/health").json()
    assert h["status"] == "ok" and h["warm"] is True and h["jobs"]["workers"] == 2
