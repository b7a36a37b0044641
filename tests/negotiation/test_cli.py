"""The command line: formats, auto-detection, rule override, errors without tracebacks."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from multivector.negotiation.cli import app, run_problem

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_deu_json(deu_path):
    result = invoke(deu_path, "--model", "compromise", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"model", "mae", "hits", "issues"}
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
    assert table.exit_code == 0 and "MAE 28.31" in table.stdout and "d00067i1" in table.stdout
    csv_out = invoke(deu_path, "-m", "best", "-f", "csv")
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
    assert data["dimensions"][0] == {"name": "Pstn1", "predicted": pytest.approx(40.0)}
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
        f"{ktab_file}:3: column 'Pstn1': expected a number 0-100, got 'zero' — positions lie on the 0-100 scale"
    )
    assert "Traceback" not in result.output and result.stdout == ""


def test_missing_file(tmp_path):
    result = invoke(tmp_path / "none.csv")
    assert result.exit_code == 1 and "file not found" in result.stderr


def test_bad_model_name(ktab_file):
    assert invoke(ktab_file, "-m", "oracle").exit_code == 2


def test_run_problem_hook(ktab_file):
    from multivector.negotiation import read_ktab_csv

    problem = read_ktab_csv(ktab_file)
    pred = run_problem(problem, "best", "unanimity")
    assert pred.model == "best" and pred.position.shape == (2,)


def test_register_mounts_negotiate(ktab_file):
    import typer

    from multivector.negotiation.cli import register

    main_app = typer.Typer()

    @main_app.command()
    def other() -> None:  # a second command, as on the real app
        pass

    register(main_app)
    result = runner.invoke(main_app, ["negotiate", str(ktab_file), "-f", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["model"] == "compromise"
