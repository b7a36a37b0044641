"""Scenario files (every error names its line) and the model commands end to end."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector.cli import app
from multivector.kb import CaseError
from multivector.model.scenario import parse_scenario

from .conftest import MODEL_CASE

runner = CliRunner()
GOOD = """name: test
description: a test scenario
start: 1991
end: 2030
runs: 20
seed: 5
drivers:
  - {actor: RUS, driver: attention, from: 2022, set: 0.5}
  - {actor: UZB, driver: remittance_dependence, partner: RUS, from: 2025, to: 2028, scale: 1.5}
  - {actor: RUS, driver: integration_pressure, org: CSTO, from: 2026, add: 0.2}
parameters:
  balance_weight: {dist: normal, mean: 1.0, sd: 0.2}
"""
STATES, ORGS = ["KAZ", "UZB"], {"CSTO", "SCO"}


def test_good_scenario_parses():
    sc = parse_scenario(GOOD, "s.yaml", STATES, ORGS)
    assert sc.runs == 20 and sc.seed == 5 and len(sc.changes) == 3
    assert sc.parameters["balance_weight"]["dist"] == "normal"


BAD = [
    ("start: 1991", "strat: 1991", 3, "unknown key `strat`"),
    ("driver: attention", "driver: atention", 8, "unknown driver 'atention'"),
    ("actor: UZB", "actor: UZX", 9, "unknown actor 'UZX'"),
    ("org: CSTO", "org: CSTOO", 10, "needs a known `org`"),
    ("from: 2022", "from: 2040", 8, "outside the scenario's years"),
    ("end: 2030", "end: 2300", 4, "`end` must be a year"),
    ("set: 0.5", "set: 5", 8, "`set` must be within 0-1"),
    ("set: 0.5", "set: 0.5, add: 0.1", 8, "exactly one of"),
    ("balance_weight: {dist: normal", "balance_wait: {dist: normal", 12, "unknown parameter `balance_wait`"),
    ("dist: normal, mean: 1.0, sd: 0.2", "dist: normal, mean: 1.0", 12, "needs exactly mean, sd"),
    ("dist: normal", "dist: gauss", 12, "unknown distribution 'gauss'"),
    ("partner: RUS, from: 2025", "from: 2025", 9, "needs `partner`"),
    ("runs: 20", "runs: many", 5, "`runs` must be a whole number"),
    ("seed: 5", "seed: 5\nseed: 6", 7, "key 'seed' appears twice"),
]


@pytest.mark.parametrize("old,new,line,fragment", BAD, ids=[b[3][:30] for b in BAD])
def test_each_scenario_error_names_its_line(old, new, line, fragment):
    assert old in GOOD
    with pytest.raises(CaseError) as info:
        parse_scenario(GOOD.replace(old, new, 1), "s.yaml", STATES, ORGS)
    hits = [p for p in info.value.problems if fragment in p.message]
    assert hits, [str(p) for p in info.value.problems]
    assert hits[0].line == line and hits[0].file == "s.yaml"


def test_yaml_syntax_error_has_line():
    with pytest.raises(CaseError) as info:
        parse_scenario("name: x\ndrivers:\n  - {actor: RUS\n", "s.yaml", STATES, ORGS)
    assert "YAML syntax error" in info.value.problems[0].message


def run(*args):
    return runner.invoke(app, [*map(str, args), "--case", str(MODEL_CASE)])


def test_simulate_json_shape(scenario_file):
    r = run("simulate", scenario_file(GOOD), "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert {"scenario", "seed", "runs", "engagement", "indices"} <= set(data)
    assert data["seed"] == 5 and data["runs"] == 20
    row = data["engagement"][0]
    assert {"state", "org", "year", "p_member", "p_partner", "p_none"} <= set(row)
    assert abs(row["p_member"] + row["p_partner"] + row["p_none"] - 1) < 1e-3
    assert {"state", "year", "balance_index_mean", "balance_index_p05", "balance_index_p95"} <= set(data["indices"][0])


def test_simulate_overrides_and_out_folder(scenario_file, tmp_path):
    out = tmp_path / "out"
    r = run("simulate", scenario_file(GOOD), "--runs", "7", "--seed", "11", "--out", out, "--format", "table")
    assert r.exit_code == 0, r.output
    runs = pd.read_parquet(out / "runs.parquet")
    assert set(runs.seed) == {11} and runs.run.nunique() == 7
    assert json.loads((out / "summary.json").read_text())["seed"] == 11
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_simulate_bad_scenario_exits_1_with_line(scenario_file):
    r = run("simulate", scenario_file(GOOD.replace("driver: attention", "driver: atention")))
    assert r.exit_code == 1
    assert "scenario.yaml:8: unknown driver 'atention'" in r.output


def test_backtest_json(tmp_path):
    r = run("backtest", "--runs", "30", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    for key in ("accuracy", "balanced_accuracy", "test_accuracy", "test_balanced_accuracy", "rows", "per_state",
                "per_level", "turning_points"):
        assert key in data
    # The balanced accuracy is the mean recall over the recorded levels.
    assert data["balanced_accuracy"] == pytest.approx(sum(r["recall"] for r in data["per_level"]) / len(data["per_level"]))
    assert sum(r["n"] for r in data["per_level"]) == data["n"]
    assert {"state", "org", "year", "predicted", "actual", "p_member"} <= set(data["rows"][0])


def test_drivers_command():
    r = run("drivers", "--state", "UZB", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert {"year", "actor", "driver", "partner", "value", "evidence"} <= set(rows[0])
    assert {x["actor"] for x in rows} == {"UZB"}


def test_entry_rules_are_checked(tmp_path):
    import shutil

    from multivector import CaseBase
    from multivector.model import load_inputs

    case = tmp_path / "case"
    shutil.copytree(MODEL_CASE, case)
    (case / "model.yaml").write_text((MODEL_CASE / "model.yaml").read_text().replace(
        "entry_rules: []", "entry_rules:\n  - {org: CSTO, from: 2005, evidence: [ev_nope]}\n"))
    with pytest.raises(CaseError) as info:
        load_inputs(CaseBase.load(case))
    text = str(info.value)
    assert "evidence id 'ev_nope' is not a fact" in text and "needs `evidence` or `sources` and a `justification`" in text


def test_neutrality_and_partial_tier_rules_are_checked_and_applied(tmp_path):
    import shutil

    import numpy as np

    from multivector import CaseBase
    from multivector.model import load_inputs

    case = tmp_path / "case"
    shutil.copytree(MODEL_CASE, case)
    text = (MODEL_CASE / "model.yaml").read_text()
    (case / "model.yaml").write_text(text + (
        "neutral_compatible:\n  - {org: SCO, sources: [bg_treaty], justification: test}\n"
        "no_partial_status:\n  - {org: CSTO, until: 2010, sources: [bg_treaty], justification: test}\n"))
    inp = load_inputs(CaseBase.load(case))
    j_csto, j_sco = inp.lines.index("CSTO"), inp.lines.index("SCO")
    t9, t11 = inp.year_index(2009), inp.year_index(2011)
    assert not inp.allowed[t9, :, j_csto, 1].any() and inp.allowed[t11, :, j_csto, 1].all()
    assert (inp.aligning[inp.exists[:, j_sco], j_sco] == 0).all() and inp.aligning[t9, j_csto] == 1
    # Not coded in this case: neutrality defaults to 0 (no declared neutrality).
    assert np.all(inp.drivers.state["neutrality"] == 0)
    (case / "model.yaml").write_text(text + (
        "neutral_compatible:\n  - {org: NOPE, sources: [bg_treaty], justification: test}\n"
        "no_partial_status:\n  - {org: CSTO, until: soon, justification: test}\n"))
    with pytest.raises(CaseError) as info:   # the schema first: a year that is not a number, at its line
        load_inputs(CaseBase.load(case))
    (problem,) = info.value.problems
    n_lines = len(text.splitlines())
    assert "no_partial_status.1.until" in problem.message and problem.line == n_lines + 4
    (case / "model.yaml").write_text(text + (
        "neutral_compatible:\n  - {org: NOPE, sources: [bg_treaty], justification: test}\n"
        "no_partial_status:\n  - {org: CSTO, until: 2010, justification: test}\n"))
    with pytest.raises(CaseError) as info:   # then what needs the case, each at its rule's line
        load_inputs(CaseBase.load(case))
    by_message = {p.message: p.line for p in info.value.problems}
    assert by_message["neutral_compatible entry 1 (NOPE): `org` must be an organization of a line"] == n_lines + 2
    assert any("needs `evidence` or `sources`" in m and ln == n_lines + 4 for m, ln in by_message.items())


def test_embedded_case_has_no_partial_tier_in_the_belt_and_road():
    from multivector.model import load_inputs

    inp = load_inputs()
    j = inp.lines.index("BRI")
    assert not inp.allowed[:, :, j, 1].any()
    from multivector.model.backtest import backtest

    rows = backtest(runs=20, inputs=inp).rows
    assert (rows.org == "BRI").any() and not (rows[rows.org == "BRI"].predicted == "partner").any()
