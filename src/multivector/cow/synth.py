"""A synthetic COW IGO v3 state-year file of the full width, for tests and benchmarks.

Seeded (`numpy.random.default_rng(seed)`, no global random state). States enter
the system at staggered years (a third in 1816, the rest in waves around 1919,
1945–1965 and 1991), organizations are founded mostly after 1945 and some end;
each state joins each organization with a propensity drawn per pair, stays with
a given status (mostly full member, some associates and observers), may leave,
and a small share of cells is missing (-9). Codes are -1 outside an
organization's life. The first columns are the 16 of the excerpt (caecc … un),
so the name mapping is exercised; the rest are `igo0017` … .
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .codes import COW_HISTORICAL, COW_TO_ISO3

EXCERPT_COLUMNS = ["caecc", "cica", "cis", "csto", "eaec", "eapc", "ebrd", "eco", "oic", "osce", "sco", "wto",
                   "isdb", "nato", "asdb", "un"]


def synthetic_cow(n_states: int = 200, n_orgs: int = 535, years: tuple[int, int] = (1816, 2014), seed: int = 0,
                  missing_rate: float = 0.002) -> pd.DataFrame:
    """A synthetic state-year frame (ccode, state, year, one int8 column per organization)."""
    rng = np.random.default_rng(seed)
    y0, y1 = years
    Y = y1 - y0 + 1
    codes_pool = sorted(set(COW_TO_ISO3) | set(COW_HISTORICAL))
    codes_pool += list(range(1000, 1000 + max(0, n_states - len(codes_pool))))   # beyond the list: COW<code>
    for must in (365, 710, 372, 712, 705):
        if must in codes_pool:
            codes_pool.remove(must)
    picked = [365, 710, 372, 712, 705] + list(rng.choice(codes_pool, size=max(0, n_states - 5), replace=False))
    ccodes = np.array(sorted(int(c) for c in picked[:n_states]))
    S = len(ccodes)
    waves = np.array([y0, 1919, 1945, 1960, 1965, 1991])
    entry = np.clip(rng.choice(waves, size=S, p=[0.25, 0.1, 0.2, 0.2, 0.1, 0.15]) + rng.integers(0, 5, S), y0, y1)
    entry[np.isin(ccodes, [365, 710])] = y0
    exit_ = np.full(S, y1)
    founded = np.clip((y0 + rng.beta(5, 1.6, n_orgs) * Y).astype(int), y0, y1)
    ended = np.where(rng.random(n_orgs) < 0.2, np.minimum(founded + rng.integers(5, 80, n_orgs), y1 + 1), y1 + 1)
    years_arr = np.arange(y0, y1 + 1)
    alive_state = (years_arr[None, :] >= entry[:, None]) & (years_arr[None, :] <= exit_[:, None])   # (S, Y)
    alive_org = (years_arr[None, :] >= founded[:, None]) & (years_arr[None, :] < ended[:, None])    # (O, Y)
    propensity = rng.beta(0.6, 3.0, (S, n_orgs)).astype(np.float32)
    member = rng.random((S, n_orgs), dtype=np.float32) < propensity
    join = np.maximum(founded[None, :], entry[:, None]) + rng.geometric(0.15, (S, n_orgs))
    leave = np.where(rng.random((S, n_orgs)) < 0.1, join + rng.integers(3, 60, (S, n_orgs)), y1 + 1)
    status = rng.choice(np.array([1, 2, 3], dtype=np.int8), size=(S, n_orgs), p=[0.85, 0.05, 0.10])
    yr = years_arr[None, None, :]
    inside = member[:, :, None] & (yr >= join[:, :, None]) & (yr < leave[:, :, None])
    cube = np.where(inside, status[:, :, None], np.int8(0)).astype(np.int8)
    cube[:, ~alive_org] = -1
    cube[rng.random(cube.shape, dtype=np.float32) < missing_rate] = -9
    si, yi = np.nonzero(alive_state)
    mat = cube[si, :, yi]                                                # (rows, O)
    names = EXCERPT_COLUMNS[: min(n_orgs, len(EXCERPT_COLUMNS))]
    names += [f"igo{k:04d}" for k in range(len(names) + 1, n_orgs + 1)]
    df = pd.DataFrame(mat, columns=names)
    df.insert(0, "year", years_arr[yi].astype(np.int16))
    df.insert(0, "state", [COW_TO_ISO3.get(int(c), f"cow{c}").lower() for c in ccodes[si]])
    df.insert(0, "ccode", ccodes[si].astype(np.int16))
    return df


def write_synthetic_cow(path: str | Path, n_states: int = 200, n_orgs: int = 535,
                        years: tuple[int, int] = (1816, 2014), seed: int = 0) -> Path:
    """Write `synthetic_cow(...)` as CSV (pyarrow's writer, atomically) and return the path."""
    import io

    import pyarrow as pa
    import pyarrow.csv as pacsv

    from ..io_utils import write_atomic

    df = synthetic_cow(n_states, n_orgs, years, seed)
    buf = io.BytesIO()
    pacsv.write_csv(pa.Table.from_pandas(df, preserve_index=False), buf)
    return write_atomic(path, buf.getvalue())
