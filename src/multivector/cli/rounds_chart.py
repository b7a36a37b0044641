"""A compact text chart of a bargaining model's rounds: each actor's position, round by round, within 80 columns.

KTAB shows the spatial model's rounds as a chart of every actor's position against the round; on a
terminal the same picture is a strip per round: the scale across, one letter per actor where it
stands, `◆` where the forecast is, the rounds down (the first, the last and evenly spaced ones
between), the forecast's value at the right (the `◆` can sit under an actor's letter). Letters that fall
on one column show as `+`. A pure function of arrays, so it is tested
without a terminal; the full table of rounds is `--format csv|json`.
"""

from __future__ import annotations

import string
from collections.abc import Sequence

import numpy as np

MARK_FORECAST = "◆"
MARK_SHARED = "+"
LABELS = string.ascii_uppercase + string.ascii_lowercase
#: Characters of the forecast's value printed after each round's strip.
VALUE_WIDTH = 6


def shown_rounds(rounds: int, at_most: int = 12) -> list[int]:
    """The rounds drawn: 0, the last, and evenly spaced ones between (all of them when there are few)."""
    if rounds + 1 <= at_most:
        return list(range(rounds + 1))
    return sorted({int(round(r)) for r in np.linspace(0, rounds, at_most)})


def strip(values: Sequence[float], labels: Sequence[str], forecast: float | None, lo: float, hi: float,
          width: int) -> str:
    """One round: `width` characters, each actor's label at its position on [lo, hi], the forecast as ◆."""
    cells = [" "] * width

    def col(v: float) -> int:
        share = 0.0 if hi <= lo else (float(v) - lo) / (hi - lo)
        return int(round(min(max(share, 0.0), 1.0) * (width - 1)))

    if forecast is not None and np.isfinite(forecast):
        cells[col(forecast)] = MARK_FORECAST
    for v, label in zip(values, labels, strict=True):
        if not np.isfinite(v):
            continue
        c = col(v)
        cells[c] = label if cells[c] in (" ", MARK_FORECAST) else MARK_SHARED
    return "".join(cells)


def chart(positions: np.ndarray, forecasts: np.ndarray | None, actors: Sequence[str], lo: float, hi: float,
          total_width: int = 80, at_most: int = 12) -> list[str]:
    """The chart of one dimension: positions (rounds + 1, actors), forecasts (rounds + 1,) → lines of text.

    The lines are at most `total_width` characters wide; the legend names every actor's letter.
    """
    positions = np.asarray(positions, float)
    rounds = positions.shape[0] - 1
    labels = list(LABELS[:len(actors)]) if len(actors) <= len(LABELS) else ["•"] * len(actors)
    head = len(f"round {rounds} ")
    value = 0 if forecasts is None else VALUE_WIDTH + 1
    width = max(20, total_width - head - 2 - value)
    lines = []
    for r in shown_rounds(rounds, at_most):
        f = None if forecasts is None else float(np.asarray(forecasts, float)[r])
        tail = "" if f is None else f" {_value(f):>{VALUE_WIDTH}}"
        lines.append(f"{f'round {r}':<{head - 1}} │{strip(positions[r], labels, f, lo, hi, width)}│{tail}")
    mid = _fmt((lo + hi) / 2)
    axis = [" "] * width
    for text, at in ((_fmt(lo), 0), (mid, (width - len(mid)) // 2), (_fmt(hi), width - len(_fmt(hi)))):
        axis[at:at + len(text)] = text
    lines.append(" " * head + " " + "".join(axis))
    legend, row = [], ""
    items = [f"{lab} {name}" for lab, name in zip(labels, actors, strict=True)] + \
        [f"{MARK_FORECAST} forecast", f"{MARK_SHARED} several actors"]
    for item in items:
        if row and len(row) + 3 + len(item) > total_width:
            legend.append(row)
            row = ""
        row = f"{row}   {item}" if row else item
    legend.append(row)
    return lines + legend


def _value(v: float) -> str:
    return "—" if not np.isfinite(v) else f"{v:.4g}"[:VALUE_WIDTH]


def _fmt(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() else f"{v:g}"
