"""AidData's Global Chinese Development Finance Dataset 3.0: China's commitments by recipient and year.

Source: Custer et al. (2023), "Tracking Chinese Development Finance: An
Application of AidData's TUFF 3.0 Methodology", AidData at William & Mary; the
file sums the commitments of projects "recommended for aggregates" by recipient,
commitment year (2000-2021) and flow class, in constant 2021 US dollars
(columns `iso3,year,flow_class,value,value_adjusted`).

Series (partner CHN, unit `constant 2021 USD`):

- `china_devfin_commitments_usd2021`: `value` summed over the flow classes of a
  recipient-year;
- `china_devfin_commitments_usd2021_oda_like`, `..._oof_like`, `..._vague`: one
  flow class each;
- `china_devfin_commitments_adjusted_usd2021`: `value_adjusted` (AidData's
  adjusted amount) summed over the flow classes, where the column is present.

A recipient-year without a row has no recorded commitment: it gets no point (no
zero is invented). A zero is stored only where the file itself has a row with 0.

>>> FLOW_CLASSES["ODA-like"]
'oda_like'
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

from .common import SeriesData, SeriesFileError, frame, iso3, number, once, read_records, year

AIDDATA_SOURCE = "bg_aiddata_gcdf3"
TOTAL = "china_devfin_commitments_usd2021"
ADJUSTED = "china_devfin_commitments_adjusted_usd2021"
UNIT = "constant 2021 USD"
PARTNER = "CHN"

#: flow class as written in the file → series suffix
FLOW_CLASSES = {"ODA-like": "oda_like", "OOF-like": "oof_like", "Vague (official finance)": "vague"}

REQUIRED = ("iso3", "year", "flow_class", "value")
AIDDATA_FILE = "aiddata_gcdf3_china_devfin_commitments.csv"


def read_aiddata(path: str | Path) -> SeriesData:
    """Read the AidData GCDF 3.0 recipient-year-flow-class file into the `china_devfin_*` series."""
    path = Path(path)
    by_class: list[dict] = []
    totals: dict[tuple[str, int], list[float]] = defaultdict(list)
    adjusted: dict[tuple[str, int], list[float]] = defaultdict(list)
    has_adjusted = False
    seen: dict = {}
    n = missing = 0
    for line, rec in read_records(path, REQUIRED, "AidData GCDF 3.0 commitments file",
                                  header_hint="the header must be iso3,year,flow_class,value,value_adjusted"):
        n += 1
        actor = iso3(rec["iso3"], path, line, "iso3")
        yr = year(rec["year"], path, line)
        flow = rec["flow_class"]
        if flow not in FLOW_CLASSES:
            raise SeriesFileError(path, line, f"unknown flow_class '{flow[:40]}'",
                                  f"use one of {', '.join(FLOW_CLASSES)} (as AidData writes them)")
        once(seen, (actor, yr, flow), path, line, "recipient-year-flow class")
        value = number(rec["value"], path, line, "value")
        if "value_adjusted" in rec:
            has_adjusted = True
            adj = number(rec["value_adjusted"], path, line, "value_adjusted")
            if adj is not None:
                adjusted[(actor, yr)].append(adj)
        if value is None:
            missing += 1
            continue
        totals[(actor, yr)].append(value)
        by_class.append({"series": f"{TOTAL}_{FLOW_CLASSES[flow]}", "actor": actor, "partner": PARTNER,
                         "year": yr, "value": value, "unit": UNIT, "sources": AIDDATA_SOURCE})
    rows = by_class + [{"series": TOTAL, "actor": a, "partner": PARTNER, "year": y, "value": math.fsum(v),
                        "unit": UNIT, "sources": AIDDATA_SOURCE} for (a, y), v in totals.items()]
    if has_adjusted:
        rows += [{"series": ADJUSTED, "actor": a, "partner": PARTNER, "year": y, "value": math.fsum(v),
                  "unit": UNIT, "sources": AIDDATA_SOURCE} for (a, y), v in adjusted.items()]
    return SeriesData(frame(rows), files=[str(path)], rows_read=n, not_published=missing,
                      sources=[AIDDATA_SOURCE])
