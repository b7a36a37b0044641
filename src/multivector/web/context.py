"""What every request reads: the case (one DuckDB connection behind a lock) and results computed once.

DuckDB connections are not safe to share between threads; the API's handlers run
in a thread pool, so every query goes through `WebContext.kb` under `lock`.
Tables that do not change while the server runs (the panel, the measures, the
case's proposals with each model's forecast) are computed on first use and kept.
"""

from __future__ import annotations

import threading
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from ..kb import CaseBase
from .errors import WebInputError


class WebContext:
    """The loaded case and the derived tables the pages and the API share."""

    def __init__(self, case_path: str | Path | None = None):
        self.case_path = Path(case_path) if case_path else None
        self.kb = CaseBase.load(self.case_path)
        self.lock = threading.RLock()
        self._once = threading.Lock()

    # ---------------------------------------------------------------- case facts
    @cached_property
    def states(self) -> list[str]:
        return list(self.kb.regional_states)

    @cached_property
    def all_states(self) -> list[str]:
        """Every state the case models: the regional states, then the pooled ones (other regions)."""
        from ..model.inputs import modelled_states

        with self.lock:
            return modelled_states(self.kb)

    @cached_property
    def regions(self) -> dict[str, list[str]]:
        """Region id (model.yaml `regions`) → its states; the first is the case's own region."""
        from ..model.inputs import regions

        with self.lock:
            return regions(self.kb)

    def region(self, value: str | None) -> tuple[str, list[str]]:
        """(region id, its states); None or "" gives the first region (the case's own)."""
        first = next(iter(self.regions))
        key = (value or first).strip().lower()
        if key not in self.regions:
            raise WebInputError(f"unknown region {value!r}", f"use one of {', '.join(self.regions)}")
        return key, self.regions[key]

    @staticmethod
    def region_label(key: str) -> str:
        """`south_caucasus` → "South Caucasus"."""
        return key.replace("_", " ").title()

    @cached_property
    def state_names(self) -> dict[str, str]:
        with self.lock:
            a = self.kb.actors()
        return dict(zip(a["id"], a["name"], strict=True))

    @cached_property
    def period(self) -> tuple[int, int]:
        p = self.kb.meta.get("period") or {}
        return int(p.get("start", 1991)), int(p.get("end", 2025))

    @cached_property
    def inputs(self):
        """The engagement model's inputs (states, organizations open to them, drivers)."""
        from ..model.inputs import load_inputs

        with self.lock:
            return load_inputs(self.kb)

    def inputs_for(self, states: list[str] | None):
        """The model's inputs of these states (None: the regional states, `inputs`), kept per selection."""
        if not states or list(states) == list(self.inputs.states):
            return self.inputs
        from ..model.inputs import load_inputs

        key = tuple(states)
        with self._once:
            cache = self.__dict__.setdefault("_inputs_by_states", {})
        if key not in cache:
            with self.lock:
                cache[key] = load_inputs(self.kb, states=list(key))
        return cache[key]

    @cached_property
    def model_orgs(self) -> set[str]:
        return {o for o in self.inputs.era_org.ravel() if o}

    def year(self, value: int | None, what: str = "year") -> int:
        lo, hi = self.period
        if value is None:
            return hi
        if not lo <= value <= hi:
            raise WebInputError(f"{what} {value} is outside the case's years {lo}–{hi}", f"give a year from {lo} to {hi}")
        return int(value)

    def state(self, value: str) -> str:
        with self.lock:
            s = self.kb.require_actor(value)
        return s

    # ---------------------------------------------------------------- derived tables
    @cached_property
    def panel(self):
        from ..measures import panel_from_case

        with self.lock:
            return panel_from_case(self.kb)

    @cached_property
    def measures(self) -> pd.DataFrame:
        """Core and network measures of every modelled state (the regional and the pooled ones), every year."""
        from ..measures import measures_table

        states = [s for s in self.all_states if s in self.panel._state_index]
        return measures_table(self.panel, states=states)

    @cached_property
    def dependence(self) -> pd.DataFrame:
        """Dependence by partner of every modelled state: the imported series the case's series drivers read,
        and the hand-coded indicators (`model.series_drivers.dependence_rows`)."""
        from ..model.dependence_series import dependence_rows

        with self.lock:
            return dependence_rows(self.kb, self.all_states, self.period)

    @cached_property
    def landmarks(self) -> pd.DataFrame:
        with self.lock:
            return self.kb.landmarks()

    @cached_property
    def org_founded(self) -> dict[str, str]:
        with self.lock:
            o = self.kb.organizations()
        return dict(zip(o["id"], o["founded"].astype(str), strict=True))

    @cached_property
    def org_lead(self) -> dict[str, dict]:
        from ..measures import org_meta_from_case

        with self.lock:
            meta = org_meta_from_case(self.kb)
        return dict(zip(meta["id"], meta["lead"], strict=True))

    @cached_property
    def spells(self) -> pd.DataFrame:
        with self.lock:
            sp = self.kb.sql("""SELECT actor, org, status, start, "end", start_date, end_date, sources
                                FROM memberships ORDER BY start_date""")
        sp["sources"] = [list(s) for s in sp["sources"]]
        return sp

    def status_grid(self, year: int, states: list[str] | None = None) -> pd.DataFrame:
        """Status of each of `states` (default: the regional states) in each organization that existed in
        `year` (from the panel), with the organization's lead pole."""
        from ..measures import CODE_STATUS
        from ..report.figures import pole_label

        states = states or self.states
        p = self.panel
        y = int(np.searchsorted(p.years, year))
        rows = []
        for j, org in enumerate(p.orgs):
            codes = p.codes[:, j, y]
            if np.all(codes == -1):
                continue   # not in existence that year
            row = {"org": org, "name": p.org_names.get(org, org),
                   "pole": pole_label(self.org_lead.get(org, {"UNCODED": 1.0}))}
            for s in states:
                i = p._state_index.get(s)
                row[s] = CODE_STATUS.get(int(codes[i]), "none") if i is not None else "none"
            rows.append(row)
        return pd.DataFrame(rows)

    @cached_property
    def citation_titles(self) -> dict[str, str]:
        """Source id → a short reference (authors, title, year) for showing citations."""
        with self.lock:
            src = self.kb.sources()
        return {r.id: " ".join(str(x) for x in (r.authors, r.title, r.year) if x is not None and not pd.isna(x))
                for r in src.itertuples()}

    def citation_text(self, citation: str) -> str:
        """`article:Balancing:fn78` → "the article, section Balancing, footnote 78"; a background id → its title."""
        parts = citation.split(":")
        if parts[0] == "article":
            out = "the article"
            if len(parts) > 1 and parts[1]:
                out += f", section {parts[1]}"
            if len(parts) > 2 and parts[2]:
                fn = parts[2]
                out += f", footnote {fn[2:]}" if fn.startswith("fn") else f", {fn}"
            return out
        title = self.citation_titles.get(parts[0])
        return f"{title} (background)" if title else citation
