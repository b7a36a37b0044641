"""The package installs anywhere: a wheel built from the source, installed into a fresh virtual environment
outside the repository, runs from another folder with nothing but its package data.

The wheel is installed with --no-deps; its dependencies come from this environment's site-packages through
a .pth file (no download, within about a minute). The editable install of this environment is not seen there
(a .pth line adds a folder, not the finders of the .pth files inside it), which the test checks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.wheel


def _run(cmd: list, cwd: Path, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """A fresh venv with the wheel of this source installed, and an environment for its commands."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "source"   # a copy, so the build leaves nothing (build/, egg-info) in the repository
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", tmp / "dist", src],
         tmp, env)
    (wheel,) = (tmp / "dist").glob("multivector-*.whl")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp, env)
    py = venv / "bin" / "python"
    _run([py, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel], tmp, env)
    site = Path(_run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp, env).stdout.strip())
    (site / "_multivector_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    run_env = {k: v for k, v in env.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    run_env.update(MULTIVECTOR_CACHE_DIR=str(tmp / "cache"), MULTIVECTOR_DATA_DIR=str(tmp / "data"),
                   MULTIVECTOR_NO_PAGER="1", COLUMNS="100", PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    return {"venv": venv, "py": py, "wheel": wheel, "cwd": elsewhere, "env": run_env}


def test_the_installed_package_is_the_wheel_not_the_checkout(installed):
    r = _run([installed["py"], "-c", "import multivector; print(multivector.__file__)"], installed["cwd"],
             installed["env"])
    assert Path(r.stdout.strip()).is_relative_to(installed["venv"]), r.stdout
    names = subprocess.run([installed["py"], "-m", "zipfile", "-l", installed["wheel"]], capture_output=True,
                           text=True).stdout
    for data in ("multivector/cases/central_asia/case.yaml", "multivector/cases/central_asia/series/unga.csv",
                 "multivector/negotiation/examples/ktab_water_release.csv", "multivector/model/calibrated.json",
                 "multivector/web/templates/", "multivector/web/static/",
                 "multivector/library/scenarios/baseline.yaml", "multivector/library/sweeps/smoke.yaml"):
        assert data in names, data


def test_kb_members_from_another_folder(installed):
    r = _run(["multivector", "kb", "members", "CSTO", "--year", "2010", "--format", "json"], installed["cwd"],
             installed["env"])
    members = {row["actor"] for row in json.loads(r.stdout)}
    assert {"RUS", "KAZ", "KGZ", "TJK"} <= members and "TKM" not in members


def test_negotiate_a_shipped_example_from_another_folder(installed):
    r = _run(["multivector", "negotiate", "--example", "ktab_water_release", "--format", "json"], installed["cwd"],
             installed["env"])
    out = json.loads(r.stdout)
    assert out["scenario"] and out["actors"] == 6 and len(out["dimensions"]) == 2
    listed = _run(["multivector", "negotiate", "--list-examples"], installed["cwd"], installed["env"]).stdout
    assert "ktab_water_release" in listed and "deu_small" in listed


def test_the_scenario_library_ships_and_runs_by_name(installed):
    r = _run(["multivector", "scenarios", "--format", "json"], installed["cwd"], installed["env"])
    names = {row["name"] for row in json.loads(r.stdout)}
    assert {"baseline", "russia-distracted", "kyrgyz-remittances-halved"} <= names, names
    assert not any("does not load" in row["description"] for row in json.loads(r.stdout))
    out = installed["cwd"] / "baseline-run"
    _run(["multivector", "simulate", "baseline", "--runs", "50", "--out", out], installed["cwd"], installed["env"])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["runs"] == 50 and summary["seed"] == 7, summary


def test_a_shipped_sweep_spec_is_found_by_name(installed):
    r = subprocess.run(["multivector", "sweep", "run", "no-such-sweep"], cwd=installed["cwd"], env=installed["env"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "smoke" in r.stderr, r.stderr   # the error names what ships


def test_serve_answers_its_health_endpoint(installed):
    proc = subprocess.Popen(["multivector", "serve", "--port", "0", "--workers", "1"], cwd=installed["cwd"],
                            env=installed["env"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url, lines = None, []
        deadline = time.monotonic() + 120
        while url is None and time.monotonic() < deadline and proc.poll() is None:
            line = proc.stderr.readline()
            lines.append(line)
            m = re.search(r"open (http://127\.0\.0\.1:\d+/)", line)
            url = m.group(1) if m else None
        assert url, "".join(lines)
        health = None
        while health is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "api/v1/health", timeout=5) as resp:
                    health = json.loads(resp.read())
            except OSError:
                time.sleep(0.5)
        assert health is not None and health.get("status") == "ok", health
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
