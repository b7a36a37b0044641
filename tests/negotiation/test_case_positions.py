"""The case's graded positions (positions.yaml): dated before the decision, each with its claims and reason,
read by the negotiation problems in place of the stance coding, and refused by `kb validate` when mis-dated."""

from __future__ import annotations

import shutil

import pytest

from multivector import CaseBase
from multivector.kb import check_case, default_case_path
from multivector.kb.dates import parse_period
from multivector.negotiation.case_proposals import derive_problem, salience_of


@pytest.fixture(scope="module")
def kb():
    return CaseBase.load()


def test_no_position_cites_evidence_dated_after_its_proposal(kb):
    years = dict(zip(kb.proposals().id, kb.proposals().year, strict=True))
    periods = dict(zip(kb.claims().id, kb.claims().period, strict=True))
    positions = kb.positions()
    assert len(positions) >= 10
    for p in positions.itertuples(index=False):
        assert p.justification.strip() and len(p.evidence) >= 1, (p.proposal, p.actor)
        for ev in p.evidence:
            assert ev in periods and isinstance(periods[ev], str), f"{p.proposal}/{p.actor}: {ev} is not a dated claim"
            assert parse_period(periods[ev])[0] <= years[p.proposal], f"{p.proposal}/{p.actor}: {ev} is dated after"


def test_graded_positions_replace_the_stance_coding_with_their_claims(kb):
    graded, stance = derive_problem(kb, "sco_bri_merge"), derive_problem(kb, "sco_bri_merge", graded=False)
    i = graded.actors.index("IND")
    assert graded.position[i, 0] == 0.0 and stance.position[stance.actors.index("IND"), 0] == 50.0
    assert graded.meta["basis"]["IND"] == "graded position"
    assert "cl_sco_ind_rejects_bri_2017" in graded.meta["evidence"]["IND"]
    assert graded.salience[i, 0] == salience_of(1) == 60.0   # one claim behind it, as for a stance
    # a member without a graded position keeps the stance coding
    assert graded.meta["basis"]["PAK"] == "no recorded stance" and graded.position[graded.actors.index("PAK"), 0] == 50


def test_a_member_between_the_ends(kb):
    pr = derive_problem(kb, "eaeu_supranational")
    assert pr.position[pr.actors.index("KGZ"), 0] == 50.0 and pr.meta["basis"]["KGZ"] == "graded position"


def test_validate_refuses_a_position_dated_after_the_decision_or_undated(tmp_path):
    case = tmp_path / "central_asia"
    shutil.copytree(default_case_path(), case)
    path = case / "positions.yaml"
    text = path.read_text()
    later = text.replace("evidence: [cl_sco_ind_rejects_bri_2017]",
                         "evidence: [cl_sco_ind_rejects_bri_2017, cl_eaeu_kaz_protested_transit_denial]")
    path.write_text(later.replace("proposal: sco_bri_merge\n  actor: IND",
                                  "proposal: eaeu_counter_sanctions\n  actor: IND"))
    _, problems = check_case(case)
    messages = [p.message for p in problems]
    assert any("dated 2016, after eaeu_counter_sanctions (2014)" in m for m in messages), messages
    path.write_text(text.replace("evidence: [cl_sco_ind_rejects_bri_2017]",
                                 "evidence: [cl_eaeu_kaz_opposes_supranational]"))
    _, problems = check_case(case)
    assert any("has no period" in p.message for p in problems)
