"""Cross-row checks: references, unique ids, citations, spells and dates."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict

from . import vocab
from .case import Case, Located
from .dates import PartialDate
from .problems import Problem

_FOOTNOTE_RE = re.compile(r"^fn(\d+)$")


def _suggest(value: str, known: set[str], what: str) -> str:
    close = difflib.get_close_matches(value, sorted(known), n=3, cutoff=0.6)
    if close:
        return f"did you mean {' or '.join(close)}? Otherwise declare it in {what}"
    return f"declare it in {what} first, or correct the id"


def citation_problem(citation: str, source_ids: set[str]) -> tuple[str, str] | None:
    """What is wrong with one citation string, or None when it is well formed.

    >>> citation_problem("article:CSTO:fn27", set()) is None
    True
    >>> citation_problem("article:Csto", set())[0]
    "unknown article section 'Csto'"
    """
    parts = citation.split(":", 1)
    source = parts[0].strip()
    if source == "article":
        if len(parts) == 1:
            return None
        locator = parts[1].split(":")
        section = locator[0]
        if section not in vocab.ARTICLE_SECTIONS:
            return (f"unknown article section '{section}'",
                    f"use one of {' '.join(vocab.ARTICLE_SECTIONS)}, e.g. article:CSTO:fn27")
        if len(locator) > 2:
            return (f"citation '{citation}' has too many parts", "write article:SECTION or article:SECTION:fnN")
        if len(locator) == 2:
            m = _FOOTNOTE_RE.match(locator[1])
            if not m or int(m.group(1)) not in vocab.ARTICLE_FOOTNOTES:
                return (f"bad footnote '{locator[1]}' in '{citation}'",
                        "write the footnote as fnN with N from 1 to 86, e.g. article:EAEU:fn43")
        return None
    if source not in source_ids:
        return (f"citation '{citation}' names unknown source '{source}'",
                _suggest(source, source_ids | {"article"}, "sources.yaml"))
    return None


def cross_check(case: Case) -> list[Problem]:
    problems: list[Problem] = []

    def add(loc: Located, key: str | None, message: str, fix: str) -> None:
        problems.append(Problem(loc.file, loc.line_of(key), message, fix))

    def unique(items: list[Located], attr: str, what: str) -> set[str]:
        seen: dict[str, Located] = {}
        for loc in items:
            value = getattr(loc.row, attr)
            if value in seen:
                first = seen[value]
                add(loc, attr, f"duplicate {what} id '{value}' (first defined at {first.file}:{first.line})",
                    "give each row its own id; never reuse an id")
            else:
                seen[value] = loc
        return set(seen)

    source_ids = unique(case.sources, "id", "source")
    actor_ids = unique(case.actors, "id", "actor")
    org_ids = unique(case.organizations, "id", "organization")
    unique(case.events + case.indicators + case.claims, "id", "fact")
    proposal_ids = unique(case.proposals, "id", "proposal")

    # Citations on every row that has them.
    for kind in ("actors", "organizations", "memberships", "events", "indicators", "claims",
                 "proposals", "disagreements"):
        for loc in getattr(case, kind):
            for cit in loc.row.sources:
                bad = citation_problem(cit, source_ids)
                if bad:
                    add(loc, "sources", *bad)

    def need_actor(loc: Located, key: str, value: str | None) -> None:
        if value and value not in actor_ids:
            add(loc, key, f"unknown actor '{value}'", _suggest(value, actor_ids, "actors.yaml"))

    def need_org(loc: Located, key: str, value: str | None) -> None:
        if value and value not in org_ids:
            add(loc, key, f"unknown organization '{value}'", _suggest(value, org_ids, "organizations.yaml"))

    for loc in case.organizations:
        for key in ("predecessor", "successor", "merged_into"):
            need_org(loc, key, getattr(loc.row, key))
    for loc in case.memberships:
        need_actor(loc, "actor", loc.row.actor)
        need_org(loc, "org", loc.row.org)
    for loc in case.events:
        for a in loc.row.actors:
            need_actor(loc, "actors", a)
        need_org(loc, "org", loc.row.org)
    for loc in case.indicators:
        need_actor(loc, "actor", loc.row.actor)
        p = loc.row.partner
        if p and p not in actor_ids and p not in org_ids:
            add(loc, "partner", f"unknown partner '{p}' (neither an actor nor an organization)",
                _suggest(p, actor_ids | org_ids, "actors.yaml or organizations.yaml"))
    for loc in case.claims:
        for a in loc.row.actors:
            need_actor(loc, "actors", a)
        need_org(loc, "org", loc.row.org)
        if loc.row.proposal and loc.row.proposal not in proposal_ids:
            add(loc, "proposal", f"unknown proposal '{loc.row.proposal}'",
                _suggest(loc.row.proposal, proposal_ids, "proposals.yaml"))
    for loc in case.proposals:
        need_org(loc, "org", loc.row.org)
        need_actor(loc, "proposer", loc.row.proposer)
    for loc in case.disagreements:
        need_actor(loc, "actor", loc.row.actor)
        need_org(loc, "org", loc.row.org)

    fact_ids = {loc.row.id for loc in case.events + case.indicators + case.claims}
    for loc in case.drivers:
        d = loc.row
        need_actor(loc, "actor", d.actor)
        need_org(loc, "org", d.org)
        for ev in d.evidence:
            if ev not in fact_ids:
                add(loc, "evidence", f"evidence id '{ev}' is not a fact of the case",
                    _suggest(ev, fact_ids, "events/, indicators/ or claims/"))
    problems += _position_problems(case, actor_ids)
    problems += _driver_overlaps(case)
    problems += _series_problems(case, actor_ids, source_ids)

    for key in ("regional_states", "great_powers"):
        for a in case.meta.get(key, []) or []:
            if a not in actor_ids:
                problems.append(Problem("case.yaml", 1, f"`{key}` names unknown actor '{a}'",
                                        _suggest(a, actor_ids, "actors.yaml")))

    event_ids = {loc.row.id for loc in case.events}
    marks = case.meta.get("landmarks", []) or []
    if not isinstance(marks, list):
        problems.append(Problem("case.yaml", 1, "`landmarks` must be a list of event ids",
                                "write it as `landmarks: [ev_..., ev_...]`"))
        marks = []
    for ev in marks:
        if ev not in event_ids:
            problems.append(Problem("case.yaml", 1, f"`landmarks` names '{ev}', which is not an event of the case",
                                    _suggest(str(ev), event_ids, "events/")))

    problems += _spell_problems(case)
    return problems


def _spell_problems(case: Case) -> list[Problem]:
    """Spells must lie within the organization's life and not overlap each other."""
    problems: list[Problem] = []
    orgs = {loc.row.id: loc.row for loc in case.organizations}
    by_pair: dict[tuple[str, str], list[Located]] = defaultdict(list)
    for loc in case.memberships:
        m = loc.row
        by_pair[(m.actor, m.org)].append(loc)
        org = orgs.get(m.org)
        if org is None:
            continue
        start = PartialDate.parse(m.start)
        if start.latest < PartialDate.parse(org.founded).earliest:
            problems.append(Problem(loc.file, loc.line, f"{m.actor}'s {m.status} spell in {m.org} starts {m.start}, "
                                    f"before {m.org} was founded ({org.founded})",
                                    f"start the spell on or after {org.founded}, or record it in the predecessor organization"))
        if org.ended:
            ended = PartialDate.parse(org.ended)
            if m.end is None:
                problems.append(Problem(loc.file, loc.line, f"{m.actor}'s spell in {m.org} is open but {m.org} ended {org.ended}",
                                        f"set `end` to {org.ended} at the latest"))
            elif PartialDate.parse(m.end).earliest > ended.latest:
                problems.append(Problem(loc.file, loc.line, f"{m.actor}'s spell in {m.org} ends {m.end}, after {m.org} ended ({org.ended})",
                                        f"end the spell by {org.ended}"))
    for (actor, org), locs in by_pair.items():
        locs.sort(key=lambda loc: PartialDate.parse(loc.row.start).earliest)
        for prev, nxt in zip(locs, locs[1:], strict=False):
            prev_end = PartialDate.parse(prev.row.end).latest if prev.row.end else None
            next_start = PartialDate.parse(nxt.row.start)
            # Spells that meet within the same month or year (one ends 2012, next starts 2012) are fine
            # when the dates are coarse; overlap means the next starts strictly before the previous ends
            # at the finer of the two precisions.
            if prev_end is None or next_start.latest < PartialDate.parse(prev.row.end).earliest:
                problems.append(Problem(nxt.file, nxt.line,
                                        f"{actor}'s spells in {org} overlap: this one starts {nxt.row.start} but the spell "
                                        f"at line {prev.line} ({prev.row.start}–{prev.row.end or 'open'}) has not ended",
                                        "close the earlier spell (set its `end`) before this one starts"))
    return problems


def _position_problems(case: Case, actor_ids: set[str]) -> list[Problem]:
    """Graded positions: a known proposal and actor, one per pair, and evidence that is claims dated in or
    before the proposal's year (a position says what the member would accept before the decision)."""
    from .dates import parse_period

    problems: list[Problem] = []
    proposals = {loc.row.id: loc.row for loc in case.proposals}
    claims = {loc.row.id: loc.row for loc in case.claims}
    seen: dict[tuple[str, str], Located] = {}
    for loc in case.positions:
        p = loc.row

        def add(key: str, message: str, fix: str, loc: Located = loc) -> None:
            problems.append(Problem(loc.file, loc.line_of(key), message, fix))

        prop = proposals.get(p.proposal)
        if prop is None:
            add("proposal", f"unknown proposal '{p.proposal}'", _suggest(p.proposal, set(proposals), "proposals.yaml"))
        if p.actor not in actor_ids:
            add("actor", f"unknown actor '{p.actor}'", _suggest(p.actor, actor_ids, "actors.yaml"))
        if (p.proposal, p.actor) in seen:
            first = seen[(p.proposal, p.actor)]
            add("actor", f"a second position of {p.actor} on {p.proposal} (first at {first.file}:{first.line})",
                "keep one graded position per proposal and member")
        seen.setdefault((p.proposal, p.actor), loc)
        for ev in p.evidence:
            claim = claims.get(ev)
            if claim is None:
                add("evidence", f"evidence '{ev}' is not a claim of the case",
                    _suggest(ev, set(claims), "claims/ (a position is graded from claims)"))
            elif not claim.period:
                add("evidence", f"claim '{ev}' has no period, so nothing dates it before the decision",
                    "give the claim a `period` the source supports, or grade the position from dated claims")
            elif prop is not None and parse_period(claim.period)[0] > prop.year:
                add("evidence", f"claim '{ev}' is dated {claim.period}, after {p.proposal} ({prop.year})",
                    "grade a position only from evidence dated in or before the proposal's year")
    return problems


def _driver_overlaps(case: Case) -> list[Problem]:
    """Two segments of one driver series must not cover the same year."""
    problems: list[Problem] = []
    series: dict[tuple, list[Located]] = defaultdict(list)
    for loc in case.drivers:
        d = loc.row
        series[(d.driver, d.actor, d.partner, d.org)].append(loc)
    for key, locs in series.items():
        locs.sort(key=lambda loc: loc.row.from_)
        for prev, nxt in zip(locs, locs[1:], strict=False):
            if prev.row.to is None or nxt.row.from_ <= prev.row.to:
                name = "/".join(k for k in key if k)
                problems.append(Problem(nxt.file, nxt.line,
                                        f"driver {name}: this segment starts {nxt.row.from_} but the one at line "
                                        f"{prev.line} covers it ({prev.row.from_}–{prev.row.to or 'open'})",
                                        "set `to` of the earlier segment to the year before"))
    return problems


def _series_problems(case: Case, actor_ids: set[str], source_ids: set[str]) -> list[Problem]:
    """Series points: known actor and partner, resolvable citations, one unit per series, no repeated point."""
    problems: list[Problem] = []
    seen: dict[tuple, Located] = {}
    units: dict[str, Located] = {}
    bad_citations: dict[str, tuple[str, str]] = {}  # a file repeats its citations on every row: check each once
    for loc in case.series:
        p = loc.row

        def add(key: str, message: str, fix: str, loc: Located = loc) -> None:
            problems.append(Problem(loc.file, loc.line_of(key), message, fix))

        if p.actor not in actor_ids:
            add("actor", f"unknown actor '{p.actor}'", _suggest(p.actor, actor_ids, "actors.yaml"))
        if p.partner and p.partner not in actor_ids:
            add("partner", f"unknown partner '{p.partner}' (a series partner is an actor, or empty)",
                _suggest(p.partner, actor_ids, "actors.yaml"))
        for cit in p.sources:
            if cit not in bad_citations:
                bad_citations[cit] = citation_problem(cit, source_ids)
            if bad_citations[cit]:
                add("sources", *bad_citations[cit])
        key = (p.series, p.actor, p.partner or "", p.year)
        if key in seen:
            first = seen[key]
            add("series", f"duplicate point {p.series} {p.actor}{'/' + p.partner if p.partner else ''} {p.year} "
                f"(first at {first.file}:{first.line})",
                "keep one row per series, actor, partner and year; re-run the import rather than editing by hand")
        else:
            seen[key] = loc
        first_unit = units.setdefault(p.series, loc)
        if first_unit.row.unit != p.unit:
            add("unit", f"series {p.series} is in '{p.unit}' here but in '{first_unit.row.unit}' at "
                f"{first_unit.file}:{first_unit.line}", "use one unit per series, or give the series another name")
    return problems
