"""Argument checks shared by every command: a value outside its valid range is refused before any work,
in one line naming the option, the value and the range (never a run that starts and fails late, nor one that
exits 0 with meaningless output)."""

from __future__ import annotations

from .output import fail

#: Most Monte Carlo runs, NUTS iterations or rows any command is asked for (a run of 100,000 takes minutes).
MAX_COUNT = 100_000
#: The years any command takes: the Correlates of War begin in 1816; no scenario reaches past 2100.
YEARS = (1816, 2100)


def in_range(value: int | None, lo: int, hi: int, option: str, why: str = "") -> None:
    """Refuse `value` (None: not given) outside lo..hi, saying the range and why it is that."""
    if value is None or lo <= value <= hi:
        return
    shown = f"{value:,}" if abs(value) < 10**15 else f"{str(value)[:12]}…"
    fail(f"{option} {shown} is outside {lo:,}–{hi:,}" + (f" ({why})" if why else "")
         + f"; give a value from {lo:,} to {hi:,}")


def case_span(kb) -> tuple[int, int]:
    """The years of the case's record (case.yaml `period`)."""
    period = kb.meta.get("period") or {}
    return int(period.get("start", 1991)), int(period.get("end", 2025))


def train_until(kb, value: int, option: str = "--train-until") -> None:
    """A split year: at least one recorded year to fit on and one after it to test."""
    start, end = case_span(kb)
    in_range(value, start + 1, end - 1, option, f"the case's record runs {start}–{end}: the fit needs a year of "
                                                "it and the test a year after")


def years_within(start: int | None, end: int | None, span: tuple[int, int], what: str) -> None:
    """--from/--to within `span` (the case's record or an imported file's years), --from not after --to."""
    lo, hi = span
    in_range(start, lo, hi, "--from", what)
    in_range(end, lo, hi, "--to", what)
    if start is not None and end is not None and start > end:
        fail(f"--from {start} is after --to {end}; give --from no later than --to")
