"""UN General Assembly voting: agreement with Russia, China and the United States, and ideal points.

Source: Bailey, Strezhnev & Voeten (2017), "Estimating Dynamic State Preferences
from United Nations Voting Data", Journal of Conflict Resolution 61(2); data:
Voeten, Strezhnev & Bailey, "United Nations General Assembly Voting Data",
Harvard Dataverse, doi:10.7910/DVN/LEJUQZ (file IdealpointestimatesAll, one row
per state and session). The file's `year` is 1945 + session: the session opens
in September of that year.

Series (one point per state and year):

- `unga_agree_rus`, `unga_agree_chn`, `unga_agree_usa` (unit `share`, partner
  RUS, CHN, USA): the share of the session's recorded votes on which the state
  voted as that power did. Empty or NA cells (not computed) give no point.
- `unga_ideal_point` (unit `ideal point`, no partner): the one-dimensional
  ideal point, higher = closer to the United States-led order.

Examples:
    >>> from multivector.series.unga import UNGA_SERIES
    >>> [s for s, _, _, _ in UNGA_SERIES]
    ['unga_agree_rus', 'unga_agree_chn', 'unga_agree_usa', 'unga_ideal_point']
"""

from __future__ import annotations

from pathlib import Path

from .common import SeriesData, SeriesFileError, frame, iso3, number, once, read_records, year

#: Citation of every row: the data set and the article that describes the estimates.
UNGA_SOURCES = ("bg_unga_voting_data", "bg_unga_bsv2017")

#: (series, file column, partner, unit)
UNGA_SERIES = (
    ("unga_agree_rus", "agree_rus", "RUS", "share"),
    ("unga_agree_chn", "agree_chn", "CHN", "share"),
    ("unga_agree_usa", "agree_usa", "USA", "share"),
    ("unga_ideal_point", "ideal_point", "", "ideal point"),
)

REQUIRED = ("iso3c", "year", "ideal_point", "agree_usa", "agree_rus", "agree_chn")
WHAT = "UNGA ideal-point file"


def read_unga(path: str | Path) -> SeriesData:
    """Read the UNGA ideal-point and agreement file into the four `unga_*` series.

    Raises `SeriesFileError` (a ValueError) with `file:line: what — how to fix`.
    """
    path = Path(path)
    cite = ";".join(UNGA_SOURCES)
    rows: list[dict] = []
    seen: dict = {}
    n = missing = 0
    for line, rec in read_records(path, REQUIRED, WHAT,
                                  header_hint="give the excerpt of IdealpointestimatesAll with the columns "
                                              "ccode,session,year,iso3c,...,agree_usa,agree_rus,agree_chn"):
        n += 1
        actor = iso3(rec["iso3c"], path, line, "iso3c")
        yr = year(rec["year"], path, line)
        if rec.get("session", "").strip():
            session = number(rec["session"], path, line, "session")
            if session is not None and int(session) + 1945 != yr:
                raise SeriesFileError(path, line, f"year {yr} does not match session {int(session)} "
                                      f"(the file's year is 1945 + session = {int(session) + 1945})",
                                      "give the file as published; the year and session columns disagree")
        once(seen, (actor, yr), path, line, "state-year")
        for name, column, partner, unit in UNGA_SERIES:
            value = number(rec[column], path, line, column)
            if value is None:
                missing += 1
                continue
            if unit == "share" and not 0.0 <= value <= 1.0:
                raise SeriesFileError(path, line, f"`{column}` is {value:g}, outside the share range 0-1",
                                      "agreement is a share of votes between 0 and 1; check the column")
            rows.append({"series": name, "actor": actor, "partner": partner, "year": yr, "value": value,
                         "unit": unit, "sources": cite})
    return SeriesData(frame(rows), files=[str(path)], rows_read=n, not_published=missing,
                      sources=list(UNGA_SOURCES))
