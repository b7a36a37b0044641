"""Numbers that make no sense and requests that ask for too much (issue 15's measured cases, by name)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from multivector.cli import app
from multivector.cow.reader import read_cow
from multivector.kb import check_case
from multivector.model.parameters import Parameters
from multivector.negotiation import NegotiationProblem
from multivector.negotiation.problem import MAX_ACTORS, check_size
from multivector.textfiles import TextFileError

FIXTURES = Path(__file__).parents[1] / "fixtures"
COW = Path(__file__).resolve().parents[3] / "shared" / "data" / "cow_igo_v3_state_year_excerpt.csv"


def test_backtest_runs_zero_and_negative_are_usage_errors():
    for runs in ("0", "-3"):
        r = CliRunner().invoke(app, ["backtest", "--runs", runs])
        assert r.exit_code != 0 and "Traceback" not in r.output


def test_indicator_nan_fails_validation(tmp_path):
    import shutil

    case = tmp_path / "case"
    shutil.copytree(FIXTURES / "mini_case", case)
    ind = sorted((case / "indicators").glob("*.yaml"))[0]
    text = ind.read_text()
    import re

    ind.write_text(re.sub(r"value: [-0-9.]+", "value: .nan", text, count=1))
    _, problems = check_case(case)
    assert any("value" in str(p) for p in problems)


def test_huge_positions_are_refused():
    with pytest.raises(ValueError, match="rescale"):
        NegotiationProblem(name="p", actors=("a", "b"), capability=[1, 1], position=[[1e308], [-1e308]],
                           salience=[[50], [50]])


def test_many_actors_are_refused_before_any_work():
    with pytest.raises(ValueError, match="beyond its limit"):
        check_size(MAX_ACTORS * 5, "bdm")


def test_bdm_on_300_actors_stays_small():
    import tracemalloc

    from multivector.negotiation.bdm import win_probability

    rng = np.random.default_rng(1)
    x, w = rng.uniform(0, 100, 300), rng.uniform(0, 1, 300)
    tracemalloc.start()
    p = win_probability(x, w, 100.0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert np.all(np.isfinite(p)) and peak < 200 * 2**20   # an actors³ array would be 216 MB


@pytest.mark.shared("data", "cow_igo_v3_state_year_excerpt.csv")
@pytest.mark.parametrize("edit, message", [
    (lambda row: "," + row.split(",", 1)[1], "empty `ccode`"),
    (lambda row: ",".join([*row.split(",")[:2], "2000000000", *row.split(",")[3:]]), "outside 1816"),
])
def test_cow_rows_that_make_no_sense(tmp_path, edit, message):
    lines = COW.read_text().splitlines()
    path = tmp_path / "cow.csv"
    path.write_text("\n".join([lines[0], edit(lines[1]), *lines[2:20]]) + "\n")
    with pytest.raises(ValueError, match=message):
        read_cow(path)


def test_cow_folder_and_binary(tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        read_cow(tmp_path)
    path = tmp_path / "x.csv"
    path.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(ValueError):
        read_cow(path)


FUZZ = settings(max_examples=int(os.environ.get("MULTIVECTOR_FUZZ_EXAMPLES", "40")), deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.one_of(st.binary(max_size=200),
                      st.dictionaries(st.text(max_size=20), st.one_of(st.floats(), st.integers(), st.text(max_size=5),
                                                                      st.none()), max_size=5).map(
                          lambda d: __import__("json").dumps(d).encode())))
def test_fuzz_weights_reader(tmp_path, data):
    path = tmp_path / "w.json"
    path.write_bytes(data)
    try:
        p = Parameters.from_json(path)
    except TextFileError:
        event("clean error")
        return
    event("valid")
    assert all(math.isfinite(v) and v >= 0 for v in p.as_dict().values())


@FUZZ
@given(data=st.one_of(st.binary(max_size=300),
                      st.text(alphabet=st.sampled_from(list("ccode,stateyar0123456789-\n\r")), max_size=300)
                      .map(str.encode)))
def test_fuzz_cow_reader(tmp_path, data):
    path = tmp_path / "cow.csv"
    path.write_bytes(data)
    try:
        read_cow(path)
        event("valid")
    except ValueError as exc:
        assert "Traceback" not in str(exc)
        event("clean error")
