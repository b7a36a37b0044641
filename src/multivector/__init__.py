"""multivector: how weaker states balance great powers through regional organizations.

The library is the product; the command line and report are thin adapters.

>>> from multivector import CaseBase
>>> kb = CaseBase.load()          # the embedded Central Asia case
>>> sorted(kb.regional_states)
['KAZ', 'KGZ', 'TJK', 'TKM', 'UZB']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .version import __version__

if TYPE_CHECKING:   # loaded on first use (see multivector.kb): `multivector --help` needs neither DuckDB nor pandas
    from .kb import CaseBase, CaseError, UnknownIdError, check_case, load_case

__all__ = ["CaseBase", "CaseError", "UnknownIdError", "check_case", "load_case", "__version__"]


def __getattr__(name: str):
    if name in ("CaseBase", "CaseError", "UnknownIdError", "check_case", "load_case"):
        from . import kb

        return getattr(kb, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
