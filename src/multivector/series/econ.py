"""A folder of yearly economic series: every WDI file of `WDI_FILES` and the AidData file.

Examples:
    >>> sorted(ECON_FILES)[:1]
    ['aiddata_gcdf3_china_devfin_commitments.csv']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .aiddata import AIDDATA_FILE, read_aiddata
from .common import SeriesData, SeriesFileError, frame
from .wdi import WDI_FILES, read_wdi

ECON_FILES = (AIDDATA_FILE, *WDI_FILES)


@dataclass
class EconData:
    wdi: SeriesData
    aiddata: SeriesData
    ignored: list[str] = field(default_factory=list)  # files in the folder that no reader knows


def read_econ(folder: str | Path) -> EconData:
    """Read every WDI file and the AidData file of `folder`; a missing one is an error."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SeriesFileError(folder, 0, "no such folder" if not folder.exists() else "is a file, not a folder",
                              "give the folder that holds the wdi_*.csv and aiddata_*.csv files "
                              "(../shared/data/econ)")
    missing = [name for name in ECON_FILES if not (folder / name).is_file()]
    if missing:
        raise SeriesFileError(folder, 0, f"missing file(s) {', '.join(missing)}",
                              "give the folder holding every file described in ../shared/data/README.md "
                              "(an import rewrites wdi.csv and aiddata.csv whole)")
    parts = [read_wdi(folder / name, spec) for name, spec in WDI_FILES.items()]
    wdi = SeriesData(frame(pd.concat([p.frame for p in parts], ignore_index=True).to_dict("records")),
                     files=[f for p in parts for f in p.files], rows_read=sum(p.rows_read for p in parts),
                     not_published=sum(p.not_published for p in parts),
                     sources=[s for p in parts for s in p.sources])
    aid = read_aiddata(folder / AIDDATA_FILE)
    ignored = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name not in ECON_FILES
                     and not p.name.startswith("."))
    return EconData(wdi=wdi, aiddata=aid, ignored=ignored)
