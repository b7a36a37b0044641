"""An outside check of the second decision: do members the model has obstructing vote away from the lead?

The model's stances are fitted to the stance claims of the evidence base, never
to UN General Assembly votes. Voting agreement with Russia (Bailey, Strezhnev &
Voeten 2017; series `unga_agree_rus`) is an independent, yearly face of
alignment: a member of a Russian-led body that votes away from Russia is
balancing from inside. `unga_check` pairs the simulated probability of
obstructing (among runs in which the state is a member, in the years the
record has it as a member) with 1 − agreement with the lead, and reports their
Spearman rank correlation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model.engine import SimulationResult

LEAD_SERIES = {"RUS": "unga_agree_rus", "CHN": "unga_agree_chn"}


def unga_pairs(kb, res: SimulationResult, lead: str = "RUS", min_lead_weight: float = 0.99) -> pd.DataFrame:
    """(line, state, year, p_obstruct, away_from_lead) for recorded member-years of bodies led by `lead`."""
    inp = res.inputs
    pole = ("RUS", "CHN", "WEST").index(lead)
    votes = kb.series(LEAD_SERIES[lead])
    agree = {(r.actor, int(r.year)): float(r.value) for r in votes.itertuples(index=False)}
    rows = []
    for j, line in enumerate(inp.lines):
        for t, y in enumerate(inp.years):
            if inp.lead[t, j, pole] < min_lead_weight:
                continue
            for i, s in enumerate(inp.states):
                p = res.stance_probs[t, i, j, 2]
                a = agree.get((s, int(y)))
                if inp.record[t, i, j] == 2 and not np.isnan(p) and a is not None:
                    rows.append({"line": line, "state": s, "year": int(y), "p_obstruct": float(p),
                                 "away_from_lead": 1.0 - a})
    return pd.DataFrame(rows, columns=["line", "state", "year", "p_obstruct", "away_from_lead"])


def unga_check(kb, res: SimulationResult, lead: str = "RUS") -> dict:
    """Spearman correlation of simulated obstruction with voting away from the lead, and n."""
    pairs = unga_pairs(kb, res, lead)
    rho = float(pairs[["p_obstruct", "away_from_lead"]].corr(method="spearman").iloc[0, 1]) if len(pairs) > 2 \
        else float("nan")
    return {"lead": lead, "n": int(len(pairs)), "spearman": rho}
