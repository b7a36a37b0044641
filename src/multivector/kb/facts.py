"""Every fact of the base as one table, the same for the report, the web app and the command line.

A fact is a row that carries its own citations: a claim, a dated event, an indicator, a membership
spell, an organization (its lead, depth and decision rule) or a proposal with its recorded outcome.
Sources are what facts cite, actors the ids they name; neither is a fact. `fact_rows` returns one row
per fact with a readable text (numbers with their units, `format_quantity`), so every front end shows
the same total and the same words.
"""

from __future__ import annotations

import json
import math

import pandas as pd

#: The kinds of fact, in the order the tables list them.
FACT_KINDS = ("claim", "event", "indicator", "membership", "organization", "proposal")

_UNIT_WORDS = {"persons": "persons", "troops": "troops", "km": "km", "mw": "MW", "years": "years"}
_POLES = {"RUS": "Russia", "CHN": "China", "WEST": "the West", "REGIONAL": "the region's states",
          "GLOBAL": "no single pole (a universal body)"}


def format_number(value: float) -> str:
    """A number as people write it: thousands separated, no trailing ".0", at most two decimals.

    >>> format_number(1000000.0), format_number(23.4), format_number(0.125), format_number(3)
    ('1,000,000', '23.4', '0.12', '3')
    """
    v = float(value)
    if not math.isfinite(v):
        return str(v)
    if v.is_integer():
        return f"{int(v):,}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def format_quantity(value: float, unit: str | None) -> str:
    """A value with its unit in words (the units of `kb.vocab.UNITS`).

    >>> format_quantity(1000000.0, "persons"), format_quantity(35.0, "percent"), format_quantity(23.4, "usd_billion")
    ('1,000,000 persons', '35%', 'US$23.4 billion')
    >>> format_quantity(3, "rank"), format_quantity(138.0, "count"), format_quantity(100.0, "mw")
    ('rank 3', '138', '100 MW')
    """
    n = format_number(value)
    unit = (unit or "").strip()
    if unit == "percent":
        return f"{n}%"
    if unit in ("usd_billion", "usd_million"):
        return f"US${n} {unit.split('_')[1]}"
    if unit == "rank":
        return f"rank {n}"
    if unit in ("count", "ratio", "index", ""):
        return n
    return f"{n} {_UNIT_WORDS.get(unit, unit.replace('_', ' '))}"


def _led(lead) -> str:
    """{"RUS": 1.0} → "led by Russia"; shared leads with their shares."""
    lead = json.loads(lead) if isinstance(lead, str) else dict(lead or {})
    parts = [_POLES.get(p, p) + ("" if len(lead) == 1 else f" ({100 * w:.0f}%)")
             for p, w in sorted(lead.items(), key=lambda kv: -kv[1]) if w > 0]
    return "led by " + " and ".join(parts) if parts else "no lead pole"


def fact_rows(kb) -> pd.DataFrame:
    """One row per fact: kind, id, date, text, actors, org, mechanism, y0, y1 (years it concerns; y1 NaN for an
    open spell), sources, sid (the id the text search knows it by), sorted by kind, date and id."""
    df = kb.sql("""
        SELECT 'claim' AS kind, id, coalesce(period, '') AS date, statement AS text, actors, org, mechanism,
               period_start AS y0, period_end AS y1, sources, id AS sid, NULL AS value, NULL AS unit FROM claims
        UNION ALL SELECT 'event', id, date, summary, actors, org, NULL, year, year, sources, id, NULL, NULL FROM events
        UNION ALL SELECT 'membership', actor || '/' || org || '/' || status || '/' || start, start,
               actor || ' ' || status || ' of ' || org || ', ' || start || ' – ' || coalesce("end", 'open')
                 || coalesce(': ' || note, ''), [actor], org, NULL, start_year, end_year, sources,
               actor || '/' || org, NULL, NULL FROM memberships
        UNION ALL SELECT 'indicator', id, period, name || ' ' || actor || coalesce(' / ' || partner, '') || ': {value}'
               || coalesce(' (' || note || ')', ''),
               CASE WHEN partner IS NULL THEN [actor] ELSE [actor, partner] END, NULL, NULL,
               period_start, period_end, sources, id, value, unit FROM indicators""")
    is_ind = df["kind"] == "indicator"
    df.loc[is_ind, "text"] = [t.replace("{value}", format_quantity(v, u)) for t, v, u in
                              zip(df.loc[is_ind, "text"], df.loc[is_ind, "value"], df.loc[is_ind, "unit"], strict=True)]
    orgs = kb.organizations()
    org_rows = pd.DataFrame({
        "kind": "organization", "id": orgs["id"], "date": orgs["founded"].astype(str),
        "text": [f"{r.name} — {_led(r.lead)}; depth {r.depth:.2f} (0 a forum … 1 supranational); decides by "
                 f"{str(r.decision_rule).replace('_', ' ')}" for r in orgs.itertuples()],
        "actors": [[] for _ in range(len(orgs))], "org": orgs["id"], "mechanism": None,
        "y0": [int(str(f)[:4]) for f in orgs["founded"]],
        "y1": [int(str(e)[:4]) if isinstance(e, str) and e else None for e in orgs["ended"]],
        "sources": orgs["sources"], "sid": orgs["id"]})
    props = kb.proposals()
    prop_rows = pd.DataFrame({
        "kind": "proposal", "id": props["id"], "date": props["year"].astype(str),
        "text": [f"{r.org} {r.year}: {r.title} — {str(r.outcome).replace('_', ' ')}"
                 + ("" if pd.isna(r.outcome_position) else f" ({format_number(r.outcome_position)} on 0–100)")
                 + (f"; proposed by {r.proposer}" if isinstance(r.proposer, str) else "")
                 for r in props.itertuples()],
        "actors": [[r.proposer] if isinstance(r.proposer, str) else [] for r in props.itertuples()],
        "org": props["org"], "mechanism": None, "y0": props["year"], "y1": props["year"],
        "sources": props["sources"], "sid": props["id"]})
    df = pd.concat([df.drop(columns=["value", "unit"]), org_rows, prop_rows], ignore_index=True)
    df["actors"] = [list(a) if a is not None and not (isinstance(a, float) and pd.isna(a)) else [] for a in df["actors"]]
    df["sources"] = [list(s) for s in df["sources"]]
    df["kind"] = pd.Categorical(df["kind"], FACT_KINDS, ordered=True)
    df = df.sort_values(["kind", "date", "id"], kind="stable").reset_index(drop=True)
    df["kind"] = df["kind"].astype(str)
    return df
