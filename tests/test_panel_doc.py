"""docs/panel.md's commands and regression code run as printed and give the page's figures."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "panel.md"


def _block(language: str) -> str:
    m = re.search(rf"```{language}\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert m, f"no ```{language} block in {PAGE}"
    return m.group(1)


def test_the_pages_commands_and_code_give_its_figures(tmp_path, monkeypatch):
    pytest.importorskip("statsmodels", reason="statsmodels is in the dev extra (make install)")
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", COLUMNS="80")
    for line in _block("sh").splitlines():
        cmd = line.split(" #", 1)[0].strip()
        if cmd:
            out = subprocess.run(cmd, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
            assert out.returncode == 0, f"{cmd}: {out.stderr}"
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(compile(_block("python"), str(PAGE), "exec"), scope)
    assert "ties_RUS" in printed.getvalue()
    stored = json.loads((ROOT / "docs" / "figures" / "panel.json").read_text())["tables"]["regression"]["raw"]
    for row in stored:
        assert scope["fit"].params[row["term"]] == pytest.approx(row["coef"], rel=1e-9)
        assert scope["fit"].bse[row["term"]] == pytest.approx(row["se"], rel=1e-9)
