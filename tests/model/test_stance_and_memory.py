"""The second decision (stances, depth reached) and ties with memory: invariants and directions."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from multivector.model import Parameters, simulate
from multivector.model import stance as S
from multivector.model import utility as U
from multivector.negotiation.rules import consensus_compromise

PARAMS = Parameters()
mech = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _weights(**change):
    return {k: np.array([v]) for k, v in {**PARAMS.as_dict(), **change}.items()}


def _stance_p(inputs, t, w, state, line, edit=None):
    d = inputs.drivers.copy()
    if edit:
        edit(d)
    inp = replace(inputs, drivers=d)
    ed = U.economic_dependence({k: v[t] for k, v in inp.drivers.dependence.items()})
    return S.stance_probabilities(S.stance_utilities(S.stance_components(t, inp, ed), w))[0, state, line]


@mech
@given(seed=st.integers(0, 2**16), runs=st.integers(1, 20), obstruct=st.floats(0, 10))
def test_stance_probabilities_are_probabilities(inputs, seed, runs, obstruct):
    res = simulate(inputs, replace(PARAMS, obstruction_cost=obstruct), runs=runs, seed=seed)
    sp = res.stance_probs[~np.isnan(res.stance_probs[..., 0])]
    assert ((sp >= 0) & (sp <= 1)).all()
    np.testing.assert_allclose(sp.sum(-1), 1.0)
    assert ((res.depth >= 0) & (res.depth <= 1)).all()


@mech
@given(v=st.floats(0.0, 0.8), dv=st.floats(0.05, 0.2))
def test_sovereignty_sensitivity_raises_obstruction(inputs, v, dv):
    t = inputs.year_index(2010)

    def set_(x):
        return lambda d: d.state["sovereignty_sensitivity"].__setitem__((t, 0), x)
    lo, hi = _stance_p(inputs, t, _weights(), 0, 0, set_(v)), _stance_p(inputs, t, _weights(), 0, 0, set_(v + dv))
    assert hi[2] >= lo[2] - 1e-12 and hi[0] <= lo[0] + 1e-12


@mech
@given(v=st.floats(0.0, 0.8), dv=st.floats(0.05, 0.2))
def test_revisionism_of_the_lead_raises_obstruction_inside(inputs, v, dv):
    t = inputs.year_index(2010)

    def set_(x):
        return lambda d: d.power["revisionism"].__setitem__((t, 0), x)
    lo, hi = _stance_p(inputs, t, _weights(), 0, 0, set_(v)), _stance_p(inputs, t, _weights(), 0, 0, set_(v + dv))
    assert hi[2] >= lo[2] - 1e-12


def test_one_obstructer_blocks_deepening_under_consensus():
    x = np.array([1.0, 1.0, 0.0, 1.0])          # two supporters, one obstructer, the lead
    w = np.array([1.0, 1.0, 1.0, 3.0])
    q = np.array(0.5)
    assert float(consensus_compromise(x, w, np.array([True, True, True, True]), q)) == 0.5
    assert float(consensus_compromise(x, w, np.array([False] * 4), q)) > 0.5   # majority: no veto


def test_depth_deepens_only_where_the_lead_pushes_and_nobody_obstructs():
    depth = np.array([[0.5, 0.5]])
    member = np.ones((1, 2, 2), bool)
    go_along = np.ones((1, 2, 2), np.int64)
    push = np.array([1.0, 0.0])
    out = S.negotiate_depth(depth, go_along, member, push, np.array([True, True]))
    assert out[0, 0] > 0.5 and out[0, 1] == 0.5
    one_obstructs = go_along.copy()
    one_obstructs[0, 1, 0] = 2
    assert S.negotiate_depth(depth, one_obstructs, member, push, np.array([True, True]))[0, 0] == 0.5


def test_stances_only_where_a_step_is_on_the_table(inputs):
    """No push and no proposal on record: no stance is taken or reported (NaN) in that body."""
    res = simulate(inputs, PARAMS, runs=200, seed=3)
    for t in range(inputs.T):
        table = S.on_table(t, inputs)
        assert np.isnan(res.stance_probs[t][..., ~table, :]).all()
    pushed = inputs.drivers.pressure.sum(1) > 0                       # (T, L)
    assert (~np.isnan(res.stance_probs[..., 0])).any(axis=1)[pushed].any()


def test_a_change_that_leaves_the_scale_says_so(tmp_path):
    from typer.testing import CliRunner

    from multivector.cli import app

    path = tmp_path / "s.yaml"
    path.write_text("name: clip\ndescription: x\nstart: 2026\nend: 2028\nruns: 5\nseed: 1\ndrivers:\n"
                    "  - {actor: UZB, driver: sovereignty_sensitivity, from: 2026, scale: 2}\n")
    res = CliRunner().invoke(app, ["simulate", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    import json

    data = json.loads(res.stdout)
    assert data["clipped_changes"] and "sovereignty_sensitivity UZB scale 2" in data["clipped_changes"][0]
    assert {"stances", "depth"} <= set(data)
    assert {"p_support", "p_go_along", "p_obstruct"} <= set(data["stances"][0])
    assert {"org", "year", "depth_mean", "depth_p05", "depth_p95"} <= set(data["depth"][0])
