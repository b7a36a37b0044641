"""Registered forecasts: written once with their hashes, refused when changed, scored once the record extends."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from multivector.cli import app
from multivector.forecasts import RegisteredForecastError, read_registered

MODEL_CASE = Path(__file__).parents[1] / "fixtures" / "model_case"
runner = CliRunner()


def cli(*args):
    return runner.invoke(app, [*map(str, args)])


@pytest.fixture(scope="module")
def registered(tmp_path_factory):
    """A forecast registered on the model case (record to 2025), and the same case extended to 2027."""
    root = tmp_path_factory.mktemp("reg")
    r = cli("forecast", "--register", root / "forecasts", "--end", "2029", "--runs", "40", "--seed", "3",
            "--case", MODEL_CASE)
    assert r.exit_code == 0, r.output
    [path] = sorted((root / "forecasts").glob("*.json"))
    case = root / "extended"
    shutil.copytree(MODEL_CASE, case)
    (case / "case.yaml").write_text((case / "case.yaml").read_text().replace("end: 2025}", "end: 2027}"))
    with open(case / "memberships.csv", "a") as f:   # what happened after the registration: Uzbekistan rejoins
        f.write("UZB,CSTO,member,2027,,article:CSTO,\n")
    return path, case


def test_the_file_holds_every_status_with_its_interval_and_what_made_it(registered):
    path, _ = registered
    assert path.name.startswith("model_case-2026-2029-registered-")
    reg = read_registered(path)
    doc = reg.doc
    assert doc["case"]["record_until"] == 2025 and len(doc["case"]["content_hash"]) == 64
    assert doc["code"]["package"] and doc["code"]["source_sha256"] and doc["registered"].endswith("Z")
    assert doc["forecast"]["first_year"] == 2026 and doc["forecast"]["seed"] == 3 and doc["forecast"]["runs"] == 40
    rows = reg.rows
    assert set(rows.year) == {2026, 2027, 2028, 2029} and set(rows.state) == {"KAZ", "UZB"}
    for lv in ("none", "partner", "member"):
        assert (rows[f"p_{lv}_p05"] <= rows[f"p_{lv}"] + 1e-9).all() and (rows[f"p_{lv}"] <= rows[f"p_{lv}_p95"] + 1e-9).all()
    assert ((rows.p_none + rows.p_partner + rows.p_member - 1).abs() < 1e-3).all()
    side = path.with_name(path.name + ".sha256").read_text().split()
    assert side == [hashlib.sha256(path.read_bytes()).hexdigest(), path.name]


def test_a_registered_forecast_is_never_replaced(registered, tmp_path):
    path, _ = registered
    again = cli("forecast", "--register", path.parent, "--end", "2029", "--runs", "40", "--seed", "3",
                "--case", MODEL_CASE)
    assert again.exit_code == 1 and "already exists" in again.output and "never replaced" in again.output


def test_scored_against_the_extended_record(registered):
    path, case = registered
    r = cli("evaluate", "--registered", path, "--case", case, "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["verified"] and data["scored_years"] == [2026, 2027] and data["rows_unmatched"] == 0
    assert data["case_now"]["record_until"] == 2027 and data["case_at_registration"]["record_until"] == 2025
    scores = {s["year"]: s for s in data["scores"]}
    assert set(scores) == {"2026", "2027", "all"} and scores["all"]["n"] == scores["2026"]["n"] + scores["2027"]["n"]
    assert scores["2026"]["persistence_log"] == 0 and scores["2027"]["persistence_log"] > 0   # the change of 2027
    [change] = data["changes"]
    assert (change["state"], change["line"], change["year"], change["recorded"]) == ("UZB", "CSTO", 2027, "member")
    table = cli("evaluate", "--registered", path, "--case", case)
    assert table.exit_code == 0 and "SHA-256 verified" in table.output and "What changed" in table.output


def test_nothing_to_score_before_the_record_extends(registered):
    path, _ = registered
    r = cli("evaluate", "--registered", path, "--case", MODEL_CASE)
    assert r.exit_code == 1 and "nothing to score yet" in r.output


def test_a_file_changed_after_registration_is_refused(registered, tmp_path):
    path, case = registered
    text = path.read_text()
    row = next(line for line in text.splitlines() if line.startswith('  ["UZB", "CSTO", "CSTO", 2027'))
    values = json.loads(row.strip().rstrip(","))
    values[-3] = round(values[-3] + 0.1, 4) if values[-3] < 0.9 else 0.5      # p_member moved
    bad = tmp_path / path.name
    bad.write_text(text.replace(row, "  " + json.dumps(values) + ("," if row.endswith(",") else "")))
    r = cli("evaluate", "--registered", bad, "--case", case)
    assert r.exit_code == 1 and "does not match its SHA-256" in r.output and "never edited" in r.output
    # the body intact but the bytes changed (the published .sha256 beside it no longer matches)
    spaced = tmp_path / "spaced" / path.name
    spaced.parent.mkdir()
    spaced.write_text(text.replace('"kind": ', '"kind":  '))
    shutil.copy(path.with_name(path.name + ".sha256"), spaced.with_name(path.name + ".sha256"))
    with pytest.raises(RegisteredForecastError, match="bytes do not match"):
        read_registered(spaced)
    r = cli("evaluate", "--registered", tmp_path / "nope.json", "--case", case)
    assert r.exit_code == 1 and "registered forecast not found" in r.output
