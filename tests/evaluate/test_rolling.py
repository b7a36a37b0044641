"""Rolling-origin evaluation on the real case: one seed, scores per subset, the driver modes, the CLI."""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector.cli import app
from multivector.evaluate import evaluate
from multivector.evaluate.events import event_table
from multivector.model.inputs import load_inputs

PROBS = ["p_none", "p_partner", "p_member"]


@pytest.fixture(scope="module")
def case_inputs():
    return load_inputs()


def test_same_seed_same_output_and_the_seed_in_every_row(case_inputs):
    fcs = ["markov", "hazard", "persistence"]
    a = evaluate(inputs=case_inputs, forecasters=fcs, origins=[2000], runs=60, seed=5)
    b = evaluate(inputs=case_inputs, forecasters=fcs, origins=[2000], runs=60, seed=5)
    pd.testing.assert_frame_equal(a.forecasts, b.forecasts)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    assert (a.forecasts.seed == 5).all()


def test_scores_cover_every_forecaster_and_origin_with_skill_against_persistence(case_inputs):
    ev = evaluate(inputs=case_inputs, forecasters=["persistence", "base_rate", "logit"], origins=[2004, 2012],
                  runs=40, seed=0)
    assert set(zip(ev.scores.forecaster, ev.scores.origin, ev.scores.subset, strict=True)) == {
        (f, o, s) for f in ("persistence", "base_rate", "logit") for o in (2004, 2012)
        for s in ("all", "existing", "first_choice")}
    pers = ev.scores[ev.scores.forecaster == "persistence"]
    assert (pers.skill_log_vs_persistence == 0).all()
    assert ev.drivers == "coded" and ev.fits["logit"][2004]["penalty_C"] > 0
    # every recorded change after an origin is an event
    from multivector.evaluate.task import transitions

    t, s, l_ = transitions(case_inputs, case_inputs.record_until)
    changed = (case_inputs.record[t, s, l_] != case_inputs.record[t - 1, s, l_]) & (case_inputs.years[t] > 2004)
    assert ev.scores.set_index(["forecaster", "origin", "subset"]).loc[("persistence", 2004, "all"),
                                                                       "events_total"] == changed.sum()
    rows = ev.forecasts[(ev.forecasts.forecaster == "persistence") & (ev.forecasts.origin == 2004)]
    assert rows.year.min() == 2005 and rows.year.max() == case_inputs.record_until
    assert np.allclose(rows[PROBS].sum(axis=1), 1.0)
    assert set(ev.reliability.level) == {"all", "none", "partner", "member"}
    for fc, g in ev.reliability[ev.reliability.level == "all"].groupby("forecaster"):
        assert g.n.sum() == 3 * (ev.forecasts.forecaster == fc).sum()     # pooled over origins and levels


def test_events_by_hand():
    rows = pd.DataFrame({
        "forecaster": "f", "origin": 2000, "state": "A", "org": "O", "line": "O", "year": [2001, 2002, 2003, 2004],
        "actual": ["member", "member", "none", "none"], "status_at_origin": "member",
        "p_none": [0.1, 0.8, 0.9, 0.1], "p_partner": 0.0, "p_member": [0.9, 0.2, 0.1, 0.9]})
    events, spurious = event_table(rows, windows=(1, 2), spurious_window=2)
    assert len(events) == 1
    e = events.iloc[0]
    # recorded exit in 2003; the median path leaves in 2002 (a hit within 1) and returns in 2004
    assert (e.year, e["from"], e.to, e.predicted_year, e.hit_1) == (2003, "member", "none", 2002, True)
    assert spurious.spurious_changes.tolist() == [1]


def test_cli_json_and_out(tmp_path):
    out = tmp_path / "ev"
    res = CliRunner().invoke(app, ["evaluate", "--origins", "2012", "--forecasters", "persistence,base_rate",
                                   "--runs", "20", "--format", "json", "--out", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["origins"] == [2012] and {"scores", "events", "reliability", "theory_test"} <= set(data)
    assert data["drivers"] == "coded" and data["theory_test"]["rows"] == []
    assert any("theory test not run" in n for n in data["notes"])
    score = data["scores"][0]
    for key in ("forecaster", "origin", "subset", "horizon_years", "n", "log_score", "brier", "rps", "accuracy",
                "balanced_accuracy_3", "balanced_accuracy_2", "events_hit_1", "events_hit_2", "events_total",
                "spurious_changes", "change_auc", "change_units", "changes", "skill_log_vs_persistence"):
        assert key in score
    assert {s["subset"] for s in data["scores"]} == {"all", "existing", "first_choice"}
    existing = [s for s in data["scores"] if s["subset"] == "existing" and s["forecaster"] == "persistence"]
    assert existing[0]["change_auc"] == 0.5
    assert {"state", "org", "year", "from", "to", "forecaster", "origin", "predicted_year"} <= set(data["events"][0])
    fc = pd.read_parquet(out / "forecasts.parquet")
    assert {"forecaster", "origin", "state", "org", "year", "p_none", "p_partner", "p_member", "actual",
            "seed"} <= set(fc.columns)
    assert (out / "forecasts.csv").exists() and (out / "evaluation.json").exists()


def test_cli_table_fits_80_columns():
    res = CliRunner().invoke(app, ["evaluate", "--origins", "2008", "--forecasters", "persistence,markov,base_rate",
                                   "--runs", "20", "--drivers", "frozen"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "persistence" in res.stdout and "skill" in res.stdout and "AUC" in res.stdout
    assert "lines open at the origin" in res.stdout and "first open after the origin" in res.stdout
    assert "ex ante" in res.stdout
    assert max(len(line) for line in res.stdout.splitlines()) <= 80


@pytest.mark.parametrize("args, message", [
    (["--forecasters", "oracle"], "unknown oracle"),
    (["--origins", "20x0"], "give years separated by commas"),
    (["--origins", "2025"], "outside the record"),
    (["--runs", "0"], "outside 1–100,000"),
    (["--drivers", "thawed"], "use one of coded, frozen"),
    (["--subset", "new"], "unknown new"),
])
def test_cli_bad_options_say_how_to_fix(args, message):
    res = CliRunner().invoke(app, ["evaluate", "--forecasters", "persistence", *args])
    assert res.exit_code != 0
    assert message in res.output


def test_report_rejects_a_file_that_is_not_an_evaluation(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"a": 1}')
    res = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "r"), "--evaluation", str(bad)])
    assert res.exit_code != 0 and "not an evaluation result" in res.output
    assert not (tmp_path / "r" / "index.html").exists()


def test_the_docs_example_of_a_custom_forecaster_runs(capsys):
    import re
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "evaluation.md").read_text(encoding="utf-8")
    block = re.search(r"### Your own forecaster.*?```python\n(.*?)```", text, re.S).group(1)
    exec(compile(block, "docs/evaluation.md", "exec"), {})
    assert "everyone_joins" in capsys.readouterr().out
