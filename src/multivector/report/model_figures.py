"""The fitted model as a picture: each weight's posterior median and interval (model.weight_summary), one row
per term, in the app's theme. Built from the library's rows; no logic of its own."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .figures import FONT

DOT, BAR, ZERO = "#1f3a5f", "#7fa7d6", "#c0392b"


def _panel(fig: go.Figure, rows: list[dict], key: str, row: int, level: float) -> None:
    med = [r[f"{key}median"] for r in rows]
    lo = [r[f"{key}lo"] for r in rows]
    hi = [r[f"{key}hi"] for r in rows]
    data = [[r["weight"], r["mechanism"] or "—", a, b, r["median"], r["lo"], r["hi"]]
            for r, a, b in zip(rows, lo, hi, strict=True)]
    fig.add_trace(go.Scatter(
        x=med, y=[r["label"] for r in rows], mode="markers", showlegend=False,
        marker=dict(color=DOT, size=10, line=dict(color="#fff", width=1)),
        error_x=dict(type="data", symmetric=False, array=[h - m for h, m in zip(hi, med, strict=True)],
                     arrayminus=[m - lo_ for m, lo_ in zip(med, lo, strict=True)], thickness=5, width=0, color=BAR),
        customdata=data,
        hovertemplate=("<b>%{y}</b> (%{customdata[0]}; claims: %{customdata[1]})<br>median %{x:.3g}, "
                       f"{level:.0%} interval " + "[%{customdata[2]:.3g}, %{customdata[3]:.3g}]<br>as fitted: "
                       "median %{customdata[4]:.3g}, interval [%{customdata[5]:.3g}, %{customdata[6]:.3g}]"
                       "<extra></extra>")), row=row, col=1)
    top = max(hi)
    fig.add_vline(x=0, line=dict(color=ZERO, width=1.5, dash="dash"), row=row, col=1)
    fig.update_xaxes(range=[-0.04 * top, 1.06 * top], row=row, col=1)
    fig.update_yaxes(autorange="reversed", row=row, col=1)


def weights_intervals(summary: dict) -> go.Figure:
    """The fitted weights (`model.weight_summary.weights_file_rows`): one row per term, the posterior median
    as a dot and the central interval as a bar, the zero line dashed. The theory terms share one scale (the
    change in log-odds of membership per sd of the term); the weights without a term (memory of ties,
    obstruction friction) are drawn below on their own scale."""
    level = float(summary["level"])
    theory = [r for r in summary["rows"] if r["per_sd_median"] is not None]
    other = [r for r in summary["rows"] if r["per_sd_median"] is None]
    panels = [(theory, "per_sd_", "theory terms: change in log-odds of member over none per sd of the term"),
              (other, "", "other weights, as fitted")]
    panels = [p for p in panels if p[0]]
    fig = make_subplots(rows=len(panels), cols=1, row_heights=[len(p[0]) + 1.5 for p in panels],
                        subplot_titles=[p[2] for p in panels], vertical_spacing=0.14 if len(panels) > 1 else 0.1)
    for k, (rows, key, _) in enumerate(panels, start=1):
        _panel(fig, rows, key, k, level)
    n = sum(len(p[0]) for p in panels)
    title = f"Fitted weights: median (dot), {level:.0%} interval (bar) over {summary['draws']:,} draws; dashed: 0"
    fig.update_layout(title=dict(text=title, x=0.01, font=dict(size=15)), height=150 + 34 * n + 60 * len(panels),
                      font=FONT, plot_bgcolor="#fafafa", margin=dict(l=20, r=20, t=80, b=40))
    fig.update_xaxes(gridcolor="#e5e5e5", zeroline=False, automargin=True)
    fig.update_yaxes(gridcolor="#e5e5e5", automargin=True)
    for ann in fig.layout.annotations:   # subplot titles left-aligned, smaller than the figure's
        ann.update(x=0, xanchor="left", font=dict(size=13))
    return fig
