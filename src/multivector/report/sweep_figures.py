"""A sweep analysis as charts in the app's theme: Sobol' indices with their intervals (the valid range
[0, 1] shaded), Morris μ*–σ, PRIM's peeling trajectory. Built from a stored `Analysis`; no logic of its own."""

from __future__ import annotations

import textwrap

import numpy as np
import plotly.graph_objects as go

from .figures import FONT
from .marks import legend_below

S1, ST, MORRIS, CHOSEN = "#2c6fbb", "#e0a100", "#8e44ad", "#c0392b"


def _layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    lines = textwrap.wrap(title, 75)
    fig.update_layout(title=dict(text="<br>".join(lines), x=0.01, font=dict(size=15)), height=height, font=FONT,
                      plot_bgcolor="#fafafa", margin=dict(l=70, r=20, t=40 + 22 * len(lines), b=60))
    fig.update_xaxes(gridcolor="#e5e5e5", automargin=True)
    fig.update_yaxes(gridcolor="#e5e5e5", zeroline=True, zerolinecolor="#bbbbbb")
    return fig


def sobol_chart(outcome: str, df) -> go.Figure:
    """First-order (S1) and total (ST) indices of each factor with their 95% intervals; the valid range of a
    variance share, [0, 1], shaded, so an estimate outside it shows at once."""
    fig = go.Figure()
    fig.add_hrect(y0=0, y1=1, fillcolor="rgba(39,174,96,0.08)", line_width=0, layer="below")
    for name, color, label in (("S1", S1, "first-order S1 (the factor alone)"),
                               ("ST", ST, "total ST (alone and in interaction)")):
        fig.add_trace(go.Bar(x=df["factor"], y=df[name], name=label, marker_color=color,
                             error_y=dict(type="data", array=df[f"{name}_conf"], color="#333", thickness=1.2),
                             hovertemplate="%{x}: " + name + " %{y:.2f} ± %{error_y.array:.2f}<extra></extra>"))
    values = np.concatenate([df[n] + sign * df[f"{n}_conf"] for n in ("S1", "ST") for sign in (-1, 1)]
                            + [np.array([0.0, 1.0])]).astype(float)
    values = values[np.isfinite(values)]
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="share of the outcome's variance", range=[min(0.0, values.min()) - 0.05,
                                                                          max(1.0, values.max()) + 0.05])
    fig.update_xaxes(title_text="factor")
    _layout(fig, f"Sobol' indices of {outcome} (95% intervals; shaded: the valid range 0–1)")
    return legend_below(fig, 2, per_line=2)


def morris_chart(outcome: str, df) -> go.Figure:
    """Morris screening: μ* (how much a factor moves the outcome) against σ (non-linearity or interaction)."""
    fig = go.Figure(go.Scatter(x=df["mu_star"], y=df["sigma"], text=df["factor"], mode="markers+text",
                               textposition="top center", marker=dict(size=12, color=MORRIS),
                               error_x=dict(type="data", array=df["mu_star_conf"], color=MORRIS),
                               hovertemplate="%{text}: μ* %{x:.3g}, σ %{y:.3g}<extra></extra>", name="factor"))
    fig.update_xaxes(title_text="μ* (mean |elementary effect| per full range)", rangemode="tozero")
    fig.update_yaxes(title_text="σ (spread of the effects)", rangemode="tozero")
    return _layout(fig, f"Morris screening of {outcome}")


def prim_chart(prim: dict) -> go.Figure:
    """PRIM's peeling trajectory: coverage against density, coloured by the number of factors restricted,
    the chosen box starred."""
    t = prim["trajectory"]
    c = int(prim["chosen"])
    fig = go.Figure(go.Scatter(x=t["coverage"], y=t["density"], mode="markers+lines", name="boxes",
                               marker=dict(size=9, color=t["res_dim"], colorscale="Viridis", showscale=True,
                                           cmin=0, cmax=max(1, int(t["res_dim"].max())),
                                           colorbar=dict(title=dict(text="factors<br>restricted"), thickness=12)),
                               line=dict(color="#999", width=1), text=[f"box {i}" for i in t["step"]],
                               hovertemplate="%{text}: coverage %{x:.2f}, density %{y:.2f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[t["coverage"].iloc[c]], y=[t["density"].iloc[c]], mode="markers",
                             name=f"chosen box {c}", marker=dict(size=16, symbol="star", color=CHOSEN)))
    fig.update_xaxes(title_text="coverage (share of the cases inside the box)", range=[0, 1.03])
    fig.update_yaxes(title_text="density (share of the box that are cases)", range=[0, 1.03])
    _layout(fig, f"PRIM peeling trajectory for {prim['condition']}")
    fig.update_layout(showlegend=False)
    return fig


def sweep_figures(a) -> list[go.Figure]:
    """Every chart of an analysis (`multivector.sweep.analyze.Analysis`), in the app's theme."""
    figs = [sobol_chart(o, df) for o, df in a.sobol.items()]
    figs += [morris_chart(o, df) for o, df in a.morris.items()]
    if a.prim is not None:
        figs.append(prim_chart(a.prim))
    return figs
