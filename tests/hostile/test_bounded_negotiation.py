"""Issue 25 item 1 on the command line and in the library: every model declares the largest problem it
forecasts in about 10 s on one core (negotiation/limits.py, measured by benchmarks/bench_negotiation_limits.py),
and a larger one is refused before any work, naming the limit and the models that take it."""

from __future__ import annotations

import time

import numpy as np
import pytest
from typer.testing import CliRunner

from multivector.cli import app
from multivector.negotiation import MODEL_NAMES, NegotiationProblem, get_model
from multivector.negotiation.limits import (
    LIMITS,
    LINEAR_CAP,
    ProblemTooLarge,
    check_draws,
    check_size,
    takers,
)


def bdm_file(path, n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    rows = [f"a{i},{rng.uniform(1, 10):.3f},{rng.uniform(0, 100):.2f},{rng.uniform(20, 100):.1f}" for i in range(n)]
    path.write_text("actor,capability,position,salience\n" + "\n".join(rows) + "\n")
    return path


def test_every_model_declares_a_limit():
    from multivector.negotiation.models import MODELS

    assert set(MODEL_NAMES) <= set(LIMITS)
    for name in MODEL_NAMES:
        assert MODELS[name].limit == LIMITS[name]
    assert LIMITS["bdm"].max_actors < 2000 and LIMITS["smp"].max_actors < 2000   # the schema's 2,000 is too many


def test_limit_grows_with_dimensions():
    lim = LIMITS["bdm"]
    assert lim.takes(lim.max_actors, 1) and not lim.takes(lim.max_actors + 1, 1)
    assert lim.most_actors(4) < lim.max_actors and lim.takes(lim.most_actors(4), 4)
    assert not lim.takes(lim.most_actors(4) + 2, 4)


def test_check_size_names_the_limit_and_what_takes_it():
    with pytest.raises(ProblemTooLarge) as exc:
        check_size(2000, "bdm")
    line = str(exc.value)
    assert f"limit of {LIMITS['bdm'].max_actors:,} actors" in line and "compromise" in line and " — " in line
    assert "bdm" not in takers(2000) and "compromise" in takers(2000)
    with pytest.raises(ProblemTooLarge, match=f"at most {LINEAR_CAP:,}"):
        check_size(LINEAR_CAP + 1, "compromise")


def test_model_refuses_before_any_work(monkeypatch):
    """The library's predict refuses over the limit without running a round."""
    from multivector.negotiation import bdm

    monkeypatch.setattr(bdm, "run_bdm", lambda *a, **k: (_ for _ in ()).throw(AssertionError("work started")))
    n = LIMITS["bdm"].max_actors + 1
    p = NegotiationProblem(actors=tuple(f"a{i}" for i in range(n)), capability=np.ones(n),
                           position=np.linspace(0, 100, n)[:, None], salience=np.full((n, 1), 50.0))
    with pytest.raises(ProblemTooLarge):
        get_model("bdm").predict(p)


def test_negotiate_refuses_a_2000_actor_bdm_file_at_once(tmp_path):
    """The issue's case: `negotiate` on a 2,000-actor BDM file ran past 300 s; now one line, exit 1, at once."""
    f = bdm_file(tmp_path / "big.csv", 2000)
    t0 = time.process_time()
    r = CliRunner().invoke(app, ["negotiate", str(f), "--model", "bdm"])
    assert r.exit_code == 1, r.output
    assert "beyond its limit" in r.output and "compromise" in r.output and "Traceback" not in r.output
    assert time.process_time() - t0 < 10   # reading 2,000 rows, no forecast


def test_negotiate_refuses_draws_that_would_take_too_long(tmp_path):
    n = LIMITS["bdm"].max_actors
    with pytest.raises(ProblemTooLarge, match="--draws"):
        check_draws("bdm", n, 1, 200)
    check_draws("bdm", n, 1, 0)   # the forecast alone fits
    f = bdm_file(tmp_path / "at_limit.csv", n)
    r = CliRunner().invoke(app, ["negotiate", str(f), "--model", "bdm"])
    assert r.exit_code == 1 and "--draws" in r.output, r.output


def test_negotiate_compromise_takes_the_large_file(tmp_path):
    f = bdm_file(tmp_path / "big.csv", 2000)
    r = CliRunner().invoke(app, ["negotiate", str(f), "--model", "compromise", "--draws", "20", "--format", "json"])
    assert r.exit_code == 0, r.output
