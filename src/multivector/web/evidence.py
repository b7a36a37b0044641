"""The evidence page's queries: facts filtered by text, state, organization, mechanism and years,
each with its citations in words; the membership timelines; the published series."""

from __future__ import annotations

import pandas as pd

from .errors import WebInputError

PAGE_SIZE = 50
ECONOMY = ("remittances_pct_gdp", "trade_pct_gdp", "external_debt_pct_gni", "military_exp_pct_gdp")
UNGA = ("unga_agree_rus", "unga_agree_chn", "unga_agree_usa")
ECONOMY_LABELS = {"remittances_pct_gdp": "remittances received (% of GDP)", "trade_pct_gdp": "trade (% of GDP)",
                  "external_debt_pct_gni": "external debt (% of GNI)",
                  "military_exp_pct_gdp": "military spending (% of GDP)"}
UNGA_LABELS = {"unga_agree_rus": "agreement with Russia", "unga_agree_chn": "agreement with China",
               "unga_agree_usa": "agreement with the United States"}


def all_facts(ctx) -> pd.DataFrame:
    """Every fact of the base (`kb.facts.fact_rows`, the report's table too), kept on the context, with a
    lower-case haystack of its text, id and citations for the text search."""
    cached = getattr(ctx, "_facts", None)
    if cached is not None:
        return cached
    from ..kb.facts import fact_rows

    with ctx.lock:
        df = fact_rows(ctx.kb)
    df["hay"] = [f"{t} {i} {' '.join(c)}".lower() for t, i, c in zip(df.text, df.id, df.sources, strict=True)]
    ctx._facts = df
    return df


def facts(ctx, q=None, state=None, org=None, mechanism=None, start=None, end=None, page: int = 1
          ) -> tuple[list[dict], int, int]:
    """(the facts of page `page` (PAGE_SIZE a page) with readable citations, how many match, the page shown)."""
    from ..kb.vocab import MECHANISMS

    df = all_facts(ctx)
    if state:
        with ctx.lock:
            state = ctx.kb.require_actor(state)
        df = df[[state in a for a in df.actors]]
    if org:
        with ctx.lock:
            org = ctx.kb.require_org(org)
        df = df[df.org == org]
    if mechanism:
        if mechanism not in MECHANISMS:
            raise WebInputError(f"unknown mechanism {mechanism!r}", f"use one of {', '.join(MECHANISMS)}")
        df = df[df.mechanism == mechanism]
    if start is not None and end is not None and end < start:
        raise WebInputError(f"`to` ({end}) is before `from` ({start})", "swap them")
    if start is not None:   # a fact counts if its years overlap the range; undated facts are left out
        df = df[df.y0.notna() & (df.y1.isna() | (df.y1 >= start))]   # an open spell runs on
    if end is not None:
        df = df[df.y0.notna() & (df.y0 <= end)]
    if q:
        if len(q) > 200:
            raise WebInputError("the search text is over 200 characters", "search for a few words")
        for word in q.lower().split():
            df = df[df.hay.str.contains(word, regex=False)]
    total = len(df)
    pages = max(1, -(-total // PAGE_SIZE))
    if page < 1 or page > pages:
        raise WebInputError(f"page {page} is outside 1–{pages}", f"give a page from 1 to {pages}")
    rows = []
    for r in df.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE].itertuples():
        rows.append({"kind": r.kind, "id": r.id, "date": r.date, "text": r.text, "actors": r.actors,
                     "org": r.org if isinstance(r.org, str) and r.kind != "organization" else "",
                     "mechanism": r.mechanism if isinstance(r.mechanism, str) else "",
                     "citations": [{"id": c, "text": ctx.citation_text(c)} for c in r.sources]})
    return rows, total, page


def timeline_figure(ctx, target: str):
    """The membership timeline of a state (by organization) or of an organization (by state)."""
    from ..report import figures as F
    from ..report.web_figures import org_gantt

    target = (target or "").upper()
    with ctx.lock:
        orgs = ctx.kb.organizations()
    if target in set(orgs.id):
        name = orgs.set_index("id").name.get(target, target)
        return org_gantt(ctx.spells, target, name, ctx.period, ctx.state_names)
    with ctx.lock:
        actor = ctx.kb.require_actor(target)
    return F.gantt(ctx.spells, ctx.org_lead, actor, ctx.state_names.get(actor, actor), ctx.period)


def series_figures(ctx, states: list[str]) -> dict:
    """The economic series and UN voting agreement the case holds, one figure each (none if absent), over the
    case's years; the three voting agreements on one scale."""
    from ..report.web_figures import series_panels

    with ctx.lock:
        names = set(ctx.kb.series_names())
        pts = ctx.kb.series() if names else pd.DataFrame()
    out = {}
    if names & set(ECONOMY):
        out["economy"] = series_panels(pts, list(ECONOMY), "Economic series (World Bank WDI)", states,
                                       ctx.state_names, ECONOMY_LABELS, period=ctx.period)
    if names & set(UNGA):
        out["unga"] = series_panels(pts, list(UNGA), "UN General Assembly voting agreement (share of votes)",
                                    states, ctx.state_names, UNGA_LABELS, period=ctx.period, same_y=True)
    return out
