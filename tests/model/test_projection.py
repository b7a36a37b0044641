"""Projections start from the record; a scenario is compared with itself without its changes, like for like."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector.cli import app
from multivector.model import Parameters
from multivector.model.compare import compare, largest_differences
from multivector.model.intervals import block_means, interval
from multivector.model.projection import initial_state, project, projection_start, scenario_inputs
from multivector.model.record import recorded_balance, recorded_levels
from multivector.model.scenario import parse_scenario
from multivector.model.transition import ALPHA_NAMES

from .conftest import MODEL_CASE

STATES, ORGS = ["KAZ", "UZB"], {"CSTO", "SCO"}
runner = CliRunner()


def scenario(text: str):
    return parse_scenario("name: t\nruns: 60\nseed: 4\n" + text, "t.yaml", STATES, ORGS)


FUTURE = "end: 2032\ndrivers:\n  - {actor: RUS, driver: revisionism, from: 2028, set: 1.0}\n" \
         "  - {actor: UZB, driver: sovereignty_sensitivity, from: 2028, set: 0.0}\n"
PAST = "end: 2030\ndrivers:\n  - {actor: RUS, driver: revisionism, from: 2012, set: 1.0}\n" \
       "  - {actor: UZB, driver: sovereignty_sensitivity, from: 2012, set: 0.0}\n"


@pytest.fixture(scope="module")
def full(kb):
    return scenario_inputs(kb, 2035)


# ---------------------------------------------------------------- where a projection starts
def test_the_default_start_is_the_year_after_the_record(full):
    s = projection_start(scenario("end: 2035\n"), full.record_until)
    assert s.year == full.record_until + 1 == 2026 and not s.counterfactual and s.first_change is None
    s = projection_start(scenario(FUTURE), full.record_until)
    assert s.year == 2026 and s.first_change == 2028 and not s.counterfactual


def test_a_change_inside_the_record_makes_a_counterfactual_from_that_year(full):
    s = projection_start(scenario(PAST), full.record_until)
    assert s.year == 2012 and s.counterfactual and "counterfactual from 2012" in s.describe()
    explicit = projection_start(scenario("start: 2008\n" + PAST), full.record_until)
    assert explicit.year == 2008 and explicit.first_change == 2012


def test_impossible_starts_say_why(full):
    with pytest.raises(ValueError, match="starts in 2026 at the latest"):
        projection_start(scenario("start: 2028\nend: 2035\n"), full.record_until)
    with pytest.raises(ValueError, match="before the projection's start 2026"):
        projection_start(scenario("end: 2024\n"), full.record_until)


def test_a_change_without_from_runs_from_the_start(full, kb):
    sc = scenario("end: 2030\ndrivers:\n  - {actor: RUS, driver: revisionism, set: 1.0}\n")
    assert sc.changes[0].start is None and sc.first_change() is None
    p = project(kb, sc, Parameters(), inputs=full)
    t = p.inputs.year_index(2026)
    assert p.start.year == 2026 and p.inputs.drivers.power["revisionism"][t:, 0].min() == 1.0
    assert p.inputs.drivers.power["revisionism"][t - 1, 0] < 1.0


# ---------------------------------------------------------------- years before the start are the record
def test_years_before_the_start_equal_the_record(kb, full):
    p = project(kb, scenario(PAST), Parameters(), inputs=full)
    eng = p.engagement()
    rec = eng[eng.year < 2012]
    assert (rec.source == "record").all() and (eng[eng.year >= 2012].source == "model").all()
    lv = recorded_levels(full)
    for r in rec.itertuples():
        t, s, j = full.year_index(r.year), full.states.index(r.state), full.lines.index(r.line)
        assert (r.p_member, r.p_partner, r.p_none) == (lv[t, s, j] == 2, lv[t, s, j] == 1, lv[t, s, j] == 0)
    # every recorded state-line-year before the start is there
    open_recorded = (full.max_level >= 1) & (lv >= 0) & (full.years < 2012)[:, None, None]
    assert len(rec) == int(open_recorded.sum())
    idx = p.indices()
    b = recorded_balance(full)
    for r in idx[idx.year < 2012].itertuples():
        assert r.source == "record"
        want = b[full.year_index(r.year), full.states.index(r.state)]   # NaN before a state has a tie to a pole
        assert r.balance_index_mean == pytest.approx(want, abs=0.01, nan_ok=True)
    assert idx[idx.year < 2012].balance_index_mean.notna().any()
    # the record up to its end is there for charts, past a counterfactual's start too
    assert p.record().year.max() == full.record_until


def test_the_first_simulated_year_starts_from_the_record_of_the_year_before(kb, full):
    levels, tenure, depth = initial_state(full, 2013)
    assert np.array_equal(depth, full.depth[full.year_index(2013)])
    t = full.year_index(2012)
    assert np.array_equal(levels, np.maximum(full.record[t], 0))
    j = full.lines.index("CSTO")
    assert tenure[STATES.index("KAZ"), j] == 2012 - 2002 + 1 and tenure[STATES.index("UZB"), j] == 7
    # nothing changes before 2013 and statuses are sticky: the first year repeats 2012's record
    sticky = Parameters(alpha_pooled=tuple(-30.0 if not n.startswith("first") else 0.0 for n in ALPHA_NAMES))
    p = project(kb, scenario("start: 2013\nend: 2016\n"), sticky, posterior=None, inputs=full)
    first = p.result.probs[0]
    assert np.allclose(first[..., 2], full.record[t] == 2, atol=1e-5)
    assert initial_state(full, 1991)[:2] == (None, None)


# ---------------------------------------------------------------- like-for-like comparison
def _zero_before(table: pd.DataFrame, year: int) -> None:
    before = table[table.year < year]
    assert len(before) and (before[["difference", "p05", "p95"]].fillna(0) == 0).all().all()
    assert (before.with_changes.fillna(-1) == before.without_changes.fillna(-1)).all()


def test_differences_before_the_first_change_are_exactly_zero(kb, full):
    cmp = compare(kb, scenario(FUTURE), inputs=full)
    assert cmp.scenario.start.year == cmp.baseline.start.year == 2026 and cmp.first_change == 2028
    _zero_before(cmp.table, 2028)
    after = cmp.table[cmp.table.year >= 2028]
    assert (after.difference != 0).any()
    # a counterfactual with an explicit start before its change: zero in the years between
    cf = compare(kb, scenario("start: 2009\n" + PAST), inputs=full)
    assert cf.scenario.counterfactual and cf.summary()["counterfactual"]
    _zero_before(cf.table, 2012)


def test_the_same_seed_gives_the_same_comparison_and_another_seed_another(kb, full):
    a = compare(kb, scenario(FUTURE), inputs=full).table
    b = compare(kb, scenario(FUTURE), inputs=full).table
    pd.testing.assert_frame_equal(a, b)
    c = compare(kb, scenario(FUTURE), inputs=full, seed=5).table
    assert not a.difference.equals(c.difference)


def test_the_interval_brackets_the_difference_and_largest_counts_from_the_first_change(kb, full):
    cmp = compare(kb, scenario(FUTURE), inputs=full)
    t = cmp.table
    assert (t.p05 <= t.p95 + 1e-9).all()
    p = t[t.measure != "balance"]
    assert np.allclose(p.difference, p.with_changes - p.without_changes, atol=1e-3)
    assert ((p.gained >= 0) & (p.lost >= 0)).all()
    big = cmp.largest(50)
    assert len(big) and big.year.min() >= 2028 and (big.measure == "p_member").all()
    # a table whose only difference lies before the stated first change lists nothing
    fake = t.assign(difference=np.where(t.year == 2026, 0.5, 0.0))
    assert largest_differences(fake, 2028).empty and len(largest_differences(fake, 2026))


def test_intervals_over_posterior_draws_on_known_arrays():
    # 4 draws × 10 runs: the mean over the runs, the percentiles over the draws' block means
    runs = np.repeat([0.0, 0.1, 0.2, 0.3], 10)[:, None] + np.tile(np.linspace(-0.05, 0.05, 10), 4)[:, None]
    assert block_means(runs)[:, 0] == pytest.approx([0.0, 0.1, 0.2, 0.3])
    mean, lo, hi = interval(runs)
    assert mean[0] == pytest.approx(0.15) and lo[0] == pytest.approx(0.015) and hi[0] == pytest.approx(0.285)
    # nothing differs in any run: the effect and both ends are exactly zero
    assert [a[0] for a in interval(np.zeros((40, 1)))] == [0.0, 0.0, 0.0]
    # NaN where no run defines the value; a last, shorter block counts with its own runs
    nan = interval(np.full((25, 1), np.nan))
    assert all(np.isnan(a[0]) for a in nan)
    assert block_means(np.arange(25.0)[:, None])[:, 0].tolist() == [4.5, 14.5, 22.0]


# ---------------------------------------------------------------- the command line
def run(*args):
    return runner.invoke(app, [*map(str, args), "--case", str(MODEL_CASE)])


def test_simulate_compare_on_the_command_line(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("name: cli\nruns: 40\nseed: 2\n" + FUTURE)
    r = run("simulate", f, "--compare", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["start"] == 2026 and data["counterfactual"] is False and data["kind"] == "projection"
    rows = pd.DataFrame(data["compare"]["rows"])
    _zero_before(rows, 2028)
    assert data["compare"]["first_change"] == 2028 and "posterior" in data["compare"]["interval"]
    assert all(d["year"] >= 2028 for d in data["compare"]["largest_differences"])
    eng = pd.DataFrame(data["engagement"])
    assert set(eng[eng.year < 2026].source) == {"record"} and set(eng[eng.year >= 2026].source) == {"model"}
    out = tmp_path / "out"
    r = run("simulate", f, "--compare", "--out", out)
    assert r.exit_code == 0, r.output
    csv = pd.read_csv(out / "compare.csv")
    _zero_before(csv, 2028)
    assert set(csv.seed) == {2} and "Largest differences in P(member)" in r.output
    assert set(pd.read_csv(out / "engagement.csv").source) == {"record", "model"}
    assert json.loads((out / "summary.json").read_text())["compare"]["first_change"] == 2028


def test_the_command_line_says_counterfactual(tmp_path):
    f = tmp_path / "cf.yaml"
    f.write_text("name: cf\nruns: 20\nseed: 2\n" + PAST)
    r = run("simulate", f, "--format", "json")
    data = json.loads(r.stdout)
    assert data["counterfactual"] is True and data["kind"] == "counterfactual" and data["start"] == 2012
    table = run("simulate", f)
    assert table.exit_code == 0 and "counterfactual" in table.output and "2011 rec" in table.output
    bad = tmp_path / "late.yaml"
    bad.write_text("name: late\nstart: 2029\nend: 2030\n")
    r = run("simulate", bad)
    assert r.exit_code == 1 and "at the latest" in r.output


@pytest.mark.parametrize("args", [
    ["simulate", "scenarios/russia-distracted.yaml", "--compare", "--runs", "60"],
    ["simulate", "scenarios/baseline.yaml", "--runs", "60"],
    ["forecast", "--runs", "60"],
], ids=["simulate-compare", "simulate", "forecast"])
def test_projection_tables_fit_80_columns(args, monkeypatch):
    from pathlib import Path

    from multivector.cli import output

    monkeypatch.chdir(Path(__file__).parents[2])
    monkeypatch.setattr(output.console, "width", 80)
    monkeypatch.setenv("MULTIVECTOR_NO_PAGER", "1")
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    wide = [ln for ln in r.stdout.splitlines() if len(ln) > 80]
    assert not wide, wide[0]
    assert "not shown at this width" not in r.stdout
