"""Negotiation problems built from a case's evidence base (the article's proposals).

Each proposal in `proposals.yaml` is scored on 0 (status quo) to 100 (adopted in
full). Actors, positions, saliences and capabilities follow written rules, so
every number traces back to evidence ids (`derive_problem(...).meta["evidence"]`):

- actors: the organization's full members in the proposal's year, plus any
  actor holding a recorded stance on it;
- position: the member's graded position where `positions.yaml` has one — the
  most of the proposal it would accept, graded from claims dated in or before the
  proposal's year (the rules are in docs/negotiation.md, "How the positions are
  graded"); otherwise the stance coding: the mean of the actor's recorded stances
  (support 100, ambivalent 50, silent 50, oppose 0); the proposer sits at 100; a
  member with no recorded stance sits at 50 (no evidence either way);
- salience: 60 for one claim behind the position (stance claims, or the graded
  position's evidence), +10 per further claim (at most 90); the proposer 90; 20
  where nothing is recorded (it has not spoken);
- capability: the engagement model's `capability` driver for Russia, China and
  the West in that year where coded (else 1.0); the region's largest economy
  (Kazakhstan) 0.2; every other state 0.1 — the article treats them as
  relatively weaker members of the international system;
- decision rule: the organization's (`consensus` almost everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..kb import CaseBase
from .problem import NegotiationProblem

STANCE_POSITION = {"support": 100.0, "ambivalent": 50.0, "silent": 50.0, "oppose": 0.0}
SMALL_STATE_CAPABILITY = 0.1
LARGEST_REGIONAL_ECONOMY = ("KAZ", 0.2)
POWERS = ("RUS", "CHN", "WEST")


@dataclass
class ProposalOutcome:
    proposal: str
    predicted: float
    recorded: float | None
    recorded_outcome: str
    predicted_outcome: str


def outcome_class(position: float) -> str:
    """Map a 0-100 outcome onto the recorded categories."""
    if position < 25:
        return "rejected"
    if position <= 75:
        return "watered_down"
    return "adopted"


def _capability(kb: CaseBase, actor: str, year: int) -> tuple[float, list[str]]:
    if actor in POWERS:
        seg = kb.sql('SELECT value, evidence FROM drivers WHERE driver = \'capability\' AND actor = $a '
                     'AND "from" <= $y AND ("to" IS NULL OR "to" >= $y)', {"a": actor, "y": year})
        if not seg.empty:
            return float(seg.value[0]), list(seg.evidence[0])
        return 1.0, []
    if actor == LARGEST_REGIONAL_ECONOMY[0]:
        ev = kb.search("largest economy", limit=3)
        return LARGEST_REGIONAL_ECONOMY[1], list(ev.id[ev.kind == "claim"])
    ev = kb.search("relatively weaker", limit=3)
    return SMALL_STATE_CAPABILITY, list(ev.id[ev.kind == "claim"])


def salience_of(claims: int) -> float:
    """60 for one claim behind a position, +10 per further claim, at most 90."""
    return min(90.0, 60.0 + 10.0 * (claims - 1))


def stance_coding(kb: CaseBase, proposal_id: str) -> NegotiationProblem:
    """The problem with every position at the stance coding (no graded position): the reference the graded
    positions are reported beside."""
    return derive_problem(kb, proposal_id, graded=False)


def derive_problem(kb: CaseBase, proposal_id: str, graded: bool = True) -> NegotiationProblem:
    """The negotiation problem of one proposal (the rules are in the module docstring); `graded=False` leaves
    every position at the stance coding."""
    props = kb.proposals().set_index("id")
    if proposal_id not in props.index:
        raise KeyError(f"unknown proposal '{proposal_id}'; known: {', '.join(props.index)}")
    p = props.loc[proposal_id]
    year, org = int(p.year), p.org
    org_now = org
    while not kb.org_exists(org_now, year) and kb.organization(org_now)["predecessor"]:
        org_now = kb.organization(org_now)["predecessor"]  # before its founding: the predecessor's members
    members = list(kb.members(org_now, year).query("status == 'member'").actor)
    claims = kb.claims(proposal=proposal_id)
    claims = claims[claims.stance.notna()]
    stances: dict[str, list[tuple[str, str]]] = {}
    for c in claims.itertuples(index=False):
        for h in c.holders:
            stances.setdefault(h, []).append((c.stance, c.id))
    proposer = p.proposer if isinstance(p.proposer, str) else None
    grades = {r.actor: r for r in kb.positions(proposal_id).itertuples(index=False)} if graded else {}
    actors = list(dict.fromkeys(members + list(stances) + list(grades) + ([proposer] if proposer else [])))
    pos, sal, cap, evidence, basis = [], [], [], {}, {}
    for a in actors:
        if a in grades:
            g = grades[a]
            pos.append(float(g.position))
            sal.append(90.0 if a == proposer else salience_of(len(g.evidence)))
            evidence[a] = list(g.evidence)
            basis[a] = "graded position"
        elif a == proposer and a not in stances:
            pos.append(100.0)
            sal.append(90.0)
            evidence[a] = list(p.sources)
            basis[a] = "proposer"
        elif a in stances:
            got = stances[a]
            pos.append(float(np.mean([STANCE_POSITION[s] for s, _ in got])))
            sal.append(90.0 if a == proposer else salience_of(len(got)))
            evidence[a] = [cid for _, cid in got]
            basis[a] = "recorded stance"
        else:
            pos.append(50.0)
            sal.append(20.0)
            evidence[a] = []
            basis[a] = "no recorded stance"
        c, ev = _capability(kb, a, year)
        cap.append(c)
        evidence[a] = evidence[a] + ev
    rule = kb.organization(org)["decision_rule"]
    rule = "consensus" if rule in ("consensus", "none") else rule
    return NegotiationProblem(
        actors=tuple(actors), capability=np.array(cap), position=np.array(pos)[:, None],
        salience=np.array(sal)[:, None], decision_rule=rule, status_quo=np.array([0.0]),
        agenda_setters=(proposer,) if proposer else (), name=proposal_id, description=str(p.title),
        dimensions=(proposal_id,),
        outcome=None if pd.isna(p.outcome_position) else np.array([float(p.outcome_position)]),
        meta={"org": org, "year": year, "recorded_outcome": p.outcome, "evidence": evidence, "basis": basis})


def problem_table(problem: NegotiationProblem) -> pd.DataFrame:
    """Actors with capability, position, salience and the evidence behind each."""
    return pd.DataFrame({
        "actor": problem.actors, "capability": problem.capability, "position": problem.position[:, 0],
        "salience": problem.salience[:, 0], "basis": [problem.meta["basis"][a] for a in problem.actors],
        "evidence": [problem.meta["evidence"][a] for a in problem.actors]})
