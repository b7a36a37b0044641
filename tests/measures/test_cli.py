"""The `measures`, `import cow-igo`, `kb compare-cow` and `report` commands on a fresh Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from multivector.cli import cow as cow_cli
from multivector.cli import measures as measures_cli
from multivector.cli import report as report_cli

HERE = Path(__file__).parent
HAND_CASE = HERE / "fixtures" / "hand_case"
HAND_COW = HERE.parent / "cow" / "fixtures" / "hand_cow.csv"
EXCERPT = Path(__file__).parents[3] / "shared" / "data" / "cow_igo_v3_state_year_excerpt.csv"

runner = CliRunner()


@pytest.fixture(scope="module")
def app():
    app = typer.Typer()
    kb_app = typer.Typer()
    app.add_typer(kb_app, name="kb")
    for mod in (measures_cli, cow_cli, report_cli):
        mod.register(app, kb_app)
    return app


def run(app, *args):
    return runner.invoke(app, [str(a) for a in args])


def test_measures_json(app):
    r = run(app, "measures", "--case", HAND_CASE, "--state", "KGZ", "--from", 2006, "--to", 2007, "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [x["year"] for x in rows] == [2006, 2007]
    assert rows[0]["ties"]["RUS"] == 0.5 and rows[0]["balance_index"] == 75.0
    assert {"state", "concentration", "sovereignty_exposure", "betweenness", "forums_with_CHN"} <= set(rows[0])


def test_measures_explain_json_and_table(app):
    r = run(app, "measures", "--case", HAND_CASE, "-s", "UZB", "--from", 2004, "--to", 2004, "-f", "json", "--explain")
    assert r.exit_code == 0, r.output
    e = json.loads(r.stdout)[0]["explain"]
    assert "balance_index" in e["formulas"] and "UZB/RLED/observer/2000-01" in e["evidence_ids"]
    t = run(app, "measures", "--case", HAND_CASE, "-s", "UZB", "--from", 2004, "--to", 2004, "--explain")
    assert t.exit_code == 0, t.output
    assert "formulas" in t.output and "RLED" in t.output
    c = run(app, "measures", "--case", HAND_CASE, "-s", "UZB", "--from", 2004, "--to", 2004, "-f", "csv", "--explain")
    assert "evidence_ids" in c.stdout.splitlines()[0]


def test_measures_default_states_table_and_errors(app):
    r = run(app, "measures", "--case", HAND_CASE, "--from", 2006, "--to", 2006, "--no-network", "-f", "csv")
    assert r.exit_code == 0, r.output
    assert len(r.stdout.strip().splitlines()) == 1 + 5            # the five regional states
    bad = run(app, "measures", "--case", HAND_CASE, "--state", "KGX")
    assert bad.exit_code == 1 and "did you mean KGZ" in bad.output


def test_measures_dependence(app):
    r = run(app, "measures", "--case", HAND_CASE, "--dependence", "--from", 2001, "--to", 2002, "-f", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [(x["year"], x["flag"]) for x in rows] == [(2001, "interpolated"), (2002, "interpolated")]


@pytest.mark.shared("data", "cow_igo_v3_state_year_excerpt.csv")
def test_measures_on_cow_file(app):
    r = run(app, "measures", "--cow", EXCERPT, "--case", HAND_CASE, "--state", "GEO", "--from", 2005, "--to", 2005,
            "-f", "json")
    assert r.exit_code == 0, r.output
    row = json.loads(r.stdout)[0]
    assert row["state"] == "GEO" and row["ties"]["RUS"] > 0 and row["ties"]["WEST"] > 0


@pytest.mark.shared("data", "cow_igo_v3_state_year_excerpt.csv")
def test_import_cow_igo(app, tmp_path):
    r = run(app, "import", "cow-igo", EXCERPT, "--format", "json", "--out", tmp_path / "out")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["summary"]["states"] == 20 and data["summary"]["org_columns"] == 16
    assert {"actor": "TKM", "org": "CIS", "status": "associate", "start": 2005} .items() <= next(
        s for s in data["spells"] if s["actor"] == "TKM" and s["status"] == "associate").items()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["spells.csv", "spells.parquet", "summary.json"]
    t = run(app, "import", "cow-igo", EXCERPT)
    assert t.exit_code == 0 and "spells" in t.output
    missing = run(app, "import", "cow-igo", tmp_path / "nope.csv")
    assert missing.exit_code == 1 and "nope.csv: COW IGO state-year file not found" in missing.output


def test_compare_cow_json_and_table(app):
    r = run(app, "kb", "compare-cow", HAND_COW, "--case", HAND_CASE, "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert set(data) >= {"agreement", "disagreements"}
    assert data["agreement"]["compared"] == 24 and data["agreement"]["unexplained"] == 4
    t = run(app, "kb", "compare-cow", HAND_COW, "--case", HAND_CASE)
    assert t.exit_code == 0 and "79.2%" in t.output and "unexplained" in t.output


def test_report_command(app, tmp_path):
    r = run(app, "report", "--out", tmp_path / "rep", "--case", HAND_CASE)
    assert r.exit_code == 0, r.output
    assert (tmp_path / "rep" / "index.html").exists() and "index.html" in r.output
