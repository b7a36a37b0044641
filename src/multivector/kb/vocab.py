"""Controlled vocabularies of the evidence base.

One place for every closed list, so the schema, the validator's hints and the
documentation (docs/case-format.md) agree.
"""

from __future__ import annotations

STATUSES = ("member", "associate", "observer", "partner", "candidate")
"""Membership statuses, strongest first (COW IGO codes full member, associate, observer)."""

STATUS_RANK = {"none": 0, "candidate": 1, "partner": 1, "observer": 2, "associate": 3, "member": 4}

EVENT_KINDS = (
    "founding", "dissolution", "merger", "transformation", "treaty", "accession",
    "withdrawal", "status_change", "summit", "meeting", "proposal", "decision",
    "rejection", "request", "intervention", "exercise", "military_basing",
    "arms_transfer", "statement", "conflict", "unrest", "sanction", "trade_measure",
    "currency", "investment", "project", "policy", "election", "other",
)

MECHANISMS = (
    "sovereignty_sensitivity",  # 1. deeper organizations cost more
    "economic_dependence",      # 2. dependence raises the value of the lead's organizations
    "security_dependence",      # 3. threats raise the value of security providers
    "hegemony_balancing",       # 4. spread ties to avoid concentration on a revisionist power
    "great_power_pressure",     # 5. pressure and offers of the powers
    "regime_security",          # 6. shared fear of unrest
    "negotiation",              # 7. bargaining inside organizations
)

PRECISIONS = ("day", "month", "year", "approximate")

UNITS = (
    "percent", "usd_billion", "usd_million", "persons", "troops", "km", "mw",
    "count", "ratio", "years", "rank", "index",
)

DOMAINS = ("security", "economic", "political", "financial", "initiative", "general")

DECISION_RULES = ("consensus", "unanimity", "qmv", "majority", "none")

POLES = ("RUS", "CHN", "WEST", "REGIONAL", "GLOBAL")
"""Poles an organization can be led by. GLOBAL: universal bodies (UN, WTO)."""

ACTOR_KINDS = ("regional_state", "great_power", "pole", "state")

SOURCE_KINDS = ("article", "cited", "background")

STANCES = ("support", "oppose", "ambivalent", "silent")

ARTICLE_SECTIONS = (
    "Abstract", "Introduction", "Sensitivities", "Dependencies", "Threats", "CSTO",
    "EAEU", "SCO", "BRI", "Balancing", "Conclusion",
)
ARTICLE_FOOTNOTES = range(1, 87)

ID_PREFIX = {"event": "ev_", "indicator": "ind_", "claim": "cl_"}

STATE_DRIVERS = ("sovereignty_sensitivity", "threat_level", "regime_insecurity", "neutrality")
"""Drivers of a regional state, per year, on a 0-1 scale."""

DEPENDENCE_DRIVERS = ("trade_dependence", "remittance_dependence", "debt_dependence",
                      "transit_dependence", "security_dependence", "pole_threat", "finance_dependence")
"""Drivers of a regional state towards one partner pole (RUS, CHN, WEST), per year, 0-1.

`pole_threat`: the military threat the state faces from that pole itself (occupation, troops
backing separatists on its soil, war with it). `finance_dependence`: development finance
committed by the pole over the last five years, as a share of the state's GDP (a series).
Both are 0 where a case codes nothing."""

POWER_DRIVERS = ("capability", "revisionism", "attention", "economic_offer")
"""Drivers of a power (RUS, CHN, WEST), per year, 0-1."""

ORG_DRIVERS = ("integration_pressure",)
"""Drivers of a power towards one organization, per year, 0-1."""

DRIVERS = STATE_DRIVERS + DEPENDENCE_DRIVERS + POWER_DRIVERS + ORG_DRIVERS
PARTNER_POLES = ("RUS", "CHN", "WEST")
