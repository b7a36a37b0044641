"""Where the producers find the shared data: `$MULTIVECTOR_SHARED_DATA`, else `../shared/data` beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path


def shared_data(name: str = "") -> Path:
    """A file of the shared data folder (or the folder), which the figures of the docs are computed on."""
    env = os.environ.get("MULTIVECTOR_SHARED_DATA")
    folder = Path(env) if env else Path(__file__).resolve().parents[3].parent / "shared" / "data"
    path = folder / name
    if not path.exists():
        raise FileNotFoundError(f"{path}: the shared data is not there — the figures of the docs are computed on "
                                "../shared/data beside the checkout (or set MULTIVECTOR_SHARED_DATA)")
    return path
