"""The light commands start light: `--help`, `kb members` and `kb show` import neither pandas, DuckDB, Plotly nor
NumPy, and `kb members`/`kb show` answer from the snapshot exactly what `CaseBase` answers (their CPU time is
shown by benchmarks/bench_startup.py, not timed here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from multivector.io_utils import plain, records
from multivector.kb import CaseBase, quick

HEAVY = ("pandas", "duckdb", "plotly", "numpy", "pyarrow", "scipy", "pydantic")
PROBE = """
import sys
sys.argv = ["multivector", *sys.argv[1:]]
from multivector.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
sys.stderr.write("\\nLOADED " + " ".join(m for m in {heavy!r} if m in sys.modules) + "\\n")
sys.exit(code)
"""


def _loaded(*args: str) -> tuple[list[str], str]:
    env = dict(os.environ, COLUMNS="80", MULTIVECTOR_NO_PAGER="1")
    out = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    line = [ln for ln in out.stderr.splitlines() if ln.startswith("LOADED")][-1]
    return line.split()[1:], out.stdout


def test_help_does_not_import_pandas():
    loaded, out = _loaded("--help")
    assert loaded == [] and "negotiate" in out and "kb" in out


@pytest.mark.parametrize("args", [("kb", "members", "CSTO", "--year", "2010"),
                                  ("kb", "show", "cl_bal_aware_of_org_limits"),
                                  ("kb", "show", "EAEU", "--format", "json")])
def test_light_commands_import_nothing_heavy_once_the_snapshot_exists(args):
    _loaded("kb", "members", "CSTO", "--year", "2010")   # the first run compiles the case and writes the snapshot
    loaded, out = _loaded(*args)
    assert loaded == [] and out.strip()


@pytest.fixture(scope="module")
def both():
    kb = CaseBase.load()
    return kb, quick.load()


def test_members_from_the_snapshot_are_casebase_members_for_every_org_and_year(both):
    kb, qb = both
    for org in kb.org_ids():
        for year in range(1990, 2027, 3):
            assert qb.members(org, year) == records(kb.members(org, year)), (org, year)
            assert qb.org_exists(org, year) == kb.org_exists(org, year)


def test_find_from_the_snapshot_is_casebase_find_for_every_id(both):
    kb, qb = both
    assert sorted(qb.all_ids()) == sorted(kb.all_ids())
    for fact_id in kb.all_ids():
        kind, row = kb.find(fact_id)
        assert qb.find(fact_id) == (kind, {k: plain(v) for k, v in row.items()}), fact_id
    assert qb.find("no_such_id") is None


def test_a_changed_case_makes_the_snapshot_stale(mini_case, edit):
    first = quick.load(mini_case)
    edit(mini_case, "memberships.csv", "UZB,CSTO,member", "UZB,CSTO,observer")
    second = quick.load(mini_case)
    assert second.data["content_hash"] != first.data["content_hash"]
    assert json.dumps(second.data["memberships"]) != json.dumps(first.data["memberships"])
