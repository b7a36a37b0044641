"""A case as read from its folder: every validated row with the file and line it was written on.

The data the loader fills and the cross-row checks read; it imports neither, so the two
never import each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel


@dataclass
class Located:
    """A validated row and where it was written."""

    row: BaseModel
    file: str
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str | None) -> int:
        return self.key_lines.get(key, self.line) if key else self.line


@dataclass
class Case:
    folder: Path
    meta: dict
    sources: list[Located] = field(default_factory=list)
    actors: list[Located] = field(default_factory=list)
    organizations: list[Located] = field(default_factory=list)
    memberships: list[Located] = field(default_factory=list)
    events: list[Located] = field(default_factory=list)
    indicators: list[Located] = field(default_factory=list)
    claims: list[Located] = field(default_factory=list)
    proposals: list[Located] = field(default_factory=list)
    positions: list[Located] = field(default_factory=list)
    disagreements: list[Located] = field(default_factory=list)
    drivers: list[Located] = field(default_factory=list)
    series: list[Located] = field(default_factory=list)
    content_hash: str = ""

    def rows(self, kind: str) -> list:
        return [loc.row for loc in getattr(self, kind)]
