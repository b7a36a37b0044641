"""Every scenario shipped under scenarios/ parses against the embedded case and runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from multivector import CaseBase
from multivector.model import load_inputs
from multivector.model.run import run_scenario
from multivector.model.scenario import load_scenario

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))
NAMES = {"baseline", "russia-distracted", "afghan-spillover", "china-debt-leverage", "ruble-shock-2014",
         "western-reengagement"}


def test_the_library_is_complete():
    assert NAMES <= {p.stem for p in SCENARIOS}


@pytest.fixture(scope="module")
def kb():
    kb = CaseBase.load()
    if kb.sql("SELECT count(*) n FROM drivers").n[0] == 0:
        pytest.skip("the embedded case has no drivers yet")
    return kb


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_runs(kb, path):
    inp = load_inputs(kb)
    sc = load_scenario(path, inp.states, {o for o in inp.era_org.ravel() if o})
    assert sc.name == path.stem and sc.description
    assert "rationale" in path.read_text()
    run = run_scenario(kb, sc, runs=4)
    eng = run.engagement()
    assert eng.year.min() == sc.start and eng.year.max() == sc.end
    assert set(eng.state) == set(inp.states)
