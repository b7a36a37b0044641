"""The evidence base: case files, their validation and the compiled database.

The names below are loaded on first use, so that a light command (`multivector --help`,
`kb members`) does not pay for DuckDB and pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # what the names are, for readers and the API reference; loaded lazily below
    from .casebase import CaseBase
    from .loader import Case, check_case, default_case_path, load_case
    from .problems import CaseError, Problem, UnknownIdError

_WHERE = {"CaseBase": ".casebase", "UnknownIdError": ".problems", "Case": ".case", "check_case": ".loader",
          "default_case_path": ".loader", "load_case": ".loader", "CaseError": ".problems", "Problem": ".problems"}

__all__ = ["Case", "CaseBase", "CaseError", "Problem", "UnknownIdError", "check_case", "default_case_path", "load_case"]


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
