"""Issue 25 on the server: every request bounded, the Host allow-list, request bodies, uploads' errors.

Each test names the item of issue 25 it covers. The shared `client` answers to the Host `testserver`
(conftest: `allowed_hosts=("testserver",)`), as `serve --allowed-host testserver` would.
"""

from __future__ import annotations

import numpy as np
import pytest

from .conftest import problem_line

PREDICT = "/api/v1/negotiation/predict"


def actors(n: int, seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    return [{"id": f"a{i}", "capability": float(rng.uniform(1, 10)), "position": float(rng.uniform(0, 100)),
             "salience": float(rng.uniform(20, 100))} for i in range(n)]


def assert_csp(r) -> None:
    assert "default-src" in r.headers.get("content-security-policy", ""), dict(r.headers)


# ---------------------------------------------------------------- 1. every request bounded
def test_model_over_its_limit_is_refused_up_front(client):
    """Item 1: a 2,000-actor problem (the schema's maximum) asked of BDM is a 422 naming BDM's limit and the
    models that take it, answered at once (the check runs before any work)."""
    from multivector.negotiation.limits import LIMITS

    r = client.post(PREDICT, json={"actors": actors(2000), "models": ["bdm"]})
    assert r.status_code == 422, r.text
    line = problem_line(r)
    assert f"limit of {LIMITS['bdm'].max_actors:,} actors" in line and "compromise" in line, line


def test_every_model_on_a_large_problem_answers_with_the_others(client):
    """Item 1: with every model asked for, those over their limit say why and the others forecast."""
    r = client.post(PREDICT, json={"actors": actors(2000)})
    assert r.status_code == 200, r.text
    body = r.json()
    for m in ("bdm", "smp", "combination"):
        assert body["forecasts"][m] is None and "beyond its limit" in body["unavailable"][m]
    assert body["forecasts"]["compromise"] is not None and body["forecasts"]["median"] is not None


def test_heavy_request_runs_in_the_pool_with_the_same_answer(web_app, client, monkeypatch):
    """Item 1: a request over the inline budget runs in the worker pool (with the timeout and cancel) and gives
    the forecast the library gives."""
    from multivector.negotiation import NegotiationProblem, get_model
    from multivector.negotiation.limits import LIMITS
    from multivector.web.negotiation import INLINE_SECONDS

    n = int(LIMITS["bdm"].max_actors * 0.55)   # about 1.7 s: over the inline budget
    assert LIMITS["bdm"].seconds(n) > INLINE_SECONDS
    rows = actors(n, seed=3)
    jobs, calls = web_app.state.jobs, []
    real = jobs.submit_call
    monkeypatch.setattr(jobs, "submit_call", lambda *a, **k: calls.append(a) or real(*a, **k))
    r = client.post(PREDICT, json={"actors": rows, "models": ["bdm"]})
    assert r.status_code == 200, r.text
    assert len(calls) == 1   # it went to the pool
    p = NegotiationProblem(actors=tuple(a["id"] for a in rows), capability=[a["capability"] for a in rows],
                           position=[[a["position"]] for a in rows], salience=[[a["salience"]] for a in rows])
    assert r.json()["forecasts"]["bdm"] == pytest.approx(list(get_model("bdm").predict(p).position), abs=1e-3)
    assert client.get("/api/v1/health").json()["status"] == "ok"


def test_request_over_the_time_budget_is_refused(web_app, client):
    """Item 1: forecasts whose declared cost exceeds the server's timeout are refused before they start."""
    from multivector.negotiation.limits import LIMITS

    old = web_app.state.settings["negotiation_timeout"]
    web_app.state.settings["negotiation_timeout"] = 5.0
    try:
        r = client.post(PREDICT, json={"actors": actors(LIMITS["bdm"].max_actors - 5), "models": ["bdm"]})
    finally:
        web_app.state.settings["negotiation_timeout"] = old
    assert r.status_code == 422 and "beyond the server's limit of 5 s" in problem_line(r)


# ---------------------------------------------------------------- 2. uploads' problems are 422
@pytest.mark.parametrize("rows, words", [
    ("a,10,50,80\na,20,40,60\n", "appears twice"),
    ("a,1e13,50,80\nb,20,40,60\n", "capabilit"),
])
def test_upload_problems_are_422(client, rows, words):
    """Item 2: a duplicate actor id or a capability above 1e12 in an upload is a 422 in the app's error form."""
    data = ("actor,capability,position,salience\n" + rows).encode()
    r = client.post("/api/v1/negotiation/upload", files={"file": ("bad.csv", data, "text/csv")},
                    data={"kind": "bdm"})
    assert r.status_code == 422, r.text
    line = problem_line(r)
    assert words in line and "bad.csv" in line, line
    assert_csp(r)


# ---------------------------------------------------------------- 3. the Host allow-list
@pytest.mark.parametrize("host", ["evil.example", "", "evil.example:8000", "127.0.0.1.evil.example"])
@pytest.mark.parametrize("url", ["/api/v1/case", "/"])
def test_unknown_host_is_refused(client, host, url):
    """Item 3: a DNS-rebinding Host (and an empty one) gets 400, in the app's error form, with CSP."""
    r = client.get(url, headers={"Host": host})
    assert r.status_code == 400, r.text
    assert "--allowed-host" in r.text
    assert_csp(r)
    if url.startswith("/api/"):
        problem_line(r)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"])
def test_loopback_hosts_are_answered(client, host):
    assert client.get("/api/v1/health", headers={"Host": host}).status_code == 200


def test_host_name_parts():
    from multivector.web.security import host_name

    assert host_name("[::1]:8000") == "::1" and host_name("LocalHost:80") == "localhost"
    assert host_name("::1") == "::1" and host_name("") == ""


def test_serve_allowed_host_reaches_the_app(monkeypatch):
    """Item 3: `serve --allowed-host NAME` adds NAME to the loopback names; a bad name is refused."""
    import uvicorn
    from typer.testing import CliRunner

    from multivector.cli import app

    seen = {}

    def fake_run(web, **kw):
        from fastapi.testclient import TestClient

        with TestClient(web, base_url="http://myhost.lan") as c:
            seen["ok"] = c.get("/api/v1/health").status_code
            seen["evil"] = c.get("/api/v1/health", headers={"Host": "evil.example"}).status_code

    monkeypatch.setattr(uvicorn, "run", fake_run)
    r = CliRunner().invoke(app, ["serve", "--port", "0", "--workers", "1", "--allowed-host", "myhost.lan"])
    assert r.exit_code == 0, r.output
    assert seen["ok"] == 200 and seen["evil"] == 400
    r = CliRunner().invoke(app, ["serve", "--port", "0", "--allowed-host", "http://x/"])
    assert r.exit_code != 0 and "not a host name" in r.output


# ---------------------------------------------------------------- 10. request bodies
def test_unparsable_json_is_422(client):
    """Item 10: unparsable JSON is a 422 `what — fix`, not 400."""
    r = client.post(PREDICT, content=b'{"actors": [', headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert "not valid JSON" in problem_line(r)
    assert_csp(r)


def test_string_for_an_integer_is_refused(client):
    """Item 10: `"runs": "500"` is a 422 (strict types), as is a string capability."""
    r = client.post("/api/v1/jobs", json={"library": "baseline", "runs": "500"})
    assert r.status_code == 422, r.text
    assert "runs" in problem_line(r)
    r = client.post(PREDICT, json={"actors": [{"id": "a", "capability": "5", "position": 1, "salience": 50}]})
    assert r.status_code == 422 and "capability" in problem_line(r)


def test_integers_still_pass_for_floats(client):
    r = client.post(PREDICT, json={"actors": [{"id": "a", "capability": 5, "position": 10, "salience": 50},
                                              {"id": "b", "capability": 3, "position": 90, "salience": 60}],
                                   "models": ["compromise"]})
    assert r.status_code == 200, r.text


def test_large_json_body_refused_before_parsing(client, monkeypatch):
    """Item 10: a 10 MB JSON body is a 413 before anything parses it, declared or streamed (chunked)."""
    from starlette.requests import Request

    async def never(*a, **k):   # nothing may read the body as JSON
        raise AssertionError("the body was parsed")

    monkeypatch.setattr(Request, "json", never)
    big = b'{"actors": [' + b" " * (10 * 2**20) + b"]}"
    r = client.post(PREDICT, content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413, r.text
    assert "over the limit" in problem_line(r)
    assert_csp(r)

    def chunks():
        for _ in range(20):
            yield b" " * 2**19

    r = client.post(PREDICT, content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413, r.text


def test_csp_on_errors(client):
    """Item 10: the CSP is on every answer, a 404 page and a 405 included (the 401's is in test_security)."""
    for r in (client.get("/no/such/page"), client.put("/api/v1/case"), client.get("/api/v1/case")):
        assert_csp(r)


# ---------------------------------------------------------------- 5. workers die with the server
def _serve(tmp_path):
    import os
    import subprocess
    import sys
    import time

    env = {**os.environ, "MULTIVECTOR_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-c", "from multivector.cli import main; main()", "serve", "--port",
                             "0", "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    t0 = time.monotonic()
    while len(_workers(proc.pid)) < 3:   # the Manager and the two warmed workers
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - t0 < 120, "the server's workers did not start"
        time.sleep(0.2)
    return proc


def _workers(pid: int) -> list[int]:
    from pathlib import Path

    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            kids = [int(k) for t in Path(f"/proc/{p}/task").iterdir() for k in (t / "children").read_text().split()]
        except FileNotFoundError:
            continue
        out += kids
        todo += kids
    return out


def _alive(pid: int) -> bool:
    from pathlib import Path

    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _gone_within(pids: list[int], seconds: float) -> list[int]:
    import time

    t0 = time.monotonic()
    while any(_alive(p) for p in pids) and time.monotonic() - t0 < seconds:
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


def test_no_worker_outlives_a_killed_server(_private_cache, tmp_path):
    """Item 5: SIGKILL `serve`: its workers and Manager are gone within 5 s."""
    proc = _serve(tmp_path)
    kids = _workers(proc.pid)
    proc.kill()
    proc.communicate(timeout=30)
    assert not _gone_within(kids, 5), "a worker outlived the server by 5 s"


def test_sigterm_stops_the_server_and_its_pool_within_5_s(_private_cache, tmp_path):
    """Item 5: SIGTERM: the server and its pool stop within 5 s."""
    import signal
    import time

    proc = _serve(tmp_path)
    kids = _workers(proc.pid)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    assert time.monotonic() - t0 < 5, f"the server took {time.monotonic() - t0:.1f} s to stop"
    assert not _gone_within(kids, max(0.1, 5 - (time.monotonic() - t0)))
