"""Execution: the same results whatever the executor and the number of workers; resume after a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from multivector.sweep import SweepError, open_executor, run_sweep
from multivector.sweep.manifest import Manifest

from .conftest import TINY

#: long enough per chunk (about half a second) for a kill to land mid-sweep
SLOW = (TINY.replace("end: 2028", "end: 2035").replace("runs: 12", "runs: 150").replace("chunk: 4", "chunk: 2")
        .replace("{{method: sobol, n: 4}}", "{{method: lhs, n: 24}}"))


def run(spec, folder, **kw):
    resume = kw.pop("resume", False)
    with open_executor(**kw) as (ex, _info):
        return run_sweep(spec, folder, ex, resume=resume)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, case_inputs):
    from multivector.sweep import parse_spec

    from .conftest import ROOT

    inp = case_inputs
    text = TINY.format(base=ROOT / "scenarios" / "baseline.yaml")
    path = tmp_path_factory.mktemp("spec") / "spec.yaml"
    path.write_text(text)
    return parse_spec(text, str(path), inp.states, {o for o in inp.era_org.ravel() if o}, inp.lines)


@pytest.fixture(scope="module")
def reference(tiny, tmp_path_factory):
    return run(tiny, tmp_path_factory.mktemp("ref") / "out", workers=1)


def test_inline_run_writes_parts_manifest_and_results(reference, tiny):
    r = reference
    folder = r.folder
    assert r.manifest.complete and r.manifest.n_points == 20 and r.manifest.n_chunks == 5
    assert sorted(p.name for p in (folder / "parts").iterdir()) == [f"chunk-{k:06d}.parquet" for k in range(5)]
    assert not list((folder / "parts").glob(".*"))          # no temporary file left behind
    res = r.results
    assert list(res.point) == list(range(20)) and (res.seed == tiny.seed).all()
    assert res.point_seed.nunique() == 1      # common random numbers: every point draws the same
    assert res["P_member(UZB, EAEU, 2028)"].between(0, 1).all()
    assert res["n_members(CSTO, 2028)"].between(0, 5).all()
    assert res["mean_balance(KAZ, 2026, 2028)"].between(0, 100).all()
    part = pd.read_parquet(folder / "parts" / "chunk-000002.parquet")
    assert list(part.point) == [8, 9, 10, 11] and set(part.chunk) == {2}
    assert {"rus_revisionism", "uzb_remit", "balance_weight", "seed", "point_seed"} <= set(part.columns)
    m = json.loads((folder / "manifest.json").read_text())
    assert m["spec_digest"] == tiny.digest() and m["chunks_done"] == 5 and m["complete"]
    lines = (folder / "chunks.jsonl").read_text().splitlines()
    assert sorted(json.loads(x)["chunk"] for x in lines) == list(range(5))


def test_a_journal_line_cut_by_a_kill_is_ignored(reference, tmp_path):
    import shutil

    folder = tmp_path / "out"
    shutil.copytree(reference.folder, folder)
    with open(folder / "chunks.jsonl", "a") as fh:
        fh.write('{"chunk": 7, "file": "parts/chunk-0000')
    assert sorted(Manifest.load(folder).chunks) == list(range(5))


def test_factors_move_the_outcomes(reference):
    res = reference.results
    assert res["P_member(UZB, EAEU, 2028)"].std() > 0 and res["mean_balance(KAZ, 2026, 2028)"].std() > 0


def test_two_local_workers_give_the_same_results(reference, tiny, tmp_path):
    r = run(tiny, tmp_path / "out", workers=2)
    pd.testing.assert_frame_equal(r.results, reference.results)


def test_dask_local_cluster_gives_the_same_results(reference, tiny, tmp_path):
    pytest.importorskip("distributed")
    r = run(tiny, tmp_path / "out", dask_local=2)
    pd.testing.assert_frame_equal(r.results, reference.results)
    workers = {c["worker"] for c in r.manifest.chunks.values()}
    assert len(workers) >= 1


def test_an_existing_dask_scheduler_gives_the_same_results(reference, tiny, tmp_path):
    """--scheduler tcp://HOST:PORT: a cluster started elsewhere (here a LocalCluster on this machine)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=40) as cluster:
        r = run(tiny, tmp_path / "out", scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(r.results, reference.results)
    with pytest.raises(SweepError, match="cannot reach the Dask scheduler"):
        with open_executor(scheduler="tcp://127.0.0.1:9", connect_timeout=2):
            pass


def test_existing_folder_needs_resume_and_the_same_spec(reference, tiny, tiny_spec_file, load):
    with pytest.raises(SweepError, match="--resume"):
        run(tiny, reference.folder, workers=1)
    other = load(tiny_spec_file(TINY.replace("seed: 5", "seed: 6")))
    with pytest.raises(SweepError, match="another spec"):
        run(other, reference.folder, workers=1, resume=True)


def test_damaged_part_file_is_run_again(reference, tiny, tmp_path):
    import shutil

    folder = tmp_path / "out"
    shutil.copytree(reference.folder, folder)
    part = folder / "parts" / "chunk-000003.parquet"
    part.write_bytes(part.read_bytes()[:-10] + b"0123456789")
    (folder / "parts" / "chunk-000001.parquet").unlink()
    r = run(tiny, folder, workers=1, resume=True)
    assert sorted(r.ran) == [1, 3]
    pd.testing.assert_frame_equal(r.results, reference.results)


def test_prefix_shared_by_a_chunk_matches_a_full_run(tmp_path, case_inputs):
    """A sweep from 2018 with factors from 2022: the years 2018-2021 are simulated once for every point; the
    outcome at a point agrees with the projection of the same scenario (within Monte Carlo error)."""
    import numpy as np

    from multivector.kb import CaseBase
    from multivector.model.projection import project
    from multivector.model.scenario import parse_scenario
    from multivector.sweep import parse_spec

    from .conftest import ROOT

    inp = case_inputs
    orgs = {o for o in inp.era_org.ravel() if o}
    text = f"""name: prefix
base: {ROOT / 'scenarios' / 'russia-distracted.yaml'}
start: 2018
end: 2030
runs: 1500
seed: 2
chunk: 2
factors:
  - {{name: att, actor: RUS, driver: attention, from: 2022, set: [0.2, 0.8]}}
design: {{method: grid, levels: 2}}
outcomes: ["P_member(UZB, EAEU, 2030)", "mean_balance(KAZ, 2022, 2030)"]
"""
    spec = parse_spec(text, str(tmp_path / "s.yaml"), inp.states, orgs, inp.lines, record_until=inp.record_until)
    from multivector.sweep.points import split_year

    assert split_year(spec) == 2022 and spec.start == 2018 and spec.resolved.counterfactual
    res = run(spec, tmp_path / "out", workers=1).results
    kb = CaseBase.load()
    for k, value in enumerate((0.2, 0.8)):
        sc = parse_scenario(f"name: x\nstart: 2018\nend: 2030\nruns: 3000\nseed: 9\ndrivers:\n"
                            f"  - {{actor: RUS, driver: attention, from: 2022, set: {value}}}\n"
                            "  - {actor: RUS, driver: economic_offer, from: 2022, scale: 0.6}\n"
                            "parameters:\n  balance_weight: {dist: lognormal, median: 1.0, sigma: 0.1, relative: true}\n",
                            "x.yaml", inp.states, orgs)
        full = project(kb, sc)
        eng = full.engagement()
        p = eng[(eng.state == "UZB") & (eng.org == "EAEU") & (eng.year == 2030)].p_member.iloc[0]
        got = res["P_member(UZB, EAEU, 2030)"].iloc[k]
        assert abs(got - p) < 0.06, (value, got, p)
        kaz = inp.states.index("KAZ")
        t0 = list(full.result.years).index(2022)
        bal = float(np.nanmean(full.result.balance[:, t0:, kaz]))
        assert abs(res["mean_balance(KAZ, 2022, 2030)"].iloc[k] - bal) < 2.0, (value, bal)


def test_outcomes_before_the_first_change_are_the_same_at_every_point(tmp_path, case_inputs):
    """Anchored like scenarios: from the record's end, factors from 2028; outcomes of 2027 do not differ at all
    between points (common random numbers), those of 2029 do."""
    from multivector.sweep import parse_spec

    from .conftest import ROOT

    inp = case_inputs
    text = f"""name: anchored
base: {ROOT / 'scenarios' / 'baseline.yaml'}
end: 2029
runs: 60
seed: 3
chunk: 3
factors:
  - {{name: rev, actor: RUS, driver: revisionism, from: 2028, set: [0.0, 1.0]}}
  - {{name: sov, actor: UZB, driver: sovereignty_sensitivity, from: 2028, set: [0.0, 1.0]}}
design: {{method: lhs, n: 6}}
outcomes: ["P_member(UZB, EAEU, 2027)", "P_tie(UZB, CSTO, 2027)", "balance(UZB, 2027)",
           "P_member(UZB, EAEU, 2029)", "balance(UZB, 2029)"]
"""
    spec = parse_spec(text, str(tmp_path / "a.yaml"), inp.states, {o for o in inp.era_org.ravel() if o}, inp.lines,
                      record_until=inp.record_until)
    assert spec.start == inp.record_until + 1 and not spec.resolved.counterfactual
    res = run(spec, tmp_path / "out", workers=1).results
    for col in ("P_member(UZB, EAEU, 2027)", "P_tie(UZB, CSTO, 2027)", "balance(UZB, 2027)"):
        assert res[col].nunique() == 1, col        # exactly the same at every point: differences are zero
    assert res["P_member(UZB, EAEU, 2029)"].nunique() > 1 and res["balance(UZB, 2029)"].nunique() > 1


def _cli(*args) -> list[str]:
    return [sys.executable, "-c", "from multivector.cli import main; main()", *args]


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids = (task / "children").read_text().split()
        out += [int(k) for k in kids]
    return out


def _wait_for_chunks(folder: Path, proc, n: int = 1, timeout: float = 120) -> int:
    t0 = time.time()
    while time.time() - t0 < timeout:
        m = folder / "chunks.jsonl"
        if m.exists():
            done = len(m.read_text().splitlines())
            if done >= n:
                return done
        if proc.poll() is not None:
            raise AssertionError(f"the sweep ended before it was killed: {proc.communicate()}")
        time.sleep(0.05)
    raise AssertionError("no chunk finished in time")


@pytest.fixture(scope="module")
def slow(tmp_path_factory, case_inputs):
    from .conftest import ROOT

    d = tmp_path_factory.mktemp("slow")
    spec_path = d / "slow.yaml"
    spec_path.write_text(SLOW.format(base=ROOT / "scenarios" / "baseline.yaml"))
    from multivector.sweep import load_spec

    inp = case_inputs
    spec = load_spec(spec_path, inp.states, {o for o in inp.era_org.ravel() if o}, inp.lines)
    return spec_path, run(spec, d / "reference", workers=1)


def test_resume_after_a_worker_is_killed(slow, tmp_path):
    spec_path, ref = slow
    out = tmp_path / "out"
    proc = subprocess.Popen(_cli("sweep", str(spec_path), "--out", str(out), "--workers", "2"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_chunks(out, proc, 1)
    workers = [c for c in _children(proc.pid)
               if "resource_tracker" not in Path(f"/proc/{c}/cmdline").read_text()]
    assert workers, "no worker process found"
    os.kill(workers[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert "worker process died" in err and "--resume" in err
    man = Manifest.load(out)
    assert not man.complete and 1 <= len(man.chunks) < man.n_chunks
    done = subprocess.run(_cli("sweep", str(spec_path), "--out", str(out), "--workers", "2", "--resume"),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{man.n_chunks - len(man.chunks)} kept" not in done.stdout
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), ref.results)


def test_resume_after_the_whole_run_is_killed(slow, tmp_path):
    spec_path, ref = slow
    out = tmp_path / "out"
    proc = subprocess.Popen(_cli("sweep", str(spec_path), "--out", str(out), "--workers", "2"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    _wait_for_chunks(out, proc, 2)
    os.killpg(proc.pid, signal.SIGKILL)          # the driver and its workers, as a lost node would
    proc.communicate(timeout=60)
    kept = len(Manifest.load(out).chunks)
    assert kept < Manifest.load(out).n_chunks
    from multivector.sweep import load_spec

    r = None
    from .conftest import ROOT  # noqa: F401

    spec = load_spec(spec_path, *_vocab())
    r = run(spec, out, workers=1, resume=True)
    assert len(r.ran) == r.manifest.n_chunks - kept
    pd.testing.assert_frame_equal(r.results, ref.results)


def _vocab():
    from multivector import CaseBase
    from multivector.model.inputs import load_inputs

    inp = load_inputs(CaseBase.load())
    return inp.states, {o for o in inp.era_org.ravel() if o}, inp.lines


def test_ctrl_c_keeps_finished_chunks_and_resume_finishes(slow, tmp_path):
    spec_path, ref = slow
    out = tmp_path / "out"
    # a terminal's foreground job has Ctrl-C at its default; a pytest-xdist worker ignores SIGINT, and an ignored
    # signal stays ignored across exec (Python then installs no KeyboardInterrupt handler): the child restores it
    cmd = [sys.executable, "-c", "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
           "from multivector.cli import main; main()", "sweep", str(spec_path), "--out", str(out), "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    _wait_for_chunks(out, proc, 1)
    os.killpg(proc.pid, signal.SIGINT)           # Ctrl-C in a terminal reaches the whole group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted:" in err and "--resume" in err and "Traceback" not in err
    done = subprocess.run(_cli("sweep", str(spec_path), "--out", str(out), "--resume"),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), ref.results)


def test_a_failing_chunk_raises_its_own_error_and_keeps_the_others(tiny, tmp_path, monkeypatch):
    from multivector.sweep import points

    real = points.run_points

    def flaky(spec, chunk, pts, case=None):
        if chunk == 2:
            raise ValueError("chunk 2 broke")
        return real(spec, chunk, pts, case)

    monkeypatch.setattr(points, "run_points", flaky)
    with pytest.raises(ValueError, match="chunk 2 broke"):
        run(tiny, tmp_path / "out", workers=1)
    assert sorted(Manifest.load(tmp_path / "out").chunks) == [0, 1, 3, 4]   # the others are kept
    monkeypatch.setattr(points, "run_points", real)
    r = run(tiny, tmp_path / "out", workers=1, resume=True)
    assert r.ran == [2]


def test_resume_with_one_worker_keeps_every_finished_chunk(slow, tmp_path):
    """Issue 25 item 4: a SIGKILLed `sweep --workers 1` keeps every chunk it finished (each is recorded as it
    finishes, not after all are submitted); the resume runs only the others."""
    spec_path, ref = slow
    out = tmp_path / "out"
    proc = subprocess.Popen(_cli("sweep", str(spec_path), "--out", str(out), "--workers", "1"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for_chunks(out, proc, 2)
    proc.kill()
    proc.communicate(timeout=60)
    man = Manifest.load(out)
    kept = len(man.verified())
    assert 2 <= kept < man.n_chunks
    spec = __import__("multivector.sweep", fromlist=["load_spec"]).load_spec(spec_path, *_vocab())
    r = run(spec, out, workers=1, resume=True)
    assert len(r.ran) == man.n_chunks - kept
    pd.testing.assert_frame_equal(r.results, ref.results)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"   # a zombie is dead, waiting for its (new) parent to reap it


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            kids = _children(p)
        except FileNotFoundError:
            continue
        out += kids
        todo += kids
    return out


def test_no_worker_outlives_a_killed_sweep(slow, tmp_path):
    """Issue 25 item 5: SIGKILL `sweep --workers 2` alone (not its group): no child is left after 5 s."""
    spec_path, _ref = slow
    out = tmp_path / "out"
    proc = subprocess.Popen(_cli("sweep", str(spec_path), "--out", str(out), "--workers", "2"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for_chunks(out, proc, 1)
    kids = _descendants(proc.pid)
    assert len(kids) >= 2, kids   # the two workers (and the resource tracker)
    proc.kill()
    proc.communicate(timeout=60)
    t0 = time.monotonic()
    while any(_alive(k) for k in kids) and time.monotonic() - t0 < 5:
        time.sleep(0.1)
    assert not [k for k in kids if _alive(k)], "a worker outlived the sweep by 5 s"
