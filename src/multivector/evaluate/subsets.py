"""The three sets of rows every score is reported on.

- `all`: every open, recorded state-line-year after the origin;
- `existing`: the rows of lines open to the state at the origin (a status quo
  exists: these are the ties a forecaster must keep or change);
- `first_choice`: the rows of bodies first open to the state after the origin
  (the EAEU, the BRI, the AIIB, the C5+1 from the early origins), from their
  first year on: a choice without a status quo, and then its sequel.

`existing` and `first_choice` partition `all`: a row's subset is fixed by
whether its line was open to its state in the origin year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SUBSETS = ("all", "existing", "first_choice")


def subset_labels(open_at_origin: np.ndarray) -> np.ndarray:
    """`existing` where the line was open to the state at the origin, else `first_choice`.

    >>> subset_labels(np.array([True, False])).tolist()
    ['existing', 'first_choice']
    """
    return np.where(np.asarray(open_at_origin, bool), "existing", "first_choice").astype(object)


def rows_of(forecasts: pd.DataFrame, subset: str) -> pd.DataFrame:
    """The forecast rows of one subset (`all` is every row)."""
    if subset not in SUBSETS:
        raise ValueError(f"unknown subset {subset!r}: use one of {', '.join(SUBSETS)}")
    return forecasts if subset == "all" else forecasts[forecasts["subset"] == subset]
