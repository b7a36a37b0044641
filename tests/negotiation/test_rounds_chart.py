"""The rounds of a bargaining model on the command line: a chart of every actor's position per round within 80
columns, not a table of a hundred rounds; the full rounds stay in --format csv|json."""

from __future__ import annotations

import json

import numpy as np
from typer.testing import CliRunner

from multivector.cli import app, output
from multivector.cli.rounds_chart import MARK_FORECAST, MARK_SHARED, chart, shown_rounds, strip


def test_a_strip_puts_each_actor_where_it_stands():
    line = strip([0.0, 50.0, 100.0], ["A", "B", "C"], 25.0, 0.0, 100.0, 21)
    assert len(line) == 21 and line[0] == "A" and line[10] == "B" and line[20] == "C" and line[5] == MARK_FORECAST
    assert strip([40.0, 40.0], ["A", "B"], None, 0.0, 100.0, 11)[4] == MARK_SHARED


def test_the_chart_fits_80_columns_and_names_every_actor():
    rng = np.random.default_rng(0)
    positions = np.cumsum(rng.normal(size=(101, 7)), axis=0) + 50
    lines = chart(positions, positions.mean(axis=1), [f"ACTOR{i}" for i in range(7)], 0.0, 100.0)
    assert all(len(ln) <= 80 for ln in lines)
    assert lines[0].startswith("round 0") and any(ln.startswith("round 100") for ln in lines)
    assert sum(ln.startswith("round") for ln in lines) == len(shown_rounds(100)) <= 12
    assert all(f"{chr(65 + i)} ACTOR{i}" in "\n".join(lines) for i in range(7))
    assert shown_rounds(3) == [0, 1, 2, 3]
    last = next(ln for ln in lines if ln.startswith("round 100"))
    assert float(last.rsplit("│", 1)[1]) == float(f"{positions[100].mean():.4g}")   # the forecast's value


def test_cli_charts_the_rounds_and_json_keeps_them_all(monkeypatch):
    monkeypatch.setattr(output.console, "width", 80)
    monkeypatch.setenv("MULTIVECTOR_NO_PAGER", "1")
    r = CliRunner().invoke(app, ["negotiate", "--example", "ktab_water_release", "--model", "smp", "--draws", "0"])
    assert r.exit_code == 0, r.output
    assert "positions by round" in r.stdout and "round 100" in r.stdout and "round 50 " not in r.stdout
    assert max(len(ln) for ln in r.stdout.splitlines()) <= 80
    data = json.loads(CliRunner().invoke(app, ["negotiate", "--example", "ktab_water_release", "--model", "smp",
                                               "--draws", "0", "--format", "json"]).stdout)
    pos = np.array(data["positions"])
    assert pos.shape == (data["rounds"] + 1, data["actors"], len(data["dimensions"]))
    assert len(data["actor_names"]) == data["actors"] and len(data["trajectory"]) == data["rounds"] + 1
    csv = CliRunner().invoke(app, ["negotiate", "--example", "ktab_water_release", "--model", "smp", "--draws", "0",
                                   "--format", "csv"]).stdout.splitlines()
    assert csv[0].startswith("round,") and len(csv) == data["rounds"] + 2
