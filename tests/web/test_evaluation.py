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
    assert "Run the evaluation" in client.get("/check").text


def test_stored_evaluation(client, stored):
    ev = client.get("/api/v1/evaluation").json()
    assert ev["origins"] == [2008] and {s["forecaster"] for s in ev["scores"]} == {"persistence", "base_rate"}
    html = client.get("/check").text
    assert "fig-reliability" in html and "fig-scores" in html and "persistence" in html


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
