"""External balancing (pole_threat), Chinese finance from a series, each line's intercepts, regions for
the network value, and the weights file."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from multivector.model import Parameters, simulate
from multivector.model import utility as U
from multivector.model.transition import ALPHA_NAMES
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


def test_each_line_has_its_intercepts_and_the_others_take_the_pooled_chain(inputs):
    p = Parameters()
    join_sco = tuple(2.0 if n in ("none>member", "first>member") else v
                     for n, v in zip(ALPHA_NAMES, p.alpha_pooled, strict=True))
    up = Parameters(alpha={"SCO": join_sco})
    assert _member(inputs, up, "SCO") > _member(inputs, p, "SCO") + 0.05
    # intercepts of a line the inputs do not hold change nothing
    np.testing.assert_array_equal(simulate(inputs, Parameters(alpha={"EAEU": join_sco}), runs=50, seed=1).probs,
                                  simulate(inputs, p, runs=50, seed=1).probs)
    a = up.alpha_array(["CSTO", "SCO"])
    assert a.shape == (2, 4, 3)
    assert np.all(a[:, [0, 1, 2], [0, 1, 2]] == 0) and np.all(a[:, 3, 0] == 0)      # the reference cells
    assert a[1, 0, 2] == 2.0 and a[0, 0, 2] == p.alpha_pooled[ALPHA_NAMES.index("none>member")]


def test_weights_round_trip_and_bad_intercepts(tmp_path):
    p = Parameters(economy_weight=0.7, alpha={"CSTO": tuple(range(8))}, alpha_pooled=tuple(-float(i) for i in range(8)))
    path = tmp_path / "w.json"
    p.to_json(path)
    back = Parameters.from_json(path)
    assert back == p
    assert "alpha" not in back.as_dict()
    good = json.loads(path.read_text())
    for bad in ({"lines": {"CSTO": {"none>partner": "high"}}}, {"lines": {"CSTO": {"x": 1.0}}},
                {"pooled": {n: float("nan") for n in ALPHA_NAMES}}, [1, 2]):
        path.write_text(json.dumps({**good, "alpha": bad}))
        with pytest.raises(TextFileError, match="alpha"):
            Parameters.from_json(path)
    path.write_text(json.dumps({"parameters": {"review_rate": 0.5}}))
    with pytest.raises(TextFileError, match="earlier design"):
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
