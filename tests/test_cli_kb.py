"""The `multivector kb` commands end to end on the mini case (Typer's test runner)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


def test_validate_ok(mini_case):
    r = run("kb", "validate", str(mini_case))
    assert r.exit_code == 0, r.output
    assert "is valid" in r.output


def test_validate_reports_file_line_and_fix(mini_case, edit):
    edit(mini_case, "memberships.csv", "UZB,CSTO,member,2006,2012", "UZB,CTSO,member,2006,2012")
    edit(mini_case, "claims/a.yaml", "mechanism: sovereignty_sensitivity", "mechanism: nope")
    r = run("kb", "validate", str(mini_case))
    assert r.exit_code == 1
    assert f"{mini_case}/memberships.csv:3: unknown organization 'CTSO' — did you mean CSTO?" in r.output
    assert f"{mini_case}/claims/a.yaml:5: `mechanism`" in r.output


def test_members_json(mini_case):
    r = run("kb", "members", "CSTO", "--year", "2010", "--format", "json", "--case", str(mini_case))
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert {(x["actor"], x["status"]) for x in rows} == {("KAZ", "member"), ("UZB", "member"), ("RUS", "member")}


def test_members_before_founding_says_so(mini_case):
    r = run("kb", "members", "CSTO", "--year", "1995", "--case", str(mini_case))
    assert r.exit_code == 0
    assert "did not exist in 1995" in r.output


def test_unknown_org_is_an_error(mini_case):
    r = run("kb", "members", "NATOO", "--year", "2010", "--case", str(mini_case))
    assert r.exit_code == 1
    assert "unknown organization 'NATOO'" in r.output


@pytest.mark.parametrize("args", [
    ("kb", "timeline", "UZB"),
    ("kb", "events", "--actor", "UZB", "--org", "CSTO", "--from", "2005", "--to", "2015"),
    ("kb", "indicators", "--actor", "UZB"),
    ("kb", "claims", "--mechanism", "sovereignty_sensitivity"),
    ("kb", "search", "supranational"),
])
def test_listings_in_every_format(mini_case, args):
    for fmt in ("table", "json", "csv"):
        r = run(*args, "--format", fmt, "--case", str(mini_case))
        assert r.exit_code == 0, r.output
        assert r.stdout.strip()
        if fmt == "json":
            assert len(json.loads(r.stdout)) >= 1


def test_unknown_mechanism(mini_case):
    r = run("kb", "claims", "--mechanism", "sovereignty", "--case", str(mini_case))
    assert r.exit_code == 1 and "did you mean sovereignty_sensitivity" in r.output


def test_export_json_shape(mini_case):
    r = run("kb", "export", "--format", "json", "--case", str(mini_case))
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    for key in ("actors", "organizations", "memberships", "events", "indicators", "claims", "sources"):
        assert key in data
    m = data["memberships"][0]
    assert {"actor", "org", "status", "start", "end", "sources"} <= set(m)
    assert any(x["end"] is None for x in data["memberships"])


def test_export_csv_and_parquet_to_folder(mini_case, tmp_path):
    for fmt in ("csv", "parquet"):
        out = tmp_path / fmt
        r = run("kb", "export", "--format", fmt, "--out", str(out), "--case", str(mini_case))
        assert r.exit_code == 0, r.output
        path = out / f"memberships.{fmt}"
        df = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
        assert len(df) == 5


def test_export_csv_needs_out(mini_case):
    r = run("kb", "export", "--format", "csv", "--case", str(mini_case))
    assert r.exit_code == 1 and "--out DIR" in r.output


def test_broken_case_gives_problems_not_traceback(mini_case, edit):
    edit(mini_case, "memberships.csv", "UZB,CSTO,member", "UZB,CSTO,boss")
    r = run("kb", "members", "CSTO", "--year", "2010", "--case", str(mini_case))
    assert r.exit_code == 1
    assert "memberships.csv:3" in r.output and "Traceback" not in r.output
