"""Hostile and broken input: every reader answers with the project's one-line error, never a traceback.

The exact cases are the ones found by trying bad input on the command line
(issue 14); the Hypothesis tests fuzz the scenario, case-file and negotiation
readers with random bytes, random YAML and mutations of valid files. A failure
is any exception other than the project's input error (how fast bad input is
refused is shown by benchmarks/bench_hostile_inputs.py, not asserted here).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from multivector.kb import CaseError, check_case
from multivector.model.parameters import Parameters
from multivector.model.scenario import load_scenario, parse_scenario
from multivector.negotiation.io import (
    NegotiationFileError,
    read_bdm_csv,
    read_deu_tsv,
    read_ktab_csv,
)
from multivector.textfiles import TextFileError

FIXTURES = Path(__file__).parents[1] / "fixtures"
SCENARIO = """name: probe
start: 2020
end: 2025
runs: 10
seed: 1
drivers:
  - {actor: RUS, driver: revisionism, from: 2022, set: 0.9}
parameters:
  balance_weight: 1.5
"""
STATES = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
ORGS = {"CSTO", "EAEU", "SCO"}
BINARY = bytes(range(256)) * 8   # holds NUL and bytes that are not UTF-8

BOMB = """name: bomb
parameters:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "Traceback" not in text
    return text


# ------------------------------------------------------------------ exact cases
def test_alias_bomb_is_refused_at_once():
    """Refused when the first alias is composed, before any expansion (benchmarks/bench_hostile_inputs.py times it)."""
    with pytest.raises(CaseError) as err:
        parse_scenario(BOMB, "bomb.yaml", STATES, ORGS)
    assert "alias *a is not allowed" in _one_line(err.value)
    assert "bomb.yaml:4:" in str(err.value)


@pytest.mark.parametrize("key", ["1", "true", "? [a, b]"])
def test_keys_that_are_not_names_are_refused(key):
    text = SCENARIO + (f"{key}\n" if key.startswith("?") else f"{key}: x\n")
    with pytest.raises(CaseError, match="must be a plain name"):
        parse_scenario(text, "s.yaml", STATES, ORGS)


@pytest.mark.parametrize("edit, message", [
    ("drivers: 5", "`drivers` must be a list"),
    ("drivers:\n  - {actor: KAZ, driver: threat_level, org: [EAEU], set: 0.5}", "must be one organization id"),
    ("parameters: {security_weight: .nan}", "must be a finite number"),
    ("parameters: {security_weight: .inf}", "must be a finite number"),
    ("parameters: {sovereignty_weight: -1000}", "cannot be negative"),
    ("parameters: {balance_weight: {dist: lognormal, median: -1, sigma: 0.2}}", "median` must be positive"),
    ("parameters: {balance_weight: {dist: lognormal, median: 1, sigma: .nan}}", "finite numbers"),
    ("runs: 1000000000", "at most 100,000"),
])
def test_scenario_nonsense_is_refused(edit, message):
    base = SCENARIO.split("drivers:")[0] if edit.startswith("drivers") else SCENARIO.split("parameters:")[0]
    with pytest.raises(CaseError, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse_scenario(base + edit + "\n", "s.yaml", STATES, ORGS)


def test_binary_scenario_and_folder(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_bytes(BINARY)
    with pytest.raises(CaseError, match="NUL byte"):
        load_scenario(path, STATES, ORGS)
    with pytest.raises(CaseError, match="is a folder"):
        load_scenario(tmp_path, STATES, ORGS)


@pytest.mark.parametrize("reader", [read_bdm_csv, read_ktab_csv, read_deu_tsv])
def test_binary_negotiation_files(tmp_path, reader):
    path = tmp_path / "input.csv"
    path.write_bytes(BINARY)
    with pytest.raises(NegotiationFileError, match="binary file"):
        reader(path)


def test_cr_only_line_ends_in_a_bdm_file(tmp_path):
    path = tmp_path / "bdm.csv"
    path.write_bytes(b"actor,capability,position,salience\rA,1,0,1\rB,1,100,1\r")
    problem = read_bdm_csv(path)
    assert problem.actors == ("A", "B")


@pytest.mark.parametrize("weights, message", [
    ("[1, 2]", "JSON object"), ('{"security_weight": NaN}', "finite number"), ("{", "not valid JSON"),
    ('{"balance_weight": -1}', "cannot be negative"), ('{"nonsense": 1}', "unknown parameter"),
])
def test_weights_files(tmp_path, weights, message):
    path = tmp_path / "w.json"
    path.write_text(weights)
    with pytest.raises(TextFileError, match=message):
        Parameters.from_json(path)
    with pytest.raises(TextFileError, match="is a folder"):
        Parameters.from_json(tmp_path)


@pytest.fixture
def model_case(tmp_path) -> Path:
    dest = tmp_path / "case"
    shutil.copytree(FIXTURES / "model_case", dest)
    return dest


@pytest.mark.parametrize("mutate, message", [
    (lambda t: t.replace("\n", "\n# \xe9t\xe9\n", 1).encode("latin-1"), "not UTF-8"),
    (lambda t: (t[:40] + "\0" + t[40:]).encode(), "NUL byte"),
])
def test_case_file_bytes(model_case, mutate, message):
    path = model_case / "actors.yaml"
    path.write_bytes(mutate(path.read_text()))
    _, problems = check_case(model_case)
    assert any(message in str(p) and p.file == "actors.yaml" for p in problems)


def test_year_zero_date(model_case):
    events = sorted((model_case / "events").glob("*.yaml"))[0]
    text = events.read_text()
    import re

    text = re.sub(r"date: ['\"]?\d{4}", "date: 0000", text, count=1)
    events.write_text(text)
    _, problems = check_case(model_case)
    assert problems, "a year-0 date must be reported"


def test_broken_model_yaml_is_a_case_error(model_case):
    from multivector import CaseBase
    from multivector.model import load_inputs

    (model_case / "model.yaml").write_text("years: {start: [1991\n")
    with pytest.raises(CaseError, match="model.yaml"):
        load_inputs(CaseBase.load(model_case, cache=False))


# ------------------------------------------------------------------ fuzzing
#: examples per fuzz test: a fixed budget in CI; MULTIVECTOR_FUZZ_EXAMPLES=2000 for a longer run on demand
EXAMPLES = int(os.environ.get("MULTIVECTOR_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture])
BDM_TEXT = "actor,capability,position,salience\nA,1,0,50\nB,2,100,80\nC,1,40,20\n"
KTAB_TEXT = ("Toy,Three actors,3,1,\nActor,Description,Power,Pstn1,Sal1,\nA,First,100,0,50,\nB,Second,50,100,50,\n"
             "C,Third,50,50,100,\n")


def _mutations(valid_text: str = SCENARIO):
    valid = valid_text.encode()
    cut = st.integers(0, len(valid)).map(lambda i: valid[:i])                       # truncations
    flip = st.tuples(st.integers(0, len(valid) - 1), st.binary(min_size=1, max_size=4)).map(
        lambda t: valid[:t[0]] + t[1] + valid[t[0] + 1:])                           # byte replacements
    return st.one_of(st.binary(max_size=400), cut, flip,
                     st.text(alphabet=st.characters(codec="utf-8"), max_size=200).map(str.encode))


@FUZZ
@given(data=_mutations())
def test_fuzz_scenario_reader(tmp_path, data):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    try:
        load_scenario(path, STATES, ORGS)
        event("valid")
    except CaseError as exc:
        _one_line(exc)
        event("clean error")


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)


@FUZZ
@given(doc=st.dictionaries(st.sampled_from(["name", "start", "end", "runs", "seed", "drivers", "parameters", "x"]),
                           yaml_values, max_size=6))
def test_fuzz_scenario_structure(doc):
    import yaml

    try:
        parse_scenario(yaml.safe_dump(doc), "fuzz.yaml", STATES, ORGS)
        event("valid")
    except CaseError as exc:
        _one_line(exc)
        event("clean error")


@FUZZ
@given(data=st.one_of(st.binary(max_size=300),
                      st.text(alphabet=st.sampled_from(list("actor,capbilitysne0123456789.-\n\r\t\"")),
                              max_size=300).map(str.encode),
                      _mutations(BDM_TEXT), _mutations(KTAB_TEXT)))
def test_fuzz_negotiation_readers(tmp_path, data):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    for reader in (read_bdm_csv, read_ktab_csv, read_deu_tsv):
        try:
            reader(path)
            event(f"{reader.__name__}: valid")
        except NegotiationFileError as exc:
            _one_line(exc)
            event(f"{reader.__name__}: clean error")


@settings(max_examples=25, deadline=10000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_mutations())
def test_fuzz_case_file(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzzcase") / "case"
    shutil.copytree(FIXTURES / "mini_case", folder)
    (folder / "actors.yaml").write_bytes(data)
    _, problems = check_case(folder)   # problems are listed; nothing is raised
    assert all(p.file for p in problems)
    event("clean error" if problems else "valid")


# ------------------------------------------------------------------ the command line
def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-c", "from multivector.cli import main; main()", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def test_cli_alone_prints_help_and_succeeds():
    r = _cli()
    assert r.returncode == 0 and "Usage" in r.stdout


def test_cli_binary_scenario_is_one_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(BINARY)
    r = _cli("simulate", str(path))
    assert r.returncode != 0
    assert "Traceback" not in r.stderr and "NUL byte" in r.stderr


def test_cli_binary_negotiation_file_is_one_line(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(BINARY)
    r = _cli("negotiate", str(path))
    assert r.returncode != 0
    assert "Traceback" not in r.stderr and "binary file" in r.stderr


@pytest.mark.parametrize("args, message", [
    (["kb", "members"], "Missing argument"), (["simulate", "--bogus", "x"], "No such option"),
    (["backtest", "--runs", "0"], "Invalid value for '--runs'"),
])
def test_cli_usage_errors_are_one_line_and_exit_1(args, message):
    r = _cli(*args)
    assert r.returncode == 1 and message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_cli_group_alone_prints_its_help():
    r = _cli("kb")
    assert r.returncode == 0 and "validate" in r.stdout


def test_cli_runs_beyond_the_limit_are_refused_before_any_work():
    r = _cli("simulate", "scenarios/baseline.yaml", "--runs", "1000000000", cwd=Path(__file__).parents[2])
    assert r.returncode == 1 and "give 1 to 100,000" in r.stderr
