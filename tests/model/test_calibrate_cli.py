"""`calibrate` and `explain` on the command line: the JSON the issue names, files other commands read,
a loud failure when the chains do not converge, and explain's terms with their evidence."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from multivector.cli import app

from .conftest import MODEL_CASE

pytest.importorskip("numpyro")


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_calibrate_prints_diagnostics_and_writes_weights_other_commands_read(tmp_path, monkeypatch):
    from multivector.model import estimate

    # short chains do not converge: the convergence check is tested on its own (below and test_estimate.py)
    monkeypatch.setattr(estimate, "check", lambda diagnostics: None)
    w = tmp_path / "w.json"
    r = run("calibrate", "--case", MODEL_CASE, "--train-until", "2012", "--out", w, "--chains", "2",
            "--warmup", "40", "--samples", "40", "--seed", "2", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert set(data["diagnostics"]) == {"rhat_max", "ess_bulk_min", "divergences"}
    assert data["seconds"] > 0
    assert set(data["weights"]["sovereignty_weight"]) == {"mean", "q05", "q95"}
    assert all(v["q05"] >= 0 for v in data["weights"].values())
    assert data["weights_file"] == str(w) and (tmp_path / "w.draws.parquet").exists()
    saved = json.loads(w.read_text())
    assert saved["draws"] == "w.draws.parquet" and saved["seed"] == 2
    r2 = run("explain", "UZB", "CSTO", "2006", "--case", MODEL_CASE, "--weights", w, "--format", "json")
    assert r2.exit_code == 0, r2.output
    assert {"sovereignty", "intercept", "memory", "total"} <= set(json.loads(r2.stdout)["terms"])


def test_calibrate_fails_loudly_and_writes_nothing_when_the_chains_do_not_mix(tmp_path, monkeypatch):
    from multivector.model import estimate

    monkeypatch.setattr(estimate, "RHAT_MAX", 0.5)     # every R-hat is above it
    w = tmp_path / "w.json"
    r = run("calibrate", "--case", MODEL_CASE, "--train-until", "2012", "--out", w, "--chains", "2",
            "--warmup", "40", "--samples", "40", "--seed", "2")
    assert r.exit_code == 1
    assert "R-hat above 0.5" in r.output and "run longer chains" in r.output
    assert not w.exists() and not (tmp_path / "w.draws.parquet").exists()


def test_explain_json_and_errors():
    r = run("explain", "UZB", "CSTO", "2006", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert set(data["terms"]) >= {"security", "economy", "regime", "network", "external", "sovereignty",
                                  "hegemony", "neutrality", "pressure", "intercept", "memory", "total"}
    assert data["drivers"] and all(d["evidence"] for d in data["drivers"])
    assert abs(sum(data["probabilities"].values()) - 1) < 1e-9
    assert run("explain", "UZX", "CSTO", "2006").exit_code == 1
    bad = run("explain", "UZB", "CSTO", "1995")
    assert bad.exit_code == 1 and "not a modelled organization in 1995" in bad.output


def test_explain_shows_a_stance_only_where_a_step_is_on_the_table():
    on = json.loads(run("explain", "KAZ", "EAEU", "2015", "--format", "json").stdout)
    assert on["stance_probabilities"] and on["stance_terms"]
    off = run("explain", "KAZ", "OSCE", "2015")
    assert off.exit_code == 0 and "No deepening step on the table" in off.output
