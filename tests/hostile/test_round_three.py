"""Issue 25 on the command line: limits checked before any work (6), the environment's faults as one line (7),
special files (8), staging folders and symlinks (9), the small ones (10) and terminal safety.

Each test names its item. `run` calls the console entry point in this process, as a user's shell would, and
returns (exit code, stdout, stderr).
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures"
BUG = "internal error"


@pytest.fixture
def run(monkeypatch, capsys):
    def _run(*args: str) -> tuple[int, str, str]:
        from multivector.cli import main

        monkeypatch.setattr(sys, "argv", ["multivector", *args])
        monkeypatch.setenv("MULTIVECTOR_NO_PAGER", "1")
        handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:   # main() installs its SIGTERM/SIGHUP clean-up: not the test process's
            for s, h in handlers.items():
                signal.signal(s, h)
        out, err = capsys.readouterr()
        return code, out, err
    return _run


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from multivector.cli import main; main()", *args]


def one_line(err: str) -> str:
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert BUG not in err and "Traceback" not in err, err
    return lines[0]


# ---------------------------------------------------------------- 6. limits before any work
@pytest.mark.parametrize("args, words", [
    (["backtest", "--train-until", "2000000000"], "--train-until 2,000,000,000 is outside"),
    (["backtest", "--train-until", "1800"], "--train-until 1,800 is outside"),
    (["calibrate", "--train-until", "2000000000"], "is outside"),
    (["calibrate", "--train-until", "1800"], "is outside"),
    (["evaluate", "--runs", "1000000000"], "--runs 1,000,000,000 is outside 1–100,000"),
    (["evaluate", "--runs", "0"], "--runs 0 is outside"),
    (["measures", "--from", "1", "--to", "2000000000"], "is outside"),
    (["measures", "--from", "-5", "--to", "1"], "--from -5 is outside"),
    (["measures", "--from", "1950", "--to", "1960"], "the case's record"),
    (["kb", "members", "CSTO", "--year", "2000000000"], "--year 2,000,000,000 is outside 1,816–2,100"),
    (["kb", "events", "--from", "3000"], "--from 3,000 is outside"),
])
def test_limits_are_checked_before_any_work(run, args, words):
    """Item 6: each is refused at once (no run starts), exit 1, with the valid range."""
    t0 = time.process_time()
    code, out, err = run(*args)
    assert code == 1, (out, err)
    line = one_line(err)
    assert words in line, line
    assert time.process_time() - t0 < 30


def test_measures_cow_years_within_the_file(run):
    cow = Path(__file__).resolve().parents[3] / "shared" / "data" / "cow_igo_v3_state_year_excerpt.csv"
    if not cow.exists():
        pytest.skip("the shared COW excerpt is not here")
    code, _, err = run("measures", "--cow", str(cow), "--from", "2090", "--to", "2095")
    assert code == 1 and f"the years of {cow.name}" in one_line(err)


@pytest.mark.parametrize("limit", ["-1", "99999999999999999999", "0"])
def test_kb_search_limit_is_a_clean_error(run, limit):
    """Items 6/7: `kb search … --limit` out of range is one usage line, never DuckDB's multi-line message."""
    code, _, err = run("kb", "search", "water", "--limit", limit)
    assert code == 1
    assert "--limit" in one_line(err)


# ---------------------------------------------------------------- 7. the environment's faults
def test_full_disk_under_kb_export_is_one_line_and_keeps_the_old_set(run, tmp_path, monkeypatch):
    """Item 7: ENOSPC at the write boundary: one line naming the fault and the file, exit 1, the old export
    intact, no staging folder left."""
    from multivector import io_utils

    out = tmp_path / "export"
    assert run("kb", "export", "--format", "csv", "--out", str(out))[0] == 0
    before = sorted(p.name for p in out.iterdir())
    real = io_utils.write_table_atomic

    def full(df, path, fmt):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(io_utils, "write_table_atomic", full)
    import multivector.cli.kb as kb_cli

    if hasattr(kb_cli, "write_table_atomic"):
        monkeypatch.setattr(kb_cli, "write_table_atomic", full)
    code, _, err = run("kb", "export", "--format", "csv", "--out", str(out))
    monkeypatch.setattr(io_utils, "write_table_atomic", real)
    assert code == 1
    line = one_line(err)
    assert "no space left on the device" in line and "free some space" in line, line
    assert sorted(p.name for p in out.iterdir()) == before
    assert not list(tmp_path.glob(".export.*"))


def test_full_disk_under_simulate_out_is_one_line(run, tmp_path, monkeypatch):
    """Item 7: ENOSPC while `simulate --out` writes its set: one line, exit 1, nothing half-written, no staging."""
    from multivector.model import result_set

    def full(df, path, fmt):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(result_set, "write_table_atomic", full)
    code, _, err = run("simulate", "baseline", "--runs", "20", "--out", str(tmp_path / "sim"))
    assert code == 1
    assert "no space left on the device" in one_line(err)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("fault, words", [
    (errno.EROFS, "read-only"), (errno.EACCES, "permission denied"), (errno.ENOTDIR, "a file stands where"),
])
def test_environment_faults_are_one_line(run, monkeypatch, fault, words):
    """Item 7: whatever command meets the fault, the line says what and where, exit 1, never the bug line."""
    import multivector.cli.kb as kb_cli

    def broken(*a, **k):
        raise OSError(fault, os.strerror(fault), "/somewhere/file.csv")

    monkeypatch.setattr(kb_cli, "open_case", broken)
    code, _, err = run("kb", "actors")
    assert code == 1
    line = one_line(err)
    assert words in line and "/somewhere/file.csv" in line, line


def test_report_out_on_an_existing_file_is_one_line(run, tmp_path):
    """Items 7/9: `report --out` on a file is refused before the work."""
    target = tmp_path / "taken"
    target.write_text("mine")
    code, _, err = run("report", "--out", str(target))
    assert code == 1 and "is a file" in one_line(err)
    assert target.read_text() == "mine"


def test_deeply_nested_weights_are_one_line(run, tmp_path):
    """Item 7: --weights with deeply nested JSON (RecursionError) is an input error, not the bug line."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    code, _, err = run("backtest", "--weights", str(deep), "--runs", "1")
    assert code == 1
    assert "nested too deeply" in one_line(err)


# ---------------------------------------------------------------- 8. special files
@pytest.mark.parametrize("args", [["negotiate", "{f}"], ["simulate", "{f}"]])
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "folder"])
def test_special_files_are_refused_before_reading(tmp_path, args, kind):
    """Item 8: a FIFO, a device or a folder given as input is refused at once (no block, no endless read)."""
    if kind == "fifo":
        f = tmp_path / "pipe.csv"
        os.mkfifo(f)
    elif kind == "folder":
        f = tmp_path / "dir.csv"
        f.mkdir()
    else:
        f = Path(kind)
    cmd = _cli(*(a.format(f=f) for a in args))
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stderr
    assert BUG not in r.stderr and "Traceback" not in r.stderr, r.stderr
    first = r.stderr.strip().splitlines()[0]   # the problem; a reader of several files adds a count line
    assert "not a regular file" in first or "is a folder" in first, first


# ---------------------------------------------------------------- 9. staging folders, symlinks
def test_staging_folder_removed_on_sigterm(tmp_path):
    """Item 9: a run ended by SIGTERM removes its `.NAME.new-*` staging folder itself (not only the next run)."""
    out = tmp_path / "run"
    env = {**os.environ, "MULTIVECTOR_NO_PAGER": "1"}
    proc = subprocess.Popen(_cli("simulate", "baseline", "--runs", "20000", "--out", str(out)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    t0 = time.monotonic()
    while not list(tmp_path.glob(".run.new-*")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - t0 < 120, "no staging folder appeared"
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert proc.returncode in (143, -signal.SIGTERM), proc.returncode
    assert not list(tmp_path.glob(".run.*")), list(tmp_path.iterdir())
    assert not out.exists()


def test_staging_removed_by_the_signal_handler(tmp_path):
    """Item 9, the mechanism alone: an OutputSet open when SIGTERM arrives is removed (exit 143)."""
    code = ("import sys, time; from multivector.io_utils import OutputSet; from multivector.processes import end_on_signals; end_on_signals(); "
            f"s = OutputSet({str(tmp_path / 'out')!r}); print(s.path, flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    staging = Path(proc.stdout.readline().strip())
    assert staging.is_dir()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    assert proc.returncode == 143 and not staging.exists()


def test_symlinked_out_is_written_as_its_target(run, tmp_path):
    """Item 9: a symlinked --out is resolved: the set is written in the folder it points to, the link stays, no
    staging file or link is left (README: "A symlinked --out")."""
    real = tmp_path / "real"
    real.mkdir()
    (real / "old.csv").write_text("old")
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    code, _, err = run("kb", "export", "--format", "csv", "--out", str(link))
    assert code == 0, err
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert (real / "events.csv").exists() or any(real.glob("*.csv"))
    assert not (real / "old.csv").exists()   # the whole set replaced, as for any --out
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_planted_old_symlink_is_removed_not_followed(run, tmp_path):
    """Item 9: a planted `.NAME.old-*` symlink is removed (never renamed into place nor its target deleted)."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep")
    (tmp_path / ".out.old-planted").symlink_to(victim, target_is_directory=True)
    (tmp_path / ".out.new-1-planted").symlink_to(victim, target_is_directory=True)
    code, _, err = run("kb", "export", "--format", "csv", "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert (victim / "keep.txt").read_text() == "keep"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert not (tmp_path / "out").is_symlink()


def test_report_out_whole_or_not_at_all(run, tmp_path, monkeypatch):
    """Item 9: `report --out` on a full disk leaves the old report (or nothing), never an empty folder."""
    from multivector.report import build

    out = tmp_path / "report"

    def full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(build, "write_atomic", full)
    code, _, err = run("report", "--out", str(out))
    assert code == 1 and "no space left" in one_line(err)
    assert not out.exists()
    assert not list(tmp_path.iterdir())


# ---------------------------------------------------------------- 10. the small ones
def test_missing_case_names_its_path_once(run):
    code, _, err = run("kb", "actors", "--case", "/nonexistent")
    assert code == 1 and "/nonexistent//nonexistent" not in err
    assert err.splitlines()[0].count("/nonexistent") == 1


def test_missing_file_is_not_at_line_0(run):
    code, _, err = run("negotiate", "/nonexistent.csv")
    assert code == 1 and ":0:" not in err and "not found" in err


def test_capability_out_of_range_blames_capability():
    import numpy as np

    from multivector.negotiation import NegotiationProblem

    with pytest.raises(ValueError, match="rescale the capabilities"):
        NegotiationProblem(actors=("a", "b"), capability=np.array([1e13, 1.0]), position=[[1.0], [2.0]],
                           salience=[[50.0], [50.0]])


def test_bdm_row_with_an_extra_field_is_refused(run, tmp_path):
    f = tmp_path / "extra.csv"
    f.write_text("actor,capability,position,salience\na,1,2,3,4\nb,2,3,4\n")
    code, _, err = run("negotiate", str(f), "--model", "compromise", "--draws", "0")
    assert code == 1 and "extra.csv:2: expected 4 fields, got 5" in one_line(err)


@pytest.mark.parametrize("content", [b"", bytes(range(256))])
def test_org_meta_empty_or_binary_is_refused(run, tmp_path, content):
    cow = Path(__file__).resolve().parents[3] / "shared" / "data" / "cow_igo_v3_state_year_excerpt.csv"
    if not cow.exists():
        pytest.skip("the shared COW excerpt is not here")
    meta = tmp_path / "meta.csv"
    meta.write_bytes(content)
    code, _, err = run("measures", "--cow", str(cow), "--org-meta", str(meta), "--from", "2000", "--to", "2001")
    assert code == 1 and "meta.csv" in one_line(err)


def test_serve_refuses_a_missing_sweeps_folder(run):
    code, _, err = run("serve", "--sweeps", "/nonexistent")
    assert code == 1 and "--sweeps /nonexistent is not a folder" in err


# ---------------------------------------------------------------- terminal safety
def test_terminal_safe_escapes_controls_and_bidi():
    from multivector.cli.output import terminal_safe

    assert terminal_safe("a\x1b[31mb\u202ec") == "a\\x1b[31mb\\u202ec"
    assert terminal_safe("x\x9by\u2066z\u200f") == "x\\x9by\\u2066z\\u200f"
    assert terminal_safe("line\nnext\ttab") == "line\nnext\ttab"
    assert terminal_safe("é ü 中文") == "é ü 中文"   # ordinary text untouched


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_search_terms_reach_the_terminal_escaped(run, fmt):
    """ESC and U+202E in a search term (echoed in the title, or in an error) never reach the terminal raw."""
    code, out, err = run("kb", "search", "\x1b[2Jwater\u202e", "--format", fmt)
    assert "\x1b" not in out + err and "\u202e" not in out + err


def test_scenario_name_with_controls_is_escaped(run, tmp_path):
    sc = tmp_path / "evil.yaml"
    sc.write_text("name: \"evil\\e[2J\\u202e\"\nstart: 2026\nend: 2027\nruns: 5\nseed: 1\n")
    code, out, err = run("simulate", str(sc))
    assert "\x1b" not in out + err and "\u202e" not in out + err
