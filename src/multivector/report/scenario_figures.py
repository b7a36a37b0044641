"""Charts of a projection from the record: P(member) by organization, the status fan, the balance index, and the
difference a scenario makes (scenario minus the same run without its changes, with its paired interval).

Built from the tables a projection writes (`engagement`, `indices`, `compare`, with `source` record/model)
and the record; no logic of their own. Every chart draws the record up to its end beside the simulated
years, so a projection (or a counterfactual's departure from what happened) is read against it. Used by
the web app's scenario lab.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .figures import FONT

LEVEL_COLORS = {"p_member": "#2c6fbb", "p_partner": "#8fb8e8", "p_none": "#e5e5e5"}
LEVEL_NAMES = {"p_member": "member", "p_partner": "partner or observer", "p_none": "none"}
SCENARIO, WITHOUT, RECORD, INTERVAL = "#2c6fbb", "#c0392b", "#222222", "rgba(44,111,187,0.22)"
HISTORY = 10   # recorded years shown before the start


@dataclass
class View:
    """What every chart of one state needs besides the run's own tables."""

    state: str
    name: str
    start: int                       # the first simulated year
    first_change: int | None = None
    counterfactual: bool = False
    record: pd.DataFrame | None = None           # record_engagement of the case (every recorded year)
    record_indices: pd.DataFrame | None = None   # record_indices of the case

    @property
    def who(self) -> str:
        return f"{self.name} ({self.state})" if self.name and self.name != self.state else self.state

    def x0(self) -> int:
        return self.start - HISTORY


def _title(fig: go.Figure, title: str, height: int, top_extra: int = 0) -> None:
    lines = textwrap.wrap(title, 80)   # whole at 800 px
    fig.update_layout(title=dict(text="<br>".join(lines), x=0.01, font=dict(size=15)), height=height, font=FONT,
                      margin=dict(l=60, r=20, t=40 + 20 * len(lines) + top_extra, b=60),
                      legend=dict(orientation="h", y=-0.08, yanchor="top"), plot_bgcolor="#fafafa")


def _layout(fig: go.Figure, title: str, y_title: str, y_range=None, height: int = 380) -> go.Figure:
    _title(fig, title, height)
    fig.update_layout(legend=dict(orientation="h", y=-0.22))
    fig.update_xaxes(title_text="year", tickformat="d", gridcolor="#e5e5e5")
    fig.update_yaxes(title_text=y_title, range=y_range, gridcolor="#e5e5e5")
    return fig


def _start_line(fig: go.Figure, view: View, **where) -> None:
    """A dotted line where the model takes over from the record (and where the first change falls)."""
    fig.add_vline(x=view.start - 0.5, line=dict(color="#888", width=1, dash="dot"), **where)
    if view.first_change is not None and view.first_change != view.start:
        fig.add_vline(x=view.first_change - 0.5, line=dict(color="#b36b00", width=1, dash="dash"), **where)


def _record_of(view: View, line: str) -> pd.DataFrame:
    if view.record is None:
        return pd.DataFrame(columns=["year", "p_member"])
    r = view.record
    return r[(r.state == view.state) & (r.line == line) & (r.year >= view.x0())].sort_values("year")


def _panels(n: int) -> tuple[int, int]:
    cols = 4 if n >= 10 else 3 if n >= 3 else max(n, 1)
    return math.ceil(n / cols), cols


def member_panels(eng: pd.DataFrame, view: View, baseline: pd.DataFrame | None = None) -> go.Figure:
    """P(member) of one state, one small panel per organization line: the record (black) up to its end, the
    scenario (blue) and, when compared, the same run without its changes (red, dashed)."""
    model = eng[(eng.state == view.state) & (eng.source == "model")]
    lines = sorted(model.line.unique())
    rows, cols = _panels(len(lines))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=lines, shared_yaxes=True, shared_xaxes="all",
                        vertical_spacing=0.36 / rows if rows > 1 else 0.1, horizontal_spacing=0.03)
    for k, ln in enumerate(lines):
        r, c = k // cols + 1, k % cols + 1
        first = k == 0
        rec = _record_of(view, ln)
        fig.add_trace(go.Scatter(x=rec.year, y=100 * rec.p_member, mode="lines", name="the record", legendgroup="r",
                                 showlegend=first, line=dict(color=RECORD, width=2, shape="hv"),
                                 hovertemplate=f"{ln} %{{x}}: %{{y:.0f}}%<extra>record</extra>"), row=r, col=c)
        g = model[model.line == ln].sort_values("year")
        fig.add_trace(go.Scatter(x=g.year, y=100 * g.p_member, mode="lines", name="scenario", legendgroup="s",
                                 showlegend=first, line=dict(color=SCENARIO, width=2.5),
                                 hovertemplate=f"{ln} %{{x}}: %{{y:.1f}}%<extra>scenario</extra>"), row=r, col=c)
        if baseline is not None:
            b = baseline[(baseline.state == view.state) & (baseline.line == ln)
                         & (baseline.source == "model")].sort_values("year")
            fig.add_trace(go.Scatter(x=b.year, y=100 * b.p_member, mode="lines", name="without its changes",
                                     legendgroup="b", showlegend=first,
                                     line=dict(color=WITHOUT, width=1.8, dash="dash"),
                                     hovertemplate=f"{ln} %{{x}}: %{{y:.1f}}%<extra>without its changes</extra>"),
                          row=r, col=c)
    _start_line(fig, view, row="all", col="all")
    fig.update_yaxes(range=[-4, 104], tickvals=[0, 50, 100], gridcolor="#e5e5e5")
    fig.update_xaxes(tickformat="d", gridcolor="#e5e5e5", nticks=4, showticklabels=True)
    fig.update_annotations(font=dict(size=12))
    kind = "counterfactual" if view.counterfactual else "projection"
    _title(fig, f"{view.who}: probability of membership (%) by organization — the record to its end, then the "
                f"{kind} from {view.start}", height=170 + 165 * rows, top_extra=22)
    return fig


def difference_panels(compare: pd.DataFrame, view: View) -> go.Figure:
    """Scenario minus the same run without its changes, in percentage points of P(member), one panel per
    organization line, with its 90% interval over the posterior draws the paired runs share; a last panel for the
    balance index (index points). Exactly zero before the first change."""
    c = compare[compare.state == view.state]
    p = c[c.measure == "p_member"]
    lines = sorted(p.line.unique())
    names = [*lines, "balance index"]
    rows, cols = _panels(len(names))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=names, shared_xaxes="all",
                        vertical_spacing=0.36 / rows if rows > 1 else 0.1, horizontal_spacing=0.06)
    span = max(1.0, float(100 * p[["p05", "p95", "difference"]].abs().max().max())) if len(p) else 1.0
    for k, ln in enumerate(names):
        r, col = k // cols + 1, k % cols + 1
        is_bal = ln == "balance index"
        g = (c[c.measure == "balance"] if is_bal else p[p.line == ln]).sort_values("year")
        scale = 1.0 if is_bal else 100.0
        unit = "index points" if is_bal else "points"
        first = k == 0
        fig.add_trace(go.Scatter(x=g.year, y=scale * g.p95, mode="lines", line=dict(width=0, color=SCENARIO),
                                 showlegend=False, hoverinfo="skip", legendgroup="i"), row=r, col=col)
        fig.add_trace(go.Scatter(x=g.year, y=scale * g.p05, mode="lines", line=dict(width=0, color=SCENARIO),
                                 fill="tonexty", fillcolor=INTERVAL, name="90% interval over the posterior",
                                 legendgroup="i", showlegend=first,
                                 hovertemplate=f"{ln} %{{x}}: 5th pct %{{y:+.2f}} {unit}<extra></extra>"),
                      row=r, col=col)
        fig.add_trace(go.Scatter(x=g.year, y=scale * g.difference, mode="lines+markers", name="difference",
                                 legendgroup="d", showlegend=first, marker=dict(size=4),
                                 line=dict(color=SCENARIO, width=2.2),
                                 hovertemplate=f"{ln} %{{x}}: %{{y:+.2f}} {unit}<extra>difference</extra>"),
                      row=r, col=col)
        fig.add_hline(y=0, line=dict(color="#666", width=1), row=r, col=col)
        if not is_bal:
            fig.update_yaxes(range=[-1.08 * span, 1.08 * span], row=r, col=col)
    if view.first_change is not None:
        fig.add_vline(x=view.first_change - 0.5, line=dict(color="#b36b00", width=1, dash="dash"), row="all",
                      col="all")
    fig.update_xaxes(tickformat="d", gridcolor="#e5e5e5", nticks=4, showticklabels=True)
    fig.update_yaxes(gridcolor="#e5e5e5", zeroline=False)
    fig.update_annotations(font=dict(size=12))
    when = f"first change {view.first_change}, dashed" if view.first_change is not None else "no driver changes"
    _title(fig, f"{view.who}: what the scenario changes — P(member) of the scenario minus the same run without its "
                f"changes (percentage points; same start, seed and random numbers; {when})", height=170 + 165 * rows,
           top_extra=22)
    return fig


def membership_fan(eng: pd.DataFrame, view: View, line: str, baseline: pd.DataFrame | None = None) -> go.Figure:
    """Stacked probabilities of none / partner / member for one state and line over the simulated years, the
    record's status drawn as a line up to its end, and the run without the changes' P(member) dashed."""
    d = eng[(eng.state == view.state) & (eng.line == line) & (eng.source == "model")].sort_values("year")
    fig = go.Figure()
    for col in ("p_member", "p_partner", "p_none"):
        fig.add_trace(go.Scatter(x=d.year, y=100 * d[col], stackgroup="p", mode="lines", name=LEVEL_NAMES[col],
                                 line=dict(width=0.5, color=LEVEL_COLORS[col]), fillcolor=LEVEL_COLORS[col],
                                 hovertemplate=f"%{{x}}: {LEVEL_NAMES[col]} %{{y:.1f}}%<extra></extra>"))
    rec = _record_of(view, line)
    fig.add_trace(go.Scatter(x=rec.year, y=100 * rec.p_member, mode="lines", name="member on record",
                             line=dict(color=RECORD, width=2.5, shape="hv"),
                             hovertemplate="%{x}: member on record %{y:.0f}%<extra></extra>"))
    if baseline is not None:
        b = baseline[(baseline.state == view.state) & (baseline.line == line)
                     & (baseline.source == "model")].sort_values("year")
        fig.add_trace(go.Scatter(x=b.year, y=100 * b.p_member, mode="lines", name="member, without its changes",
                                 line=dict(color=WITHOUT, width=2.5, dash="dash"),
                                 hovertemplate="%{x}: without its changes, member %{y:.1f}%<extra></extra>"))
    _start_line(fig, view)
    fig.update_xaxes(range=[view.x0() - 0.5, int(eng.year.max()) + 0.5])
    return _layout(fig, f"{view.who} in {line}: probability of each status (% of runs), the record to its end",
                   "probability (%)", [0, 100])


def balance_band(idx: pd.DataFrame, view: View, baseline: pd.DataFrame | None = None) -> go.Figure:
    """The recorded balance index to its end, then the mean with its 5th–95th percentile band over runs (and the
    run without the scenario's changes, dashed)."""
    fig = go.Figure()
    if view.record_indices is not None:
        r = view.record_indices
        r = r[(r.state == view.state) & (r.year >= view.x0())].sort_values("year")
        fig.add_trace(go.Scatter(x=r.year, y=r.balance_index_mean, mode="lines", name="the record",
                                 line=dict(color=RECORD, width=2.5),
                                 hovertemplate="%{x}: recorded %{y:.1f}<extra></extra>"))
    runs = [("scenario", idx, SCENARIO)] + ([("without its changes", baseline, WITHOUT)]
                                            if baseline is not None else [])
    for label, tab, color in runs:
        d = tab[(tab.state == view.state) & (tab.source == "model")].sort_values("year")
        fig.add_trace(go.Scatter(x=d.year, y=d.balance_index_p95, mode="lines", line=dict(width=0, color=color),
                                 showlegend=False, hoverinfo="skip", legendgroup=label))
        fig.add_trace(go.Scatter(x=d.year, y=d.balance_index_p05, mode="lines", line=dict(width=0, color=color),
                                 fill="tonexty", fillcolor=_rgba(color, 0.18), name=f"{label}: 5th–95th percentile",
                                 legendgroup=label, hovertemplate="%{x}: 5th pct %{y:.1f}<extra></extra>"))
        fig.add_trace(go.Scatter(x=d.year, y=d.balance_index_mean, mode="lines", name=f"{label}: mean",
                                 line=dict(color=color, width=2.5, dash="solid" if label == "scenario" else "dash"),
                                 legendgroup=label, hovertemplate="%{x}: mean %{y:.1f}<extra>" + label + "</extra>"))
    _start_line(fig, view)
    fig.update_xaxes(range=[view.x0() - 0.5, int(idx.year.max()) + 0.5])
    return _layout(fig, f"{view.who}: balance index (0 one pole … 100 even over Russia, China, the West), "
                        "the record to its end", "balance index (0–100)", [0, 102], height=420)


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"
