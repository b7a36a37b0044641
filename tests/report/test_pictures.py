"""The figure builders of issue 24 on the embedded case: each chart carries the numbers of the library tables it
is built from (the record's statuses, the landmark events, the imported series, the negotiation's positions)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from multivector import CaseBase
from multivector.measures import measures_table, org_meta_from_case, panel_from_case


@pytest.fixture(scope="module")
def kb():
    return CaseBase.load()


@pytest.fixture(scope="module")
def panel(kb):
    return panel_from_case(kb)


@pytest.fixture(scope="module")
def lead(kb):
    meta = org_meta_from_case(kb)
    return dict(zip(meta["id"], meta["lead"], strict=True))


def test_one_fact_table_for_every_front_end(kb):
    from multivector.kb.facts import fact_rows
    from multivector.report.build import evidence_rows

    facts = fact_rows(kb)
    c = kb.counts()
    assert len(facts) == c["claims"] + c["events"] + c["indicators"] + c["memberships"] + c["organizations"] \
        + c["proposals"]
    assert facts["id"].is_unique and len(evidence_rows(kb)) == len(facts)
    assert all(len(s) for s in facts["sources"])                       # every fact cites
    text = dict(zip(facts["id"], facts["text"], strict=True))
    assert "1,000,000 persons" in text["ind_eaeu_kgz_migrants_in_rus"]      # numbers with their units
    assert "1000000.0" not in " ".join(facts["text"])


def test_balance_chart_marks_landmarks_and_undefined_years(kb, panel):
    from multivector.report.figures import balance_lines

    states = list(kb.regional_states)
    m = measures_table(panel, states=states, network=False)
    fig = balance_lines(m, states, panel.state_names, kb.landmarks())
    marks = next(t for t in fig.data if t.name.startswith("landmark events"))
    assert list(marks.text) == ["2008", "2012", "2014", "2015", "2022"]
    assert all(i in h for i, h in zip(kb.landmarks()["id"], marks.customdata, strict=True))   # each with its id
    undefined = next(t for t in fig.data if t.name.startswith("index undefined"))
    assert set(undefined.x) == {1991}
    kaz = next(t for t in fig.data if t.name == "Kazakhstan")
    assert np.isnan(kaz.y[0]) and kaz.y[1] == pytest.approx(63.5161)


def test_heatmap_colours_follow_the_lead_pole_and_status(kb, panel, lead):
    from multivector.report.figures import POLE_COLORS
    from multivector.report.marks import shade
    from multivector.report.overview_figures import STATUS_SHADE, lead_heatmap

    fig = lead_heatmap(panel, ["KAZ", "UZB"], lead, panel.state_names)
    heat = [t for t in fig.data if t.type == "heatmap"]
    assert len(heat) == 2
    scale = {round(float(p), 6): c for p, c in heat[1].colorscale}
    n = len({c for _, c in heat[1].colorscale})

    def colour(trace, org, year):
        z = trace.z[list(trace.y).index(org)][list(trace.x).index(year)]
        return scale[round(z / n, 6)]

    assert colour(heat[0], "CSTO", 2010) == POLE_COLORS["RUS"]                         # KAZ member, Russia-led
    assert colour(heat[1], "CSTO", 2013) == "#ffffff"                                  # UZB left in 2012
    assert colour(heat[1], "EAEU", 2021) == shade(POLE_COLORS["RUS"], STATUS_SHADE["observer"])
    assert "UZB in EAEU (Russia-led), 2021: observer" in heat[1].text[list(heat[1].y).index("EAEU")][30]


def test_dependence_reads_the_imported_series_and_marks_the_hand_coded_points(kb):
    from multivector.model.dependence_series import dependence_rows
    from multivector.report.web_figures import dependence_panels

    dep = dependence_rows(kb, ["KGZ", "TJK", "ARM"], (1991, 2025))
    rem = dep[(dep.flag == "imported") & (dep.name == "remittance_dependence") & (dep.state == "KGZ")]
    s = kb.series("remittances_pct_gdp")
    s = s[(s.actor == "KGZ") & s.value.notna()].set_index("year")["value"]
    assert len(rem) >= 20 and all(v == pytest.approx(s[y], abs=1e-3) for y, v in zip(rem.year, rem.value, strict=True))
    assert set(dep[dep.flag == "imported"].state) == {"KGZ", "TJK", "ARM"}    # Chinese finance for all eleven
    hand = dep[dep.flag == "hand-coded"]
    assert set(hand.name) >= {"trade_share", "transit_share"} and all(i for i in hand.ids)
    fig = dependence_panels(dep, ["KGZ", "TJK", "ARM"], {}, (1991, 2025))
    titles = [a.text for a in fig.layout.annotations]
    assert "remittances, RUS · imported" in titles and "trade share, RUS · hand-coded" in titles
    assert any(t.marker.symbol == "diamond-open" for t in fig.data if t.mode == "markers")


def test_negotiation_charts_and_the_veto_sentence(kb):
    from multivector.negotiation.case_proposals import derive_problem
    from multivector.report.negotiation_figures import rounds_chart, spatial_chart
    from multivector.web.negotiation import predictions, veto_note

    problem = derive_problem(kb, "csto_expansion")
    preds, notes = predictions(problem, ["status_quo", "compromise", "bdm", "smp"], rule_terms=True)
    note = veto_note(problem, preds, {"KAZ": "Kazakhstan"})
    assert note is not None and "KAZ" in note["holders"] and set(note["held"]) == {"compromise", "bdm", "smp"}
    assert "Kazakhstan (KAZ)" in note["text"] and "at the status quo (0)" in note["text"]
    values = {m: list(p.position) for m, p in preds.items()}
    fig = spatial_chart(problem, values)
    actors = fig.data[0]
    assert list(actors.y) == list(problem.actors) and list(actors.x) == list(problem.position[:, 0])
    weight = problem.capability * problem.salience[:, 0]
    assert np.argmax(actors.marker.size) == np.argmax(weight)                     # area ∝ capability × salience
    assert any(t.name.startswith("recorded outcome") and t.x[0] == 50 for t in fig.data)
    rounds = rounds_chart(problem, {m: preds[m] for m in ("bdm", "smp")})
    assert [a.text.split(":")[0] for a in rounds.layout.annotations] == ["bdm", "smp"]
    assert any(t.name == "after the veto of the rule" for t in rounds.data)


def test_sweep_warning_when_indices_leave_the_unit_range():
    from multivector.sweep.analyze import Analysis, index_warnings

    a = Analysis("s", "sobol", ["a", "b"], ["y"], 64, 10, 0)
    a.sobol["y"] = pd.DataFrame({"factor": ["a", "b"], "S1": [-0.91, 0.2], "S1_conf": [0.3, 0.1],
                                 "ST": [1.34, 0.3], "ST_conf": [0.2, 0.1]})
    (w,) = index_warnings(a)
    assert "S1 of a = -0.91 ± 0.30" in w and "ST of a = 1.34 ± 0.20" in w and "too small" in w
    a.sobol["y"] = pd.DataFrame({"factor": ["a"], "S1": [0.5], "S1_conf": [0.1], "ST": [0.6], "ST_conf": [0.1]})
    assert index_warnings(a) == []


def test_weights_picture_draws_each_weight_median_and_interval():
    """One row per term: the dot at the posterior median, the bar over the 90% interval, the zero line dashed;
    the theory terms per sd of their term in the upper panel, the other weights as fitted below."""
    from multivector.model.weight_summary import weights_file_rows
    from multivector.report.model_figures import weights_intervals

    summary = weights_file_rows()
    fig = weights_intervals(summary)
    theory, other = fig.data
    rows = summary["rows"]
    per_sd = [r for r in rows if r["per_sd_median"] is not None]
    assert list(theory.y) == [r["label"] for r in per_sd] and list(theory.y)[:3] == ["security", "economy", "regime"]
    assert list(theory.x) == pytest.approx([r["per_sd_median"] for r in per_sd])
    assert list(theory.error_x.array) == pytest.approx([r["per_sd_hi"] - r["per_sd_median"] for r in per_sd])
    assert list(theory.error_x.arrayminus) == pytest.approx([r["per_sd_median"] - r["per_sd_lo"] for r in per_sd])
    assert list(other.y) == ["memory of ties (τ)", "obstruction friction"]
    assert list(other.x) == pytest.approx([r["median"] for r in rows if r["per_sd_median"] is None])
    zeros = [s for s in fig.layout.shapes if s.type == "line" and s.x0 == 0 and s.x1 == 0]
    assert len(zeros) == 2 and all(s.line.dash == "dash" for s in zeros)
    for axis in (fig.layout.xaxis, fig.layout.xaxis2):   # 0 is inside every panel's range
        assert axis.range[0] < 0 < axis.range[1]
    assert "90% interval" in fig.layout.title.text and f"{summary['draws']:,} draws" in fig.layout.title.text
