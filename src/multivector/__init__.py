"""multivector: how weaker states balance great powers through regional organizations.

The library is the product; the command line and report are thin adapters.

>>> from multivector import CaseBase
>>> kb = CaseBase.load()          # the embedded Central Asia case
>>> sorted(kb.regional_states)
['KAZ', 'KGZ', 'TJK', 'TKM', 'UZB']
"""

from .kb import CaseBase, CaseError, UnknownIdError, check_case, load_case
from .version import __version__

__all__ = ["CaseBase", "CaseError", "UnknownIdError", "check_case", "load_case", "__version__"]
