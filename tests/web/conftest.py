"""Fixtures of the web app's tests: one app per test process (its own result folder), its test client."""

from __future__ import annotations

import time

import pytest

SMALL = {"name": "small", "start": 2015, "end": 2030, "runs": 40, "seed": 11,
         "drivers": [{"actor": "RUS", "driver": "attention", "from": 2022, "set": 0.3}]}


@pytest.fixture(scope="session")
def web_app(_private_cache, tmp_path_factory):
    from multivector.web import create_app

    return create_app(cache_dir=tmp_path_factory.mktemp("web-cache"), workers=2, idle_timeout=20.0, warm=True,
                      allowed_hosts=("testserver",))


@pytest.fixture(scope="session")
def client(web_app):
    from fastapi.testclient import TestClient

    with TestClient(web_app) as c:
        # let the warm-up thread finish first: CPython 3.11 cannot compile source in two threads at once,
        # and its lazy imports would otherwise run while a test imports a module
        web_app.state.warmed.wait(180)
        yield c


def wait(client, job_id: str, timeout: float = 120.0) -> dict:
    """Poll a job until it is no longer queued or running."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        s = client.get(f"/api/v1/jobs/{job_id}").json()
        if s["status"] not in ("queued", "running"):
            return s
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still running after {timeout} s")


def problem_line(response) -> str:
    """The one-line `what — how to fix it` of a 422, checked for its form."""
    body = response.json()
    assert set(body) >= {"detail", "problems"}, body
    for p in body["problems"]:
        assert " — " in p, p
    return body["detail"]
