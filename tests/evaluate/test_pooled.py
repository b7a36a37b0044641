"""Evaluation on the pooled republics: fitted on all eleven states, scored on the regional rows and on all."""

from __future__ import annotations

import pytest

from multivector import CaseBase
from multivector.evaluate import evaluate
from multivector.evaluate.store import _path
from multivector.model import load_inputs


@pytest.fixture(scope="module")
def pooled_eval():
    kb = CaseBase.load()
    return kb, evaluate(kb, ["persistence", "base_rate"], origins=[2008], runs=10, seed=0)


def test_scores_are_regional_and_pooled_scores_cover_every_state(pooled_eval):
    kb, ev = pooled_eval
    regional = set(kb.regional_states)
    assert set(ev.forecasts.state) == regional | {"ARM", "AZE", "BLR", "GEO", "MDA", "UKR"}
    assert ev.scores_pooled is not None
    n_reg = ev.scores[ev.scores.subset == "all"].set_index("forecaster").n
    n_all = ev.scores_pooled[ev.scores_pooled.subset == "all"].set_index("forecaster").n
    assert (n_all > n_reg).all()
    assert n_reg["persistence"] == ev.forecasts[ev.forecasts.state.isin(regional)
                                                & (ev.forecasts.forecaster == "persistence")].shape[0]
    d = ev.to_dict()
    assert d["scores_pooled"] and "GEO" in d["states"]


def test_the_pooled_record_has_the_changes_the_issue_names():
    inp = load_inputs(pool=True)
    rec = lambda s, line, y: int(inp.record[inp.year_index(y), inp.states.index(s), inp.lines.index(line)])  # noqa: E731
    assert rec("GEO", "CIS", 2008) == 2 and rec("GEO", "CIS", 2010) == 0
    assert rec("AZE", "CSTO", 1998) == 2 and rec("AZE", "CSTO", 2000) == 0
    assert rec("ARM", "EAEU", 2016) == 2 and rec("MDA", "EAEU", 2019) == 1
    # bodies of the Central Asian states only are closed to the pooled republics
    assert inp.max_level[inp.year_index(2016), inp.states.index("ARM"), inp.lines.index("C5P1")] == 0
    assert inp.max_level[inp.year_index(2016), inp.states.index("KAZ"), inp.lines.index("C5P1")] == 2


def test_a_pooled_evaluation_is_stored_where_the_regional_report_finds_it():
    kb = CaseBase.load()
    assert _path(load_inputs(kb, pool=True)) == _path(load_inputs(kb))
