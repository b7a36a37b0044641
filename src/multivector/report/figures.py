"""The report's charts, each a Plotly figure built from library results (no logic of its own)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .marks import legend_below, mark_landmarks

POLE_COLORS = {"RUS": "#c0392b", "CHN": "#e0a100", "WEST": "#2c6fbb", "REGIONAL": "#27ae60", "GLOBAL": "#7f8c8d",
               "RUS+CHN": "#8e44ad", "UNCODED": "#bbbbbb"}
STATE_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f",
                "#bcbd22", "#393b79"]
STATUS_PATTERN = {"member": "", "associate": "/", "observer": ".", "partner": "x", "candidate": "-"}
FONT = dict(family="Segoe UI, Helvetica, Arial, sans-serif", size=13)


def pole_label(lead: dict[str, float]) -> str:
    """The colour group of an organization: its leading pole, or RUS+CHN for a shared lead."""
    top = max(lead.values())
    leaders = sorted(p for p, w in lead.items() if math.isclose(w, top))
    if set(leaders) == {"RUS", "CHN"}:
        return "RUS+CHN"
    return leaders[0]


def _decimal_year(d) -> float:
    ts = pd.Timestamp(d)
    return ts.year + (ts.day_of_year - 1) / (366 if ts.is_leap_year else 365)


def spell_extent(df: pd.DataFrame, period: tuple[int, int]) -> pd.DataFrame:
    """Spells with `x0`/`x1`, their start and end as decimal years clipped to the period (open spells run
    to its end); spells wholly outside it dropped."""
    lo, hi = period
    df = df.copy()
    df["x0"] = [max(_decimal_year(d), lo) for d in df["start_date"]]
    df["x1"] = [min(_decimal_year(e) + 1 / 365 if e is not None and not pd.isna(e) else hi + 1, hi + 1)
                for e in df["end_date"]]
    return df[df["x1"] > df["x0"]]


def gantt(spells: pd.DataFrame, org_lead: dict[str, dict], state: str, state_name: str, period: tuple[int, int]
          ) -> go.Figure:
    """Membership timeline of one state: a bar per spell, by organization, coloured by lead pole,
    patterned by status (member solid, associate /, observer ·, partner ×, candidate −)."""
    df = spell_extent(spells[spells["actor"] == state], period)
    lo, hi = period
    first = df.groupby("org")["x0"].min().sort_values(ascending=False)
    order = list(first.index)
    fig = go.Figure()
    shown: set[tuple] = set()
    for r in df.itertuples():
        pole = pole_label(org_lead.get(r.org, {"UNCODED": 1.0}))
        key = (pole, r.status)
        end_txt = r.end if isinstance(r.end, str) and r.end else "open"
        fig.add_trace(go.Bar(
            y=[r.org], x=[r.x1 - r.x0], base=[r.x0], orientation="h", width=0.7,
            marker=dict(color=POLE_COLORS.get(pole, "#999"), line=dict(color="#333", width=0.5),
                        pattern=dict(shape=STATUS_PATTERN.get(r.status, ""), fillmode="overlay", fgcolor="#fff",
                                     size=6)),
            name=f"{pole} · {r.status}", legendgroup=f"{pole}-{r.status}", showlegend=key not in shown,
            text=[r.status if r.status != "member" and r.x1 - r.x0 >= 4 else ""], textposition="inside", insidetextanchor="middle",
            textfont=dict(size=10, color="#fff"),
            hovertemplate=(f"<b>{r.org}</b> ({pole})<br>{r.status}: {r.start} – {end_txt}<br>"
                           f"sources: {', '.join(r.sources)}<extra></extra>")))
        shown.add(key)
    fig.update_layout(barmode="overlay", title=dict(text=f"{state_name} ({state}): memberships by organization",
                                                    x=0.01, font=dict(size=15)),
                      height=max(260, 30 * len(order) + 110), margin=dict(l=110, r=20, t=50, b=40), font=FONT,
                      plot_bgcolor="#fafafa")
    fig.update_xaxes(range=[lo, hi + 1], dtick=4, tick0=lo, tickformat="d", title_text="year", showgrid=True,
                     gridcolor="#e5e5e5")
    fig.update_yaxes(categoryorder="array", categoryarray=order, automargin=True)
    return legend_below(fig, len(shown))


def network_slider(panel, years: list[int], states: list[str], org_lead: dict[str, dict],
                   state_names: dict[str, str]) -> go.Figure:
    """The state–organization network, one frame per year behind a slider.

    Organizations sit at fixed places on a circle grouped by lead pole; the regional
    states sit on an inner ring and each great power faces the sector its pole leads,
    so the picture stays in place while the slider changes the edges.
    """
    from ..measures.network import year_graph

    groups = ["RUS", "RUS+CHN", "CHN", "REGIONAL", "GLOBAL", "WEST", "UNCODED"]
    orgs = sorted(panel.orgs, key=lambda o: (groups.index(pole_label(org_lead.get(o, {"UNCODED": 1})))
                                             if pole_label(org_lead.get(o, {"UNCODED": 1})) in groups else 9, o))
    n = len(orgs)
    pos = {o: (math.cos(2 * math.pi * k / n + math.pi / 2), math.sin(2 * math.pi * k / n + math.pi / 2))
           for k, o in enumerate(orgs)}
    # states on an inner ring, in a fixed order (readable labels, stable across years); a great power
    # sits facing the sector of the organizations its pole leads
    sector = {}
    for pole in ("RUS", "CHN", "WEST"):
        members = [k for k, o in enumerate(orgs) if pole_label(org_lead.get(o, {"UNCODED": 1})) == pole]
        if members:
            sector[pole] = 2 * math.pi * float(np.mean(members)) / n + math.pi / 2
    pole_of = {"RUS": "RUS", "CHN": "CHN", "USA": "WEST"}
    regional = [s for s in states if s not in pole_of or pole_of[s] not in sector]
    fixed = {}
    for k, s in enumerate(regional):
        ang = 2 * math.pi * k / max(1, len(regional)) + math.pi / 2
        fixed[s] = (0.32 * math.cos(ang), 0.32 * math.sin(ang))
    for s in states:
        if s not in fixed:
            ang = sector[pole_of[s]]
            fixed[s] = (0.68 * math.cos(ang), 0.68 * math.sin(ang))
    fig = go.Figure()
    edge_groups = groups   # one edge trace per lead pole, in its colour: the tangle reads as sectors
    per_year = len(edge_groups) + 2
    for yi, year in enumerate(years):
        g = year_graph(panel, year)
        spos = {s: fixed[s] for s in states if s in g}
        visible = yi == len(years) - 1
        for grp in edge_groups:
            ex, ey = [], []
            for s in spos:
                for o in g[s]:
                    if pole_label(org_lead.get(o, {"UNCODED": 1})) == grp:
                        ex += [spos[s][0], pos[o][0], None]
                        ey += [spos[s][1], pos[o][1], None]
            fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", hoverinfo="skip", showlegend=False, visible=visible,
                                     line=dict(color=POLE_COLORS.get(grp, "#999"), width=1.2), opacity=0.45))
        active = [o for o in orgs if o in g]
        members = {o: sorted(s for s in g[o] if g.nodes[s]["kind"] == "state") for o in active}
        fig.add_trace(go.Scatter(
            x=[pos[o][0] for o in active], y=[pos[o][1] for o in active], mode="markers+text", text=active,
            textposition=["top center" if pos[o][1] >= 0 else "bottom center" for o in active],
            textfont=dict(size=10),
            marker=dict(size=[10 + 2 * len(members[o]) ** 0.5 for o in active], symbol="square",
                        color=[POLE_COLORS.get(pole_label(org_lead.get(o, {"UNCODED": 1})), "#999") for o in active],
                        line=dict(color="#333", width=0.5)),
            customdata=[f"{o}: {pole_label(org_lead.get(o, {'UNCODED': 1}))}-led; {len(members[o])} members"
                        for o in active],
            hovertemplate="%{customdata}<extra></extra>", showlegend=False, visible=visible))
        fig.add_trace(go.Scatter(
            x=[spos[s][0] for s in spos], y=[spos[s][1] for s in spos], mode="markers+text", text=list(spos),
            textposition="middle right", textfont=dict(size=12, color="#111"),
            marker=dict(size=16, color="#222", line=dict(color="#fff", width=1.5)),
            customdata=[f"{state_names.get(s, s)}: {len(g[s])} organizations" for s in spos],
            hovertemplate="%{customdata}<extra></extra>", showlegend=False, visible=visible))
    steps = []
    for yi, year in enumerate(years):
        vis = [False] * (per_year * len(years))
        for k in range(per_year):
            vis[per_year * yi + k] = True
        steps.append(dict(method="update", label=str(year), args=[{"visible": vis},
                                                                   {"title.text": f"State–organization network, {year}"}]))
    for pole in groups[:-1]:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=f"{pole}-led",
                                 marker=dict(size=11, symbol="square", color=POLE_COLORS[pole])))
    fig.update_layout(
        title=dict(text=f"State–organization network, {years[-1]}", x=0.01, font=dict(size=15)), height=720,
        font=FONT, plot_bgcolor="#fff", margin=dict(l=20, r=20, t=50, b=20),
        sliders=[dict(active=len(years) - 1, steps=steps, currentvalue=dict(prefix="year: "), pad=dict(t=30))],
        legend=dict(orientation="h", y=1.04, x=0.35, font=dict(size=11)))
    fig.update_xaxes(visible=False, range=[-1.35, 1.35])
    fig.update_yaxes(visible=False, range=[-1.2, 1.2], scaleanchor="x", scaleratio=1)
    return fig


def balance_lines(m: pd.DataFrame, states: list[str], state_names: dict[str, str],
                  landmarks: pd.DataFrame | None = None) -> go.Figure:
    """Balance index (0 one pole … 100 even spread over RUS/CHN/WEST) over time, one line per state.

    The index is undefined before a state's first year with ties to two poles
    (`measures.balance_from_onset`): those years are marked on a strip under the axis, not drawn as 0.
    `landmarks` (`CaseBase.landmarks()`): the case's turning points, drawn as dotted lines with their ids.
    """
    fig = go.Figure()
    dashes = ("solid", "dash", "dot", "dashdot", "longdash")
    symbols = ("circle", "square", "diamond", "triangle-up", "x")
    undefined_x, undefined_text, undefined_color = [], [], []
    for k, s in enumerate(states):
        d = m[m["state"] == s]
        color = STATE_COLORS[k % len(STATE_COLORS)]
        # states with equal values share a line: a dash and a marker of their own keep each one visible
        fig.add_trace(go.Scatter(x=d["year"], y=d["balance_index"], mode="lines+markers", name=state_names.get(s, s),
                                 line=dict(color=color, width=max(1.5, 3.5 - 0.4 * k), dash=dashes[k % len(dashes)]),
                                 marker=dict(size=max(5, 9 - k), symbol=symbols[k % len(symbols)]),
                                 hovertemplate=f"{state_names.get(s, s)} %{{x}}: %{{y:.1f}}<extra></extra>"))
        gap = d[d["balance_index"].isna()]
        undefined_x += gap["year"].tolist()
        undefined_text += [f"{state_names.get(s, s)} {y}: undefined — ties to one pole or none" for y in gap["year"]]
        undefined_color += [color] * len(gap)
    if undefined_x:
        fig.add_trace(go.Scatter(x=undefined_x, y=[-6] * len(undefined_x), mode="markers",
                                 name="index undefined (ties to one pole or none)",
                                 marker=dict(symbol="line-ns-open", size=10, color=undefined_color,
                                             line=dict(width=2)),
                                 customdata=undefined_text, hovertemplate="%{customdata}<extra></extra>"))
    yrs = m["year"]
    fig.update_layout(title=dict(text="Balance index (100 = ties spread evenly over Russia, China and the West)",
                                 x=0.01, font=dict(size=15)), height=460, font=FONT,
                      margin=dict(l=60, r=20, t=60, b=50), plot_bgcolor="#fafafa")
    fig.update_xaxes(dtick=2, tickformat="d", title_text="year", range=[yrs.min() - 0.5, yrs.max() + 0.5],
                     gridcolor="#e5e5e5")
    fig.update_yaxes(range=[-10, 122], tickvals=[0, 20, 40, 60, 80, 100], title_text="balance index",
                     gridcolor="#e5e5e5", zeroline=False)
    legend_below(fig, len(states) + 2)
    return mark_landmarks(fig, landmarks, y=104)


def ties_areas(m: pd.DataFrame, states: list[str], poles: tuple[str, ...], state_names: dict[str, str]) -> go.Figure:
    """Ties by pole (Σ status weight × depth × lead weight), stacked, one panel per state."""
    cols = 2 if len(states) > 1 else 1
    rows = math.ceil(len(states) / cols)
    fig = make_subplots(rows=rows, cols=cols, shared_yaxes=True, subplot_titles=[state_names.get(s, s) for s in states],
                        vertical_spacing=0.09, horizontal_spacing=0.05)
    ymax = float(m[[f"ties_{p}" for p in poles]].sum(axis=1).max() or 1)
    for k, s in enumerate(states):
        d = m[m["state"] == s]
        r, c = k // cols + 1, k % cols + 1
        for p in poles:
            fig.add_trace(go.Scatter(x=d["year"], y=d[f"ties_{p}"], stackgroup=f"g{k}", name=p, mode="lines",
                                     line=dict(width=0.5, color=POLE_COLORS.get(p, "#999")),
                                     fillcolor=POLE_COLORS.get(p, "#999"), legendgroup=p, showlegend=k == 0,
                                     hovertemplate=f"{s} %{{x}}: {p} %{{y:.2f}}<extra></extra>"), row=r, col=c)
        fig.update_xaxes(dtick=4, tickformat="d", row=r, col=c, gridcolor="#e5e5e5", title_text="year" if r == rows else None)
        fig.update_yaxes(range=[0, ymax * 1.05], row=r, col=c, gridcolor="#e5e5e5", title_text="ties" if c == 1 else None)
    fig.update_layout(title=dict(text="Institutional ties by pole (status weight × depth × lead weight)", x=0.01,
                                 font=dict(size=15)), height=300 * rows + 80, font=FONT,
                      margin=dict(l=50, r=20, t=80, b=40), plot_bgcolor="#fafafa")
    return legend_below(fig, len(poles), per_line=5)


def dependence_lines(dep: pd.DataFrame, state_names: dict[str, str], states: list[str],
                     period: tuple[int, int] | None = None) -> go.Figure:
    """Dependence indicators by partner over time: solid where observed or interpolated, dotted where carried."""
    dep = dep.copy()
    dep["unit_group"] = np.where(dep["unit"] == "percent", "percent", dep["unit"])
    # a unit with fewer than two observed points would be a panel holding one dot: left out
    observed = dep[dep["flag"] == "observed"].groupby("unit_group").size()
    dep = dep[dep["unit_group"].isin(observed[observed >= 2].index)]
    units = sorted(dep["unit_group"].unique(), key=lambda u: (u != "percent", u))
    if not units:
        units = ["percent"]
    fig = make_subplots(rows=len(units), cols=1, subplot_titles=[f"unit: {u}" for u in units],
                        vertical_spacing=0.12)
    color = {s: STATE_COLORS[k % len(STATE_COLORS)] for k, s in enumerate(states)}
    dash = {"trade_share": "solid", "transit_share": "dash", "debt_share": "dot", "migrant_workers": "solid"}
    for ui, unit in enumerate(units):
        d = dep[dep["unit_group"] == unit]
        for (s, partner, name), grp in d.groupby(["state", "partner", "name"]):
            grp = grp.sort_values("year")
            label = f"{s} {name.replace('_', ' ')} ({partner})"
            known = grp[grp["flag"] != "carried"]
            obs = grp[grp["flag"] == "observed"]
            col = color.get(s, "#555")
            fig.add_trace(go.Scatter(x=known["year"], y=known["value"], mode="lines", name=label, legendgroup=label,
                                     line=dict(color=col, width=2, dash=dash.get(name, "solid")),
                                     hovertemplate=label + " %{x}: %{y:g} (interpolated)<extra></extra>"),
                          row=ui + 1, col=1)
            fig.add_trace(go.Scatter(x=obs["year"], y=obs["value"], mode="markers", legendgroup=label,
                                     showlegend=False, marker=dict(color=col, size=9, line=dict(color="#fff", width=1)),
                                     customdata=[", ".join(i) for i in obs["indicator_ids"]],
                                     hovertemplate=label + " %{x}: %{y:g} observed (%{customdata})<extra></extra>"),
                          row=ui + 1, col=1)
            # carried values: a faint dotted line joined to the nearest observation, broken where not carried
            xs, ys = [], []
            prev = None
            for r in grp.itertuples():
                if r.flag == "carried":
                    if prev is None or prev.flag != "carried":
                        if prev is not None:
                            xs.append(prev.year)
                            ys.append(prev.value)
                    xs.append(r.year)
                    ys.append(r.value)
                elif prev is not None and prev.flag == "carried":
                    xs += [r.year, None]
                    ys += [r.value, None]
                prev = r
            if xs:
                fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", legendgroup=label, showlegend=False, opacity=0.4,
                                         line=dict(color=col, width=1.2, dash="dot"),
                                         hovertemplate=label + " %{x}: %{y:g} CARRIED from the nearest period"
                                         "<extra></extra>", connectgaps=False), row=ui + 1, col=1)
        fig.update_xaxes(dtick=2, tickformat="d", row=ui + 1, col=1, gridcolor="#e5e5e5", title_text="year",
                         range=[period[0] - 0.5, period[1] + 0.5] if period else None)
        fig.update_yaxes(rangemode="tozero", row=ui + 1, col=1, gridcolor="#e5e5e5", title_text=unit)
    fig.update_layout(title=dict(text="Dependence by partner (dots: observed; solid lines: interpolated; faint dotted: "
                                      "carried outside the observed periods)", x=0.01, font=dict(size=15)),
                      height=(330 if len(units) == 1 else 270) * len(units) + 120, font=FONT, margin=dict(l=60, r=20, t=70, b=40),
                      legend=dict(font=dict(size=11)), plot_bgcolor="#fafafa")
    return fig


FORECASTER_COLORS = {"model": "#c0392b", "nested": "#e67e22", "markov": "#27ae60", "hazard": "#8e44ad",
                     "persistence": "#2c3e50", "base_rate": "#95a5a6", "logit": "#2c6fbb"}


def _forecaster_color(name: str, k: int) -> str:
    return FORECASTER_COLORS.get(name, STATE_COLORS[k % len(STATE_COLORS)])


def reliability_diagram(reliability: pd.DataFrame, corp: pd.DataFrame) -> go.Figure:
    """Reliability of each forecaster (all levels pooled, one-vs-rest): CORP curve and binned frequencies.

    Points on the diagonal are reliable; the marker area follows the bin's count.
    """
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(color="#bbbbbb", dash="dot"),
                             name="perfect reliability", hoverinfo="skip"))
    rel = reliability[reliability["level"] == "all"]
    for k, (fc, g) in enumerate(rel.groupby("forecaster", sort=False)):
        color = _forecaster_color(fc, k)
        c = corp[(corp["forecaster"] == fc)] if len(corp) else corp
        if len(c):
            d = c.iloc[0]
            fig.add_trace(go.Scatter(
                x=c["forecast"], y=c["recalibrated"], mode="lines", line=dict(color=color, width=2.5),
                name=f"{fc} (CORP; MCB {d['MCB']:.3f}, DSC {d['DSC']:.3f})", legendgroup=fc))
        size = 6 + 24 * np.sqrt(g["n"] / max(rel["n"].max(), 1))
        fig.add_trace(go.Scatter(
            x=g["mean_forecast"], y=g["observed_frequency"], mode="markers", legendgroup=fc, showlegend=False,
            marker=dict(color=color, size=size, opacity=0.55, line=dict(width=0)),
            customdata=np.stack([g["n"], g["bin_lower"], g["bin_upper"]], axis=-1),
            hovertemplate=f"{fc}<br>forecast %{{customdata[1]:.1f}}–%{{customdata[2]:.1f}}: mean %{{x:.2f}}"
                          "<br>observed %{y:.2f} (n = %{customdata[0]})<extra></extra>"))
    fig.update_layout(title=dict(text="Reliability: forecast probability vs observed frequency (all origins)",
                                 x=0.01, font=dict(size=15)), height=560, width=None, font=FONT,
                      margin=dict(l=60, r=20, t=50, b=50), legend=dict(orientation="h", y=-0.15),
                      plot_bgcolor="#fafafa")
    fig.update_xaxes(range=[-0.02, 1.02], title_text="forecast probability", gridcolor="#e5e5e5", dtick=0.1)
    fig.update_yaxes(range=[-0.02, 1.02], title_text="observed frequency", gridcolor="#e5e5e5", dtick=0.1)
    return fig


def scores_by_origin(scores: pd.DataFrame, metric: str = "log_score", subset: str = "all") -> go.Figure:
    """One line per forecaster: a score (lower is better) at each rolling origin, on one subset of rows."""
    if "subset" in scores.columns:
        scores = scores[scores["subset"] == subset]
    fig = go.Figure()
    for k, (fc, g) in enumerate(scores.groupby("forecaster", sort=False)):
        fig.add_trace(go.Scatter(x=g["origin"], y=g[metric], mode="lines+markers", name=fc,
                                 line=dict(color=_forecaster_color(fc, k), width=2.5)))
    rows = {"all": "", "existing": ", lines open at the origin", "first_choice": ", bodies first open after it"}
    fig.update_layout(title=dict(text=f"{metric.replace('_', ' ')} by forecast origin{rows.get(subset, '')} "
                                      "(lower is better)", x=0.01,
                                 font=dict(size=15)), height=380, font=FONT, margin=dict(l=60, r=20, t=50, b=50),
                      legend=dict(orientation="h", y=-0.2), plot_bgcolor="#fafafa")
    fig.update_xaxes(tickformat="d", title_text="origin (fitted on the years up to it)", gridcolor="#e5e5e5")
    fig.update_yaxes(title_text=metric.replace("_", " "), gridcolor="#e5e5e5", rangemode="tozero")
    return fig
