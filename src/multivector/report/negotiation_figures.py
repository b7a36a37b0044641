"""Charts of one negotiation: where the actors stand and where each model lands (spatial), and how the
bargaining models move positions round by round (KTAB-style rounds chart).

Built from a `NegotiationProblem` and the models' forecasts or `Prediction`s; no logic of their own.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .figures import FONT, STATE_COLORS
from .marks import legend_below

MODEL_COLOR = "#8e44ad"
STATUS_QUO, RECORDED = "#7f8c8d", "#1d2630"


def _label(actor: str, names: dict[str, str] | None) -> str:
    name = (names or {}).get(actor)
    return f"{name} ({actor})" if name and name != actor else actor


def spatial_chart(problem, forecasts: dict[str, list[float] | None], intervals: dict[str, dict] | None = None,
                  names: dict[str, str] | None = None, notes: dict[str, str] | None = None,
                  title: str | None = None) -> go.Figure:
    """One panel per dimension: each actor's position (circle area ∝ capability × salience), the status quo
    (dashed), the recorded outcome (solid) and each model's forecast (diamond, with its interval when given).

    forecasts: model → one value per dimension (None where the model cannot forecast; `notes` say why).
    intervals: model → {"low": [...], "high": [...]} per dimension.
    """
    dims = list(problem.dimensions)
    lo, hi = problem.position_range()
    weight = problem.capability[:, None] * problem.salience / 100.0          # (n, m)
    wmax = float(weight.max()) or 1.0
    actors = [_label(a, names) for a in problem.actors]
    models = [m for m, v in forecasts.items() if v is not None]
    rows_order = actors + [f"model: {m}" for m in models]
    fig = make_subplots(rows=len(dims), cols=1, subplot_titles=dims if len(dims) > 1 else None,
                        vertical_spacing=0.12 / max(1, len(dims) - 1) if len(dims) > 1 else 0.0)
    for d in range(len(dims)):
        r = d + 1
        size = [8 + 26 * math.sqrt(max(w, 0.0) / wmax) for w in weight[:, d]]
        fig.add_trace(go.Scatter(
            x=problem.position[:, d], y=actors, mode="markers", name="actors (area ∝ capability × salience)",
            legendgroup="actors", showlegend=d == 0,
            marker=dict(size=size, color="rgba(44,111,187,0.55)", line=dict(color="#2c6fbb", width=1.5)),
            customdata=np.stack([problem.salience[:, d], problem.capability, weight[:, d]], axis=-1),
            hovertemplate="%{y}: position %{x:.1f}<br>salience %{customdata[0]:.0f}, capability "
                          "%{customdata[1]:.3g} (weight %{customdata[2]:.3g})<extra></extra>"), row=r, col=1)
        if models:
            xs = [forecasts[m][d] for m in models]
            err = None
            if intervals:
                low = [intervals.get(m, {}).get("low", [None] * len(dims))[d] for m in models]
                high = [intervals.get(m, {}).get("high", [None] * len(dims))[d] for m in models]
                if any(v is not None for v in low):
                    err = dict(type="data", symmetric=False, color=MODEL_COLOR, thickness=1.5, width=4,
                               array=[(h - x) if h is not None else 0 for h, x in zip(high, xs, strict=True)],
                               arrayminus=[(x - lo_) if lo_ is not None else 0 for lo_, x in zip(low, xs, strict=True)])
            fig.add_trace(go.Scatter(
                x=xs, y=[f"model: {m}" for m in models], mode="markers" if err else "markers+text",
                text=[f"{v:.1f}" for v in xs],
                textposition="middle right", textfont=dict(size=11, color=MODEL_COLOR),
                name="each model's forecast" + (" (90% interval)" if err else ""), legendgroup="models",
                showlegend=d == 0, error_x=err,
                marker=dict(symbol="diamond", size=12, color=MODEL_COLOR),
                hovertemplate="%{y}: %{x:.1f}<extra></extra>"), row=r, col=1)
        if problem.status_quo is not None:
            q = float(problem.status_quo[d])
            fig.add_trace(go.Scatter(x=[q, q], y=[rows_order[0], rows_order[-1]], mode="lines",
                                     line=dict(color=STATUS_QUO, dash="dash", width=2), legendgroup="sq",
                                     name=f"status quo ({q:g})", showlegend=d == 0,
                                     hovertemplate=f"status quo {q:g}<extra></extra>"), row=r, col=1)
        if problem.outcome is not None:
            o = float(problem.outcome[d])
            label = str(problem.meta.get("recorded_outcome", "")).replace("_", " ")
            fig.add_trace(go.Scatter(x=[o, o], y=[rows_order[0], rows_order[-1]], mode="lines",
                                     line=dict(color=RECORDED, width=2.5), legendgroup="rec",
                                     name=f"recorded outcome{': ' + label if label else ''} ({o:g})",
                                     showlegend=d == 0, hovertemplate=f"recorded {o:g}<extra></extra>"), row=r, col=1)
        pad = 0.04 * (hi - lo)
        fig.update_xaxes(range=[lo - pad, hi + pad + 0.08 * (hi - lo)], gridcolor="#e5e5e5", zeroline=False, row=r,
                         col=1, title_text="position (0 status quo … 100 adopted in full)"
                         if (lo, hi) == (0.0, 100.0) and r == len(dims) else ("position" if r == len(dims) else None))
        fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(rows_order)), automargin=True,
                         tickfont=dict(size=11), row=r, col=1)
    missing = [m for m, v in forecasts.items() if v is None]
    sub = f" (no forecast from {', '.join(missing)})" if missing else ""
    lines = textwrap.wrap((title or f"{problem.name}: where the actors stand and where each model lands") + sub, 75)
    fig.update_layout(title=dict(text="<br>".join(lines), x=0.01, font=dict(size=15)),
                      height=len(dims) * (26 * len(rows_order) + 60) + 90 + 20 * len(lines), font=FONT,
                      plot_bgcolor="#fafafa", margin=dict(l=60, r=20, t=50 + 20 * len(lines), b=40))
    return legend_below(fig, 4, per_line=2)


def rounds_chart(problem, predictions: dict, names: dict[str, str] | None = None, dimension: int = 0) -> go.Figure:
    """Positions round by round of the bargaining models (BDM, SMP): a line per actor, the model's expected
    outcome by round (thick), and where the decision rule's veto moves the final forecast (a star).

    predictions: model → `Prediction` with `positions` (rounds + 1, n, m) and `trajectory`.
    """
    shown = {m: p for m, p in predictions.items() if getattr(p, "positions", None) is not None}
    fig = make_subplots(rows=1, cols=max(1, len(shown)), shared_yaxes=True, horizontal_spacing=0.06,
                        subplot_titles=[f"{m}: {p.rounds} round{'s' if p.rounds != 1 else ''}"
                                        for m, p in shown.items()] or None)
    many = problem.n_actors > 12
    for c, (m, p) in enumerate(shown.items(), start=1):
        rounds = np.arange(p.positions.shape[0])
        for i, a in enumerate(problem.actors):
            fig.add_trace(go.Scatter(x=rounds, y=p.positions[:, i, dimension], mode="lines",
                                     name=_label(a, names), legendgroup=a, showlegend=c == 1 and not many,
                                     line=dict(color=STATE_COLORS[i % len(STATE_COLORS)], width=1.6),
                                     hovertemplate=f"{a} round %{{x}}: %{{y:.1f}}<extra>{m}</extra>"), row=1, col=c)
        if p.trajectory is not None:
            fig.add_trace(go.Scatter(x=rounds, y=p.trajectory[:, dimension], mode="lines", name="expected outcome",
                                     legendgroup="outcome", showlegend=c == 1,
                                     line=dict(color="#1d2630", width=3.5, dash="dash"),
                                     hovertemplate=f"{m} outcome, round %{{x}}: %{{y:.1f}}<extra></extra>"), row=1, col=c)
        before = p.details.get("before_veto")
        final = float(p.position[dimension])
        if before is not None and not math.isclose(float(before[dimension]), final, abs_tol=1e-6):
            fig.add_trace(go.Scatter(x=[rounds[-1]], y=[final], mode="markers+text", text=[f"veto: {final:.1f}"],
                                     textposition="middle left", name="after the veto of the rule",
                                     legendgroup="veto", showlegend=c == 1,
                                     marker=dict(symbol="star", size=14, color="#c0392b")), row=1, col=c)
        fig.update_xaxes(title_text="round", gridcolor="#e5e5e5", row=1, col=c)
    lo, hi = problem.position_range()
    fig.update_yaxes(range=[lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)], gridcolor="#e5e5e5")
    fig.update_yaxes(title_text=f"position on {problem.dimensions[dimension]}", row=1, col=1)
    fig.update_layout(title=dict(text=f"{problem.name}: positions round by round"
                                      + (f" ({problem.dimensions[dimension]})" if problem.n_dims > 1 else ""),
                                 x=0.01, font=dict(size=15)), height=400, font=FONT, plot_bgcolor="#fafafa",
                      margin=dict(l=60, r=20, t=70, b=40))
    return legend_below(fig, 2 if many else problem.n_actors + 2, per_line=3)
