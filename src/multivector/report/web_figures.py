"""Charts the web pages show beside the report's: an organization's membership timeline and the
published yearly series (economy, UN voting agreement) per state. Built from library tables only."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .figures import FONT, STATE_COLORS, STATUS_PATTERN, spell_extent

STATUS_COLORS = {"member": "#2c6fbb", "associate": "#5d9bd5", "observer": "#e0a100", "partner": "#27ae60",
                 "candidate": "#8e44ad"}


def org_gantt(spells: pd.DataFrame, org: str, org_name: str, period: tuple[int, int], names: dict[str, str]
              ) -> go.Figure:
    """Membership timeline of one organization: a bar per spell of each actor, coloured by status."""
    df = spell_extent(spells[spells["org"] == org], period)
    lo, hi = period
    order = list(df.groupby("actor")["x0"].min().sort_values(ascending=False).index)
    fig = go.Figure()
    shown: set[str] = set()
    for r in df.itertuples():
        end_txt = r.end if isinstance(r.end, str) and r.end else "open"
        fig.add_trace(go.Bar(
            y=[r.actor], x=[r.x1 - r.x0], base=[r.x0], orientation="h", width=0.7, name=r.status,
            marker=dict(color=STATUS_COLORS.get(r.status, "#999"), line=dict(color="#333", width=0.5),
                        pattern=dict(shape=STATUS_PATTERN.get(r.status, ""), fgcolor="#fff", size=6)),
            legendgroup=r.status, showlegend=r.status not in shown,
            hovertemplate=(f"<b>{names.get(r.actor, r.actor)}</b> in {org}<br>{r.status}: {r.start} – {end_txt}"
                           f"<br>sources: {', '.join(r.sources)}<extra></extra>")))
        shown.add(r.status)
    fig.update_layout(barmode="overlay", title=dict(text=f"{org_name} ({org}): members over time", x=0.01,
                                                    font=dict(size=15)),
                      height=max(260, 30 * len(order) + 120), margin=dict(l=70, r=20, t=50, b=40), font=FONT,
                      legend=dict(title=dict(text="status")), plot_bgcolor="#fafafa")
    fig.update_xaxes(range=[lo, hi + 1], dtick=2, tickformat="d", title_text="year", gridcolor="#e5e5e5")
    fig.update_yaxes(categoryorder="array", categoryarray=order, automargin=True, title_text="state")
    return fig


def series_panels(points: pd.DataFrame, names: list[str], title: str, states: list[str],
                  state_names: dict[str, str], labels: dict[str, str] | None = None) -> go.Figure:
    """One panel per series (its unit on the y axis), one line per state, published points only."""
    labels = labels or {}
    names = [n for n in names if n in set(points.series)]
    cols = 2 if len(names) > 1 else 1
    rows = max(1, math.ceil(len(names) / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[labels.get(n, n.replace("_", " ")) for n in names],
                        vertical_spacing=0.16, horizontal_spacing=0.1)
    color = {s: STATE_COLORS[k % len(STATE_COLORS)] for k, s in enumerate(states)}
    for k, n in enumerate(names):
        d = points[points.series == n]
        r, c = k // cols + 1, k % cols + 1
        unit = str(d.unit.iloc[0]) if len(d) else ""
        for s in states:
            g = d[d.actor == s].sort_values("year")
            if g.empty:
                continue
            fig.add_trace(go.Scatter(x=g.year, y=g.value, mode="lines+markers", name=state_names.get(s, s),
                                     legendgroup=s, showlegend=k == 0, marker=dict(size=5),
                                     line=dict(color=color[s], width=2),
                                     hovertemplate=f"{s} %{{x}}: %{{y:.3g}} {unit}<extra>{n}</extra>"),
                          row=r, col=c)
        fig.update_xaxes(tickformat="d", title_text="year", gridcolor="#e5e5e5", row=r, col=c)
        fig.update_yaxes(title_text=unit, gridcolor="#e5e5e5", rangemode="tozero", row=r, col=c)
    fig.update_layout(title=dict(text=title, x=0.01, font=dict(size=15)), height=300 * rows + 110, font=FONT,
                      margin=dict(l=60, r=20, t=80, b=40), legend=dict(orientation="h", y=-0.08),
                      plot_bgcolor="#fafafa")
    return fig
