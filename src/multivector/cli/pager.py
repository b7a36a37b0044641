"""Show a long listing through the user's pager, with its colours when the pager can show them.

Python's own pager (``pydoc.pager``, which Rich uses) sends colour codes to ``less`` without ``-R``,
so a real terminal shows them as ``ESC[1;36m``. Here the pager is ``$MANPAGER``, ``$PAGER`` or ``less``;
``less`` gets ``LESS=FRX`` when ``LESS`` is unset (``-R`` shows colours, ``-F`` quits when the text fits
one screen, ``-X`` leaves it on the screen); any other pager, or ``less`` with a ``LESS`` that lacks
``-R``, gets plain text.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
LESS_DEFAULT = "FRX"


def plain(text: str) -> str:
    """The text without terminal escape sequences (colours, styles, links)."""
    return ANSI.sub("", text)


def pager_command(env: Mapping[str, str]) -> str:
    """The pager to run: ``$MANPAGER``, ``$PAGER``, else ``less``."""
    return (env.get("MANPAGER") or env.get("PAGER") or "less").strip() or "less"


def _less_options(value: str) -> set[str]:
    """The one-letter options of a LESS value (``-R -X``, ``FRX``, ``--RAW-CONTROL-CHARS``)."""
    letters = set()
    for word in value.split():
        if word.startswith("--"):
            letters.add("R" if word.upper().startswith("--RAW-CONTROL") else "")
        else:
            letters |= set(word.lstrip("-"))
    return letters


def pager_setup(command: str, env: Mapping[str, str]) -> tuple[dict[str, str], bool]:
    """(environment for the pager, whether it shows colours) for a pager command line."""
    env = dict(env)
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    name = os.path.basename(words[0]) if words else ""
    if name != "less":
        return env, False
    if "LESS" not in env:
        env["LESS"] = LESS_DEFAULT
    flags = _less_options(env["LESS"]) | {c for w in words[1:] if w.startswith("-") and not w.startswith("--")
                                          for c in w[1:]}
    return env, bool(flags & {"R", "r"})


def page(text: str, env: Mapping[str, str] | None = None) -> None:
    """Send `text` (with colour codes) to the pager; plain when the pager cannot show colours.

    A pager that cannot be started (exit status 127 of the shell) leaves the text on stdout instead.
    """
    env = os.environ if env is None else env
    command = pager_command(env)
    run_env, colours = pager_setup(command, env)
    body = text if colours else plain(text)
    try:
        proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=run_env, errors="backslashreplace")
    except OSError:
        sys.stdout.write(plain(text))
        return
    try:
        with proc.stdin as pipe:
            pipe.write(body)
    except (BrokenPipeError, OSError, KeyboardInterrupt):
        pass   # the reader quit the pager before the end: nothing more to show
    while True:
        try:
            code = proc.wait()
            break
        except KeyboardInterrupt:   # the pager owns the terminal until it exits
            continue
    if code == 127:   # the shell found no such pager
        sys.stdout.write(plain(text))
