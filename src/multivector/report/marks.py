"""Marks drawn on any chart over time: the case's landmark events; colour shades. No charts of their own."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

LANDMARK = "#6b7580"


def decimal_year(d) -> float:
    """A date ("2008-08-08", "2014-03", "2015") as a decimal year; a month or a year alone is taken at its
    middle.

    >>> decimal_year("2015"), round(decimal_year("2008-08-08"), 2)
    (2015.5, 2008.6)
    """
    text = str(d)
    if len(text) == 4:
        return int(text) + 0.5
    if len(text) == 7:
        text += "-15"
    ts = pd.Timestamp(text)
    return ts.year + (ts.day_of_year - 1) / (366 if ts.is_leap_year else 365)


def shade(hex_color: str, amount: float) -> str:
    """`hex_color` mixed with white: amount 1 the colour itself, 0 white.

    >>> shade("#c0392b", 0.5)
    '#e09c95'
    """
    h = hex_color.lstrip("#")
    rgb = [int(h[k:k + 2], 16) for k in (0, 2, 4)]
    mixed = [round(255 - amount * (255 - c)) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def legend_below(fig: go.Figure, entries: int, gap: int = 52, per_line: int = 3) -> go.Figure:
    """Put the legend under the plot, below the x axis and its title, with the bottom margin grown to hold it
    (`entries` items, about `per_line` to a line at 800 px), so it never overlaps the title or the panels at
    any width; the figure's height grows by the same amount."""
    lines = max(1, -(-entries // per_line))
    extra = gap + 24 * lines
    m = fig.layout.margin
    top, bottom = (m.t if m.t is not None else 80), (m.b if m.b is not None else 40)
    height = (fig.layout.height or 450) + extra
    plot = height - top - bottom - extra
    fig.update_layout(height=height, margin=dict(b=bottom + extra),
                      legend=dict(orientation="h", yanchor="top", xanchor="left", x=0, y=-gap / max(plot, 1)))
    return fig


def mark_landmarks(fig: go.Figure, landmarks: pd.DataFrame | None, y: float, rows: int = 1,
                   step: float = 8.0) -> go.Figure:
    """Each landmark event (`CaseBase.landmarks()`) as a dotted vertical line at its date on every panel, with
    its year written above a marker at height `y` of the first panel (`y + step` for every other one of
    events close together); hovering the marker shows the date, the summary and the event's id."""
    if landmarks is None or landmarks.empty:
        return fig
    xs = [decimal_year(d) for d in landmarks["date"]]
    for x in xs:
        for r in range(1, rows + 1):
            fig.add_vline(x=x, line=dict(color=LANDMARK, width=1, dash="dot"), **({"row": r, "col": 1} if rows > 1 else {}))
    hover = [f"<b>{d}</b>: {s}<br>evidence id {i}" for d, s, i in
             zip(landmarks["date"], landmarks["summary"], landmarks["id"], strict=True)]
    # labels of events less than three years apart alternate between two heights, so they never overlap
    heights, last, up = [], None, False
    for x in xs:
        up = (not up) if last is not None and x - last < 3 else False
        heights.append(y + (step if up else 0))
        last = x
    trace = go.Scatter(x=xs, y=heights, mode="markers+text", text=[str(d)[:4] for d in landmarks["date"]],
                       textposition="top center", textfont=dict(size=11, color=LANDMARK),
                       name="landmark events (hover for the evidence id)",
                       marker=dict(symbol="triangle-down", size=9, color=LANDMARK), customdata=hover,
                       hovertemplate="%{customdata}<extra></extra>", cliponaxis=False)
    if rows > 1:
        fig.add_trace(trace, row=1, col=1)
    else:
        fig.add_trace(trace)
    return fig
