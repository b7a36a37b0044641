"""Compare a COW IGO file with the evidence base, cell by cell, and join the base's explanations.

A cell is a (state, organization, year) that both cover:
- the state is an actor of the case with the COW code of the row;
- the COW column maps to an organization of the case in that year (`mapping_from_case`);
- COW codes it 0, 1, 2 or 3 (never -1 "did not exist" or -9 "missing": those are not compared);
- the base has the organization in existence that year (founded–ended) or a spell in it — or COW
  codes a status (1–3) there: a COW membership in an organization the base says did not exist
  that year contradicts the base (whose status is then 'none'), so it is compared too.

The base's status (as `CaseBase.status`: the status held last in the year) is put
on COW's scale before comparing: member 1, associate 2, observer 3, none 0;
`candidate` is 0 (COW has no candidates) and `partner` is 0 (COW does not code
dialogue partners) except in the organizations where partnership is the form of
participation (`PARTNER_IS_MEMBERSHIP`: EAPC, NATO_PFP), where it is 1 — the
equivalences stated at the top of the case's cow_disagreements.csv.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..measures.panel import NOT_EXISTING, panel_from_case
from .codes import mapping_from_case
from .reader import COW_STATUS, CowData, panel_from_cow, state_overrides

PARTNER_IS_MEMBERSHIP: frozenset[str] = frozenset({"EAPC", "NATO_PFP"})
BASE_WORD = {0: "none", 1: "member", 2: "associate", 3: "observer", 4: "partner", 5: "candidate"}


@dataclass
class CowComparison:
    agreement: dict
    disagreements: pd.DataFrame          # grouped into year ranges, with the base's explanation
    cells: pd.DataFrame                  # one row per disagreeing cell
    by_org: pd.DataFrame                 # compared / agreeing cells per organization
    unmatched_records: pd.DataFrame      # recorded explanations that match no disagreement

    def to_json(self) -> dict:
        from ..io_utils import records

        return {"agreement": self.agreement, "disagreements": records(self.disagreements),
                "by_org": records(self.by_org), "unmatched_records": records(self.unmatched_records)}


def _runs(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Collapse consecutive years with equal `keys` into from–to ranges."""
    if df.empty:
        return pd.DataFrame(columns=[*keys, "from", "to", "years"])
    df = df.sort_values([*keys, "year"], kind="stable").reset_index(drop=True)
    same = (df[keys].shift() == df[keys]).all(axis=1) & (df["year"].diff() == 1)
    run = (~same).cumsum()
    g = df.groupby(run, sort=False)
    out = g[keys].first()
    out["from"] = g["year"].min().to_numpy()
    out["to"] = g["year"].max().to_numpy()
    out["years"] = g.size().to_numpy()
    return out.reset_index(drop=True)


def compare_with_base(kb, cow: CowData, partner_is_membership: frozenset[str] = PARTNER_IS_MEMBERSHIP
                      ) -> CowComparison:
    """Agreement between `cow` and the base `kb` on every cell both cover, with explanations.

    Returns a `CowComparison`: `agreement` (compared, agree, disagree, rate, explained,
    unexplained, cow_missing, states, organizations, years), the disagreements grouped
    into year ranges and joined with `kb.disagreements()` (reason, follows, sources;
    `explained` False when the base records none), per-organization counts and the
    recorded explanations that match no disagreement.
    """
    mapping = mapping_from_case(kb)
    overrides = state_overrides(kb)
    cpanel = panel_from_cow(cow, mapping=mapping, overrides=overrides)
    base_orgs = set(kb.org_ids())
    base_actors = set(kb.actor_ids())
    states = [s for s in cpanel.states if s in base_actors]
    orgs = [o for o in cpanel.orgs if o in base_orgs]
    y0, y1 = int(cow.years[0]), int(cow.years[-1])
    bpanel = panel_from_case(kb, states=states, years=(y0, y1))
    si_c = np.array([cpanel.state_index(s) for s in states], dtype=np.int64)
    oi_c = np.array([cpanel.org_index(o) for o in orgs], dtype=np.int64)
    oi_b = np.array([bpanel.org_index(o) for o in orgs], dtype=np.int64)
    c = cpanel.codes[np.ix_(si_c, oi_c, np.arange(len(cow.years)))] if len(states) and len(orgs) else \
        np.zeros((0, 0, len(cow.years)), np.int8)
    b = bpanel.codes[:, oi_b, :] if len(orgs) else np.zeros((len(states), 0, len(cow.years)), np.int8)
    # base on COW's scale
    lut = np.array([0, 1, 2, 3, 0, 0], dtype=np.int8)                       # none member assoc obs partner cand
    b_cow = lut[np.clip(b, 0, 5)]
    pim = np.array([o in partner_is_membership for o in orgs], dtype=bool)
    b_cow = np.where((b == 4) & pim[None, :, None], 1, b_cow).astype(np.int8)
    cow_ok = (c >= 0) & (c <= 3)
    # the base covers a cell when its organization exists that year (or it has a spell there); a COW
    # membership in an organization the base says did not exist yet is a disagreement too (base: none)
    base_ok = (b != NOT_EXISTING) | ((c >= 1) & (c <= 3))
    both = cow_ok & base_ok
    agree = both & (b_cow == c)
    dis = both & ~agree
    col_of = {o: cow.columns[j] for o, j, *_ in _layout_index(cpanel, cow, mapping)}
    s_i, o_i, y_i = np.nonzero(dis)
    cells = pd.DataFrame({
        "actor": np.array(states, dtype=object)[s_i], "org": np.array(orgs, dtype=object)[o_i],
        "cow_column": [col_of[orgs[k]] for k in o_i], "year": cow.years[y_i],
        "cow_status": [COW_STATUS[int(v)] for v in c[s_i, o_i, y_i]],
        "base_status": [BASE_WORD.get(int(v), "none") for v in b[s_i, o_i, y_i]]})
    rec = kb.disagreements()
    rec_years = _explode(rec)
    merged = cells.merge(rec_years, on=["actor", "org", "cow_column", "year"], how="left", suffixes=("", "_rec"))
    matched = merged["reason"].notna()
    same_status = (merged["cow_status"] == merged["cow_status_rec"]) & (merged["base_status"] == merged["base_status_rec"])
    merged["explained"] = matched & same_status
    merged.loc[matched & ~same_status, "reason"] = (
        "recorded with other statuses (cow " + merged["cow_status_rec"].astype(str) + ", base "
        + merged["base_status_rec"].astype(str) + "): " + merged["reason"].astype(str))
    merged["reason"] = merged["reason"].where(matched, "unexplained: the base records no reason")
    merged["follows"] = merged["follows"].where(matched, None)
    merged["sources"] = [s if isinstance(s, list | tuple | np.ndarray) else [] for s in merged["sources"]]
    merged["sources_key"] = [";".join(s) for s in merged["sources"]]
    keys = ["actor", "org", "cow_column", "cow_status", "base_status", "explained", "follows", "reason",
            "sources_key"]
    grouped = _runs(merged.assign(follows=merged["follows"].fillna("")), keys)
    grouped["sources"] = [k.split(";") if k else [] for k in grouped["sources_key"]]
    grouped["follows"] = grouped["follows"].replace("", None)
    grouped = grouped[["actor", "org", "cow_column", "from", "to", "years", "cow_status", "base_status",
                       "explained", "follows", "reason", "sources"]]
    # recorded explanations that match no disagreeing cell
    hit = set(zip(cells["actor"], cells["org"], cells["cow_column"], cells["year"], strict=True))
    if len(rec_years):
        miss = [(a, o, col, y) not in hit for a, o, col, y in
                zip(rec_years["actor"], rec_years["org"], rec_years["cow_column"], rec_years["year"], strict=True)]
        um = rec_years[miss].copy()
        s_pos = {s: i for i, s in enumerate(states)}
        o_pos = {o: i for i, o in enumerate(orgs)}

        def why(a: str, o: str, y: int) -> str:
            if a not in s_pos:
                return "state not in the COW file"
            if o not in o_pos or not y0 <= y <= y1:
                return "organization-year not in the COW file"
            cell = (s_pos[a], o_pos[o], y - y0)
            if not base_ok[cell]:
                return "not compared: the organization does not exist in the base that year"
            if not cow_ok[cell]:
                return f"not compared: COW codes {int(c[cell])}"
            return "the two sources agree on this cell"

        um["why_unmatched"] = [why(a, o, int(y)) for a, o, y in zip(um["actor"], um["org"], um["year"], strict=True)]
        unmatched = _runs(um, ["actor", "org", "cow_column", "cow_status_rec", "base_status_rec", "why_unmatched",
                               "reason"])
        unmatched = unmatched.rename(columns={"cow_status_rec": "cow_status", "base_status_rec": "base_status"})
    else:
        unmatched = pd.DataFrame(columns=["actor", "org", "cow_column", "cow_status", "base_status",
                                          "why_unmatched", "reason", "from", "to", "years"])
    n_both, n_agree = int(both.sum()), int(agree.sum())
    n_explained = int(merged["explained"].sum())
    per_org = pd.DataFrame({"org": orgs, "cow_column": [col_of[o] for o in orgs],
                            "compared": both.sum(axis=(0, 2)), "agree": agree.sum(axis=(0, 2))})
    per_org["rate"] = np.where(per_org["compared"] > 0, per_org["agree"] / per_org["compared"].clip(lower=1), np.nan)
    per_org = per_org[per_org["compared"] > 0].reset_index(drop=True)
    agreement = {
        "compared": n_both, "agree": n_agree, "disagree": n_both - n_agree,
        "rate": round(n_agree / n_both, 6) if n_both else None,
        "explained": n_explained, "unexplained": n_both - n_agree - n_explained,
        "cow_missing": int(((c == -9) & base_ok).sum()),
        "states": len(states), "organizations": int((both.sum(axis=(0, 2)) > 0).sum()),
        "years": f"{y0}-{y1}", "file": cow.path,
        "rules": "base status on COW's scale: member 1, associate 2, observer 3, none/candidate 0, partner 0 "
                 f"(1 in {', '.join(sorted(partner_is_membership))}); COW -1 and -9 not compared",
    }
    return CowComparison(agreement=agreement, disagreements=grouped, cells=merged.drop(columns=["sources_key"]),
                         by_org=per_org, unmatched_records=unmatched)


def _layout_index(cpanel, cow: CowData, mapping):
    from .reader import org_layout

    return org_layout(cow, mapping)


def _explode(rec: pd.DataFrame) -> pd.DataFrame:
    cols = ["actor", "org", "cow_column", "year", "cow_status_rec", "base_status_rec", "follows", "reason", "sources"]
    if rec.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for r in rec.to_dict(orient="records"):
        for y in range(int(r["from"]), int(r["to"]) + 1):
            rows.append({"actor": r["actor"], "org": r["org"], "cow_column": str(r["cow_column"]).lower(), "year": y,
                         "cow_status_rec": r["cow_status"], "base_status_rec": r["base_status"],
                         "follows": r["follows"], "reason": r["reason"], "sources": list(r["sources"])})
    return pd.DataFrame(rows, columns=cols).drop_duplicates(["actor", "org", "cow_column", "year"])
