"""The case's graded positions, and every model's error with them beside the stance coding and the status quo.

The tables of docs/negotiation.md ("How the positions are graded"):

* `positions` — every graded position (positions.yaml) beside the stance coding it replaces, the
  recorded outcome, and whether the grade lies nearer the outcome than the stance coding or farther;
* `scores` — each model's mean absolute error on the 13 proposals, with the stance coding and with
  the graded positions, rule terms on (the bodies decide by consensus) and off; the status quo first,
  the baseline to beat.
"""

from __future__ import annotations

from ..io_utils import records
from . import Table


def _num(v: float) -> str:
    return f"{v:.0f}" if v == round(v) else f"{v:.1f}"


def positions_table(kb) -> Table:
    from ..negotiation.case_proposals import derive_problem

    rows, raw = [], []
    graded = kb.positions()
    for pid in kb.proposals().id:
        mine = graded[graded.proposal == pid]
        if mine.empty:
            continue
        before = derive_problem(kb, pid, graded=False)
        old = dict(zip(before.actors, before.position[:, 0], strict=True))
        outcome = before.outcome[0] if before.outcome is not None else None
        for r in mine.itertuples(index=False):
            was = old.get(r.actor)
            if was is None or outcome is None or abs(r.position - outcome) == abs(was - outcome):
                way = "same distance"
            else:
                way = "nearer" if abs(r.position - outcome) < abs(was - outcome) else "farther"
            rows.append([pid, r.actor, "—" if was is None else _num(was), _num(r.position),
                         "—" if outcome is None else _num(outcome), way, ", ".join(r.evidence)])
            raw.append({"proposal": pid, "actor": r.actor, "stance_coding": None if was is None else float(was),
                        "graded": float(r.position), "recorded": outcome, "vs_outcome": way,
                        "evidence": list(r.evidence), "justification": r.justification})
    moved = [x for x in raw if x["vs_outcome"] != "same distance"]
    note = (f"{len(raw)} graded positions; {len(moved)} differ from the stance coding, "
            f"{sum(x['vs_outcome'] == 'nearer' for x in moved)} of them nearer the recorded outcome and "
            f"{sum(x['vs_outcome'] == 'farther' for x in moved)} farther. Each one's justification is in "
            "positions.yaml and in `multivector negotiate --case central_asia --proposal ID`.")
    return Table(columns=["proposal", "member", "stance coding", "graded", "recorded outcome", "graded vs stance",
                          "evidence"], rows=rows, align="llrrrll", note=note, raw=raw)


def scores_table(kb) -> Table:
    from ..negotiation.case_forecasts import compare_all

    runs = {(graded, on): compare_all(kb, rule_terms=on, draws=0, graded=graded)[1].set_index("model")
            for graded in (False, True) for on in (True, False)}
    models = list(runs[(True, True)].index)
    rows, raw = [], []
    for m in models:
        cells = [runs[(g, on)].loc[m] for on in (True, False) for g in (False, True)]
        rows.append([f"{m} (baseline)" if m == "status_quo" else m,
                     *(f"{c.mae:.2f}" for c in cells[:2]), f"{100 * cells[1].outcome_correct:.0f}%",
                     *(f"{c.mae:.2f}" for c in cells[2:])])
        raw.append({"model": m, **{f"{'graded' if g else 'stance'}_{'on' if on else 'off'}": records(
            runs[(g, on)].loc[[m]].reset_index())[0] for g in (False, True) for on in (True, False)}})
    return Table(columns=["model", "MAE, stance coding", "MAE, graded", "class right, graded",
                          "MAE, stance coding, rule terms off", "MAE, graded, rule terms off"],
                 rows=rows, align="lrrrrr", raw=raw,
                 note="Mean absolute error on the 0-100 scale over the 13 proposals; rule terms on unless said "
                      "(the veto of every salient member in these consensus bodies). Class right: the forecast "
                      "falls in the recorded class (rejected, watered down, adopted).")


def build() -> dict[str, Table]:
    from ..kb import CaseBase

    kb = CaseBase.load()
    return {"positions": positions_table(kb), "scores": scores_table(kb)}
