"""The model-check page and endpoints: a stored evaluation is served (never re-run in a request); without one the
page offers to run it as a job, which can be cancelled."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def stored(web_app):
    """A real, small evaluation (the reference forecasters at one origin), stored where `evaluate` stores it."""
    from multivector.evaluate import evaluate
    from multivector.evaluate.store import _path, save_latest

    ctx = web_app.state.ctx
    path = _path(ctx.inputs)
    had = path.read_bytes() if path.exists() else None
    with ctx.lock:   # the app's DuckDB connection is shared with its threads
        ev = evaluate(ctx.kb, ["persistence", "base_rate"], origins=[2008], runs=20, seed=0, inputs=ctx.inputs)
    save_latest(ev, ctx.inputs)
    yield ev
    if had is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(had)


def test_without_an_evaluation(client, web_app, tmp_path, monkeypatch):
    from multivector.evaluate.store import _path

    # stored evaluations live in the cache folder: an empty one of this test's own, whatever others stored
    monkeypatch.setenv("MULTIVECTOR_CACHE_DIR", str(tmp_path))
    assert not _path(web_app.state.ctx.inputs).exists()
    r = client.get("/api/v1/evaluation")
    assert r.status_code == 404 and "POST /api/v1/evaluation/jobs" in r.json()["detail"]
    html = client.get("/check").text
    assert "Run the evaluation" in html and 'id="fig-weights"' in html   # the fitted weights need no evaluation


def test_stored_evaluation(client, stored):
    ev = client.get("/api/v1/evaluation").json()
    assert ev["origins"] == [2008] and {s["forecaster"] for s in ev["scores"]} == {"persistence", "base_rate"}
    html = client.get("/check").text
    assert "fig-reliability" in html and "fig-scores" in html and "persistence" in html


def test_fitted_weights_endpoint_and_page(client):
    """The weights the app runs with: median and 90% interval of each, per sd for a theory term, the same
    numbers in the page's table and its chart."""
    import json
    import re

    from multivector.model.weight_summary import weights_file_rows

    w = client.get("/api/v1/weights").json()
    assert w == json.loads(json.dumps(weights_file_rows()))
    assert [r["label"] for r in w["rows"]][:2] == ["security", "economy"] and w["level"] == 0.9
    html = client.get("/check").text
    fig = json.loads(re.search(r'<script type="application/json" id="fig-weights">(.*?)</script>', html, re.S)
                     .group(1).replace("<\\/", "</"))
    theory = fig["data"][0]
    assert theory["y"] == [r["label"] for r in w["rows"] if r["per_sd_median"] is not None]
    assert theory["x"] == [r["per_sd_median"] for r in w["rows"] if r["per_sd_median"] is not None]
    econ = next(r for r in w["rows"] if r["weight"] == "economy_weight")
    assert f"<td>{econ['median']:.3g}</td><td>[{econ['lo']:.3g}, {econ['hi']:.3g}]</td>" in html


def test_evaluation_job_can_be_cancelled(_private_cache, tmp_path):
    from fastapi.testclient import TestClient

    from multivector.evaluate import ORIGINS, available_forecasters
    from multivector.web import create_app

    app = create_app(cache_dir=tmp_path, workers=1, warm=False, allowed_hosts=("testserver",))
    with TestClient(app) as c:
        r = c.post("/api/v1/evaluation/jobs")
        assert r.status_code == 202 and r.json()["kind"] == "evaluation"
        assert r.json()["progress"]["total"] == len(ORIGINS) * len(available_forecasters())
        again = c.post("/api/v1/evaluation/jobs").json()
        assert again["id"] == r.json()["id"] and again["clients"] == 2   # one run at a time, two clients
        assert c.delete(f"/api/v1/jobs/{r.json()['id']}").json()["clients"] == 1
        assert c.delete(f"/api/v1/jobs/{r.json()['id']}").json()["status"] == "cancelled"
    # leaving the client stops the server: the worker is ended, not waited for
