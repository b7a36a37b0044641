"""Everything the engagement model reads, as NumPy arrays, built from a case.

`model.yaml` in the case folder says how the case maps onto the model: which
organizations succeed each other as one choice ("lines"), how recorded statuses
map onto the model's three levels, and the entry rules with their evidence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..kb import CaseBase
from ..kb.problems import CaseError, Problem
from .drivers import DriverPanel, build_drivers
from .model_spec import read_model_spec

POLES = ("RUS", "CHN", "WEST", "REGIONAL", "GLOBAL")
POWERS = ("RUS", "CHN", "WEST")
LEVELS = ("none", "partner", "member")
ENGAGEMENT = np.array([0.0, 0.5, 1.0])  # v(level): how much of a tie each level is


@dataclass
class ModelInputs:
    """Arrays indexed [year, state, line(, level | pole)] for one case."""

    years: np.ndarray                 # (T,)
    states: list[str]                 # (S,)
    lines: list[str]                  # (L,) a line is an organization and its successors
    era_org: np.ndarray               # (T, L) object: the organization id of the line in that year ('' if none)
    exists: np.ndarray                # (T, L) bool
    depth: np.ndarray                 # (T, L)
    lead: np.ndarray                  # (T, L, 5) weights over POLES
    offers: np.ndarray                # (T, L, 4) what members get: security, economy, regime, legitimacy
    aligning: np.ndarray              # (T, L) 1 where full membership aligns a state with a bloc, 0 where neutrals take part
    max_level: np.ndarray             # (T, S, L) int: highest level open to the state (0 = closed)
    allowed: np.ndarray               # (T, S, L, 3) bool: levels open (entry rules; no partial tier where none exists)
    record: np.ndarray                # (T, S, L) int: recorded level, -1 where not recorded / org absent
    record_until: int                 # last year of the record
    drivers: DriverPanel
    entry_rules: list[dict] = field(default_factory=list)
    level_of_status: dict[str, int] = field(default_factory=dict)
    full_partnership: tuple[str, ...] = ()
    # (S, L) bool: open in the year before the first, for inputs cut from a longer run (None: unknown)
    open_before: np.ndarray | None = None
    consensus: np.ndarray | None = None   # (T, L) bool: the line's organization decides by consensus
    # observed stances (claims on proposals): {"year", "state", "line", "stance" (0 support, 1 go along,
    # 2 obstruct), "evidence"} — the observed face of the second decision
    stance_observations: list[dict] = field(default_factory=list)
    # (S, S) 1 where state j is a neighbour of state i (same region, model.yaml `regions`); None: all others
    neighbours: np.ndarray | None = None
    regional: tuple[str, ...] = ()    # the case's regional states (the rest are pooled for estimation)
    # (T, L) bool: a proposal to deepen or extend the line's organization is on record in that year
    # (proposals.yaml); with integration pressure it says where a stance is taken (stance.py). None: none.
    proposals: np.ndarray | None = None

    @property
    def T(self) -> int:
        return len(self.years)

    def year_index(self, year: int) -> int:
        if year < self.years[0] or year > self.years[-1]:
            raise ValueError(f"year {year} is outside the model's years {self.years[0]}–{self.years[-1]}")
        return int(year - self.years[0])

    def restrict(self, start: int, end: int) -> ModelInputs:
        """The same inputs for the years start..end."""
        a, b = self.year_index(start), self.year_index(end) + 1
        return ModelInputs(
            years=self.years[a:b], states=self.states, lines=self.lines, era_org=self.era_org[a:b],
            exists=self.exists[a:b], depth=self.depth[a:b], lead=self.lead[a:b], offers=self.offers[a:b],
            aligning=self.aligning[a:b],
            max_level=self.max_level[a:b], allowed=self.allowed[a:b], record=self.record[a:b], record_until=self.record_until,
            drivers=self.drivers.restrict(a, b), entry_rules=self.entry_rules,
            level_of_status=self.level_of_status, full_partnership=self.full_partnership,
            open_before=self.max_level[a - 1] > 0 if a > 0 else self.open_before,
            consensus=None if self.consensus is None else self.consensus[a:b],
            stance_observations=[o for o in self.stance_observations if start <= o["year"] <= end],
            neighbours=self.neighbours, regional=self.regional,
            proposals=None if self.proposals is None else self.proposals[a:b])


def _offers_rule(domain: str, lead: dict[str, float], override: dict | None) -> tuple[float, float, float, float]:
    """What membership gives, from the organization's domain and lead (docs/model.md, 'offers').

    Regime support is positive where Russia or China lead (they do not question
    regimes, article: Sensitivities, SCO) and negative where the West leads
    (its organizations judge regimes, article: Sensitivities, Threats).
    """
    security, economy = {
        "security": (1.0, 0.0), "economic": (0.0, 1.0), "financial": (0.0, 1.0), "initiative": (0.0, 1.0),
        "general": (0.5, 0.5), "political": (0.25, 0.25),
    }[domain]
    regime = 0.5 * (lead.get("RUS", 0) + lead.get("CHN", 0)) - 0.5 * lead.get("WEST", 0)
    # Standing: political and general forums make governments respected interlocutors and
    # confirm statehood (article: SCO; Balancing — multilateral norms bring legitimacy).
    legitimacy = {"political": 1.0, "general": 1.0}.get(domain, 0.25)
    if override:
        security = override.get("security", security)
        economy = override.get("economy", economy)
        regime = override.get("regime", regime)
        legitimacy = override.get("legitimacy", legitimacy)
    return security, economy, regime, legitimacy


RULE_KEYS = {"org", "actor", "open_to", "max_level", "from", "evidence", "sources", "justification"}
NEUTRAL_KEYS = {"org", "evidence", "sources", "justification"}
PARTIAL_KEYS = {"org", "until", "evidence", "sources", "justification"}


def _rule_problems(kb: CaseBase, rules: list[dict], states: set[str], orgs: set[str],
                   kind: str = "entry rule", keys: set[str] = RULE_KEYS, line=lambda n: 1) -> list[Problem]:
    """Every rule names known ids and rests on evidence (fact ids or citations) with a justification;
    `line(n)` is the line of the n-th rule (from 1) in model.yaml."""
    from ..kb.checks import citation_problem

    facts = set(kb.sql("SELECT id FROM events UNION SELECT id FROM claims UNION SELECT id FROM indicators").id)
    source_ids = set(kb.sql("SELECT id FROM sources").id)
    out = []
    for n, rule in enumerate(rules, 1):
        if not isinstance(rule, dict):
            out.append(Problem("model.yaml", line(n), f"{kind} {n} is not a mapping", "write it as `- org: ID` with its keys"))
            continue
        where = f"{kind} {n} ({rule.get('org', '?')})"
        unknown = set(rule) - keys
        if unknown:
            out.append(Problem("model.yaml", line(n), f"{where}: unknown key(s) {', '.join(sorted(unknown))}",
                               f"use only {', '.join(sorted(keys))}"))
        if rule.get("org") not in orgs:
            out.append(Problem("model.yaml", line(n), f"{where}: `org` must be an organization of a line",
                               f"use one of {', '.join(sorted(orgs))}"))
        for a in [rule["actor"]] if "actor" in rule else rule.get("open_to", []):
            if a not in states:
                out.append(Problem("model.yaml", line(n), f"{where}: unknown state '{a}'", f"use one of {', '.join(sorted(states))}"))
        if not (rule.get("evidence") or rule.get("sources")) or not rule.get("justification"):
            out.append(Problem("model.yaml", line(n), f"{where}: a rule needs `evidence` or `sources` and a `justification`",
                               "name the fact ids or citations behind it and say why in one sentence"))
        if "until" in rule and not isinstance(rule["until"], int):
            out.append(Problem("model.yaml", line(n), f"{where}: `until` must be a year, not {rule['until']!r}",
                               "write the last year as a number, e.g. until: 2019"))
        for ev in rule.get("evidence", []):
            if ev not in facts:
                out.append(Problem("model.yaml", line(n), f"{where}: evidence id '{ev}' is not a fact of the case",
                                   "use an id from events/, claims/ or indicators/"))
        for cit in rule.get("sources", []):
            bad = citation_problem(cit, source_ids)
            if bad:
                out.append(Problem("model.yaml", line(n), f"{where}: {bad[0]}", bad[1]))
    return out


def load_model_spec(folder: Path) -> dict:
    """`model.yaml` validated by its schema (`model.model_spec.ModelSpec`), as plain data; CaseError with lines."""
    return read_model_spec(folder).as_dict()


def pooled_states(kb: CaseBase) -> list[str]:
    """The states the case pools with its regional states for estimation (case.yaml `pooled_states`)."""
    return list(kb.meta.get("pooled_states", []) or [])


def modelled_states(kb: CaseBase) -> list[str]:
    """Every state the model can run: the case's regional states, then its `pooled_states`."""
    regional = list(kb.regional_states)
    return regional + [s for s in pooled_states(kb) if s not in regional]


def regions(kb: CaseBase) -> dict[str, list[str]]:
    """The case's regions (model.yaml `regions`, e.g. central_asia, south_caucasus, eastern_europe), each with
    its states in the case's order; the regional states form one region when model.yaml names none."""
    spec = load_model_spec(kb.folder)
    named = dict(spec.get("regions", {}) or {})
    order = modelled_states(kb)
    out = {str(k): [s for s in order if s in set(v or [])] for k, v in named.items()}
    return {k: v for k, v in out.items() if v} or {kb.name: list(kb.regional_states)}


def select_states(kb: CaseBase, states: str | list[str] | tuple[str, ...]) -> list[str]:
    """The modelled states a selection names, in the case's order: ids (`ARM,AZE,GEO` or a list) and region
    names (`south_caucasus`) mixed freely. Raises ValueError naming what is unknown and what is known."""
    items = states.split(",") if isinstance(states, str) else list(states)
    items = [str(x).strip() for x in items if str(x).strip()]
    known, by_region = modelled_states(kb), regions(kb)
    chosen, unknown = set(), []
    for item in items:
        if item.lower() in by_region:
            chosen |= set(by_region[item.lower()])
        elif item.upper() in known:
            chosen.add(item.upper())
        else:
            unknown.append(item)
    if unknown or not items:
        what = f"unknown state or region {', '.join(repr(u) for u in unknown)}" if unknown else "no state named"
        raise ValueError(f"{what}; use modelled states ({', '.join(known)}) or regions "
                         f"({', '.join(by_region)}), e.g. ARM,AZE,GEO or south_caucasus")
    return [s for s in known if s in chosen]


def load_inputs(kb: CaseBase | None = None, end: int | None = None, pool: bool = False,
                states: str | list[str] | tuple[str, ...] | None = None) -> ModelInputs:
    """Build the model's arrays from a case (default: the embedded case).

    pool: also model the case's `pooled_states` (the other former Soviet republics of the
    embedded case), as estimation and evaluation do; the regional states come first.
    states: model only these states (ids or region names, `select_states`), e.g. ["ARM", "AZE", "GEO"] or
    "south_caucasus": the drivers and record already coded for them, in the case's order. Overrides `pool`.
    """
    kb = kb or CaseBase.load()
    typed = read_model_spec(kb.folder)
    spec = typed.as_dict()
    start = int(spec.get("years", {}).get("start", 1991))
    end = int(end or spec.get("years", {}).get("end", 2035))
    record_until = int(kb.meta.get("period", {}).get("end", 2025))
    years = np.arange(start, end + 1)
    states = _states_to_model(kb, states, pool)
    lines = list(spec["lines"])
    levels = {k: int(v) for k, v in spec.get("levels", {}).items()}
    full_partnership = tuple(spec.get("full_partnership", []))
    orgs = {r.id: r for r in kb.organizations().itertuples(index=False)}
    _check_lines(kb, typed, spec, orgs)
    bodies = _line_organizations(spec, lines, years, orgs)
    era_org, exists = bodies["era_org"], bodies["exists"]
    line_of = {org: j for j, line in enumerate(lines) for org in spec["lines"][line]}
    record = _recorded_levels(kb, years, states, line_of, era_org, exists, levels, full_partnership, record_until)
    _check_rules(kb, typed, spec, set(line_of))
    rules = spec.get("entry_rules", []) or []
    max_level, allowed = _open_levels(rules, spec.get("no_partial_status", []) or [], years, states, line_of,
                                      era_org, exists)
    compatible = {r.get("org") for r in spec.get("neutral_compatible", []) or []}
    aligning = np.array([[0.0 if o in compatible else 1.0 for o in row] for row in era_org]) * exists
    drivers = build_drivers(kb, years, states, lines, era_org)
    _apply_series(kb, typed, spec, drivers, years, states)
    return ModelInputs(years=years, states=states, lines=lines, era_org=era_org, exists=exists,
                       depth=bodies["depth"], lead=bodies["lead"], offers=bodies["offers"], aligning=aligning,
                       max_level=max_level, allowed=allowed, record=record, record_until=record_until,
                       drivers=drivers, entry_rules=rules, level_of_status=levels,
                       full_partnership=full_partnership, consensus=bodies["consensus"],
                       stance_observations=stance_observations(kb, years, states, line_of),
                       neighbours=_neighbours(spec, states, list(kb.regional_states)),
                       regional=tuple(kb.regional_states), proposals=proposals_on_record(kb, years, era_org))


def _states_to_model(kb: CaseBase, states, pool: bool) -> list[str]:
    """The states these inputs hold: a selection, else the regional states (and, pooled, the others)."""
    if states is not None:
        return select_states(kb, states)
    out = list(kb.regional_states)
    if pool:
        out += [s for s in pooled_states(kb) if s not in out]
    return out


def _check_lines(kb: CaseBase, typed, spec: dict, orgs: dict) -> None:
    """CaseError when a line names an organization the case does not declare."""
    problems = [Problem("model.yaml", typed.line("lines", line), f"line {line} names unknown organization '{org}'",
                        "use an id declared in organizations.yaml")
                for line, members in spec["lines"].items() for org in members if org not in orgs]
    if problems:
        raise CaseError(problems, str(kb.folder))


def _line_organizations(spec: dict, lines: list[str], years: np.ndarray, orgs: dict) -> dict[str, np.ndarray]:
    """Year by year, each line's organization and what it is: era_org, exists, depth, lead, offers, consensus."""
    T, L = len(years), len(lines)
    out = {"era_org": np.full((T, L), "", dtype=object), "exists": np.zeros((T, L), bool),
           "depth": np.zeros((T, L)), "lead": np.zeros((T, L, len(POLES))), "offers": np.zeros((T, L, 4)),
           "consensus": np.zeros((T, L), bool)}
    overrides = spec.get("offers", {}) or {}
    for j, line in enumerate(lines):
        for org_id in spec["lines"][line]:  # later organizations of a line win a shared year
            o = orgs[org_id]
            first = int(o.founded[:4])
            last = int(o.ended[:4]) if isinstance(o.ended, str) and o.ended else 10_000
            o_lead = json.loads(o.lead)
            prof = _offers_rule(o.domain, o_lead, overrides.get(org_id))
            live = (years >= first) & (years <= last)
            out["era_org"][live, j] = org_id
            out["exists"][live, j] = True
            out["depth"][live, j] = o.depth
            out["lead"][live, j] = [o_lead.get(p, 0.0) for p in POLES]
            out["offers"][live, j] = prof
            out["consensus"][live, j] = o.decision_rule == "consensus"
    return out


def _recorded_levels(kb: CaseBase, years: np.ndarray, states: list[str], line_of: dict[str, int],
                     era_org: np.ndarray, exists: np.ndarray, levels: dict[str, int], full_partnership: tuple,
                     record_until: int) -> np.ndarray:
    """(T, S, L) the recorded level of each state in each line's organization (-1 after the record or where the
    line has no organization; 0 no tie)."""
    record = np.full((len(years), len(states), exists.shape[1]), -1, dtype=np.int8)
    recorded = years <= record_until
    record[recorded] = np.where(exists[recorded][:, None, :], 0, -1)
    mem = kb.sql('SELECT actor, org, status, start_year, end_year, start_date FROM memberships ORDER BY start_date')
    s_index = {s: i for i, s in enumerate(states)}
    for m in mem.itertuples(index=False):
        if m.actor not in s_index or m.org not in line_of:
            continue
        j = line_of[m.org]
        lvl = 2 if m.org in full_partnership and m.status == "partner" else levels.get(m.status, 0)
        last = record_until if pd.isna(m.end_year) else int(m.end_year)
        for y in range(max(int(m.start_year), int(years[0])), min(int(last), record_until, int(years[-1])) + 1):
            t = y - years[0]
            if era_org[t, j] == m.org:  # the spell counts in the year its organization is the line's
                record[t, s_index[m.actor], j] = lvl
    return record


def _check_rules(kb: CaseBase, typed, spec: dict, line_orgs: set[str]) -> None:
    """CaseError listing every problem of the pooled states and of the entry, neutrality and partial-tier rules."""
    # rules may name any modelled state, pooled or not, whichever states these inputs hold
    known_states = set(kb.regional_states) | set(pooled_states(kb))
    actor_ids = set(kb.sql("SELECT id FROM actors").id)
    problems = [Problem("case.yaml", 1, f"pooled state '{s_}' is not an actor of the case",
                        "declare it in actors.yaml or remove it from `pooled_states`")
                for s_ in pooled_states(kb) if s_ not in actor_ids]
    for key, kind, keys in (("entry_rules", "entry rule", RULE_KEYS),
                            ("neutral_compatible", "neutral_compatible entry", NEUTRAL_KEYS),
                            ("no_partial_status", "no_partial_status entry", PARTIAL_KEYS)):
        problems += _rule_problems(kb, spec.get(key, []) or [], known_states, line_orgs, kind, keys,
                                   line=lambda n, key=key: typed.line(key, n - 1))
    if problems:
        raise CaseError(problems, str(kb.folder))


def _open_levels(rules: list[dict], no_partial: list[dict], years: np.ndarray, states: list[str],
                 line_of: dict[str, int], era_org: np.ndarray, exists: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(max_level (T, S, L), allowed (T, S, L, 3)): the highest level open to a state under the entry rules, and
    which levels are open (no partial level where an organization has no partial tier)."""
    T, S, L = len(years), len(states), exists.shape[1]
    s_index = {s: i for i, s in enumerate(states)}
    max_level = np.broadcast_to(np.where(exists, 2, 0)[:, None, :], (T, S, L)).astype(np.int8).copy()
    for rule in rules:
        org_lines = [line_of[o] for o in ([rule["org"]] if "org" in rule else []) if o in line_of]
        for j in org_lines:
            mask_t = era_org[:, j] == rule["org"]
            if "open_to" in rule:
                for i, s in enumerate(states):
                    if s not in rule["open_to"]:
                        max_level[mask_t, i, j] = 0
            if "actor" in rule and rule["actor"] in s_index:
                i = s_index[rule["actor"]]
                max_level[mask_t, i, j] = np.minimum(max_level[mask_t, i, j], int(rule.get("max_level", 0)))
            if "from" in rule:
                max_level[(years < int(rule["from"])) & mask_t, :, j] = 0
    allowed = np.arange(3)[None, None, None, :] <= max_level[..., None]
    for rule in no_partial:  # an organization without an observer or partner tier: none or member only
        j = line_of[rule["org"]]
        until = int(rule.get("until", years[-1]))
        allowed[(era_org[:, j] == rule["org"]) & (years <= until), :, j, 1] = False
    return max_level, allowed


def _apply_series(kb: CaseBase, typed, spec: dict, drivers: DriverPanel, years: np.ndarray,
                  states: list[str]) -> None:
    """Overwrite the drivers model.yaml reads from published series (CaseError for a rule's problems)."""
    from .series_drivers import apply_series_drivers, rule_problems

    known_states = set(kb.regional_states) | set(pooled_states(kb))
    series_rules = spec.get("series_drivers", []) or []
    bad = rule_problems(kb, series_rules, known_states, line=lambda n: typed.line("series_drivers", n - 1))
    if bad:
        raise CaseError(bad, str(kb.folder))
    apply_series_drivers(kb, series_rules, drivers, years, states)


def proposals_on_record(kb: CaseBase, years: np.ndarray, era_org: np.ndarray) -> np.ndarray:
    """(T, L) True where a proposal of the line's organization of that year is on record (proposals.yaml)."""
    out = np.zeros(era_org.shape, bool)
    rows = kb.sql("SELECT org, year FROM proposals")
    for r in rows.itertuples(index=False):
        if years[0] <= r.year <= years[-1]:
            t = int(r.year - years[0])
            out[t] |= era_org[t] == r.org
    return out


def _neighbours(spec: dict, states: list[str], regional: list[str]) -> np.ndarray | None:
    """(S, S) same-region matrix from model.yaml `regions` (the regional states form one region by
    default); None when every state is in one region, the network value's original form."""
    regions = dict(spec.get("regions", {}) or {})
    region_of = {s: "__regional__" for s in regional}
    for name, members in regions.items():
        for s in members or []:
            region_of[s] = name
    labels = [region_of.get(s, s) for s in states]
    if len(set(labels)) <= 1:
        return None
    same = np.array([[float(a == b) for b in labels] for a in labels])
    return same - np.eye(len(states))


STANCE_OF_CLAIM = {"support": 0, "silent": 1, "ambivalent": 1, "oppose": 2}


def stance_observations(kb: CaseBase, years: np.ndarray, states: list[str], line_of: dict[str, int]) -> list[dict]:
    """Members' stances on the case's proposals (claims with `stance` and `holders`), one per
    state, proposal and stance: support → support, silent or ambivalent → go along, oppose → obstruct."""
    rows = kb.sql("""SELECT c.id, c.stance, c.holders, p.id AS proposal, p.org, p.year FROM claims c
                     JOIN proposals p ON c.proposal = p.id WHERE c.stance IS NOT NULL ORDER BY c.id""")
    seen, out = set(), []
    for r in rows.itertuples(index=False):
        if r.org not in line_of or not (years[0] <= r.year <= years[-1]):
            continue
        for holder in r.holders:
            key = (holder, r.proposal, r.stance)
            if holder in states and key not in seen:
                seen.add(key)
                out.append({"year": int(r.year), "state": holder, "line": int(line_of[r.org]),
                            "stance": STANCE_OF_CLAIM[r.stance], "evidence": r.id, "proposal": r.proposal})
    return out
