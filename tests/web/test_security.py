"""The token rule (Jupyter's): every request carries it by header, query (then cookie) or cookie."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner


@pytest.fixture(scope="module")
def guarded(_private_cache, tmp_path_factory):
    from fastapi.testclient import TestClient

    from multivector.web import create_app

    app = create_app(cache_dir=tmp_path_factory.mktemp("guarded"), token="s3cret-token", workers=1, warm=False,
                     allowed_hosts=("testserver",))
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize("url", ["/", "/api/v1/case", "/vendor/plotly.min.js", "/docs", "/openapi.json",
                                 "/static/app.css"])
def test_no_token_no_answer(guarded, url):
    guarded.cookies.clear()
    r = guarded.get(url)
    assert r.status_code == 401
    assert "token" in r.text
    assert "default-src" in r.headers.get("content-security-policy", "")   # issue 25 item 10: CSP on the 401


def test_wrong_token(guarded):
    guarded.cookies.clear()
    assert guarded.get("/api/v1/case", headers={"Authorization": "token nope"}).status_code == 401
    assert guarded.get("/api/v1/case", params={"token": "s3cret-tokex"}).status_code == 401


def test_header_query_and_cookie(guarded):
    guarded.cookies.clear()
    assert guarded.get("/api/v1/case", headers={"Authorization": "token s3cret-token"}).status_code == 200
    assert guarded.get("/api/v1/case", headers={"X-Multivector-Token": "s3cret-token"}).status_code == 200
    r = guarded.get("/", params={"token": "s3cret-token"})
    assert r.status_code == 200 and "multivector_token" in r.headers.get("set-cookie", "")
    assert guarded.get("/evidence").status_code == 200          # the cookie now carries it


def test_serve_rules():
    from multivector.web.security import needs_token

    assert not needs_token("127.0.0.1") and not needs_token("localhost") and not needs_token("::1")
    assert needs_token("0.0.0.0") and needs_token("192.168.1.5")


@pytest.mark.parametrize("args, words", [
    (["serve", "--case", "/nonexistent/case"], "is not a folder"),
    (["serve", "--host", "0.0.0.0", "--token", "short"], "shorter than 8"),
    (["serve", "--port", "70000"], "65535"),
    (["serve", "--host", "203.0.113.1", "--token", "long-enough-token"], "cannot listen"),
])
def test_serve_refuses_bad_options(args, words):
    from multivector.cli import app

    r = CliRunner().invoke(app, args)
    assert r.exit_code != 0
    assert words in (r.output + str(r.exception or "")), r.output
