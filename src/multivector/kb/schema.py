"""Schemas of the evidence base: one pydantic model per kind of fact.

Each model checks what can be checked on one row (types, vocabularies, date
forms); cross-row checks (references, overlaps) live in `validate.py`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from . import vocab
from .dates import PartialDate, parse_period


def _date_string(value: object) -> str:
    return str(PartialDate.parse(value))


def _period_string(value: object) -> str:
    first, last = parse_period(value)
    return str(first) if first == last else f"{first}-{last}"


def _optional_text(value: object) -> object:
    # CSV cells are strings: an empty cell means "not given".
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _citation_list(value: object) -> object:
    # CSV writes a list as one `;`-separated field; YAML may give one string.
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


DateStr = Annotated[str, BeforeValidator(_date_string)]
OptionalDateStr = Annotated[DateStr | None, BeforeValidator(_optional_text)]
PeriodStr = Annotated[str, BeforeValidator(_period_string)]
OptionalText = Annotated[str | None, BeforeValidator(_optional_text)]
Citations = Annotated[list[str], BeforeValidator(_citation_list), Field(min_length=1)]
Ids = Annotated[list[str], BeforeValidator(_citation_list)]

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")


class Row(BaseModel):
    """Base of every row: unknown keys are errors (they are usually typos)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class Source(Row):
    id: str
    kind: Literal["article", "cited", "background"]
    authors: OptionalText = None
    title: str
    venue: OptionalText = None
    publisher: OptionalText = None
    year: int | None = None
    url: OptionalText = None
    note: OptionalText = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError(f"source id '{v}' must be lowercase snake case (a-z, 0-9, _)")
        return v

    @model_validator(mode="after")
    def _background_is_precise(self) -> Source:
        if self.kind == "background" and not (self.venue or self.publisher or self.url):
            raise ValueError("a background source needs a precise reference: give `publisher`, `venue` or `url`")
        return self


class Actor(Row):
    id: str
    name: str
    kind: Literal["regional_state", "great_power", "pole", "state"]
    cow_code: int | None = None
    pole: Literal["RUS", "CHN", "WEST"] | None = None
    sources: Citations
    note: OptionalText = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not CODE_RE.match(v):
            raise ValueError(f"actor id '{v}' must be an upper-case code such as KAZ (ISO3) or WEST")
        return v


class Organization(Row):
    id: str
    name: str
    domain: Literal["security", "economic", "political", "financial", "initiative", "general"]
    founded: DateStr
    ended: OptionalDateStr = None
    predecessor: OptionalText = None
    successor: OptionalText = None
    merged_into: OptionalText = None
    lead: dict[Literal["RUS", "CHN", "WEST", "REGIONAL", "GLOBAL"], float]
    depth: float = Field(ge=0.0, le=1.0)
    decision_rule: Literal["consensus", "unanimity", "qmv", "majority", "none"]
    cow_abbrev: OptionalText = None
    justification: dict[str, str] = Field(default_factory=dict)
    sources: Citations
    note: OptionalText = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not CODE_RE.match(v):
            raise ValueError(f"organization id '{v}' must be an upper-case code such as CSTO")
        return v

    @field_validator("lead")
    @classmethod
    def _weights(cls, v: dict[str, float]) -> dict[str, float]:
        if not v:
            raise ValueError("give at least one lead pole, e.g. {RUS: 1.0}")
        if any(w < 0 for w in v.values()):
            raise ValueError("lead weights must be non-negative")
        total = sum(v.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"lead weights must sum to 1, they sum to {total:g}")
        return v

    @model_validator(mode="after")
    def _dates(self) -> Organization:
        if self.ended and PartialDate.parse(self.ended).latest < PartialDate.parse(self.founded).earliest:
            raise ValueError(f"ended {self.ended} is before founded {self.founded}")
        for key in ("lead", "depth", "decision_rule", "domain"):
            if key not in self.justification:
                raise ValueError(f"justification.{key} is missing: add one line citing the evidence for the {key}")
        return self


class Membership(Row):
    actor: str
    org: str
    status: Literal["member", "associate", "observer", "partner", "candidate"]
    start: DateStr
    end: OptionalDateStr = None
    sources: Citations
    note: OptionalText = None

    @model_validator(mode="after")
    def _order(self) -> Membership:
        if self.end and PartialDate.parse(self.end).latest < PartialDate.parse(self.start).earliest:
            raise ValueError(f"the spell ends ({self.end}) before it starts ({self.start})")
        return self


EventKind = Literal[vocab.EVENT_KINDS]  # type: ignore[valid-type]
Mechanism = Literal[vocab.MECHANISMS]  # type: ignore[valid-type]
Unit = Literal[vocab.UNITS]  # type: ignore[valid-type]


class Fact(Row):
    """A fact with a stable id; the id's prefix says its kind."""

    id: str
    sources: Citations
    note: OptionalText = None
    _prefix = ""

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        prefix = cls._prefix.get_default() if hasattr(cls._prefix, "get_default") else cls._prefix
        if not ID_RE.match(v):
            raise ValueError(f"id '{v}' must be lowercase snake case (a-z, 0-9, _)")
        if prefix and not v.startswith(prefix):
            raise ValueError(f"id '{v}' must start with '{prefix}'")
        return v


class Event(Fact):
    _prefix = "ev_"
    date: DateStr
    precision: Literal["day", "month", "year", "approximate"] | None = None
    actors: Ids = Field(default_factory=list)
    org: OptionalText = None
    kind: EventKind
    summary: str

    @model_validator(mode="after")
    def _precision(self) -> Event:
        implied = PartialDate.parse(self.date).precision
        if self.precision is None:
            self.precision = implied
        elif self.precision != "approximate" and self.precision != implied:
            raise ValueError(
                f"precision '{self.precision}' does not match the date '{self.date}' (a {implied} date); "
                "drop `precision` or use 'approximate'"
            )
        return self


class Indicator(Fact):
    _prefix = "ind_"
    name: str
    actor: str
    partner: OptionalText = None
    value: float = Field(allow_inf_nan=False)
    unit: Unit
    period: PeriodStr

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError(f"indicator name '{v}' must be snake case, e.g. trade_share")
        return v


class Claim(Fact):
    _prefix = "cl_"
    statement: str
    actors: Ids = Field(default_factory=list)
    org: OptionalText = None
    mechanism: Mechanism
    period: Annotated[PeriodStr | None, BeforeValidator(_optional_text)] = None
    proposal: OptionalText = None
    stance: Literal["support", "oppose", "ambivalent", "silent"] | None = None
    holders: Ids = Field(default_factory=list)

    @model_validator(mode="after")
    def _stance(self) -> Claim:
        if self.stance and not self.proposal:
            raise ValueError("`stance` needs `proposal`: name the proposal the stance is on")
        if self.stance and not self.holders:
            raise ValueError("`stance` needs `holders`: the actors who hold the stance (a subset of `actors`)")
        if self.holders and not self.stance:
            raise ValueError("`holders` needs `stance`: say which stance they hold")
        extra = [h for h in self.holders if h not in self.actors]
        if extra:
            raise ValueError(f"holders {', '.join(extra)} must also be listed in `actors`")
        return self


class Proposal(Row):
    """A proposal negotiated inside an organization, with its recorded outcome."""

    id: str
    org: str
    proposer: OptionalText = None
    year: int
    title: str
    summary: str
    outcome: Literal["adopted", "rejected", "watered_down", "not_taken_up", "pending"]
    outcome_position: float | None = Field(default=None, ge=0, le=100)
    sources: Citations
    note: OptionalText = None


class Position(Row):
    """A member's position on a proposal, graded from the evidence (`positions.yaml`).

    `position` is on the proposal's scale (0 = the status quo, 100 = the proposal in full): the most of it
    the member would accept, read from claims dated in or before the proposal's year; `evidence` names
    those claims and `justification` says in one line how they grade it (docs/negotiation.md has the rules).
    """

    proposal: str
    actor: str
    position: float = Field(ge=0, le=100)
    evidence: Ids = Field(min_length=1)
    justification: str

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class CowDisagreement(Row):
    actor: str
    org: str
    cow_column: str
    from_: int = Field(alias="from")
    to: int
    cow_status: Literal["member", "associate", "observer", "partner", "candidate", "none"]
    base_status: Literal["member", "associate", "observer", "partner", "candidate", "none"]
    follows: Literal["base", "cow"]
    reason: str
    sources: Citations

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False, populate_by_name=True)

    @model_validator(mode="after")
    def _order(self) -> CowDisagreement:
        if self.to < self.from_:
            raise ValueError(f"`to` ({self.to}) is before `from` ({self.from_})")
        return self


class DriverSegment(Row):
    """A hand-coded driver value over a span of years, with the evidence behind it.

    The engagement model reads drivers year by year; a segment holds one value
    from `from` to `to` (inclusive; empty `to` = to the end of the record).
    """

    driver: Literal[vocab.DRIVERS]  # type: ignore[valid-type]
    actor: str
    partner: Literal["RUS", "CHN", "WEST"] | None = None
    org: OptionalText = None
    from_: int = Field(alias="from", ge=1800, le=2100)
    to: int | None = Field(default=None, ge=1800, le=2100)
    value: float = Field(ge=0.0, le=1.0)
    evidence: Ids = Field(min_length=1)
    justification: str

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False, populate_by_name=True)

    @model_validator(mode="after")
    def _shape(self) -> DriverSegment:
        if self.to is not None and self.to < self.from_:
            raise ValueError(f"`to` ({self.to}) is before `from` ({self.from_})")
        needs_partner = self.driver in vocab.DEPENDENCE_DRIVERS
        if needs_partner and not self.partner:
            raise ValueError(f"driver {self.driver} needs `partner` (RUS, CHN or WEST)")
        if not needs_partner and self.partner:
            raise ValueError(f"driver {self.driver} takes no `partner`; remove it")
        needs_org = self.driver in vocab.ORG_DRIVERS
        if needs_org and not self.org:
            raise ValueError(f"driver {self.driver} needs `org` (the organization the power pushes)")
        if not needs_org and self.org:
            raise ValueError(f"driver {self.driver} takes no `org`; remove it")
        return self


class SeriesPoint(Row):
    """One point of a published yearly series (a row of `series/*.csv`).

    Series names are free (snake case); a year the publisher gives no value for
    has no row: a missing row never means zero.
    """

    series: str
    actor: str
    partner: OptionalText = None
    year: int = Field(ge=1800, le=2100)
    value: float = Field(allow_inf_nan=False)
    unit: str = Field(min_length=1)
    sources: Citations

    @field_validator("series")
    @classmethod
    def _name(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError(f"series name '{v}' must be snake case, e.g. remittances_pct_gdp")
        return v
