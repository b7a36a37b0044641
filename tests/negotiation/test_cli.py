"""The command line: formats, auto-detection, rule override, errors without tracebacks."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from multivector.cli import app
from multivector.negotiation.run import run_problem

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, ["negotiate", *(str(a) for a in args)])


def test_deu_json(deu_path):
    result = invoke(deu_path, "--model", "compromise", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"model", "runs", "rule_terms", "mae", "hits", "n", "baselines", "issues"}
    assert data["baselines"]["status_quo"]["n"] == 150 and data["baselines"]["compromise"]["n"] == 206
    assert data["model"] == "compromise" and data["mae"] == pytest.approx(23.67, abs=0.01)
    assert 0 < data["hits"] < 1
    assert len(data["issues"]) == 217
    assert data["issues"][0] == {
        "isnr": "d00067i1",
        "predicted": pytest.approx(81.0242, abs=1e-3),
        "actual": 50.0,
    }
    assert sum(row["actual"] is None for row in data["issues"]) == 11


def test_deu_table_and_csv(deu_path):
    table = invoke(deu_path, "-m", "median")
    assert table.exit_code == 0 and "28.31" in table.stdout and "d00067i1" in table.stdout
    assert "status_quo (baseline)" in table.stdout and "54.43" in table.stdout
    csv_out = invoke(deu_path, "-m", "stubborn", "-f", "csv")
    lines = csv_out.stdout.splitlines()
    assert lines[0] == "isnr,predicted,actual" and len(lines) == 218


def test_rule_override_changes_rule(ktab_file):
    data = json.loads(invoke(ktab_file, "--rule", "unanimity", "-f", "json").stdout)
    assert data["rule"] == "unanimity"


def test_ktab_json(ktab_file):
    result = invoke(ktab_file, "-m", "compromise", "-f", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["scenario"] == "Toy scenario" and data["actors"] == 3 and data["rounds"] == 0
    # dimension 1: (100·50·0 + 50·50·100 + 50·100·50) / (5000 + 2500 + 5000)
    first = data["dimensions"][0]
    assert first["name"] == "Pstn1" and first["predicted"] == pytest.approx(40.0)
    assert first["low"] < 40.0 < first["high"] and first["compromise"] == pytest.approx(40.0)
    assert first["status_quo"] is None and data["interval"]["draws"] == 200 and data["interval"]["seed"] == 0
    assert data["trajectory"] is None


@pytest.mark.parametrize("model", ["bdm", "smp"])
def test_ktab_rounds(ktab_file, model):
    data = json.loads(invoke(ktab_file, "-m", model, "-f", "json").stdout)
    assert data["rounds"] >= 1 and len(data["trajectory"]) == data["rounds"] + 1
    table = invoke(ktab_file, "-m", model)
    assert "forecast by round" in table.stdout and "Pstn2" in table.stdout


def test_bdm_file_csv_rounds(emissions_path):
    lines = invoke(emissions_path, "-m", "bdm", "-f", "csv").stdout.splitlines()
    assert lines[0] == "round,dim1" and lines[1] == "0,7.0" and len(lines) == 12


def test_malformed_file_exits_1_with_message(ktab_file):
    ktab_file.write_text(ktab_file.read_text().replace("A,First,100,0,50", "A,First,100,zero,50"))
    result = invoke(ktab_file)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: {ktab_file}:3: column 'Pstn1': expected a number 0-100, got 'zero' — positions lie on the "
        "0-100 scale"
    )
    assert "Traceback" not in result.output and result.stdout == ""


def test_missing_file(tmp_path):
    result = invoke(tmp_path / "none.csv")
    assert result.exit_code == 1 and "file not found" in result.stderr


def test_bad_model_name(ktab_file):
    bad = invoke(ktab_file, "-m", "oracle")
    assert bad.exit_code in (1, 2) and "oracle" in bad.output


def test_run_problem_hook(ktab_file):
    from multivector.negotiation import read_ktab_csv

    problem = read_ktab_csv(ktab_file)
    pred = run_problem(problem, "stubborn", "unanimity")
    assert pred.model == "stubborn" and pred.position.shape == (2,)


def test_recommended_alias_runs_the_recommended_model(ktab_file, deu_path):
    from multivector.negotiation.models import RECOMMENDED

    rec = json.loads(invoke(ktab_file, "-m", "recommended", "-f", "json").stdout)
    direct = json.loads(invoke(ktab_file, "-m", RECOMMENDED, "-f", "json").stdout)
    assert rec["runs"] == RECOMMENDED and rec["dimensions"] == direct["dimensions"]
    deu = json.loads(invoke(deu_path, "-m", "recommended", "-f", "json").stdout)
    assert deu["runs"] == RECOMMENDED and deu["mae"] == json.loads(
        invoke(deu_path, "-m", RECOMMENDED, "-f", "json").stdout)["mae"]


def test_rule_terms_follow_the_rule(tmp_path):
    """--rule consensus turns the veto on: a salient member at the status quo blocks the move."""
    f = tmp_path / "veto.csv"
    f.write_text("Veto,one blocker,3,1,\nActor,Description,Power,Pstn1,Sal1,\n"
                 "A,proposer,100,100,90,\nB,ally,100,100,60,\nC,blocker,20,0,80,\n")
    # a KTAB file has no status quo: the rule cannot bite, and the output says so
    out = invoke(f, "-m", "compromise", "--rule", "consensus")
    assert out.exit_code == 0 and "no status quo" in out.stdout


def test_case_rule_terms(ktab_file):
    on = json.loads(invoke("--case", "central_asia", "--proposal", "eaeu_supranational", "-m", "stubborn",
                           "-f", "json", "--draws", "20").stdout)
    off = json.loads(invoke("--case", "central_asia", "--proposal", "eaeu_supranational", "-m", "stubborn",
                            "--rule-terms", "off", "-f", "json", "--draws", "20").stdout)
    assert on["rule_terms"] and not off["rule_terms"]
    assert on["predicted"] == 0.0 and on["predicted_outcome"] == "rejected"  # Kazakhstan blocks
    assert off["predicted"] > 75  # without the veto the weighted compromise says "adopted"
    assert on["baselines"]["status_quo"] == 0.0 and on["interval"]["draws"] == 20


def test_recommend(deu_path, dev_comparison, monkeypatch):
    """The command prints the library's comparison (computed once per session: tests/negotiation/conftest.py)."""
    from multivector.negotiation import selection

    monkeypatch.setattr(selection, "compare_models", lambda problems, seed, on_step: dev_comparison)
    out = invoke(deu_path, "--recommend", "-f", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    from multivector.negotiation.models import RECOMMENDED

    assert data["recommended"] == RECOMMENDED  # the alias says what the figures say
    rows = {r["model"]: r for r in data["models"]}
    assert rows["compromise"]["mae"] == pytest.approx(23.67, abs=0.01) and rows["compromise"]["gain"] == 0
    assert rows["status_quo"]["n"] == 150
    assert len(data["stubborn_inner_choices"]) == 5
    bad = invoke(tmp_ktab := deu_path.with_name("bdm_eu_emissions.csv"), "--recommend")
    assert bad.exit_code == 1 and "needs a DEU file" in bad.stderr and str(tmp_ktab) in bad.stderr


def test_register_mounts_negotiate(ktab_file):
    import typer

    from multivector.cli.negotiate import register

    main_app = typer.Typer()

    @main_app.command()
    def other() -> None:  # a second command, as on the real app
        pass

    register(main_app)
    result = runner.invoke(main_app, ["negotiate", str(ktab_file), "-f", "json", "-m", "compromise"])
    assert result.exit_code == 0 and json.loads(result.stdout)["model"] == "compromise"


def test_shipped_examples_by_name_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # package data: found without the repository
    listed = json.loads(invoke("--list-examples", "-f", "json").stdout)
    assert [e["example"] for e in listed] == ["bdm_eaeu_tariff", "deu_small", "ktab_water_release"]
    for name in ("ktab_water_release", "bdm_eaeu_tariff", "deu_small"):
        r = invoke("--example", name, "-f", "json")
        assert r.exit_code == 0, r.output
    ktab = json.loads(invoke("--example", "ktab_water_release", "-m", "compromise", "-f", "json").stdout)
    assert ktab["actors"] == 6 and [d["name"] for d in ktab["dimensions"]] == ["Pstn1", "Pstn2"]
    typo = invoke("--example", "ktab_water")
    assert typo.exit_code == 1 and "example:ktab_water: no such example — did you mean ktab_water_release?" in typo.stderr
    both = invoke(tmp_path / "x.csv", "--example", "deu_small")
    assert both.exit_code == 1 and "not both" in both.stderr
    few = invoke("--example", "deu_small", "--recommend")
    assert few.exit_code == 1 and "needs outcomes on at least 3 proposals, found 2" in few.stderr
