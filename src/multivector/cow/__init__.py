"""COW IGO v3: import a state-year file, map it to the case's ids, compare it with the evidence base.

>>> from multivector.cow import read_cow, cow_spells
"""

from .codes import COW_ORG_MAP, COW_TO_ISO3, mapping_from_case, org_segments, state_id
from .compare import CowComparison, compare_with_base
from .reader import (
    BUILTIN_ORG_META,
    CowData,
    cow_spells,
    cow_state_ids,
    cow_summary,
    panel_from_cow,
    read_cow,
    state_overrides,
)
from .synth import write_synthetic_cow

__all__ = [
    "BUILTIN_ORG_META", "COW_ORG_MAP", "COW_TO_ISO3", "CowComparison", "CowData", "compare_with_base", "cow_spells",
    "cow_state_ids", "cow_summary", "mapping_from_case", "org_segments", "panel_from_cow", "read_cow", "state_id",
    "state_overrides", "write_synthetic_cow",
]
