"""Every command in the README runs as printed.

The commands are read from the README's ```sh blocks (and its ```python block), exactly as a reader
copies them, and run in order, one block at a time, in a fresh folder laid out like a checkout:
`scenarios/`, `sweeps/` and `forecasts/` beside `.venv`, and `../shared` (the shared data) above it.
Imports and fitted weights go to a private user data folder, so nothing is written outside the
folder. `make X` lines are checked with `make -n X` (the target exists and expands; the commands it runs
are in the README themselves); `serve` must start and answer before it is stopped with Ctrl+C.

A slow command is not run only when the README writes its duration beside it, "(about 2 minutes)" say:
then it is parsed as printed by the command line's own parser (the command exists, every option exists
and takes the value given, the files it names are there) and the test is reported skipped with that
duration. Nothing is run with reduced options.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SHARED = ROOT.parent / "shared"
#: A duration written beside a command: the one reason a README command may be skipped.
DURATION = re.compile(r"\(about (?:[\d.,–-]+|an?) (?:seconds?|minutes?|hours?)\b[^)]*\)")
PLACEHOLDER = re.compile(r"\b(?:FILE|DIR|SPEC|HEAD|URL|ID|NAME)\b")
TIMEOUT = 900


@dataclass(frozen=True)
class Command:
    text: str            # the command as printed (comments stripped)
    line: int            # its line in README.md
    duration: str | None  # "(about N minutes)" when the README gives one


def blocks(language: str) -> list[list[tuple[int, str]]]:
    """The README's fenced blocks of one language: lists of (line number, line)."""
    out, current, lang = [], None, None
    for n, raw in enumerate(README.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("```"):
            if current is None:
                lang, current = stripped[3:].strip(), []
            else:
                if lang == language:
                    out.append(current)
                current = None
            continue
        if current is not None:
            current.append((n, raw))
    return out


def commands(block: list[tuple[int, str]]) -> list[Command]:
    found = []
    for n, raw in block:
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        comment = text.split(" #", 1)[1] if " #" in text else ""
        found.append(Command(text.split(" #", 1)[0].strip(), n, (DURATION.search(comment) or [None])[0]))
    return found


SH_BLOCKS = [commands(b) for b in blocks("sh")]
PY_BLOCKS = ["\n".join(line for _, line in b) for b in blocks("python")]


def test_the_readme_has_commands_and_none_is_a_template():
    every = [c for b in SH_BLOCKS for c in b]
    assert len(every) > 30 and PY_BLOCKS
    templates = [f"README.md:{c.line}: {c.text}" for c in every if PLACEHOLDER.search(c.text)]
    assert not templates, "a command with a placeholder cannot run as printed; put it in a ```text block:\n" + \
        "\n".join(templates)


@pytest.fixture
def checkout(tmp_path):
    """A folder laid out like a checkout, with the shared data beside it, and the environment to run in."""
    if not (SHARED / "data").is_dir():
        pytest.fail(f"{SHARED}/data is missing: the README's commands read ../shared/data", pytrace=False)
    top = tmp_path / "work"
    repo = top / "multivector"
    repo.mkdir(parents=True)
    (top / "shared").symlink_to(SHARED)
    for name in ("scenarios", "sweeps", "forecasts"):
        shutil.copytree(ROOT / name, repo / name)
    for name in ("Makefile", "pyproject.toml"):   # `make -n` reads both (with their times: nothing to reinstall)
        shutil.copy2(ROOT / name, repo / name)
    venv = Path(sys.prefix)
    (repo / ".venv").symlink_to(venv)
    env = dict(os.environ, COLUMNS="80", MULTIVECTOR_NO_PAGER="1", PATH=f"{venv / 'bin'}:{os.environ['PATH']}",
               MULTIVECTOR_DATA_DIR=str(tmp_path / "userdata"), MULTIVECTOR_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("VIRTUAL_ENV", None)
    return repo, env


def _serve(cmd: str, repo: Path, env: dict) -> None:
    """A server command: it must answer on its address, then stop on Ctrl+C."""
    proc = subprocess.Popen(cmd, shell=True, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"`{cmd}` exited with {proc.returncode}:\n{proc.stdout.read()}")
            try:
                with urllib.request.urlopen("http://127.0.0.1:8000/", timeout=2) as r:
                    assert r.status == 200
                    return
            except OSError:
                time.sleep(0.5)
        pytest.fail(f"`{cmd}` did not answer on http://127.0.0.1:8000/ within 2 minutes")
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _run(c: Command, repo: Path, env: dict) -> str | None:
    """Run one command as printed; the failure's description, or None."""
    cmd = c.text
    if cmd.startswith("make "):
        cmd = cmd.replace("make ", "make -n ", 1)
    elif re.search(r"multivector serve(\s|$)", cmd):
        _serve(cmd, repo, env)
        return None
    if cmd.startswith("pip install"):   # an install line: the extra it names must exist, nothing is installed
        extra = re.search(r"\[(\w+)\]", cmd).group(1)
        return None if f"\n{extra} = [" in (ROOT / "pyproject.toml").read_text() else f"no extra {extra!r}"
    start = time.monotonic()
    out = subprocess.run(cmd, shell=True, cwd=repo, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    took = time.monotonic() - start
    if out.returncode != 0:
        return (f"README.md:{c.line}: `{c.text}` exited with {out.returncode} after {took:.0f} s:\n"
                f"{(out.stderr or out.stdout)[-1500:]}")
    return None


@pytest.mark.shared("data")
@pytest.mark.parametrize("block", range(len(SH_BLOCKS)),
                         ids=[f"line{b[0].line}" if b else "empty" for b in SH_BLOCKS])
def test_readme_block_runs_as_printed(block, checkout):
    repo, env = checkout
    failures = []
    for c in SH_BLOCKS[block]:
        if c.duration:   # slow: the README says how long it takes (test_slow_readme_command_parses_as_printed)
            continue
        problem = _run(c, repo, env)
        if problem:
            failures.append(problem)
    assert not failures, "\n\n".join(failures)


SLOW = [c for b in SH_BLOCKS for c in b if c.duration]


def parse(line: str):
    """Parse a `multivector ...` line with the command line's own parser, down to the invoked command; its
    parameters (a wrong command, option or value raises the parser's usage error)."""
    import typer

    from multivector.cli import build_app

    args = shlex.split(line)
    assert Path(args[0]).name == "multivector", f"not a multivector command: {line}"
    cmd = typer.main.get_command(build_app())
    ctx = cmd.make_context("multivector", args[1:])
    while hasattr(cmd, "resolve_command"):   # a group: on to the subcommand it names
        name, cmd, rest = cmd.resolve_command(ctx, [*getattr(ctx, "_protected_args", []), *ctx.args])
        ctx = cmd.make_context(name, rest, parent=ctx)
    return ctx.params


def test_slow_commands_are_few_and_say_how_long():
    """Only commands that take minutes may carry a duration (each is then parsed, not run)."""
    assert 0 < len(SLOW) <= 8, [c.text for c in SLOW]
    assert all(re.search(r"minutes?|hours?", c.duration) for c in SLOW), SLOW


@pytest.mark.shared("data")
@pytest.mark.parametrize("c", SLOW, ids=[f"line{c.line}" for c in SLOW])
def test_slow_readme_command_parses_as_printed(c, checkout, monkeypatch):
    repo, _ = checkout
    monkeypatch.chdir(repo)
    if c.text.startswith("make "):
        pytest.fail(f"README.md:{c.line}: make lines are checked with make -n; give no duration", pytrace=False)
    params = parse(c.text)
    for value in params.values():   # a file the command reads must exist where the README runs it
        if isinstance(value, str | Path) and Path(value).suffix in (".yaml", ".tsv", ".csv"):
            assert (repo / value).exists(), f"README.md:{c.line}: {value} does not exist"
    pytest.skip(f"README.md:{c.line}: `{c.text}` takes {c.duration[1:-1]} (so the README says): parsed as printed, "
                "not run")


@pytest.mark.parametrize("code", PY_BLOCKS)
def test_readme_python_runs_as_printed(code, checkout):
    repo, env = checkout
    out = subprocess.run([sys.executable, "-c", code], cwd=repo, env=env, capture_output=True, text=True,
                         timeout=TIMEOUT)
    assert out.returncode == 0, out.stderr[-1500:]
