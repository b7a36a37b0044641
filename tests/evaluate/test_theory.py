"""The theory test, with a small fake of the engagement model's interface (issue 21): `EngagementModel(theory=False,
name="nested")` and `idata(task)` with `log_likelihood["transitions"]`."""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector.evaluate import MarkovChain, evaluate
from multivector.evaluate.chains import FIRST, transition_rows
from multivector.evaluate.markov import fit_markov
from multivector.evaluate.theory import (
    bootstrap_interval,
    elpd_difference,
    paired_rows,
    theory_test,
)

from .conftest import synthetic_inputs


class FakeTransitionModel:
    """Shaped like the transition model of issue 21: P(k | from f) ∝ exp(α[l, f, k] + w · ΔU[t, s, k]), α the log
    of the Markov reference's fitted chain, ΔU = threat × (0, ½, 1); theory=False holds w at 0 (no tenure term).
    Its forecasts come from its own loop over cells and years, not from `chains.propagate`."""

    def __init__(self, theory: bool = True, name: str = "model", w: float = 1.5, with_idata: bool = True):
        self.theory, self.name, self.w = theory, name, (w if theory else 0.0)
        if not with_idata:
            self.idata = None

    def _probs(self, alpha, inp, t, s, l_, f, w):
        z = alpha[l_, f] + w * inp.drivers.state["threat_level"][t, s] * np.array([0.0, 0.5, 1.0])
        return np.exp(z - z.max()) / np.exp(z - z.max()).sum()

    def forecast(self, task):
        inp = task.inputs
        alpha = np.log(fit_markov(transition_rows(inp, task.origin), len(inp.lines)).P)
        H, S, L = task.shape
        out = np.zeros((H, S, L, 3))
        for s in range(S):
            for l_ in range(L):
                was_open = bool(task.open_at_origin()[s, l_])
                dist = np.eye(3)[task.status_at_origin()[s, l_]] if was_open else np.zeros(3)
                for h, year in enumerate(task.years):
                    t = inp.year_index(int(year))
                    ok = inp.allowed[t, s, l_]
                    if inp.max_level[t, s, l_] == 0:
                        dist, was_open = np.zeros(3), False
                        continue
                    if not was_open:
                        q = self._probs(alpha, inp, t, s, l_, FIRST, self.w) * ok
                        dist = q / q.sum()
                    else:
                        new = np.zeros(3)
                        for j in range(3):
                            q = self._probs(alpha, inp, t, s, l_, j, self.w) * ok
                            new += dist[j] * q / q.sum()
                        dist = new
                    out[h, s, l_], was_open = dist, True
        return out

    def idata(self, task):
        import arviz as az

        inp = task.inputs
        rows = transition_rows(inp, task.origin)
        alpha = np.log(fit_markov(rows, len(inp.lines)).P)
        rng = np.random.default_rng(7)
        ws = self.w + (0.2 * rng.standard_normal((2, 30)) if self.theory else np.zeros((2, 30)))
        du = inp.drivers.state["threat_level"][rows.t, rows.s][:, None] * np.array([0.0, 0.5, 1.0])   # (n, 3)
        z = alpha[rows.l, rows.origin][None, None] + ws[..., None, None] * du[None, None]           # (2, 30, n, 3)
        logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
        ll = np.take_along_axis(logp, np.broadcast_to(rows.level[None, None, :, None], (*ws.shape, len(rows), 1)),
                                axis=-1)[..., 0]
        return az.from_dict(posterior={"w": ws}, log_likelihood={"transitions": ll})


def record_with_threat(seed: int = 0, T: int = 20, S: int = 12, L: int = 3):
    rng = np.random.default_rng(seed)
    threat = rng.uniform(0, 1, (T, S))
    rec = np.zeros((T, S, L), np.int8)
    rec[0] = rng.integers(0, 3, (S, L))
    for t in range(1, T):
        move = rng.random((S, L)) < 0.1 + 0.2 * threat[t][:, None]
        rec[t] = np.where(move, np.where(rng.random((S, L)) < threat[t][:, None], 2, 0), rec[t - 1])
    inp = synthetic_inputs(rec, threat=threat)
    inp.max_level[:12, :, 2] = 0            # line 2 opens in 2003: first choices after the 2000 origin
    inp.allowed[:12, :, 2, 1:] = False
    inp.record[:12, :, 2] = -1
    return inp


@pytest.fixture(scope="module")
def inp():
    return record_with_threat()


def test_nested_with_tenure_off_is_the_markov_reference(inp):
    from multivector.evaluate.rolling import make_task

    for origin in (1996, 2000):
        task = make_task(inp, origin, seed=0)
        np.testing.assert_allclose(FakeTransitionModel(theory=False).forecast(task), MarkovChain().forecast(task),
                                   atol=1e-12)
        assert not np.allclose(FakeTransitionModel(theory=True).forecast(task), MarkovChain().forecast(task))


def test_the_theory_test_runs_inside_evaluate(inp):
    pytest.importorskip("arviz")
    ev = evaluate(inputs=inp, forecasters=[FakeTransitionModel(True, "model"), FakeTransitionModel(False, "nested"),
                                           "persistence"], origins=[1996, 2000], seed=4, runs=1)
    th = ev.theory
    assert set(zip(th.origin, th.subset, strict=True)) == {
        (o, s) for o in (1996, 2000, "pooled") for s in ("all", "existing", "first_choice")}
    row = th[(th.origin == "pooled") & (th.subset == "all")].iloc[0]
    pairs = paired_rows(ev.forecasts, "model", "nested", floor=1e-3)
    assert row.log_gain == pytest.approx(pairs.gain.mean()) and row.lo <= row.log_gain <= row.hi
    assert row.n == len(pairs) == len(ev.forecasts[ev.forecasts.forecaster == "model"])
    d = json.loads(json.dumps(ev.to_dict()))
    assert {"origin", "subset", "log_gain", "lo", "hi"} <= set(d["theory_test"]["rows"][0])
    elpd = d["theory_test"]["elpd"]
    assert [e["origin"] for e in elpd] == [1996, 2000]
    assert all(np.isfinite(e["elpd_diff"]) and e["se"] > 0 for e in elpd)


def test_a_model_equal_to_its_reference_gains_exactly_nothing(inp):
    ev = evaluate(inputs=inp, forecasters=[FakeTransitionModel(False, "model", with_idata=False),
                                           FakeTransitionModel(False, "nested", with_idata=False)],
                  origins=[2000], seed=0, runs=1)
    assert (ev.theory.log_gain == 0).all() and (ev.theory.lo == 0).all() and (ev.theory.hi == 0).all()
    assert any("ELPD-LOO not computed" in n for n in ev.notes) and ev.elpd == []


def test_the_bootstrap_interval_is_seeded(inp):
    ev = evaluate(inputs=inp, forecasters=[FakeTransitionModel(True, "model", with_idata=False),
                                           FakeTransitionModel(False, "nested", with_idata=False)],
                  origins=[1996, 2000], seed=0, runs=1)
    a = theory_test(ev.forecasts, seed=11)
    pd.testing.assert_frame_equal(a, theory_test(ev.forecasts, seed=11))
    b = theory_test(ev.forecasts, seed=12)
    assert (a.log_gain == b.log_gain).all() and not np.allclose(a[["lo", "hi"]], b[["lo", "hi"]])


def test_bootstrap_interval_by_hand():
    sums, counts = np.array([2.0, -1.0, 0.5]), np.array([4.0, 2.0, 1.0])
    est, lo, hi = bootstrap_interval(sums, counts, np.random.default_rng(0), replicates=4000, level=0.9)
    assert est == pytest.approx(1.5 / 7)
    # every resample's ratio lies between the most extreme clusters' own means
    assert -0.5 <= lo < est < hi <= 0.5


def test_elpd_difference_by_hand():
    az = pytest.importorskip("arviz")
    a = np.log(np.array([0.9, 0.8, 0.5, 0.7]))
    b = np.log(np.array([0.8, 0.8, 0.6, 0.5]))
    one = lambda x: az.from_dict(posterior={"w": np.zeros((2, 20))},   # noqa: E731
                                 log_likelihood={"transitions": np.broadcast_to(x, (2, 20, len(x))).copy()})
    r = elpd_difference(one(a), one(b))
    d = a - b
    assert r["elpd_diff"] == pytest.approx(d.sum()) and r["se"] == pytest.approx(np.sqrt(4 * d.var(ddof=1)))
    with pytest.raises(ValueError, match="different observations"):
        elpd_difference(one(a), one(b[:3]))


def test_the_cli_says_when_the_installed_model_has_no_nested_reference(monkeypatch):
    from multivector.cli import app
    from multivector.evaluate import registry

    monkeypatch.setattr(registry, "nested_available", lambda: False)
    res = CliRunner().invoke(app, ["evaluate", "--forecasters", "nested,persistence", "--origins", "2008"])
    assert res.exit_code != 0 and "no nested reference" in res.output
    assert "nested" not in registry.available_forecasters()


def test_named_model_and_nested_reference_run_the_theory_test_from_the_cli(monkeypatch):
    """With an engagement model that offers `theory=False` and `idata`, `evaluate` by name runs the theory test,
    and the command line prints it within 80 columns and carries it in JSON."""
    pytest.importorskip("arviz")
    from multivector.cli import app
    from multivector.evaluate import registry

    monkeypatch.setattr(registry, "EngagementModel", FakeTransitionModel)
    assert registry.nested_available() and {"model", "nested"} <= set(registry.available_forecasters())
    args = ["evaluate", "--origins", "2012", "--forecasters", "model,nested,persistence"]
    res = CliRunner().invoke(app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    th = json.loads(res.stdout)["theory_test"]
    assert {(r["origin"], r["subset"]) for r in th["rows"]} == {
        (o, s) for o in (2012, "pooled") for s in ("all", "existing", "first_choice")}
    assert th["elpd"][0]["origin"] == 2012 and th["elpd"][0]["n"] > 1000 and th["notes"] == []
    res = CliRunner().invoke(app, [*args, "--subset", "existing"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "Theory test" in res.stdout and "In-sample PSIS-LOO" in res.stdout
    assert max(len(line) for line in res.stdout.splitlines()) <= 80


def test_the_report_shows_the_theory_test(inp):
    from multivector.report.build import evaluation_html

    ev = evaluate(inputs=inp, forecasters=[FakeTransitionModel(True, "model", with_idata=False),
                                           FakeTransitionModel(False, "nested", with_idata=False)],
                  origins=[2000], seed=0, runs=1)
    html = evaluation_html(json.loads(json.dumps(ev.to_dict())))
    assert '<table class="scores theory">' in html and "pooled" in html and "first_choice" in html
    assert ">nan<" not in html
