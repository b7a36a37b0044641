"""Partial dates: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, with their precision.

A spell that starts in "2006" starts at the earliest day of 2006 and one that
ends in "2012" ends at its latest day, so comparisons never invent precision.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class DateFormatError(ValueError):
    """A date string that is not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`."""


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, month or day.

    >>> PartialDate.parse("2012-06").precision
    'month'
    >>> PartialDate.parse("2012").earliest, PartialDate.parse("2012").latest
    (datetime.date(2012, 1, 1), datetime.date(2012, 12, 31))
    """

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: object) -> PartialDate:
        if isinstance(text, dt.date):
            return cls(text.year, text.month, text.day)
        if isinstance(text, int):
            text = str(text)
        if not isinstance(text, str):
            raise DateFormatError(f"expected a date string, got {type(text).__name__}")
        m = _DATE_RE.match(text.strip())
        if not m:
            raise DateFormatError(f"'{text}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in m.groups())
        if month is not None and not 1 <= month <= 12:
            raise DateFormatError(f"'{text}': month {month} is not 01-12")
        if day is not None:
            try:
                dt.date(year, month, day)
            except ValueError as exc:
                raise DateFormatError(f"'{text}': {exc}") from None
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def __str__(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"


def parse_period(text: object) -> tuple[int, int]:
    """Parse a period `YYYY` or `YYYY-YYYY` into (first year, last year).

    >>> parse_period("2000-2008")
    (2000, 2008)
    >>> parse_period(2019)
    (2019, 2019)
    """
    s = str(text).strip()
    m = re.match(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$", s)
    if not m:
        raise DateFormatError(f"'{s}' is not a period of the form YYYY or YYYY-YYYY")
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) else first
    if last < first:
        raise DateFormatError(f"'{s}': the period ends ({last}) before it starts ({first})")
    return first, last
