"""Charts over time that every page shares: the case's landmark events marked on a chart, and the
state × organization × year heatmap coloured by the organization's lead pole (status as shade).

Built from library tables only (a `Panel`, `CaseBase.landmarks()`, the organizations' lead weights).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .figures import FONT, POLE_COLORS, pole_label
from .marks import LANDMARK, decimal_year, legend_below, shade

#: How much of the pole's colour a status shows (the rest is white): the status weights of the measures.
STATUS_SHADE = {"member": 1.0, "associate": 0.75, "observer": 0.5, "partner": 0.5, "candidate": 0.28}
NOT_EXISTING = "#dfe3e7"
POLE_ORDER = ("RUS", "RUS+CHN", "CHN", "WEST", "REGIONAL", "GLOBAL", "UNCODED")
POLE_NAMES = {"RUS": "Russia-led", "CHN": "China-led", "RUS+CHN": "Russia and China", "WEST": "West-led",
              "REGIONAL": "regional", "GLOBAL": "global", "UNCODED": "lead not coded"}


def _org_order(orgs: list[str], org_lead: dict[str, dict], founded: dict[str, str]) -> list[str]:
    def key(o: str):
        pole = pole_label(org_lead.get(o, {"UNCODED": 1.0}))
        return (POLE_ORDER.index(pole) if pole in POLE_ORDER else len(POLE_ORDER), str(founded.get(o, "")), o)

    return sorted(orgs, key=key)


def lead_heatmap(panel, states: list[str], org_lead: dict[str, dict], names: dict[str, str],
                 founded: dict[str, str] | None = None, landmarks: pd.DataFrame | None = None) -> go.Figure:
    """One panel per state: a row per organization the state ever had a status in, a column per year; the
    cell coloured by the organization's lead pole, shaded by the state's status (member full colour,
    associate ¾, observer and partner ½, candidate ¼), grey where the organization did not exist."""
    from ..measures import CODE_STATUS

    founded = founded or {}
    years = [int(y) for y in panel.years]
    per_state = []
    for s in states:
        i = panel.state_index(s)
        codes = panel.codes[i]                                  # (O, Y)
        held = [panel.orgs[j] for j in range(len(panel.orgs)) if (codes[j] > 0).any()]
        per_state.append((s, _org_order(held, org_lead, founded)))
    heights = [max(len(o), 1) for _, o in per_state]
    fig = make_subplots(rows=len(states), cols=1, shared_xaxes=True, row_heights=heights,
                        vertical_spacing=min(0.06, 0.25 / max(1, len(states))),
                        subplot_titles=[f"{names.get(s, s)} ({s})" for s in states])
    # one colour per (pole, shade): a discrete colour scale over category numbers
    cats: dict[str, int] = {NOT_EXISTING: 0, "#ffffff": 1}
    for r, (s, orgs) in enumerate(per_state, start=1):
        i = panel.state_index(s)
        z, text = [], []
        for o in orgs:
            j = panel._org_index[o]
            pole = pole_label(org_lead.get(o, {"UNCODED": 1.0}))
            base = POLE_COLORS.get(pole, "#999999")
            zr, tr = [], []
            for k, y in enumerate(years):
                code = int(panel.codes[i, j, k])
                status = CODE_STATUS.get(code, "none")
                if code == -1:
                    color, what = NOT_EXISTING, "did not exist"
                elif code <= 0:
                    color, what = "#ffffff", "no status" if code == 0 else "not known"
                else:
                    color, what = shade(base, STATUS_SHADE.get(status, 1.0)), status
                zr.append(cats.setdefault(color, len(cats)))
                tr.append(f"{s} in {o} ({POLE_NAMES.get(pole, pole)}), {y}: {what}")
            z.append(zr)
            text.append(tr)
        fig.add_trace(go.Heatmap(z=z, x=years, y=orgs, text=text, hovertemplate="%{text}<extra></extra>",
                                 showscale=False, xgap=1, ygap=1),
                      row=r, col=1)
        fig.update_yaxes(autorange="reversed", tickfont=dict(size=10), row=r, col=1)
    n = len(cats)
    colors = [c for c, _ in sorted(cats.items(), key=lambda kv: kv[1])]
    scale = []
    for k, c in enumerate(colors):
        scale += [[k / n, c], [(k + 1) / n, c]]
    fig.update_traces(colorscale=scale, zmin=-0.5, zmax=n - 0.5, selector=dict(type="heatmap"))
    for pole in POLE_ORDER:   # the legend: one square per lead pole present
        if any(pole_label(org_lead.get(o, {"UNCODED": 1.0})) == pole for _, orgs in per_state for o in orgs):
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=POLE_NAMES[pole],
                                     marker=dict(symbol="square", size=12, color=POLE_COLORS[pole])), row=1, col=1)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="did not exist",
                             marker=dict(symbol="square", size=12, color=NOT_EXISTING,
                                         line=dict(color="#cccccc", width=1))), row=1, col=1)
    if landmarks is not None and not landmarks.empty:
        xs = [decimal_year(d) - 0.5 for d in landmarks["date"]]
        for x in xs:
            for r in range(1, len(states) + 1):
                fig.add_vline(x=x, line=dict(color=LANDMARK, width=1, dash="dot"), row=r, col=1)
    total_rows = sum(heights)
    fig.update_layout(
        title=dict(text="Who was in what: colour = the body's lead pole, shade = status<br>(darkest: full member; "
                        "lighter: associate, observer or partner, candidate; grey: did not exist)", x=0.01,
                   font=dict(size=14)),
        height=16 * total_rows + 70 * len(states) + 140, font=FONT, plot_bgcolor="#ffffff",
        margin=dict(l=90, r=20, t=110, b=40))
    fig.update_xaxes(dtick=4, tickformat="d", range=[years[0] - 0.5, years[-1] + 0.5], showgrid=False,
                     showticklabels=True, tickfont=dict(size=10))
    fig.update_xaxes(title_text="year", row=len(states), col=1)
    fig.update_annotations(font=dict(size=13), x=0, xanchor="left")
    return legend_below(fig, sum(1 for t in fig.data if t.type == "scatter"), per_line=4)
