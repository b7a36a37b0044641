"""A projection's result set: its tables, its summary and one writer, for the command line and the web app.

The summary says what made the numbers (the scenario, seed, runs, start, the code
version and the case's content hash), so a stored result can be traced and rerun;
every table carries the seed and the scenario's name in its rows. The raw per-run
table (Parquet) is written only when asked: the web app keeps the summaries alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..io_utils import plain, write_atomic, write_table_atomic
from ..version import __version__

#: The tables of a comparison's run without the scenario's changes, beside the scenario's own.
COMPARED_TABLES = ("compare", "baseline_engagement", "baseline_indices")


@dataclass
class ResultSet:
    """The summaries of one projection (and its comparison): tables by name and the summary."""

    tables: dict[str, pd.DataFrame]
    summary: dict
    projection: object = None   # model.projection.Projection, for the per-run table

    def write(self, folder: Path, per_run: bool = False) -> list[str]:
        """Write the tables as CSV and summary.json into `folder` (with `per_run`, runs.parquet too); return
        the names written. Give the staging folder of an `io_utils.OutputSet`, so the set lands whole."""
        folder = Path(folder)
        written = []
        if per_run and self.projection is not None:
            self.projection.write_per_run(folder / "runs.parquet")   # streamed in row groups
            written.append("runs.parquet")
        for name, df in self.tables.items():
            write_table_atomic(df, folder / f"{name}.csv", "csv")
            written.append(f"{name}.csv")
        write_atomic(folder / "summary.json", json.dumps({k: plain(v) for k, v in self.summary.items()}, indent=2))
        return [*written, "summary.json"]


def result_set(kb, projection, comparison=None) -> ResultSet:
    """The result set of a projection (`model.projection.project`) or of a comparison (`model.compare`, whose
    `scenario` is the projection): engagement, indices, stances, depth, and with a comparison its table and
    the run without the changes. `kb` is the case it ran on (its folder name and content hash go in)."""
    sc = projection.scenario
    tables = {"engagement": projection.engagement(), "indices": projection.indices(),
              "stances": projection.stances(), "depth": projection.depth()}
    if comparison is not None:
        tables.update(compare=comparison.table, baseline_engagement=comparison.baseline.engagement(),
                      baseline_indices=comparison.baseline.indices())
    tables = {k: v.assign(seed=sc.seed, scenario=sc.name) for k, v in tables.items()}
    summary = {**projection.summary(), "version": __version__, "case": kb.folder.name,
               "case_hash": kb.content_hash, "compared": comparison is not None}
    if comparison is not None:
        summary["compare"] = comparison.summary()
    return ResultSet(tables, summary, projection)
