"""The article's proposals built from the evidence base, and `negotiate --case/--proposal/--all`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from multivector import CaseBase
from multivector.cli import app
from multivector.negotiation.case_proposals import derive_problem, outcome_class

runner = CliRunner()
REQUIRED = ["eaeu_supranational", "csto_intervention_kgz_2010", "sco_csto_ties", "eaeu_counter_sanctions",
            "csto_peacekeepers_ukraine", "sco_recognize_abkhazia_2008"]


@pytest.fixture(scope="module")
def kb():
    return CaseBase.load()


def test_the_issue_proposals_exist(kb):
    assert set(REQUIRED) <= set(kb.proposals().id)


@pytest.mark.parametrize("pid", REQUIRED)
def test_every_number_has_a_basis(kb, pid):
    pr = derive_problem(kb, pid)
    assert pr.decision_rule == "consensus"
    for a in pr.actors:
        basis = pr.meta["basis"][a]
        if basis == "recorded stance":
            assert pr.meta["evidence"][a], a
            assert 0.0 <= pr.position[pr.actors.index(a), 0] <= 100.0


def test_stances_come_from_claims(kb):
    pr = derive_problem(kb, "eaeu_supranational", graded=False)   # the stance coding (graded: test_case_positions)
    i = pr.actors.index("KAZ")
    assert pr.position[i, 0] == 0.0 and "cl_eaeu_kaz_opposes_supranational" in pr.meta["evidence"]["KAZ"]
    j = pr.actors.index("RUS")
    assert pr.position[j, 0] == 100.0
    assert {"BLR", "KGZ"} <= set(pr.actors)  # the union's other members (EurAsEC, 2014) take part


def test_outcome_classes():
    assert [outcome_class(v) for v in (0, 24.9, 25, 75, 75.1)] == \
        ["rejected", "rejected", "watered_down", "watered_down", "adopted"]


def test_cli_all_json():
    r = runner.invoke(app, ["negotiate", "--case", "central_asia", "--all", "--format", "json", "--draws", "10"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    rows = {p["proposal"]: p for p in data["proposals"]}
    assert set(REQUIRED) <= set(rows)
    models = {m["model"]: m for m in data["models"]}
    from multivector.negotiation.models import MODEL_NAMES

    assert set(MODEL_NAMES) == set(models) and data["rule_terms"] is True
    # the status quo is the baseline to beat on these consensus bodies, and nothing beats it
    assert models["status_quo"]["mae"] == pytest.approx(10.77, abs=0.01)
    assert min(m["mae"] for m in models.values()) == models["status_quo"]["mae"]
    assert all(r["interval_low"] <= r["interval_high"] for r in data["proposals"])
    off = json.loads(runner.invoke(app, ["negotiate", "--case", "central_asia", "--all", "--format", "json",
                                         "--rule-terms", "off", "--draws", "0"]).stdout)
    models_off = {m["model"]: m for m in off["models"]}
    # the veto of every salient member is what brings the models near the record
    assert models["compromise"]["mae"] < models_off["compromise"]["mae"] - 20


def test_cli_one_proposal_and_errors():
    r = runner.invoke(app, ["negotiate", "--case", "central_asia", "--proposal", "csto_intervention_kgz_2010",
                            "--model", "compromise", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["recorded_outcome"] == "rejected" and data["actors"]
    bad = runner.invoke(app, ["negotiate", "--case", "central_asia", "--proposal", "nope"])
    assert bad.exit_code == 1 and "unknown proposal 'nope'" in bad.output
    nocase = runner.invoke(app, ["negotiate", "--case", "/no/such/folder", "--all"])
    assert nocase.exit_code == 1 and "unknown case" in nocase.output
