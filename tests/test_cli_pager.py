"""A long listing goes through the pager with its colours (less -R) or as plain text, never raw escape codes."""

from __future__ import annotations

import os
import stat
import sys

import pandas as pd
import pytest
from rich.console import Console

from multivector.cli import output
from multivector.cli.pager import page, pager_setup, plain

ESC = "\x1b["


def _fake_pager(folder, name: str):
    """An executable NAME that copies its stdin to NAME.out and its LESS variable to NAME.env."""
    path = folder / name
    path.write_text(f"#!{sys.executable}\nimport os, sys\n"
                    f"open({str(path) + '.out'!r}, 'w').write(sys.stdin.read())\n"
                    f"open({str(path) + '.env'!r}, 'w').write(os.environ.get('LESS', '<unset>'))\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.mark.parametrize(("command", "env", "less", "colours"), [
    ("less", {}, "FRX", True),
    ("/usr/bin/less -S", {}, "FRX", True),
    ("less", {"LESS": "-R -i"}, "-R -i", True),
    ("less", {"LESS": "--RAW-CONTROL-CHARS"}, "--RAW-CONTROL-CHARS", True),
    ("less", {"LESS": "-X"}, "-X", False),
    ("less -r", {"LESS": "-X"}, "-X", True),
    ("more", {}, None, False),
    ("most", {}, None, False),
])
def test_less_gets_R_when_LESS_is_unset_and_other_pagers_plain_text(command, env, less, colours):
    run_env, shows = pager_setup(command, env)
    assert shows is colours and run_env.get("LESS") == less


def test_colours_reach_less_and_plain_text_reaches_another_pager(tmp_path):
    text = f"{ESC}1;36mid{ESC}0m ev_a\n"
    less = _fake_pager(tmp_path, "less")
    page(text, env={"PATH": os.environ["PATH"], "PAGER": str(less)})
    assert (tmp_path / "less.out").read_text() == text and (tmp_path / "less.env").read_text() == "FRX"
    other = _fake_pager(tmp_path, "other")
    page(text, env={"PATH": os.environ["PATH"], "PAGER": str(other)})
    assert (tmp_path / "other.out").read_text() == "id ev_a\n" and ESC not in (tmp_path / "other.out").read_text()


def test_a_missing_pager_leaves_plain_text_on_stdout(capfd):
    page(f"{ESC}1mbold{ESC}0m\n", env={"PATH": os.environ["PATH"], "PAGER": "/no/such/pager"})
    out = capfd.readouterr().out
    assert out == "bold\n"


def test_a_long_table_on_a_terminal_is_paged_in_colour(tmp_path, monkeypatch):
    less = _fake_pager(tmp_path, "less")
    monkeypatch.setenv("PAGER", str(less))
    monkeypatch.delenv("LESS", raising=False)
    monkeypatch.delenv("MULTIVECTOR_NO_PAGER", raising=False)
    monkeypatch.setattr(output, "console", Console(force_terminal=True, width=80, height=12, color_system="standard"))
    df = pd.DataFrame({"id": [f"ev_{i}" for i in range(30)], "summary": ["a fact"] * 30})
    output.emit(df, "table")
    paged = (tmp_path / "less.out").read_text()
    assert ESC in paged and "ev_29" in plain(paged) and (tmp_path / "less.env").read_text() == "FRX"


def test_a_short_table_or_no_pager_prints_directly(tmp_path, monkeypatch, capsys):
    less = _fake_pager(tmp_path, "less")
    monkeypatch.setenv("PAGER", str(less))
    monkeypatch.setattr(output, "console", Console(force_terminal=True, width=80, height=40, color_system="standard"))
    output.emit(pd.DataFrame({"id": ["ev_a"], "summary": ["a fact"]}), "table")
    monkeypatch.setenv("MULTIVECTOR_NO_PAGER", "1")
    output.emit(pd.DataFrame({"id": [f"ev_{i}" for i in range(80)]}), "table")
    assert not (tmp_path / "less.out").exists() and "ev_79" in plain(capsys.readouterr().out)
