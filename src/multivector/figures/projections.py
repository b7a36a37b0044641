"""Projections from the record: the baseline's P(member) in 2030 and 2035, and what each library scenario changes.

Tables of docs/model.md, "Projections from the record". `baseline`: every regional state in every
Russia-led and China-led body (lead weight of Russia or China at least one half), the baseline
scenario (scenarios/baseline.yaml) projected from the record; the probability that the state is a
member, with its 90% interval over the posterior draws (model/intervals.py). `scenarios`: each library
scenario against the same run without its changes (model/compare.py), its three largest differences
in P(member) from its first change on. Nothing is tuned to these tables; they are there for readers to
judge plausibility.
"""

from __future__ import annotations

from .. import shipped
from . import Table

SLOW = True          # the library's comparisons: about a minute
YEARS = (2030, 2035)


def _iv(p: float, lo: float, hi: float) -> str:
    return f"{p:.2f} [{lo:.2f}–{hi:.2f}]"


def _pts(v: float) -> str:
    return f"{100 * v:+.1f}"


def baseline_table(kb, inputs) -> Table:
    from ..model.inputs import POLES
    from ..model.projection import project
    from ..model.run import intervals_table
    from ..model.scenario import load_scenario

    sc = load_scenario(shipped.folder("scenario") / "baseline.yaml", inputs.states, {o for o in inputs.era_org.ravel() if o})
    proj = project(kb, sc, keep_probs=True, inputs=inputs)
    tab = intervals_table(proj.result)
    t = inputs.year_index(YEARS[0])
    rus, chn = POLES.index("RUS"), POLES.index("CHN")
    lead = {ln: ("Russia" if inputs.lead[t, j, rus] > inputs.lead[t, j, chn] else
                 "China" if inputs.lead[t, j, chn] > inputs.lead[t, j, rus] else "Russia and China")
            for j, ln in enumerate(inputs.lines) if max(inputs.lead[t, j, rus], inputs.lead[t, j, chn]) >= 0.5}
    rec = proj.engagement()
    last = proj.start.record_until
    rows, raw = [], []
    for s in inputs.states:
        for ln in lead:
            got = tab[(tab.state == s) & (tab.line == ln) & tab.year.isin(YEARS)].set_index("year")
            if got.empty:
                continue
            r0 = rec[(rec.state == s) & (rec.line == ln) & (rec.year == last)]
            was = "member" if len(r0) and r0.p_member.iloc[0] == 1 else ("observer/partner" if len(r0) and
                                                                          r0.p_partner.iloc[0] == 1 else "none")
            cells = [_iv(got.loc[y, "p_member"], got.loc[y, "p_member_p05"], got.loc[y, "p_member_p95"])
                     if y in got.index else "" for y in YEARS]
            rows.append([s, got.org.iloc[0], lead[ln], was, *cells])
            raw.append({"state": s, "line": ln, "lead": lead[ln], f"record_{last}": was,
                        **{f"p_member_{y}": float(got.loc[y, "p_member"]) for y in YEARS if y in got.index},
                        **{f"p05_{y}": float(got.loc[y, "p_member_p05"]) for y in YEARS if y in got.index},
                        **{f"p95_{y}": float(got.loc[y, "p_member_p95"]) for y in YEARS if y in got.index}})
    note = (f"The baseline scenario (scenarios/baseline.yaml: {sc.runs:,} runs, seed {sc.seed}, every run's weights "
            f"drawn from the posterior) projected from the record of {last}. P(member): the mean of the runs' "
            "probabilities that the state is a full member; in brackets its 90% interval over the posterior (5th–95th "
            "percentiles over the posterior draws, ten runs each). Bodies led by Russia or China (lead weight at "
            "least one half).")
    return Table(["state", "body", "led by", f"{last} (record)", *[f"P(member) {y}" for y in YEARS]], rows, note,
                 align="lllrrr", raw=raw)


def scenarios_table(kb, inputs) -> Table:
    from ..model.compare import compare
    from ..model.scenario import load_scenario

    orgs = {o for o in inputs.era_org.ravel() if o}
    rows, raw = [], []
    for path in sorted(shipped.folder("scenario").glob("*.yaml")):
        sc = load_scenario(path, inputs.states, orgs)
        if not sc.changes:
            continue
        cmp = compare(kb, sc, inputs=inputs)
        kind = f"{'counterfactual' if cmp.scenario.counterfactual else 'projection'} from {cmp.scenario.start.year}"
        big = cmp.largest(3)
        if big.empty:
            rows.append([sc.name, kind, "—", "", "", "no difference"])
        for k, d in enumerate(big.itertuples(index=False)):
            rows.append([sc.name if k == 0 else "", kind if k == 0 else "", f"{d.state} in {d.line}", str(d.year),
                         f"{100 * d.without_changes:.1f} → {100 * d.with_changes:.1f}",
                         f"{_pts(d.difference)} [{_pts(d.p05)}, {_pts(d.p95)}]"])
            raw.append({"scenario": sc.name, "start": cmp.scenario.start.year, "first_change": cmp.first_change,
                        "state": d.state, "line": d.line, "year": int(d.year),
                        "without_changes": float(d.without_changes), "with_changes": float(d.with_changes),
                        "difference": float(d.difference), "p05": float(d.p05), "p95": float(d.p95)})
    note = ("Each library scenario against the same projection without its driver changes (same start, seed, runs "
            "and random numbers): the three state–organization pairs whose P(member) moves most, at the year it "
            "moves most, counted from the first change on; probabilities in %, the difference in percentage "
            "points with its 90% interval over the posterior draws the paired runs share.")
    return Table(["scenario", "kind", "where", "year", "P(member) % without → with", "difference [90%]"], rows,
                 note, align="lllrrr", raw=raw)


def build() -> dict[str, Table]:
    from ..kb import CaseBase
    from ..model.projection import scenario_inputs

    kb = CaseBase.load()
    inputs = scenario_inputs(kb, 2035)
    return {"baseline": baseline_table(kb, inputs), "scenarios": scenarios_table(kb, inputs)}
