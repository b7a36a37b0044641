"""Sweep analyses in the scenario lab: listed, drawn, and named by id only."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from multivector.cli import app as cli_app

ROOT = Path(__file__).resolve().parents[2]
SPEC = """\
name: tiny-web
base: {base}
start: 2026
end: 2028
runs: 10
seed: 5
chunk: 4
factors:
  - name: rus_revisionism
    actor: RUS
    driver: revisionism
    from: 2026
    scale: [0.6, 1.6]
  - weight: balance_weight
    scale: [0.5, 2.0]
design: {{method: sobol, n: 4}}
outcomes:
  - "P_member(UZB, EAEU, 2028)"
  - "n_members(CSTO, 2028)"
"""


@pytest.fixture(scope="module")
def shelf_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("sweeps")
    spec = root / "spec.yaml"
    spec.write_text(SPEC.format(base=ROOT / "scenarios" / "baseline.yaml"))
    runner = CliRunner()
    assert runner.invoke(cli_app, ["sweep", str(spec), "--out", str(root / "tiny")]).exit_code == 0
    r = runner.invoke(cli_app, ["sweep", "analyze", str(root / "tiny"), "--find", "n_members(CSTO, 2028) >= 0"])
    assert r.exit_code == 0, r.output
    (root / "broken" / "analysis").mkdir(parents=True)
    (root / "broken" / "analysis" / "analysis.json").write_text("{not json")
    return root


@pytest.fixture(scope="module")
def sweep_client(_private_cache, shelf_folder, tmp_path_factory):
    from fastapi.testclient import TestClient

    from multivector.web import create_app

    web = create_app(cache_dir=tmp_path_factory.mktemp("sweep-web"), workers=1, warm=False, sweeps=shelf_folder,
                     allowed_hosts=("testserver",))
    with TestClient(web) as c:
        yield c


def test_listed_with_what_a_reader_needs(sweep_client):
    body = sweep_client.get("/api/v1/sweeps").json()
    (one,) = body["sweeps"]
    assert one["id"] == "tiny" and one["name"] == "tiny-web" and one["method"] == "sobol"
    assert one["runs"] == 10 and one["seed"] == 5 and one["factors"] == ["rus_revisionism", "balance_weight"]
    assert one["find"] == "n_members(CSTO, 2028) >= 0"
    assert len(body["problems"]) == 1 and "broken" in body["problems"][0] and "sweep analyze" in body["problems"][0]


def test_one_sweep_as_figures_and_box(sweep_client):
    w = sweep_client.get("/api/v1/sweeps/tiny").json()
    titles = [f["layout"]["title"]["text"] for f in w["figures"]]
    assert any(t.startswith("Sobol' indices of P_member(UZB, EAEU, 2028)") for t in titles)
    assert any(t.startswith("PRIM peeling trajectory") for t in titles)
    assert w["prim_chosen"]["points"] == w["points"] and w["prim_box"] is not None


def test_unknown_or_path_like_ids_are_404(sweep_client):
    for bad in ("nope", "broken"):
        r = sweep_client.get(f"/api/v1/sweeps/{bad}")
        assert r.status_code == 404 and "unknown sweep" in r.json()["detail"] and "tiny" in r.json()["detail"]
    r = sweep_client.get("/api/v1/sweeps/..%2F..%2Fetc")   # never a path: no route, or an unknown id
    assert r.status_code == 404 and " — " in r.json()["detail"]


def test_lab_lists_and_page_draws(sweep_client):
    lab = sweep_client.get("/lab").text
    assert 'href="/lab/sweeps/tiny"' in lab and "tiny-web" in lab
    page = sweep_client.get("/lab/sweeps/tiny")
    assert page.status_code == 200 and 'data-figure="sweep-fig-1"' in page.text and "Chosen box" in page.text
    assert sweep_client.get("/lab/sweeps/nope").status_code == 404


def test_lab_without_sweeps_says_how(client):
    assert "multivector serve --sweeps" in client.get("/lab").text
    assert client.get("/api/v1/sweeps").json() == {"sweeps": [], "problems": []}


def test_serve_refuses_a_missing_sweeps_folder(tmp_path):
    r = CliRunner().invoke(cli_app, ["serve", "--sweeps", str(tmp_path / "none"), "--port", "0"])
    assert r.exit_code == 1 and "is not a folder" in r.output
