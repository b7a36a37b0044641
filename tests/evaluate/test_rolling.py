"""Rolling-origin evaluation on the real case: no look at the later record, one seed, the CLI."""

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector.cli import app
from multivector.evaluate import CalibrationSettings, EngagementModel, LaggedLogit, evaluate
from multivector.evaluate.events import event_table
from multivector.model.inputs import load_inputs

PROBS = ["p_none", "p_partner", "p_member"]
# a short NUTS fit (its chains need not converge here: these tests check the plumbing, not the posterior)
QUICK_FIT = CalibrationSettings(chains=2, warmup=40, samples=40, check=False, max_tree_depth=5)


@pytest.fixture(scope="module")
def case_inputs():
    return load_inputs()


def _quick(seed_runs=60):
    """All four forecasters, the model fitted by a short NUTS run."""
    return [EngagementModel(runs=seed_runs, calibration=QUICK_FIT, use_cache=False,
                           parameter_uncertainty=False),
            "persistence", "base_rate", LaggedLogit(runs=seed_runs)]


def test_no_forecaster_reads_the_record_after_its_origin(case_inputs):
    origin = 2008
    rng = np.random.default_rng(1)
    scrambled = case_inputs.record.copy()
    later = (case_inputs.years > origin)[:, None, None] & (scrambled >= 0)
    scrambled[later] = rng.integers(0, 3, later.sum())
    other = replace(case_inputs, record=scrambled)
    a = evaluate(inputs=case_inputs, forecasters=_quick(), origins=[origin], runs=60, seed=3)
    b = evaluate(inputs=other, forecasters=_quick(), origins=[origin], runs=60, seed=3)
    np.testing.assert_array_equal(a.forecasts[PROBS].to_numpy(), b.forecasts[PROBS].to_numpy())
    assert (a.forecasts.actual != b.forecasts.actual).any()        # the scramble did change what is scored


def test_same_seed_same_output_and_the_seed_in_every_row(case_inputs):
    a = evaluate(inputs=case_inputs, forecasters=_quick(), origins=[2000], runs=60, seed=5)
    b = evaluate(inputs=case_inputs, forecasters=_quick(), origins=[2000], runs=60, seed=5)
    c = evaluate(inputs=case_inputs, forecasters=_quick(), origins=[2000], runs=60, seed=6)
    pd.testing.assert_frame_equal(a.forecasts, b.forecasts)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    assert (a.forecasts.seed == 5).all()
    assert not np.array_equal(a.forecasts[PROBS].to_numpy(), c.forecasts[PROBS].to_numpy())


def test_scores_cover_every_forecaster_and_origin_with_skill_against_persistence(case_inputs):
    ev = evaluate(inputs=case_inputs, forecasters=["persistence", "base_rate", "logit"], origins=[2004, 2012],
                  runs=40, seed=0)
    assert set(zip(ev.scores.forecaster, ev.scores.origin, strict=True)) == {
        (f, o) for f in ("persistence", "base_rate", "logit") for o in (2004, 2012)}
    pers = ev.scores[ev.scores.forecaster == "persistence"]
    assert (pers.skill_log_vs_persistence == 0).all()
    # every recorded change after an origin is an event
    from multivector.evaluate.task import transitions

    t, s, l_ = transitions(case_inputs, case_inputs.record_until)
    changed = (case_inputs.record[t, s, l_] != case_inputs.record[t - 1, s, l_]) & (case_inputs.years[t] > 2004)
    assert ev.scores.set_index(["forecaster", "origin"]).loc[("persistence", 2004), "events_total"] == changed.sum()
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


def test_model_calibration_is_cached(case_inputs, monkeypatch):
    from multivector.evaluate import engagement

    calls = []
    real = engagement.calibrate
    monkeypatch.setattr(engagement, "calibrate", lambda **kw: calls.append(kw) or real(**kw))
    fc = EngagementModel(runs=20, calibration=QUICK_FIT, parameter_uncertainty=False)
    evaluate(inputs=case_inputs, forecasters=[fc], origins=[2000], runs=20, seed=9)
    evaluate(inputs=case_inputs, forecasters=[fc], origins=[2000], runs=20, seed=9)
    assert len(calls) == 1
    assert fc.fitted[2000][1]["cached"] is True


def test_cli_json_and_out(tmp_path):
    out = tmp_path / "ev"
    res = CliRunner().invoke(app, ["evaluate", "--origins", "2012", "--forecasters", "persistence,base_rate",
                                   "--runs", "20", "--format", "json", "--out", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["origins"] == [2012] and {"scores", "events", "reliability"} <= set(data)
    score = data["scores"][0]
    for key in ("forecaster", "origin", "horizon_years", "n", "log_score", "brier", "rps", "accuracy",
                "balanced_accuracy_3", "balanced_accuracy_2", "events_hit_1", "events_hit_2", "events_total",
                "spurious_changes", "skill_log_vs_persistence"):
        assert key in score
    assert {"state", "org", "year", "from", "to", "forecaster", "origin", "predicted_year"} <= set(data["events"][0])
    fc = pd.read_parquet(out / "forecasts.parquet")
    assert {"forecaster", "origin", "state", "org", "year", "p_none", "p_partner", "p_member", "actual",
            "seed"} <= set(fc.columns)
    assert (out / "forecasts.csv").exists() and (out / "evaluation.json").exists()


def test_cli_table_fits_80_columns():
    res = CliRunner().invoke(app, ["evaluate", "--origins", "2016", "--forecasters", "persistence,base_rate",
                                   "--runs", "20"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "persistence" in res.stdout and "skill" in res.stdout
    assert max(len(line) for line in res.stdout.splitlines()) <= 80


@pytest.mark.parametrize("args, message", [
    (["--forecasters", "oracle"], "unknown oracle"),
    (["--origins", "20x0"], "give years separated by commas"),
    (["--origins", "2025"], "outside the record"),
    (["--runs", "0"], "at least 1"),
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
