"""The tables of a simulation: summaries over runs, kept apart from the raw per-run levels.

Pure functions of a `SimulationResult`; a projection (model/projection.py) adds the
record's rows before its start and says which rows are which (`source`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .engine import SimulationResult
from .inputs import LEVELS


def engagement_table(res: SimulationResult) -> pd.DataFrame:
    """{state, org, year, p_member, p_partner, p_none} for every state, open organization and year."""
    inp = res.inputs
    t, s, l_ = np.nonzero(inp.max_level >= 1)
    p = res.probs[t, s, l_]
    return pd.DataFrame({
        "state": np.array(inp.states)[s], "org": inp.era_org[t, l_].astype(str), "line": np.array(inp.lines)[l_],
        "year": inp.years[t], "p_member": p[:, 2].round(4), "p_partner": p[:, 1].round(4),
        "p_none": p[:, 0].round(4)}).sort_values(["state", "line", "year"], kind="stable").reset_index(drop=True)


def stances_table(res: SimulationResult) -> pd.DataFrame:
    """{state, org, year, p_support, p_go_along, p_obstruct}: stance probabilities among the runs in which
    the state is a member (rows only where it is a member in some run), with that share as `p_member`."""
    inp = res.inputs
    if res.stance_probs is None:
        raise ValueError("the simulation has no stances")
    sp = res.stance_probs
    t, s, l_ = np.nonzero(~np.isnan(sp[..., 0]) & inp.exists[:, None, :])
    p = sp[t, s, l_]
    return pd.DataFrame({
        "state": np.array(inp.states)[s], "org": inp.era_org[t, l_].astype(str), "line": np.array(inp.lines)[l_],
        "year": inp.years[t], "p_support": p[:, 0].round(4), "p_go_along": p[:, 1].round(4),
        "p_obstruct": p[:, 2].round(4), "p_member": res.probs[t, s, l_, 2].round(4)}
    ).sort_values(["state", "line", "year"], kind="stable").reset_index(drop=True)


def depth_table(res: SimulationResult) -> pd.DataFrame:
    """{org, year, depth_mean, depth_p05, depth_p95}: the depth each organization reaches, over runs."""
    inp = res.inputs
    if res.depth is None:
        raise ValueError("the simulation has no depth path")
    t, l_ = np.nonzero(inp.exists)
    d = res.depth[:, t, l_]                                        # (R, n)
    lo, hi = np.percentile(d, [5, 95], axis=0)
    return pd.DataFrame({
        "org": inp.era_org[t, l_].astype(str), "line": np.array(inp.lines)[l_], "year": inp.years[t],
        "depth_coded": inp.depth[t, l_].round(4), "depth_mean": d.mean(0).round(4), "depth_p05": lo.round(4),
        "depth_p95": hi.round(4)}).sort_values(["line", "year"], kind="stable").reset_index(drop=True)


def indices_table(res: SimulationResult) -> pd.DataFrame:
    inp = res.inputs
    b = res.balance                                           # (R, T, S); NaN: no tie to any pole
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(b, 0)
        lo, hi = np.nanpercentile(b, [5, 95], axis=0)
    T, S = mean.shape
    return pd.DataFrame({
        "state": np.tile(inp.states, T), "year": np.repeat(inp.years, S),
        "balance_index_mean": mean.ravel().round(2), "balance_index_p05": lo.ravel().round(2),
        "balance_index_p95": hi.ravel().round(2)}).sort_values(["state", "year"]).reset_index(drop=True)


def per_run_table(res: SimulationResult, scenario: str) -> pd.DataFrame:
    """The raw long table: one row per run, year, state and open organization, seed in every row."""
    if res.levels is None:
        raise ValueError("the simulation did not keep per-run levels (keep_levels=False)")
    inp = res.inputs
    R = res.runs
    t, s, l_ = np.nonzero(inp.max_level >= 1)
    lv = res.levels[:, t, s, l_]                               # (R, n)
    n = len(t)
    return pd.DataFrame({
        "scenario": pd.Categorical([scenario] * (R * n)),
        "seed": np.full(R * n, res.seed, np.int64),
        "run": np.repeat(np.arange(R, dtype=np.int32), n),
        "year": np.tile(inp.years[t].astype(np.int16), R),
        "state": pd.Categorical.from_codes(np.tile(s, R), inp.states),
        "org": pd.Categorical(np.tile(inp.era_org[t, l_].astype(str), R)),
        "level": pd.Categorical.from_codes(lv.ravel().astype(np.int8), list(LEVELS)),
    })


def write_per_run_parquet(res: SimulationResult, scenario: str, path, runs_per_group: int = 500,
                          progress=None) -> None:
    """Write `per_run_table` to Parquet block by block, so the whole table is never held in memory.

    Each block of runs becomes one row group with the same columns and the
    same category dictionaries as `per_run_table`, so reading the file back
    gives the same table. progress(done_runs, runs) after each block.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if res.levels is None:
        raise ValueError("the simulation did not keep per-run levels (keep_levels=False)")
    inp = res.inputs
    t, s, l_ = np.nonzero(inp.max_level >= 1)
    n = len(t)
    orgs = inp.era_org[t, l_].astype(str)
    org_dict, org_codes = np.unique(orgs, return_inverse=True)

    def dictionary(codes, values, index=pa.int16()):
        return pa.DictionaryArray.from_arrays(pa.array(codes, type=index), pa.array(list(values), type=pa.string()))

    schema = None
    with pq.ParquetWriter(str(path), schema=pa.schema([
            ("scenario", pa.dictionary(pa.int8(), pa.string())), ("seed", pa.int64()), ("run", pa.int32()),
            ("year", pa.int16()), ("state", pa.dictionary(pa.int8(), pa.string())),
            ("org", pa.dictionary(pa.int16(), pa.string())), ("level", pa.dictionary(pa.int8(), pa.string()))]),
            compression="zstd") as writer:
        schema = writer.schema
        for lo in range(0, res.runs, runs_per_group):
            hi = min(lo + runs_per_group, res.runs)
            k = hi - lo
            lv = res.levels[lo:hi][:, t, s, l_].ravel().astype(np.int8)
            table = pa.Table.from_arrays([
                dictionary(np.zeros(k * n, np.int8), [scenario], pa.int8()),
                pa.array(np.full(k * n, res.seed, np.int64)),
                pa.array(np.repeat(np.arange(lo, hi, dtype=np.int32), n)),
                pa.array(np.tile(inp.years[t].astype(np.int16), k)),
                dictionary(np.tile(s, k).astype(np.int8), inp.states, pa.int8()),
                dictionary(np.tile(org_codes, k).astype(np.int16), org_dict, pa.int16()),
                dictionary(lv, list(LEVELS), pa.int8()),
            ], schema=schema)
            writer.write_table(table)
            if progress:
                progress(hi, res.runs)


def intervals_table(res: SimulationResult) -> pd.DataFrame:
    """{state, org, line, year, p_none, p_none_p05, p_none_p95, p_partner, ..., p_member_p95}: the probability of
    each level (the mean of the runs' own probabilities) with its 90% interval over the posterior draws the
    runs share (model/intervals.py), for every state, open organization and year. Needs `keep_probs`."""
    from .intervals import interval

    if res.run_probs is None:
        raise ValueError("the intervals need the per-run probabilities (keep_probs=True)")
    inp = res.inputs
    t, s, l_ = np.nonzero(inp.max_level >= 1)
    out = pd.DataFrame({"state": np.array(inp.states)[s], "org": inp.era_org[t, l_].astype(str),
                        "line": np.array(inp.lines)[l_], "year": inp.years[t]})
    for k, name in enumerate(LEVELS):
        mean, lo, hi = interval(res.run_probs[:, t, s, l_, k])
        out[f"p_{name}"], out[f"p_{name}_p05"], out[f"p_{name}_p95"] = mean.round(4), lo.round(4), hi.round(4)
    return out.sort_values(["state", "line", "year"], kind="stable").reset_index(drop=True)
