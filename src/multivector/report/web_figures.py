"""Charts the web pages show beside the report's: an organization's membership timeline and the
published yearly series (economy, UN voting agreement) per state. Built from library tables only."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .figures import FONT, STATE_COLORS, STATUS_PATTERN, spell_extent
from .marks import legend_below

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
                      plot_bgcolor="#fafafa")
    fig.update_xaxes(range=[lo, hi + 1], dtick=4, tickformat="d", title_text="year", gridcolor="#e5e5e5")
    fig.update_yaxes(categoryorder="array", categoryarray=order, automargin=True, title_text="state")
    return legend_below(fig, len(shown), per_line=5)


def series_panels(points: pd.DataFrame, names: list[str], title: str, states: list[str],
                  state_names: dict[str, str], labels: dict[str, str] | None = None,
                  period: tuple[int, int] | None = None, same_y: bool = False) -> go.Figure:
    """One panel per series (its unit on the y axis), one line per state, published points only.

    Every panel spans the same years (`period`, else the points' own range); `same_y`: one y range for all
    panels (series on one scale, such as the UN voting agreements), so their heights compare."""
    labels = labels or {}
    names = [n for n in names if n in set(points.series)]
    cols = 2 if len(names) > 1 else 1
    rows = max(1, math.ceil(len(names) / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[labels.get(n, n.replace("_", " ")) for n in names],
                        vertical_spacing=0.16 if rows > 1 else 0.1, horizontal_spacing=0.1)
    color = {s: STATE_COLORS[k % len(STATE_COLORS)] for k, s in enumerate(states)}
    shown = points[points.series.isin(names) & points.actor.isin(states)]
    lo, hi = period or (int(shown.year.min()), int(shown.year.max())) if len(shown) else (1991, 2025)
    ymax = float(shown.value.max()) if same_y and len(shown) else None
    for k, n in enumerate(names):
        d = points[points.series == n]
        r, c = k // cols + 1, k % cols + 1
        unit = str(d.unit.iloc[0]) if len(d) else ""
        for s in states:
            g = d[(d.actor == s) & d.year.between(lo, hi)].sort_values("year")
            if g.empty:
                continue
            g = _break_gaps(g)
            fig.add_trace(go.Scatter(x=g.year, y=g.value, mode="lines+markers", name=state_names.get(s, s),
                                     legendgroup=s, showlegend=k == 0, marker=dict(size=4),
                                     line=dict(color=color[s], width=2),
                                     hovertemplate=f"{s} %{{x}}: %{{y:.3g}} {unit}<extra>{n}</extra>"),
                          row=r, col=c)
        fig.update_xaxes(tickformat="d", dtick=5, range=[lo - 0.5, hi + 0.5], title_text="year" if r == rows else None,
                         gridcolor="#e5e5e5", row=r, col=c)
        fig.update_yaxes(title_text=unit, gridcolor="#e5e5e5", row=r, col=c,
                         **({"range": [0, ymax * 1.05]} if ymax else {"rangemode": "tozero"}))
    fig.update_layout(title=dict(text=title, x=0.01, font=dict(size=15)), height=290 * rows + 120, font=FONT,
                      margin=dict(l=60, r=20, t=80, b=40), plot_bgcolor="#fafafa")
    return legend_below(fig, len(states))


def _break_gaps(g: pd.DataFrame) -> pd.DataFrame:
    """Rows of one line with an empty row inserted where a year is missing, so the line is not drawn
    across years the source does not publish."""
    years = g["year"].to_numpy()
    gaps = years[1:][years[1:] - years[:-1] > 1]
    if not len(gaps):
        return g
    blanks = pd.DataFrame({"year": gaps - 0.5, "value": [None] * len(gaps)})
    return pd.concat([g[["year", "value"]], blanks]).sort_values("year", kind="stable")


#: Short names of the dependence measures for panel titles (the series and ids are in the hover).
DEPENDENCE_NAMES = {"remittance_dependence": "remittances", "finance_dependence": "development finance",
                    "trade_share": "trade share", "transit_share": "transit share", "debt_share": "debt share",
                    "migrant_workers": "migrant workers"}


def _axis_unit(unit: str) -> str:
    return (unit.replace("percent of ", "% of ").replace(", 5-year sum", ", 5-yr sum")
            .replace("percent", "%"))


def dependence_panels(dep: pd.DataFrame, states: list[str], state_names: dict[str, str],
                      period: tuple[int, int]) -> go.Figure:
    """Dependence by partner (`model.series_drivers.dependence_rows`), one panel per measure and partner:
    the imported yearly series as lines; the hand-coded indicators of the evidence base as hollow diamonds
    (dotted between two of them). Every panel spans the same years; the panels in percent share one y range,
    so their heights compare."""
    dep = dep[dep["state"].isin(states)]
    keys = (dep.assign(imported=dep["flag"] == "imported")
            .sort_values(["imported", "unit", "name"], ascending=[False, True, True])
            .drop_duplicates(["name", "partner", "imported"])[["name", "partner", "imported", "unit", "label"]])
    keys = list(keys.itertuples(index=False))
    if not keys:
        fig = go.Figure()
        fig.update_layout(title=dict(text="Dependence by partner: the case holds none for these states", x=0.01),
                          height=200, font=FONT)
        return fig
    cols = 2 if len(keys) > 1 else 1
    rows = math.ceil(len(keys) / cols)
    titles = [f"{DEPENDENCE_NAMES.get(k.name, k.name.replace('_', ' '))}, {k.partner} · "
              f"{'imported' if k.imported else 'hand-coded'}" for k in keys]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles,
                        vertical_spacing=0.5 / rows if rows > 1 else 0.1, horizontal_spacing=0.1)
    color = {s: STATE_COLORS[k % len(STATE_COLORS)] for k, s in enumerate(states)}
    pct = dep[dep["unit"].str.startswith("percent")]["value"]
    pct_max = float(pct.max()) * 1.05 if len(pct) else None
    seen: set[str] = set()
    for k, key in enumerate(keys):
        r, c = k // cols + 1, k % cols + 1
        d = dep[(dep["name"] == key.name) & (dep["partner"] == key.partner)
                & ((dep["flag"] == "imported") == key.imported)]
        for s in states:
            g = d[d["state"] == s].sort_values("year")
            if g.empty:
                continue
            who = state_names.get(s, s)
            ids = ", ".join(sorted({i for lst in g["ids"] for i in lst}))
            if key.imported:
                fig.add_trace(go.Scatter(x=g["year"], y=g["value"], mode="lines+markers", name=who, legendgroup=s,
                                         showlegend=s not in seen, line=dict(color=color[s], width=2),
                                         marker=dict(size=4),
                                         hovertemplate=f"{who} %{{x}}: %{{y:.3g}} {key.unit}<br>imported: {ids}"
                                                       "<extra></extra>"), row=r, col=c)
            else:
                obs = g[g["flag"] == "hand-coded"]
                fig.add_trace(go.Scatter(x=g["year"], y=g["value"], mode="lines", legendgroup=s, showlegend=False,
                                         line=dict(color=color[s], width=1.2, dash="dot"), hoverinfo="skip"),
                              row=r, col=c)
                fig.add_trace(go.Scatter(x=obs["year"], y=obs["value"], mode="markers", name=who, legendgroup=s,
                                         showlegend=s not in seen,
                                         marker=dict(symbol="diamond-open", size=11, color=color[s],
                                                     line=dict(width=2.5)),
                                         customdata=[", ".join(i) for i in obs["ids"]],
                                         hovertemplate=f"{who} %{{x}}: %{{y:,.3g}} {key.unit}<br>hand-coded: "
                                                       "%{customdata}<extra></extra>"), row=r, col=c)
            seen.add(s)
        fig.update_xaxes(tickformat="d", dtick=5, range=[period[0] - 0.5, period[1] + 0.5], gridcolor="#e5e5e5",
                         title_text="year" if r == rows else None, row=r, col=c)
        percent = str(key.unit).startswith("percent")
        fig.update_yaxes(title_text=_axis_unit(str(key.unit)), gridcolor="#e5e5e5", row=r, col=c,
                         **({"range": [0, pct_max]} if percent and pct_max else {"rangemode": "tozero"}))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name="imported series (line)",
                             line=dict(color="#555", width=2)))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="hand-coded indicator (◇)",
                             marker=dict(symbol="diamond-open", size=11, color="#555", line=dict(width=2.5))))
    fig.update_layout(title=dict(text="Dependence by partner: imported yearly series (lines) and hand-coded "
                                      "indicators of the evidence base (◇); panels in percent share one scale",
                                 x=0.01, font=dict(size=15)),
                      height=290 * rows + 130, font=FONT, margin=dict(l=60, r=20, t=90, b=40),
                      plot_bgcolor="#fafafa")
    return legend_below(fig, len(seen) + 2)
