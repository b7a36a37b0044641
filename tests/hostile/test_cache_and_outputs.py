"""The cache and the output folders under damage, interruption and sharing.

A damaged, unwritable or replaced cache is detected and the case is read from
its files (the cache is never the only copy); many processes on one cache all
succeed and agree; an output set killed mid-write leaves the old set or the
new one, never a mix.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from multivector import CaseBase
from multivector.io_utils import OutputFolderError, OutputSet, recover
from multivector.kb.store import CacheWarning

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture
def case(tmp_path) -> Path:
    dest = tmp_path / "central_asia"
    shutil.copytree(FIXTURES / "mini_case", dest)
    return dest


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("MULTIVECTOR_CACHE_DIR", str(d))
    return d


def _actors(kb: CaseBase) -> list[str]:
    return kb.actor_ids()


def test_corrupted_cache_is_rebuilt(case, cache):
    expected = _actors(CaseBase.load(case))
    (db,) = cache.glob("*.duckdb")
    data = bytearray(db.read_bytes())
    for i in range(len(data) // 3, len(data) // 3 + 4096):   # one damaged block in the middle
        data[i] ^= 0xFF
    db.write_bytes(bytes(data))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        kb = CaseBase.load(case)
    assert _actors(kb) == expected
    assert any(issubclass(w.category, CacheWarning) for w in seen)


def test_truncated_cache_is_rebuilt(case, cache):
    expected = _actors(CaseBase.load(case))
    (db,) = cache.glob("*.duckdb")
    db.write_bytes(db.read_bytes()[:5000])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CacheWarning)
        assert _actors(CaseBase.load(case)) == expected


def test_unwritable_cache_reads_the_files(case, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")   # a file where the cache folder should be: nothing can be written under it
    monkeypatch.setenv("MULTIVECTOR_CACHE_DIR", str(blocker / "cache"))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        kb = CaseBase.load(case)
    assert _actors(kb) and any(issubclass(w.category, CacheWarning) for w in seen)


def test_two_folders_with_one_name_do_not_share(tmp_path, cache):
    a, b = tmp_path / "a" / "central_asia", tmp_path / "b" / "central_asia"
    shutil.copytree(FIXTURES / "mini_case", a)
    shutil.copytree(FIXTURES / "mini_case", b)
    CaseBase.load(a)
    CaseBase.load(b)
    assert len(list(cache.glob("central_asia-*.duckdb"))) == 2


READER = """
import sys, warnings
warnings.simplefilter("ignore")
from multivector import CaseBase
for _ in range(int(sys.argv[2])):
    kb = CaseBase.load(sys.argv[1])
    print(len(kb.actor_ids()), flush=True)
    kb.close()
"""


def test_many_processes_on_a_cold_cache_while_a_file_changes(case, cache):
    procs = [subprocess.Popen([sys.executable, "-c", READER, str(case), "6"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(8)]
    sources = case / "sources.yaml"
    text = sources.read_text()
    for i in range(40):   # edit a case file's content every 20 ms while they read
        sources.write_text(text + f"\n# edit {i}\n")
        time.sleep(0.02)
    results = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err
        assert set(out.split()) == {out.split()[0]}   # every read saw the same actors
    assert len({out.split()[0] for out, _ in results}) == 1


# ------------------------------------------------------------------ output sets
WRITER = """
import sys, time
from multivector.io_utils import OutputSet
target, seed = sys.argv[1], sys.argv[2]
with OutputSet(target) as s:
    for name in ("runs.parquet", "engagement.csv", "indices.csv", "summary.json"):
        (s.path / name).write_text(seed * 20000)
        time.sleep(0.01)
"""


def _check_whole(target: Path) -> str | None:
    recover(target)   # what the next run does first
    if not target.exists():
        return None
    seeds = {(target / n).read_text()[:1] for n in ("runs.parquet", "engagement.csv", "indices.csv", "summary.json")}
    assert len(seeds) == 1, f"a mixed output set: {seeds}"
    assert not list(target.parent.glob(f".{target.name}.*"))
    return seeds.pop()


def test_output_set_killed_at_many_points(tmp_path):
    target = tmp_path / "out"
    subprocess.run([sys.executable, "-c", WRITER, str(target), "1"], check=True)
    for k, delay in enumerate([0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.45, 0.6]):
        p = subprocess.Popen([sys.executable, "-c", WRITER, str(target), str(2 + k % 7)])
        time.sleep(delay)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        assert _check_whole(target) in {str(s) for s in range(1, 9)}


def test_output_set_refuses_a_file_and_an_unwritable_place(tmp_path):
    f = tmp_path / "file"
    f.write_text("")
    with pytest.raises(OutputFolderError, match="is a file"):
        OutputSet(f)
    with pytest.raises(OutputFolderError, match="cannot write"):
        OutputSet(f / "sub" / "out")


def test_simulate_out_is_checked_before_the_work(tmp_path, monkeypatch):
    """A bad --out fails before the simulation starts (benchmarks/bench_hostile_inputs.py times the command)."""
    from typer.testing import CliRunner

    import multivector.model.compare  # noqa: F401  (bound to the real `project` before it is patched)
    import multivector.model.projection as projection_module
    from multivector.cli import app

    def never(*args, **kwargs):
        raise AssertionError("the simulation ran before --out was checked")

    monkeypatch.setattr(projection_module, "project", never)
    f = tmp_path / "file"
    f.write_text("")
    scenario = Path(__file__).parents[2] / "scenarios" / "baseline.yaml"
    r = CliRunner().invoke(app, ["simulate", str(scenario), "--runs", "5000", "--out", str(f)])
    assert r.exit_code == 1 and "is a file" in r.output and r.exception is not None
    assert not isinstance(r.exception, AssertionError)


def test_simulate_summary_names_seed_and_version(tmp_path):
    from typer.testing import CliRunner

    from multivector.cli import app

    sc = tmp_path / "s.yaml"
    sc.write_text("name: tiny\nstart: 2020\nend: 2022\nruns: 5\nseed: 3\n")
    r = CliRunner().invoke(app, ["simulate", str(sc), "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["seed"] == 3 and summary["version"]
