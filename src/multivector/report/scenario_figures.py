"""Charts of a scenario run beside the baseline: membership probability fans and balance index bands.

Built from the summary tables (`engagement`, `indices`) a run writes; no logic
of their own. Used by the web app's scenario lab.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .figures import FONT, STATE_COLORS

LEVEL_COLORS = {"p_member": "#2c6fbb", "p_partner": "#8fb8e8", "p_none": "#e5e5e5"}
LEVEL_NAMES = {"p_member": "member", "p_partner": "partner or observer", "p_none": "none"}


def _layout(fig: go.Figure, title: str, y_title: str, y_range=None, height: int = 380) -> go.Figure:
    import textwrap

    lines = textwrap.wrap(title, 80)   # whole at 800 px
    fig.update_layout(title=dict(text="<br>".join(lines), x=0.01, font=dict(size=15)), height=height, font=FONT,
                      margin=dict(l=60, r=20, t=40 + 20 * len(lines), b=50), legend=dict(orientation="h", y=-0.22),
                      plot_bgcolor="#fafafa")
    fig.update_xaxes(title_text="year", tickformat="d", gridcolor="#e5e5e5")
    fig.update_yaxes(title_text=y_title, range=y_range, gridcolor="#e5e5e5")
    return fig


def membership_fan(eng: pd.DataFrame, state: str, line: str, state_name: str = "",
                   baseline: pd.DataFrame | None = None) -> go.Figure:
    """Stacked probabilities of none / partner / member for one state and organization line, the
    baseline's P(member) as a dashed line over them."""
    d = eng[(eng.state == state) & (eng.line == line)].sort_values("year")
    fig = go.Figure()
    for col in ("p_member", "p_partner", "p_none"):
        fig.add_trace(go.Scatter(x=d.year, y=100 * d[col], stackgroup="p", mode="lines", name=LEVEL_NAMES[col],
                                 line=dict(width=0.5, color=LEVEL_COLORS[col]), fillcolor=LEVEL_COLORS[col],
                                 hovertemplate=f"%{{x}}: {LEVEL_NAMES[col]} %{{y:.1f}}%<extra></extra>"))
    if baseline is not None:
        b = baseline[(baseline.state == state) & (baseline.line == line)].sort_values("year")
        fig.add_trace(go.Scatter(x=b.year, y=100 * b.p_member, mode="lines", name="member, baseline",
                                 line=dict(color="#c0392b", width=2.5, dash="dash"),
                                 hovertemplate="%{x}: baseline member %{y:.1f}%<extra></extra>"))
    who = f"{state_name} ({state})" if state_name else state
    return _layout(fig, f"{who} in {line}: probability of each status (% of runs)", "probability (%)", [0, 100])


def member_lines(eng: pd.DataFrame, state: str, state_name: str = "", baseline: pd.DataFrame | None = None,
                 lines: list[str] | None = None) -> go.Figure:
    """P(member) of one state in each organization line over time; the baseline dotted in the same colour."""
    d = eng[eng.state == state]
    lines = lines or sorted(d.line.unique())
    fig = go.Figure()
    for k, ln in enumerate(lines):
        color = STATE_COLORS[k % len(STATE_COLORS)]
        g = d[d.line == ln].sort_values("year")
        fig.add_trace(go.Scatter(x=g.year, y=100 * g.p_member, mode="lines", name=ln, legendgroup=ln,
                                 line=dict(color=color, width=2.5),
                                 hovertemplate=f"{ln} %{{x}}: %{{y:.1f}}%<extra>scenario</extra>"))
        if baseline is not None:
            b = baseline[(baseline.state == state) & (baseline.line == ln)].sort_values("year")
            fig.add_trace(go.Scatter(x=b.year, y=100 * b.p_member, mode="lines", name=f"{ln} baseline",
                                     legendgroup=ln, showlegend=False, line=dict(color=color, width=1.5, dash="dot"),
                                     hovertemplate=f"{ln} %{{x}}: %{{y:.1f}}%<extra>baseline</extra>"))
    who = f"{state_name} ({state})" if state_name else state
    note = " — solid: scenario, dotted: baseline" if baseline is not None else ""
    return _layout(fig, f"{who}: probability of membership by organization{note}", "P(member) (%)", [0, 100],
                   height=420)


def balance_band(idx: pd.DataFrame, state: str, state_name: str = "", baseline: pd.DataFrame | None = None
                 ) -> go.Figure:
    """Mean balance index with its 5th–95th percentile band over runs, scenario and baseline."""
    fig = go.Figure()
    runs = [("scenario", idx, "#2c6fbb")] + ([("baseline", baseline, "#c0392b")] if baseline is not None else [])
    for label, tab, color in runs:
        d = tab[tab.state == state].sort_values("year")
        fig.add_trace(go.Scatter(x=d.year, y=d.balance_index_p95, mode="lines", line=dict(width=0, color=color),
                                 showlegend=False, hoverinfo="skip", legendgroup=label))
        fig.add_trace(go.Scatter(x=d.year, y=d.balance_index_p05, mode="lines", line=dict(width=0, color=color),
                                 fill="tonexty", fillcolor=_rgba(color, 0.18), name=f"{label}: 5th–95th percentile",
                                 legendgroup=label, hovertemplate="%{x}: 5th pct %{y:.1f}<extra></extra>"))
        fig.add_trace(go.Scatter(x=d.year, y=d.balance_index_mean, mode="lines", name=f"{label}: mean",
                                 line=dict(color=color, width=2.5, dash="solid" if label == "scenario" else "dash"),
                                 legendgroup=label, hovertemplate="%{x}: mean %{y:.1f}<extra>" + label + "</extra>"))
    who = f"{state_name} ({state})" if state_name else state
    return _layout(fig, f"{who}: balance index (0 one pole … 100 even over Russia, China, the West)",
                   "balance index (0–100)", [0, 102])


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"
