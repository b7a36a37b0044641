"""The second design's additions: external balancing (pole_threat), Chinese finance from a series,
state and organization effects, regions for the network value, and pooled estimation."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from multivector.model import Parameters, simulate
from multivector.model import utility as U
from multivector.textfiles import TextFileError

RUNS, SEED = 3000, 5


def _member(inp, params, line: str, state: str = "KAZ", years=slice(20, 30)) -> float:
    res = simulate(inp, params, runs=RUNS, seed=SEED)
    return float(res.probs[years, inp.states.index(state), inp.lines.index(line), 2].mean())


def _with(inp, name: str, state: str, pole: int, value: float, from_t: int = 15):
    drivers = inp.drivers.copy()
    drivers.dependence[name][from_t:, inp.states.index(state), pole] = value
    return replace(inp, drivers=drivers)


def test_a_threat_from_the_lead_lowers_its_body_and_not_the_others(inputs):
    p = Parameters(external_weight=2.0)
    base_csto, base_sco = _member(inputs, p, "CSTO"), _member(inputs, p, "SCO")
    threatened = _with(inputs, "pole_threat", "KAZ", 0, 0.9)
    assert _member(threatened, p, "CSTO") < base_csto - 0.02
    # the SCO is led half by Russia, half by China: a Russian threat leaves its value unchanged
    assert _member(threatened, p, "SCO") == pytest.approx(base_sco, abs=0.02)


def test_a_threat_raises_obstruction_inside_the_threatening_pole_body(inputs):
    p = Parameters(external_weight=2.0)
    t = slice(20, 30)
    i, j = inputs.states.index("KAZ"), inputs.lines.index("CSTO")
    before = simulate(inputs, p, runs=RUNS, seed=SEED).stance_probs[t, i, j, 2]
    after = simulate(_with(inputs, "pole_threat", "KAZ", 0, 0.9), p, runs=RUNS, seed=SEED).stance_probs[t, i, j, 2]
    assert np.nanmean(after) > np.nanmean(before) + 0.02


def test_external_balancing_term_by_hand(inputs):
    t = 20
    inp = _with(inputs, "pole_threat", "UZB", 0, 0.5)
    ext = U.external_balancing(t, inp)
    i = inp.states.index("UZB")
    lead = inp.lead[t]
    for j in range(len(inp.lines)):   # Σ_p τ_p (1 − 2 lead_p): only Russia threatens
        assert ext[i, j] == pytest.approx(0.5 * (1 - 2 * lead[j, 0]))
    assert np.all(ext[inp.states.index("KAZ")] == 0)


def test_chinese_finance_raises_the_value_of_china_led_bodies(inputs):
    p = Parameters(economy_weight=3.0)
    more = _with(inputs, "finance_dependence", "KAZ", 1, 0.6)
    assert _member(more, p, "SCO") > _member(inputs, p, "SCO") + 0.01
    # a Russian-led body gains nothing from Chinese money
    assert _member(more, p, "CSTO") == pytest.approx(_member(inputs, p, "CSTO"), abs=0.02)


def test_state_and_organization_effects(inputs):
    p = Parameters()
    up = Parameters(effects={"line:SCO": 1.5})
    assert _member(inputs, up, "SCO") > _member(inputs, p, "SCO") + 0.05
    down = Parameters(effects={"state:UZB": -1.5})
    assert _member(inputs, down, "CSTO", "UZB") < _member(inputs, p, "CSTO", "UZB") - 0.05
    # an effect on a state or line the inputs do not hold changes nothing
    np.testing.assert_array_equal(simulate(inputs, Parameters(effects={"state:ARM": 3.0}), runs=50, seed=1).probs,
                                  simulate(inputs, p, runs=50, seed=1).probs)
    assert p.effect_array(["KAZ", "UZB"], ["CSTO"]).tolist() == [[0.0], [0.0]]
    both = Parameters(effects={"state:UZB": 0.5, "line:CSTO": -0.2})
    assert both.effect_array(["KAZ", "UZB"], ["CSTO", "SCO"]).round(6).tolist() == [[-0.2, 0.0], [0.3, 0.5]]


def test_effects_round_trip_and_bad_effects(tmp_path):
    p = Parameters(economy_weight=0.7, effects={"state:KAZ": 0.25, "line:CSTO": -1.0})
    path = tmp_path / "w.json"
    p.to_json(path)
    back = Parameters.from_json(path)
    assert back == p and back.effects == p.effects
    assert "effects" not in back.as_dict()
    assert back.with_vector(back.vector()).effects == p.effects
    for bad in ({"state:KAZ": "high"}, {"KAZ": 0.2}, {"line:CSTO": float("nan")}):
        path.write_text(json.dumps({"parameters": {}, "effects": bad}))
        with pytest.raises(TextFileError, match="effect"):
            Parameters.from_json(path)


def test_network_value_counts_neighbours_only():
    x = np.array([[[2], [2], [0], [2]]], np.int8)            # (R=1, S=4, L=1)
    everyone = U.network_value(x)
    assert everyone[0, :, 0].tolist() == pytest.approx([2 / 3, 2 / 3, 1.0, 2 / 3])
    region = np.array([0, 0, 1, 1])
    nb = (region[:, None] == region[None, :]).astype(float) - np.eye(4)
    assert U.network_value(x, nb)[0, :, 0].tolist() == [1.0, 1.0, 1.0, 0.0]


def test_a_threat_coded_nowhere_leaves_the_model_as_it_was(inputs):
    """pole_threat and finance default to 0: a case that codes neither runs as before (the weight is idle)."""
    assert np.all(inputs.drivers.dependence["pole_threat"] == 0)
    a = simulate(inputs, Parameters(external_weight=0.0), runs=200, seed=2).probs
    b = simulate(inputs, Parameters(external_weight=7.0), runs=200, seed=2).probs
    np.testing.assert_array_equal(a, b)
