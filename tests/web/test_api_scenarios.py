"""Scenarios through the API: the library, validation with the command line's words, jobs with progress and
cancel, cached results (same seed, same numbers as `simulate`), downloads, comparison and charts."""

from __future__ import annotations

import io
import time

import pandas as pd
import pytest

from .conftest import SMALL, problem_line, wait


def test_library(client):
    names = {s["name"] for s in client.get("/api/v1/scenarios").json()}
    assert {"baseline", "russia-distracted"} <= names
    rd = client.get("/api/v1/scenarios/russia-distracted").json()
    assert rd["drivers"] and rd["link"].startswith("/lab?s=") and rd["link"].endswith("&library=russia-distracted")
    listed = {s["name"]: s for s in client.get("/api/v1/scenarios").json()}
    assert listed["russia-distracted"]["counterfactual"] and listed["russia-distracted"]["start"] == 2022
    assert listed["baseline"]["start"] == 2026 and not listed["baseline"]["counterfactual"]
    assert client.get("/api/v1/scenarios/../../etc/passwd").status_code == 404
    r = client.get("/api/v1/scenarios/no-such")
    assert r.status_code == 404 and "unknown scenario" in problem_line(r)


def test_validate_normalizes(client):
    r = client.post("/api/v1/scenarios/validate", json=SMALL)
    assert r.status_code == 200, r.text
    assert r.json()["scenario"]["drivers"][0] == {"actor": "RUS", "driver": "attention", "from": 2022, "set": 0.3}


def _with(**kw):
    return {**SMALL, **kw}


@pytest.mark.parametrize("body, words", [
    (_with(runs=20_001), "above the web app's limit of 20,000"),
    (_with(runs=0), "`runs` must be a whole number ≥ 1"),
    (_with(end=2010), "`end` (2010) is before `start`"),
    (_with(start=1900), "`start` must be a year"),
    (_with(start=2029, drivers=[]), "starts in 2026 at the latest"),
    (_with(seed=-1), "`seed` must be a whole number ≥ 0"),
    (_with(name="../etc"), "name` may hold only letters"),
    (_with(colour="red"), "colour`"),
    (_with(runs="many"), "runs`"),
    (_with(drivers=[{"actor": "RUS", "driver": "charisma", "set": 0.5}]), "drivers[0]: unknown driver 'charisma'"),
    (_with(drivers=[{"actor": "KAZ", "driver": "attention", "set": 0.5}]), "drivers[0]: unknown actor 'KAZ'"),
    (_with(drivers=[{"actor": "RUS", "driver": "attention", "set": 1.5}]), "`set` must be within 0-1"),
    (_with(drivers=[{"actor": "RUS", "driver": "attention"}]), "exactly one of `set`, `scale`, `add`"),
    (_with(drivers=[{"actor": "RUS", "driver": "attention", "set": 0.5, "scale": 2}]), "exactly one of"),
    (_with(drivers=[{"actor": "RUS", "driver": "attention", "from": 2040, "set": 0.5}]), "outside the scenario's years"),
    (_with(drivers=[{"actor": "KGZ", "driver": "remittance_dependence", "set": 0.5}]), "needs `partner`"),
    (_with(drivers=[{"actor": "RUS", "driver": "integration_pressure", "org": "NOPE", "add": 0.1}]), "needs a known `org`"),
    (_with(drivers=[{"actor": "RUS", "driver": "attention", "set": 0.5, "wat": 1}]), "drivers.0.wat`"),
    (_with(parameters={"magic_weight": 1.0}), "unknown parameter `magic_weight`"),
    (_with(parameters={"balance_weight": {"dist": "normal", "mean": 1, "sd": -1}}), "cannot be negative"),
])
def test_validate_refuses_with_the_fix(client, body, words):
    for url in ("/api/v1/scenarios/validate", "/api/v1/jobs"):
        payload = body if url.endswith("validate") else {"scenario": body}
        r = client.post(url, json=payload)
        assert r.status_code == 422, r.text
        assert words in problem_line(r), r.json()


def test_every_problem_is_listed(client):
    r = client.post("/api/v1/scenarios/validate", json=_with(end=1995, drivers=[
        {"actor": "X", "driver": "attention", "set": 2}]))
    assert r.status_code == 422 and len(r.json()["problems"]) >= 2


@pytest.mark.parametrize("body, words", [
    ({}, "exactly one of `scenario` and `library`"),
    ({"library": "baseline", "scenario": SMALL}, "exactly one of"),
    ({"library": "nope"}, "unknown scenario"),
    ({"library": "baseline", "runs": 50_000}, "runs"),
    ({"library": "baseline", "seed": -3}, "seed"),
])
def test_bad_jobs(client, body, words):
    r = client.post("/api/v1/jobs", json=body)
    assert r.status_code in (404, 422), r.text
    assert words in problem_line(r)


def test_not_json(client):
    r = client.post("/api/v1/jobs", content=b"runs: 5", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and problem_line(r)


def test_run_progress_result_and_cache(client, web_app):
    from multivector.model.projection import project
    from multivector.web.scenarios import ScenarioIn, to_scenario

    body = _with(seed=5, name="cache-me")
    r = client.post("/api/v1/jobs", json={"scenario": body})
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["progress"]["total"] == SMALL["end"] - SMALL["start"] + 1
    done = wait(client, job["id"])
    assert done["status"] == "done" and done["progress"]["done"] == done["progress"]["total"]
    res = client.get(done["result"], params={"tables": "engagement,indices,stances,depth"}).json()
    assert res["summary"]["seed"] == 5 and res["summary"]["runs"] == 40 and res["summary"]["version"]
    assert all(row["seed"] == 5 for row in res["engagement"])

    # the same numbers as the library's run with that seed (what `multivector simulate` runs)
    ctx = web_app.state.ctx
    sc = to_scenario(ScenarioIn.model_validate(body), ctx.inputs.states, ctx.model_orgs)
    with ctx.lock:   # the app's DuckDB connection is shared with its threads
        direct = project(ctx.kb, sc).engagement()
    got = pd.DataFrame(res["engagement"])[direct.columns]
    pd.testing.assert_frame_equal(got.reset_index(drop=True), direct.reset_index(drop=True), check_dtype=False)

    # asked again: done at once, from the store (no new job is queued; benchmarks/bench_hostile_inputs.py times it)
    again = client.post("/api/v1/jobs", json={"scenario": body}).json()
    assert again["status"] == "done" and again["key"] == job["key"] and again["progress"] == done["progress"]

    # a restarted server (a new store on the same folder) finds it
    from multivector.web.results import ResultStore

    assert ResultStore(web_app.state.store.root).has(job["key"])


def test_downloads_compare_and_figures(client):
    """A compared run: the library's comparison (`simulate --compare`), zero before the first change, its tables
    downloadable, and the charts with the record and the difference panels."""
    from multivector.model.compare import COLUMNS

    body = _with(seed=8, start=None, end=2032, drivers=[{"actor": "RUS", "driver": "revisionism", "from": 2028,
                                                          "set": 1.0}])
    job = client.post("/api/v1/jobs", json={"scenario": body, "compare": True}).json()
    assert job["progress"]["total"] == 2 * (2032 - 2026 + 1)
    a = wait(client, job["id"])
    ka = a["key"]
    plain = wait(client, client.post("/api/v1/jobs", json={"scenario": body}).json()["id"])
    assert plain["key"] != ka          # a compared run is another result
    for table in ("engagement", "indices", "stances", "depth", "compare", "baseline_engagement"):
        csv = client.get(f"/api/v1/results/{ka}/{table}.csv")
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        pq = client.get(f"/api/v1/results/{ka}/{table}.parquet")
        df = pd.read_parquet(io.BytesIO(pq.content))
        assert (df.seed == 8).all()
        assert client.get(f"/api/v1/results/{ka}/{table}.json").json()
    rows = pd.read_csv(io.BytesIO(client.get(f"/api/v1/results/{ka}/compare.csv").content))
    assert set(COLUMNS) <= set(rows.columns)
    before = rows[rows.year < 2028]
    assert len(before) and (before[["difference", "p05", "p95"]] == 0).all().all()   # exactly zero in the API
    eng = pd.read_csv(io.BytesIO(client.get(f"/api/v1/results/{ka}/engagement.csv").content))
    assert set(eng[eng.year <= 2025].source) == {"record"} and set(eng[eng.year >= 2026].source) == {"model"}
    cmp = client.get(f"/api/v1/results/{ka}/compare").json()
    assert cmp["first_change"] == 2028 and cmp["start"] == 2026 and not cmp["counterfactual"]
    assert cmp["largest_differences"] and all(d["year"] >= 2028 and d["difference"] != 0
                                              for d in cmp["largest_differences"])
    assert "posterior" in cmp["interval"] and cmp["balance"]
    nope = client.get(f"/api/v1/results/{plain['key']}/compare")
    assert nope.status_code == 404 and "without a comparison" in problem_line(nope)
    figs = client.get(f"/api/v1/results/{ka}/figures", params={"state": "KAZ"}).json()
    assert set(figs["figures"]) == {"members", "fan", "balance", "difference"} and figs["compared"]
    for fig in figs["figures"].values():
        layout = fig["layout"]
        assert layout["title"]["text"]
        names = {t.get("name") for t in fig["data"]}
        assert names & {"the record", "member on record", "difference"}, names
    records = [t for t in figs["figures"]["members"]["data"] if t.get("name") == "the record"]
    assert records and max(max(_values(t["x"])) for t in records) == 2025     # the record up to its end
    assert figs["line"] in figs["lines"]
    one = client.get(f"/api/v1/results/{ka}/figures", params={"state": "KAZ", "line": "SCO"}).json()
    assert one["line"] == "SCO"
    assert "difference" not in client.get(f"/api/v1/results/{plain['key']}/figures",
                                          params={"state": "KAZ"}).json()["figures"]


def _values(v) -> list:
    """A Plotly JSON array: a list, or {dtype, bdata} (base64 of a typed array)."""
    import base64

    import numpy as np

    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


def test_a_counterfactual_says_so(client):
    done = wait(client, client.post("/api/v1/jobs", json={"scenario": _with(seed=3, start=None)}).json()["id"])
    s = client.get(done["result"]).json()["summary"]
    assert s["counterfactual"] is True and s["kind"] == "counterfactual" and s["start"] == 2022
    assert "counterfactual from 2022" in s["start_description"]


@pytest.mark.parametrize("path, status", [
    ("/api/v1/results/0123", 422), ("/api/v1/results/" + "0" * 32, 404),
    ("/api/v1/results/..%2F..%2Fsecret", 422),
    ("/api/v1/results/" + "0" * 32 + "/engagement.csv", 404),
])
def test_bad_result_keys(client, path, status):
    r = client.get(path)
    assert r.status_code in (status, 404), r.text
    assert problem_line(r)


def test_bad_result_tables_and_formats(client):
    key = wait(client, client.post("/api/v1/jobs", json={"scenario": SMALL}).json()["id"])["key"]
    assert "unknown result table" in problem_line(client.get(f"/api/v1/results/{key}/runs.csv"))
    assert "unknown format" in problem_line(client.get(f"/api/v1/results/{key}/engagement.xlsx"))
    assert "unknown result table" in problem_line(client.get(f"/api/v1/results/{key}", params={"tables": "secrets"}))
    r = client.get(f"/api/v1/results/{key}/figures", params={"state": "RUS"})
    assert r.status_code == 422 and "not a state of this run" in problem_line(r)
    r = client.get(f"/api/v1/results/{key}/figures", params={"state": "KAZ", "line": "NATO"})
    assert r.status_code == 422 and "not an organization line" in problem_line(r)


def test_cancel_a_running_job(client):
    job = client.post("/api/v1/jobs", json={"scenario": _with(runs=20_000, seed=99, start=1991, end=2035,
                                                               name="long")}).json()
    t0 = time.monotonic()
    while client.get(f"/api/v1/jobs/{job['id']}").json()["status"] == "queued" and time.monotonic() - t0 < 60:
        time.sleep(0.05)
    r = client.delete(f"/api/v1/jobs/{job['id']}")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert not client.app.state.store.has(job["key"])
    # the worker is free again: a small run finishes soon after
    small = client.post("/api/v1/jobs", json={"scenario": _with(seed=123)}).json()
    assert wait(client, small["id"], timeout=60)["status"] == "done"
    assert client.get("/api/v1/jobs/nope").status_code == 404
    assert client.delete("/api/v1/jobs/nope").status_code == 404


def test_one_client_cancelling_a_shared_run_leaves_it_to_the_other(client):
    body = {"scenario": _with(runs=20_000, seed=98, start=1991, end=2035, name="shared")}
    first, second = client.post("/api/v1/jobs", json=body).json(), client.post("/api/v1/jobs", json=body).json()
    assert first["id"] == second["id"] and second["clients"] == 2
    r = client.delete(f"/api/v1/jobs/{first['id']}").json()
    assert r["status"] in ("queued", "running") and r["clients"] == 1   # still wanted by the other client
    r = client.delete(f"/api/v1/jobs/{first['id']}").json()
    assert r["status"] == "cancelled"


def test_an_abandoned_job_frees_its_worker(web_app):
    jobs = web_app.state.jobs
    from multivector.web.scenarios import ScenarioIn, to_scenario

    ctx = web_app.state.ctx
    sc = to_scenario(ScenarioIn.model_validate(_with(runs=20_000, seed=77, start=1991, end=2035, name="lost")),
                     ctx.inputs.states, ctx.model_orgs)
    job = jobs.submit_scenario(sc, "ab" * 16)
    old = jobs.idle_timeout
    try:
        jobs.idle_timeout = 0.5
        t0 = time.monotonic()
        while jobs.get(job.id, touch=False).status in ("queued", "running") and time.monotonic() - t0 < 30:
            time.sleep(0.1)
    finally:
        jobs.idle_timeout = old
    j = jobs.get(job.id, touch=False)
    assert j.status == "cancelled" and "abandoned" in j.error


def test_twenty_clients_at_once_all_get_answers(client):
    """Twenty clients each run their own scenario at the same time: every one is queued, run and answered."""
    from concurrent.futures import ThreadPoolExecutor

    def one(k: int) -> str:
        job = client.post("/api/v1/jobs", json={"scenario": _with(runs=10, seed=1000 + k, name=f"client-{k}")})
        assert job.status_code == 202, job.text
        return wait(client, job.json()["id"], timeout=180)["status"]

    with ThreadPoolExecutor(20) as pool:
        assert list(pool.map(one, range(20))) == ["done"] * 20


def test_a_restarted_server_keeps_finished_results(client, web_app, _private_cache):
    from fastapi.testclient import TestClient

    from multivector.web import create_app

    key = wait(client, client.post("/api/v1/jobs", json={"scenario": _with(seed=31)}).json()["id"])["key"]
    again = create_app(cache_dir=web_app.state.store.root.parent, workers=1, warm=False, allowed_hosts=("testserver",))
    with TestClient(again) as c2:
        job = c2.post("/api/v1/jobs", json={"scenario": _with(seed=31)}).json()
        assert job["status"] == "done" and job["key"] == key
        assert c2.get(f"/api/v1/results/{key}").json()["summary"]["seed"] == 31


def test_a_killed_worker_fails_its_job_and_the_pool_comes_back(_private_cache, tmp_path):
    """SIGKILL the worker mid-run: the job says so, the pool is rebuilt, and the next run finishes."""
    import os
    import signal

    from fastapi.testclient import TestClient

    from multivector.web import create_app

    web = create_app(cache_dir=tmp_path, workers=1, warm=False, allowed_hosts=("testserver",))
    with TestClient(web) as c:
        job = c.post("/api/v1/jobs", json={"scenario": _with(runs=20_000, seed=97, start=1991, end=2035,
                                                             name="killed")}).json()
        t0 = time.monotonic()
        while c.get(f"/api/v1/jobs/{job['id']}").json()["status"] != "running" and time.monotonic() - t0 < 60:
            time.sleep(0.05)
        pool = web.state.jobs._pool
        for proc in list(pool._processes.values()):
            os.kill(proc.pid, signal.SIGKILL)
        failed = wait(c, job["id"], timeout=60)
        assert failed["status"] == "failed" and "worker process died" in failed["error"]
        assert not web.state.store.has(job["key"])
        after = c.post("/api/v1/jobs", json={"scenario": _with(seed=124)}).json()
        assert wait(c, after["id"], timeout=90)["status"] == "done"
