"""`multivector sweep SPEC.yaml` and `multivector sweep analyze DIR` end to end (Typer's test runner)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from multivector.cli import app

from .conftest import TINY

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


def test_spec_first_form_runs_and_analyze_reads_it(tiny_spec_file, tmp_path):
    spec = tiny_spec_file()
    out = tmp_path / "out"
    r = run("sweep", str(spec), "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "20 points done" in r.output and (out / "results.parquet").exists()
    # a threshold between the points' outcomes (their median), so the discovery has points on both sides
    import pandas as pd

    values = pd.read_parquet(out / "results.parquet")["P_member(UZB, EAEU, 2028)"]
    assert values.nunique() > 1
    cut = f"{values.median():.4g}"
    find = f"P_member(UZB, EAEU, 2028) > {cut}"
    r = run("sweep", "analyze", str(out), "--find", find, "--format", "json")
    assert r.exit_code == 0, r.output
    a = json.loads(r.output.strip().splitlines()[-1])
    assert a["design"] == "sobol" and a["n_points"] == 20
    s = a["sobol"]["P_member(UZB, EAEU, 2028)"]
    assert [x["factor"] for x in s] == ["rus_revisionism", "uzb_remit", "balance_weight"]
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(s[0])
    assert a["prim"]["condition"] == find and a["prim"]["trajectory"]
    assert (out / "analysis" / "analysis.json").exists()
    assert f"Scenario discovery: P_member(UZB, EAEU, 2028) &gt; {cut}" in (out / "analysis" / "analysis.html").read_text()
    # the report shows the stored analysis as a section (never re-running it)
    r = run("report", "--out", str(tmp_path / "report"), "--sweep", str(out))
    assert r.exit_code == 0, r.output
    page = (tmp_path / "report" / "index.html").read_text()
    assert '<section id="sweep"><h2>Sweep: tiny</h2>' in page and 'href="#sweep"' in page
    assert "Scenario discovery (PRIM)" in page and "sweep-0" in page
    r = run("report", "--out", str(tmp_path / "report2"), "--sweep", str(tmp_path))
    assert r.exit_code == 1 and "sweep analyze" in r.output
    r = run("sweep", "analyze", str(out))
    assert r.exit_code == 0 and "Sobol' indices of" in r.output
    # the explicit form gives the same
    r = run("sweep", "run", str(spec), "--out", str(out), "--resume")
    assert r.exit_code == 0 and "0 chunks run now, 5 kept" in r.output


def test_spec_errors_are_one_line_each(tiny_spec_file, tmp_path):
    spec = tiny_spec_file(TINY.replace("driver: revisionism", "driver: wealth"))
    r = run("sweep", str(spec), "--out", str(tmp_path / "o"))
    assert r.exit_code == 1
    assert f"{spec}:11: unknown driver 'wealth' — use one of" in r.output
    assert not (tmp_path / "o").exists()


def test_usage_errors(tiny_spec_file, tmp_path):
    r = run("sweep", str(tmp_path / "none.yaml"))
    assert r.exit_code == 1 and "not found" in r.output
    r = run("sweep", str(tiny_spec_file()), "--workers", "2", "--dask-local", "2")
    assert r.exit_code == 1 and "one of --workers, --scheduler and --dask-local" in r.output
    r = run("sweep", "analyze", str(tmp_path))
    assert r.exit_code == 1 and "holds no sweep" in r.output


def test_analyze_condition_errors(tiny_spec_file, tmp_path):
    out = tmp_path / "out"
    assert run("sweep", str(tiny_spec_file()), "--out", str(out)).exit_code == 0
    r = run("sweep", "analyze", str(out), "--find", "P_member(KAZ, EAEU, 2028) > 0.5")
    assert r.exit_code == 1 and "recorded no outcome P_member(KAZ, EAEU, 2028)" in r.output
    r = run("sweep", "analyze", str(out), "--find", "P_member(UZB, EAEU, 2028) > 1.5")   # a finding, not an error
    assert r.exit_code == 0 and "no point of the" in r.output and "ranges" in r.output
    assert "no point of the" in json.loads((out / "analysis" / "analysis.json").read_text())["notes"][0]
    r = run("sweep", "analyze", str(out), "--find", "P_member(UZB, EAEU, 2028) ~ 1")
    assert r.exit_code == 1 and "cannot read condition" in r.output


def test_morris_and_lhs_designs_through_analyze(tiny_spec_file, tmp_path):
    spec = tiny_spec_file(TINY.replace("{{method: sobol, n: 4}}", "{{method: morris, trajectories: 3, levels: 4}}"))
    out = tmp_path / "morris"
    assert run("sweep", str(spec), "--out", str(out)).exit_code == 0
    r = run("sweep", "analyze", str(out), "--format", "json")
    assert r.exit_code == 0, r.output
    a = json.loads(r.output.strip().splitlines()[-1])
    m = a["morris"]["mean_balance(KAZ, 2026, 2028)"]
    assert a["n_points"] == 12 and [x["factor"] for x in m] == ["rus_revisionism", "uzb_remit", "balance_weight"]
    assert all(x["mu_star"] >= 0 and x["sigma"] >= 0 for x in m) and "sobol" not in a
    assert set(a["direction"]) == set(a["outcomes"])
    spec = tiny_spec_file(TINY.replace("{{method: sobol, n: 4}}", "{{method: lhs, n: 12}}"))
    out = tmp_path / "lhs"
    assert run("sweep", str(spec), "--out", str(out)).exit_code == 0
    r = run("sweep", "analyze", str(out))
    assert r.exit_code == 0 and "no sensitivity indices" in r.output
    r = run("sweep", "analyze", str(out), "--find", "n_members(CSTO, 2028) >= 0", "--format", "json")
    a = json.loads(r.output.strip().splitlines()[-1])
    assert a["prim"]["cases"] == 12 and a["prim"]["trajectory"][0]["coverage"] == 1.0


def test_missing_dependency_names_the_extra(monkeypatch):
    import pytest

    from multivector.sweep.execute import SweepError, require

    with pytest.raises(SweepError, match=r"pip install 'multivector\[sweep\]'"):
        require("no_such_module_for_the_sweep", "SALib")
    import multivector.sweep.execute as ex

    def missing(module, what=None):
        raise SweepError(ex.MISSING_EXTRA.format(what=what or module))

    monkeypatch.setattr(ex, "require", missing)
    r = run("sweep", "analyze", "nowhere")
    assert r.exit_code == 1 and "pip install 'multivector[sweep]'" in r.output


def test_second_order_sobol_indices(tiny_spec_file, tmp_path):
    spec = tiny_spec_file(TINY.replace("{{method: sobol, n: 4}}", "{{method: sobol, n: 4, second_order: true}}"))
    out = tmp_path / "s2"
    r = run("sweep", str(spec), "--out", str(out))
    assert r.exit_code == 0 and "32 points done" in r.output
    r = run("sweep", "analyze", str(out), "--format", "json")
    a = json.loads(r.output.strip().splitlines()[-1])
    rows = a["sobol"]["P_member(UZB, EAEU, 2028)"]
    assert "S2 uzb_remit" in rows[0] and rows[0]["S2 uzb_remit"] is not None and rows[1]["S2 rus_revisionism"] is None
