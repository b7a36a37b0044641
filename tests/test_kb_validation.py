"""The validator reports each kind of bad case file precisely: file, line, what, how to fix."""

from __future__ import annotations

import pytest

from multivector.kb import CaseError, check_case, load_case


def test_mini_case_is_valid(mini_case):
    case, problems = check_case(mini_case)
    assert problems == []
    assert len(case.memberships) == 5


BAD_EDITS = [
    # (file, old, new, line, expected message fragment)
    ("memberships.csv", "UZB,CSTO,member,2006,2012", "UZB,CSTO,member,2012,2006", 3, "ends (2006) before it starts (2012)"),
    ("memberships.csv", "UZB,CSTO,member,2006,2012", "UZB,CSTO,memberr,2006,2012", 3, "`status`"),
    ("memberships.csv", "UZB,CSTO,member,2006,2012", "UZB,CSTO,member,2006-13,2012", 3, "month 13 is not 01-12"),
    ("memberships.csv", "UZB,CSTO,member,2006,2012", "UZX,CSTO,member,2006,2012", 3, "unknown actor 'UZX'"),
    ("memberships.csv", "UZB,CSTO,member,2006,2012", "UZB,CTSO,member,2006,2012", 3, "unknown organization 'CTSO'"),
    ("memberships.csv", "UZB,CSTO,member,2006,2012", "UZB,CSTO,member,1999,2012", 3, "before CSTO was founded"),
    ("memberships.csv", "KAZ,CSTO,member,2002,,article:CSTO,", "KAZ,CSTO,member,2002,,article:CSTO,\nKAZ,CSTO,observer,2010,,article:CSTO,", 3, "overlap"),
    ("memberships.csv", "UZB,CSTO,member,2006,2012,article:CSTO:fn27", "UZB,CSTO,member,2006,2012,", 3, "at least 1 item"),
    ("memberships.csv", "actor,org,status", "actor,organisation,status", 1, "unknown column(s) organisation"),
    ("memberships.csv", "UZB,CSTO,member,2006,2012,article:CSTO:fn27,", "UZB,CSTO,member,2006,2012,article:CSTO:fn27", 3, "expected 7 fields, found 6"),
    ("events/a.yaml", "kind: withdrawal", "kind: withdrew", 5, "`kind`"),
    ("events/a.yaml", "id: ev_uzb_leaves_csto", "id: uzb_leaves_csto", 1, "must start with 'ev_'"),
    ("events/a.yaml", '  date: "2012-06"', '  date: "2012-06"\n  precision: day', 3, "does not match the date"),
    ("events/a.yaml", "summary: Uzbekistan", "sumary: Uzbekistan", 6, "unknown key `sumary`"),
    ("events/a.yaml", '["article:CSTO:fn27"]', '["article:Csto:fn27"]', 7, "unknown article section 'Csto'"),
    ("events/a.yaml", '["article:CSTO:fn27"]', '["article:CSTO:fn99"]', 7, "bad footnote 'fn99'"),
    ("events/a.yaml", '["article:CSTO:fn27"]', '["dehaas2017:p.7"]', 7, "unknown source 'dehaas2017'"),
    ("events/a.yaml", "  kind: withdrawal", "  kind: withdrawal\n  kind: accession", 6, "appears twice"),
    ("events/a.yaml", "  org: CSTO", "  org: [CSTO", 5, "YAML syntax error"),
    ("indicators/a.yaml", "value: 20", "value: twenty", 5, "`value`"),
    ("indicators/a.yaml", "unit: percent", "unit: pct", 6, "`unit`"),
    ("indicators/a.yaml", 'period: "2008"', 'period: "2008-2001"', 7, "ends (2001) before it starts"),
    ("indicators/a.yaml", "partner: RUS", "partner: RUX", 4, "unknown partner 'RUX'"),
    ("claims/a.yaml", "mechanism: sovereignty_sensitivity", "mechanism: sovereignty", 5, "`mechanism`"),
    ("claims/a.yaml", "  mechanism: sovereignty_sensitivity", "  mechanism: sovereignty_sensitivity\n  stance: oppose", 6, "`stance` needs `proposal`"),
    ("claims/a.yaml", "id: cl_kaz_sovereignty", "id: ev_uzb_leaves_csto", 1, "must start with 'cl_'"),
    ("claims/a.yaml", "  mechanism: sovereignty_sensitivity", "  mechanism: sovereignty_sensitivity\n  proposal: p\n  stance: oppose", 7, "`stance` needs `holders`"),
    ("claims/a.yaml", "  mechanism: sovereignty_sensitivity", "  mechanism: sovereignty_sensitivity\n  proposal: p\n  stance: oppose\n  holders: [UZB]", 8, "holders UZB must also be listed"),
    ("organizations.yaml", "lead: {RUS: 1.0}", "lead: {RUS: 0.7}", 5, "sum to 1"),
    ("organizations.yaml", "depth: 0.6", "depth: 1.6", 6, "less than or equal to 1"),
    ("organizations.yaml", "    depth: joint forces and guarantees\n", "", 9, "justification.depth is missing"),
    ("actors.yaml", "cow_code: 705", "cow_code: seven", 4, "`cow_code`"),
    ("sources.yaml", "  publisher: A depositary\n", "", 5, "precise reference"),
    ("case.yaml", "regional_states: [KAZ, UZB]", "regional_states: [KAZ, UZB, TKM]", 1, "unknown actor 'TKM'"),
    ("case.yaml", "great_powers: [RUS, CHN]", "great_powers: [RUS, CHN]\nlandmarks: [ev_uzb_leaves_cst]", 1,
     "'ev_uzb_leaves_cst', which is not an event"),
]


@pytest.mark.parametrize("file,old,new,line,fragment", BAD_EDITS, ids=[f"{e[0]}:{e[4][:30]}" for e in BAD_EDITS])
def test_each_bad_file_gives_its_precise_error(mini_case, edit, file, old, new, line, fragment):
    edit(mini_case, file, old, new)
    _, problems = check_case(mini_case)
    matching = [p for p in problems if fragment in p.message and p.file == file]
    assert matching, f"no problem containing {fragment!r} in {file}; got: " + "\n".join(map(str, problems))
    assert matching[0].line == line, str(matching[0])
    assert matching[0].fix, "every problem says how to fix it"
    assert str(matching[0]).startswith(f"{file}:{line}: ")


def test_duplicate_fact_ids_across_files(mini_case):
    (mini_case / "events" / "b.yaml").write_text((mini_case / "events" / "a.yaml").read_text())
    _, problems = check_case(mini_case)
    dup = [p for p in problems if "duplicate fact id 'ev_uzb_leaves_csto'" in p.message]
    assert len(dup) == 1 and "first defined at events/a.yaml:1" in dup[0].message


def test_all_problems_reported_at_once(mini_case, edit):
    edit(mini_case, "memberships.csv", "UZB,CSTO,member,2006,2012", "UZB,CTSO,member,2006,2012")
    edit(mini_case, "claims/a.yaml", "mechanism: sovereignty_sensitivity", "mechanism: nope")
    edit(mini_case, "indicators/a.yaml", "unit: percent", "unit: pct")
    with pytest.raises(CaseError) as info:
        load_case(mini_case)
    files = {p.file for p in info.value.problems}
    assert files == {"memberships.csv", "claims/a.yaml", "indicators/a.yaml"}


def test_missing_files_are_named(mini_case):
    (mini_case / "memberships.csv").unlink()
    _, problems = check_case(mini_case)
    assert any(p.file == "memberships.csv" and "missing" in p.message for p in problems)


def test_suggests_close_ids(mini_case, edit):
    edit(mini_case, "memberships.csv", "UZB,CSTO,member,2006,2012", "UZB,CSTOO,member,2006,2012")
    _, problems = check_case(mini_case)
    assert any("did you mean CSTO" in p.fix for p in problems)
