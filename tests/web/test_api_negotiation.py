"""Negotiation through the API: the case's proposals, forecasts that move with the inputs, uploads in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import problem_line

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "multivector" / "negotiation" / "examples"


def test_models_and_proposals(client):
    from multivector.negotiation import MODEL_NAMES
    from multivector.negotiation.models import RECOMMENDED

    about = client.get("/api/v1/negotiation/models").json()
    assert about["models"] == list(MODEL_NAMES) and about["recommended"] == RECOMMENDED
    assert "status_quo" in about["baselines"] and about["about"]["nash"]["reference"]
    props = client.get("/api/v1/negotiation/proposals").json()
    assert len(props) >= 10
    for p in props:
        assert set(p["forecasts"]) == set(MODEL_NAMES)
        assert all(-1 <= v <= 101 for v in p["forecasts"].values() if v is not None)
        for m, v in p["forecasts"].items():   # a baseline the proposal does not define says why
            assert v is not None or "no agenda setter" in p["unavailable"][m]
    # consensus bodies: the rule terms are on, as on the command line (Kazakhstan blocks)
    sup = {p["id"]: p for p in props}["eaeu_supranational"]
    assert sup["forecasts"]["compromise"] == 0.0 and sup["forecasts"]["status_quo"] == 0.0
    one = client.get("/api/v1/negotiation/proposals/eaeu_supranational").json()
    assert one["recorded_outcome"] == "rejected" and one["actors"]
    assert any(a["evidence"] for a in one["actors"])


def test_rule_changes_the_forecast_input(client):
    a = client.get("/api/v1/negotiation/proposals/eaeu_supranational").json()
    b = client.get("/api/v1/negotiation/proposals/eaeu_supranational", params={"rule": "majority"}).json()
    assert a["decision_rule"] == "consensus" and b["decision_rule"] == "majority"
    # under consensus the veto holds the forecast at the status quo; under majority nobody can block
    assert a["rule_terms"] and a["forecasts"]["compromise"] == 0.0 and b["forecasts"]["compromise"] > 50
    off = client.get("/api/v1/negotiation/proposals/eaeu_supranational", params={"rule_terms": "false"}).json()
    assert off["forecasts"]["compromise"] == b["forecasts"]["compromise"]


def test_posted_problem_honours_the_veto(client):
    body = _problem(client, "eaeu_supranational")
    on = client.post("/api/v1/negotiation/predict", json=body).json()
    off = client.post("/api/v1/negotiation/predict", json={**body, "rule_terms": False}).json()
    assert on["rule_terms"] and on["forecasts"]["stubborn"] == [0.0]
    assert off["forecasts"]["stubborn"][0] > 75


def _problem(client, pid="csto_intervention_kgz_2010"):
    one = client.get(f"/api/v1/negotiation/proposals/{pid}").json()
    return {"name": pid, "decision_rule": one["decision_rule"], "status_quo": one["status_quo"],
            "agenda_setters": one["agenda_setters"],
            "actors": [{k: a[k] for k in ("id", "capability", "position", "salience")} for a in one["actors"]]}


def test_moving_a_position_moves_the_forecast(client):
    body = {**_problem(client), "rule_terms": False}   # with the veto on, every forecast here sits at 0
    base = client.post("/api/v1/negotiation/predict", json=body).json()["forecasts"]
    strongest = max(body["actors"], key=lambda a: a["capability"])
    strongest["position"] = 0.0 if strongest["position"] > 50 else 100.0
    moved = client.post("/api/v1/negotiation/predict", json=body).json()["forecasts"]
    assert moved["compromise"] != base["compromise"]
    one = client.post("/api/v1/negotiation/predict", json={**body, "models": ["median"]}).json()["forecasts"]
    assert list(one) == ["median"]


@pytest.mark.parametrize("change, words", [
    ({"decision_rule": "dictator"}, "unknown decision rule"),
    ({"models": ["oracle"]}, "unknown model"),
    ({"actors": []}, "actors"),
    ({"actors": [{"id": "A", "capability": 1, "position": 50, "salience": 150}]}, "salience"),
    ({"actors": [{"id": "A", "capability": -1, "position": 50, "salience": 50}]}, "capability"),
    ({"actors": [{"id": "A", "capability": 1, "position": 1e13, "salience": 50}]}, "position"),
    ({"actors": [{"id": "A", "capability": 1, "position": 50, "salience": 50},
                 {"id": "A", "capability": 1, "position": 50, "salience": 50}]}, "unique"),
    ({"actors": [{"id": "A", "capability": 1, "position": "high", "salience": 50}]}, "position"),
    ({"agenda_setters": ["NOBODY"]}, "agenda setters"),
    ({"power": 3}, "power"),
])
def test_bad_problems(client, change, words):
    body = {**_problem(client), **change}
    r = client.post("/api/v1/negotiation/predict", json=body)
    assert r.status_code == 422, r.text
    assert words in problem_line(r)


def test_unknown_proposal_and_rule(client):
    r = client.get("/api/v1/negotiation/proposals/nope")
    assert r.status_code == 404 and "unknown proposal" in problem_line(r)
    r = client.get("/api/v1/negotiation/proposals/eaeu_supranational", params={"rule": "war"})
    assert r.status_code == 422 and "unknown decision rule" in problem_line(r)


@pytest.mark.parametrize("name, kind", [("ktab_water_release.csv", "ktab"), ("bdm_eaeu_tariff.csv", "bdm"),
                                        ("deu_small.tsv", "deu")])
def test_upload_each_layout(client, name, kind):
    data = (EXAMPLES / name).read_bytes()
    r = client.post("/api/v1/negotiation/upload", files={"file": (name, data, "text/csv")})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["kind"] == kind and out["problems"] and out["problems"][0]["forecasts"]


def test_upload_rule_override_and_models(client):
    data = (EXAMPLES / "ktab_water_release.csv").read_bytes()
    r = client.post("/api/v1/negotiation/upload", files={"file": ("w.csv", data)},
                    data={"decision_rule": "unanimity", "models": "compromise, median"})
    assert r.json()["problems"][0]["decision_rule"] == "unanimity"
    assert list(r.json()["problems"][0]["forecasts"]) == ["compromise", "median"]


@pytest.mark.parametrize("data, form, status, words", [
    (b"", {}, 422, "empty"),
    (b"x" * (2**20 + 10), {}, 413, "over the limit"),
    (b"PK\x03\x04\x00\x00binary", {}, 422, "binary"),
    (b"Water,desc,1,1\nActor,Description,Power,Pstn1,Sal1\nA,x,abc,50,50\n", {}, 422, "expected"),
    (b"actor,capability,position,salience\nA,1,50,500\n", {}, 422, "salience"),
    (b"a,b\n1,2\n", {"kind": "excel"}, 422, "unknown file kind"),
    (b"a,b\n1,2\n", {"decision_rule": "coin"}, 422, "unknown decision rule"),
    (b"a,b\n1,2\n", {"models": "median,oracle"}, 422, "unknown model"),
])
def test_bad_uploads(client, data, form, status, words):
    r = client.post("/api/v1/negotiation/upload", files={"file": ("../../etc/passwd", data)}, data=form)
    assert r.status_code == status, r.text
    line = problem_line(r)
    assert words in line, line
    assert "/etc/" not in line   # the file name labels messages without its folders


def test_upload_needs_a_file(client):
    r = client.post("/api/v1/negotiation/upload", data={"kind": "ktab"})
    assert r.status_code == 422 and "file" in problem_line(r)


def test_a_model_that_refuses_leaves_the_others(client, monkeypatch):
    """A model that cannot forecast a problem (say, one needing an agenda setter) gives None and its reason."""
    import multivector.web.negotiation as wn

    real = wn.get_model

    class Refuses:
        def predict(self, problem):
            raise ValueError("needs an agenda setter")

    monkeypatch.setattr(wn, "get_model", lambda m, *a, **k: Refuses() if m == "median" else real(m, *a, **k))
    r = client.post("/api/v1/negotiation/predict", json=_problem(client))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["forecasts"]["median"] is None and body["unavailable"]["median"] == "needs an agenda setter"
    assert body["forecasts"]["compromise"] is not None
