"""Every scenario shipped under scenarios/ parses against the embedded case and runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from multivector import CaseBase
from multivector.model import load_inputs
from multivector.model.projection import project, projection_start
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
    run = project(kb, sc, runs=4)
    eng = run.engagement()
    start = projection_start(sc, inp.record_until)
    model = eng[eng.source == "model"]
    assert model.year.min() == start.year == run.start.year and eng.year.max() == sc.end
    assert (eng[eng.year < start.year].source == "record").all() and eng.year.min() == inp.years[0]
    assert set(eng.state) == set(inp.states)


def test_rationales_cite_facts_of_the_case(kb):
    """Every evidence id a rationale names is a fact of the case, and every scenario with changes names some."""
    import re

    import yaml

    facts = set(kb.sql("SELECT id FROM events UNION SELECT id FROM claims UNION SELECT id FROM indicators").id)
    for path in SCENARIOS:
        doc = yaml.safe_load(path.read_text())
        ids = re.findall(r"\b(?:cl|ev|ind)_\w+", doc["rationale"])
        assert not [i for i in ids if i not in facts], path.name
        assert ids or not doc.get("drivers"), f"{path.name}: a rationale without evidence ids"


def test_the_shipped_starts(kb):
    """Forward scenarios start after the record; those changing recorded years are counterfactuals from then."""
    inp = load_inputs(kb)
    orgs = {o for o in inp.era_org.ravel() if o}
    starts = {p.stem: projection_start(load_scenario(p, inp.states, orgs), inp.record_until) for p in SCENARIOS}
    assert starts["baseline"].year == inp.record_until + 1 and not starts["baseline"].counterfactual
    assert starts["russia-distracted"].year == 2022 and starts["russia-distracted"].counterfactual
    assert starts["ruble-shock-2014"].year == 2014 and starts["ruble-shock-2014"].counterfactual
