"""Where multivector keeps what a user adds or computes: never inside the installed package.

* `data_dir()` — the user data folder: `$MULTIVECTOR_DATA_DIR`, else the platform's
  (platformdirs: `~/.local/share/multivector` on Linux). Imports and fitted weights go here.
* `case_overlay(folder)` — for a case shipped inside the package (the embedded Central Asia
  case), the folder in the user data folder that holds what the user imported for it:
  `DATA_DIR/cases/NAME/series/*.csv`. The case loader reads a series file there in place of
  the package's file of the same name; a case folder of the user's own has no overlay (imports
  into it write into it, where it is reviewed in git).
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The user data folder: $MULTIVECTOR_DATA_DIR or the platform's user data folder for multivector."""
    env = os.environ.get("MULTIVECTOR_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("multivector"))


def packaged_cases() -> Path:
    """The folder of the cases shipped inside the package."""
    from importlib import resources

    return Path(str(resources.files("multivector") / "cases"))


def case_overlay(folder: str | Path) -> Path | None:
    """Where the user's imports for a packaged case live (they may not exist yet); None for any other case."""
    folder = Path(folder).resolve()
    if folder.parent != packaged_cases().resolve():
        return None
    return data_dir() / "cases" / folder.name
