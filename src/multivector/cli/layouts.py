"""The listings' column roles, declared in one place: which columns are ids, which are content, which go first.

Read by :func:`multivector.cli.output.emit` (``layout=NAME``); the rules are in :mod:`.columns`. A
table without a layout keeps `id` whole and its running-text columns as content.
"""

from __future__ import annotations

from .columns import Layout

LAYOUTS: dict[str, Layout] = {
    "members": Layout(ids=("actor",), content=("status", "start", "end"), drop=("sources", "name")),
    "timeline": Layout(content=("date", "org", "what", "summary"), drop=("sources", "kind")),
    "events": Layout(content=("date", "summary"), drop=("precision", "sources", "actors", "kind", "org")),
    "indicators": Layout(content=("value", "period"), join={"value": ("value", "unit")},
                         drop=("sources", "note", "partner", "name", "actor")),
    "claims": Layout(content=("statement",),
                     drop=("sources", "holders", "stance", "proposal", "period", "org", "mechanism", "actors")),
    "search": Layout(content=("text",), drop=("score", "sources", "date", "kind")),
    "orgs": Layout(content=("name", "domain", "founded"),
                   drop=("merged_into", "successor", "predecessor", "decision_rule", "ended", "depth", "lead")),
    "actors": Layout(content=("name", "kind", "cow_code"), drop=("sources", "pole")),
    "sources": Layout(content=("title", "year"), drop=("note", "url", "publisher", "venue", "kind", "authors")),
    "proposals": Layout(content=("title", "outcome", "position"), drop=("sources", "org", "year")),
    "scenarios": Layout(ids=("name",), content=("description", "kind", "years"), drop=("changes", "seed", "runs")),
}
