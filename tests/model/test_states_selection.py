"""Regions and state selections: `load_inputs(states=...)`, a scenario's `states:` key, a projection of the South
Caucasus. The selected states keep the drivers and the record coded for them in the pooled inputs."""

from __future__ import annotations

import numpy as np
import pytest

from multivector import CaseBase
from multivector.kb.problems import CaseError
from multivector.model.inputs import load_inputs, modelled_states, regions, select_states
from multivector.model.scenario import parse_scenario


@pytest.fixture(scope="module")
def kb():
    return CaseBase.load()


@pytest.fixture(scope="module")
def pooled(kb):
    return load_inputs(kb, pool=True)


def test_regions_and_selections_name_the_eleven_states(kb):
    assert list(regions(kb)) == ["central_asia", "south_caucasus", "eastern_europe"]
    assert regions(kb)["south_caucasus"] == ["ARM", "AZE", "GEO"]
    assert len(modelled_states(kb)) == 11
    assert select_states(kb, "GEO,arm, AZE") == ["ARM", "AZE", "GEO"]            # the case's order
    assert select_states(kb, ["eastern_europe", "KAZ"]) == ["KAZ", "BLR", "MDA", "UKR"]
    with pytest.raises(ValueError, match="unknown state or region 'XYZ'.*ARM.*south_caucasus"):
        select_states(kb, "ARM,XYZ")
    with pytest.raises(ValueError, match="no state named"):
        select_states(kb, " , ")


def test_selected_states_keep_their_coded_drivers_and_record(kb, pooled):
    inp = load_inputs(kb, states="south_caucasus")
    assert inp.states == ["ARM", "AZE", "GEO"] and inp.neighbours is None   # one region: every other a neighbour
    idx = [pooled.states.index(s) for s in inp.states]
    assert np.array_equal(inp.record, pooled.record[:, idx])
    assert np.array_equal(inp.max_level, pooled.max_level[:, idx])
    for name, arr in inp.drivers.state.items():
        assert np.array_equal(arr, pooled.drivers.state[name][:, idx]), name
    for name, arr in inp.drivers.dependence.items():
        assert np.array_equal(arr, pooled.drivers.dependence[name][:, idx]), name
    # Armenia's EAEU membership from 2015 is on record in these inputs
    t = inp.year_index(2016)
    j = next(k for k in range(len(inp.lines)) if inp.era_org[t, k] == "EAEU")
    assert inp.record[t, 0, j] == 2


def test_a_scenario_names_its_states_and_its_changes_must_stay_among_them(kb):
    modelled = modelled_states(kb)
    text = ("name: caucasus\nstates: [GEO, ARM, AZE]\nend: 2030\nruns: 10\n"
            "drivers:\n  - {actor: ARM, driver: threat_level, from: 2026, set: 0.9}\n")
    sc = parse_scenario(text, "s.yaml", list(kb.regional_states), None, modelled)
    assert sc.states == ["ARM", "AZE", "GEO"] and sc.changes[0].actor == "ARM"
    with pytest.raises(CaseError) as bad:
        parse_scenario(text.replace("actor: ARM", "actor: KAZ"), "s.yaml", list(kb.regional_states), None, modelled)
    assert "unknown actor 'KAZ'" in str(bad.value) and "s.yaml:6" in str(bad.value)
    with pytest.raises(CaseError) as bad:
        parse_scenario(text.replace("[GEO, ARM, AZE]", "[GEO, ARX]"), "s.yaml", None, None, modelled)
    assert "s.yaml:2: `states` names ARX" in str(bad.value)
    assert parse_scenario("name: plain\n", "p.yaml", list(kb.regional_states)).states is None


def test_a_projection_of_the_south_caucasus_starts_from_its_record(kb, tmp_path):
    from multivector.model.projection import project

    path = tmp_path / "caucasus.yaml"
    path.write_text("name: caucasus\nstates: [ARM, AZE, GEO]\nend: 2028\nruns: 20\nseed: 5\n")
    run = project(kb, path)
    eng = run.engagement()
    assert sorted(eng["state"].unique()) == ["ARM", "AZE", "GEO"]
    rec = eng[(eng.source == "record") & (eng.state == "ARM") & (eng.org == "EAEU") & (eng.year == 2025)]
    assert rec["p_member"].tolist() == [1.0]
    assert set(eng[eng.source == "model"]["year"]) == {2026, 2027, 2028}
    with pytest.raises(ValueError, match="not the scenario's states"):
        project(kb, run.scenario, inputs=load_inputs(kb, end=2035))
