"""Where a result comes from: the code that computed it (package version, git commit, source hash)."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path


def code_version(root: Path | None = None) -> dict:
    """What made the figures: the package version, the git commit (when in a checkout) and a
    hash of the package's source, so a figure can be traced to the code that computed it."""
    from .version import __version__

    src = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(src.rglob("*.py")):
        h.update(p.relative_to(src).as_posix().encode())
        h.update(p.read_bytes())
    commit = None
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root or src, capture_output=True,
                                text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        pass
    return {"package": __version__, "commit": commit, "source_sha256": h.hexdigest()}
