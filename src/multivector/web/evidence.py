"""The evidence page's queries: facts filtered by text, state, organization, mechanism and years,
each with its citations in words; the membership timelines; the published series."""

from __future__ import annotations

import pandas as pd

from .errors import WebInputError

MAX_SHOWN = 200
ECONOMY = ("remittances_pct_gdp", "trade_pct_gdp", "external_debt_pct_gni", "military_exp_pct_gdp")
UNGA = ("unga_agree_rus", "unga_agree_chn", "unga_agree_usa")
UNGA_LABELS = {"unga_agree_rus": "agreement with Russia", "unga_agree_chn": "agreement with China",
               "unga_agree_usa": "agreement with the United States"}


def all_facts(ctx) -> pd.DataFrame:
    """Every fact with the actors, organization, mechanism and years it concerns (kept on the context)."""
    cached = getattr(ctx, "_facts", None)
    if cached is not None:
        return cached
    with ctx.lock:
        df = ctx.kb.sql("""
            SELECT 'claim' AS kind, id, coalesce(period, '') AS date, statement AS text, actors, org, mechanism,
                   period_start AS y0, period_end AS y1, sources, id AS sid FROM claims
            UNION ALL SELECT 'event', id, date, summary, actors, org, NULL, year, year, sources, id FROM events
            UNION ALL SELECT 'membership', actor || '/' || org || '/' || start, start,
                   actor || ' ' || status || ' of ' || org || ', ' || start || ' – ' || coalesce("end", 'open')
                     || coalesce(': ' || note, ''), [actor], org, NULL, start_year, end_year, sources,
                   actor || '/' || org FROM memberships
            UNION ALL SELECT 'indicator', id, period, name || ' ' || actor || coalesce(' / ' || partner, '') || ': '
                   || CAST(value AS VARCHAR) || ' ' || unit || coalesce(' (' || note || ')', ''),
                   CASE WHEN partner IS NULL THEN [actor] ELSE [actor, partner] END, NULL, NULL,
                   period_start, period_end, sources, id FROM indicators
            ORDER BY 1, 3, 2""")
    df["actors"] = [list(a) if a is not None else [] for a in df["actors"]]
    df["sources"] = [list(s) for s in df["sources"]]
    ctx._facts = df
    return df


def facts(ctx, q=None, state=None, org=None, mechanism=None, start=None, end=None) -> tuple[list[dict], int]:
    """(the first MAX_SHOWN matching facts with readable citations, how many match)."""
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
        with ctx.lock:
            hits = ctx.kb.search(q, limit=5000)
        ids = set(zip(hits.kind, hits.id, strict=True))
        df = df[[(k, s) in ids for k, s in zip(df.kind, df.sid, strict=True)]]
    total = len(df)
    rows = []
    for r in df.head(MAX_SHOWN).itertuples():
        rows.append({"kind": r.kind, "id": r.id, "date": r.date, "text": r.text, "actors": r.actors,
                     "org": r.org if isinstance(r.org, str) else "",
                     "mechanism": r.mechanism if isinstance(r.mechanism, str) else "",
                     "citations": [{"id": c, "text": ctx.citation_text(c)} for c in r.sources]})
    return rows, total


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
    """The economic series and UN voting agreement the case holds, one figure each (none if absent)."""
    from ..report.web_figures import series_panels

    with ctx.lock:
        names = set(ctx.kb.series_names())
        pts = ctx.kb.series() if names else pd.DataFrame()
    out = {}
    if names & set(ECONOMY):
        out["economy"] = series_panels(pts, list(ECONOMY), "Economic series (World Bank WDI)", states,
                                       ctx.state_names)
    if names & set(UNGA):
        out["unga"] = series_panels(pts, list(UNGA), "UN General Assembly voting agreement (share of votes)",
                                    states, ctx.state_names, UNGA_LABELS)
    return out
