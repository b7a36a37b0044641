"""Readers: the three layouts parse, and every malformed input gets its precise message."""

from __future__ import annotations

import numpy as np
import pytest

from multivector.negotiation import NegotiationFileError, read_bdm_csv, read_deu_tsv, read_ktab_csv
from multivector.negotiation.io import detect_kind, read_problems


def error_of(reader, path) -> str:
    with pytest.raises(NegotiationFileError) as info:
        reader(path)
    return str(info.value)


# ---------------------------------------------------------------- DEU
def test_deu_small_file(write_deu):
    path = write_deu(
        [{}, {"isnr": '"t1i2"', "counvte": '"Unan"', "pmt": "20", "smt": "", "out": "", "rp": ""}]
    )
    first, second = read_deu_tsv(path)
    assert first.actors == ("com", "ep", "de", "fr")  # pmt is empty on the first row
    np.testing.assert_allclose(first.capability, [4.1, 4.1, 4.1, 2.8])
    np.testing.assert_allclose(first.position[:, 0], [100, 80, 0, 50])
    np.testing.assert_allclose(first.salience[:, 0], [90, 50, 70, 40])
    assert first.decision_rule == "qmv" and first.agenda_setters == ("com",)
    assert first.status_quo.tolist() == [0.0] and first.outcome.tolist() == [60.0]
    assert (
        first.meta["isnr"] == "t1i1" and first.meta["prnr"] == "t1" and first.meta["proc"] == "COD"
    )
    assert (
        second.decision_rule == "unanimity" and second.outcome is None and second.status_quo is None
    )
    assert second.actors[-1] == "mt" and second.salience[-1, 0] == 0.0  # missing salience read as 0
    assert second.meta["missing_salience"] == ["mt"]


def test_deu_missing_salience_mean(write_deu):
    path = write_deu([{"sde": ""}])
    (p,) = read_deu_tsv(path, missing_salience="mean")
    assert p.salience[p.index("de"), 0] == pytest.approx((90 + 50 + 40) / 3)


def test_deu_bad_position(write_deu):
    path = write_deu([{}, {"pde": "x"}])
    assert error_of(read_deu_tsv, path) == (
        f"{path}:4: column 'pde': expected a number 0-100, got 'x' — leave the cell empty if the actor took no position"
    )


def test_deu_position_out_of_range(write_deu):
    path = write_deu([{"pfr": "150"}])
    assert error_of(read_deu_tsv, path) == (
        f"{path}:3: column 'pfr': expected a number 0-100, got '150' — leave the cell empty if the actor took no position"
    )


def test_deu_bad_salience(write_deu):
    path = write_deu([{"sde": "high"}])
    assert error_of(read_deu_tsv, path) == (
        f"{path}:3: column 'sde': expected a number 0-100, got 'high' — saliences lie on 0-100; leave empty if unknown"
    )


def test_deu_bad_capability(write_deu):
    path = write_deu(
        [{}], caps={"pcom": "4.1", "pep": "4.1", "pde": "", "pfr": "2.8", "pmt": "0.02"}
    )
    assert error_of(read_deu_tsv, path) == (
        f"{path}:2: column 'pde': expected a capability (a positive number), got '' — "
        "line 2 holds each actor's capability under its position column"
    )


def test_deu_short_row(write_deu):
    path = write_deu([{}])
    path.write_text(path.read_text() + '"t9"\t"x"\t"COD"\n')
    assert error_of(read_deu_tsv, path) == (
        f"{path}:4: expected 16 tab-separated fields, got 3 — every line needs one field per header column "
        "(empty fields are fine)"
    )


def test_deu_bad_rule(write_deu):
    path = write_deu([{"counvte": '"Maybe"'}])
    assert error_of(read_deu_tsv, path) == (
        f"{path}:3: column 'counvte': expected a Council voting rule (QMV or Unan), got 'Maybe' — use QMV, QMV(n) or Unan"
    )


def test_deu_bad_outcome(write_deu):
    path = write_deu([{"out": "n/a"}])
    assert error_of(read_deu_tsv, path) == (
        f"{path}:3: column 'out': expected a number 0-100, got 'n/a' — leave 'out' empty when the outcome is unknown"
    )


def test_deu_missing_column(tmp_path):
    path = tmp_path / "deu3.tsv"
    path.write_text('"isnr"\t"prnr"\t"rp"\t"pde"\t"sde"\n\t\t\t"1"\t\n')
    assert error_of(read_deu_tsv, path) == (
        f"{path}:1: missing the column 'out' — the header needs isnr, prnr, rp, out and a p<code>/s<code> pair per actor"
    )


def test_deu_issue_without_positions(write_deu):
    path = write_deu([{"pcom": "", "pep": "", "pde": "", "pfr": ""}])
    assert error_of(read_deu_tsv, path) == (
        f"{path}:3: issue 't1i1' has no actor with a position — fill at least one p<code> cell or delete the row"
    )


def test_missing_file(tmp_path):
    path = tmp_path / "nope.tsv"
    assert (
        error_of(read_deu_tsv, path)
        == f"{path}: negotiation file not found — check the path and the spelling of the file name"
    )


def test_deu_dev_file(deu_problems):
    assert len(deu_problems) == 217
    assert sum(p.outcome is not None for p in deu_problems) == 206
    rules = {p.decision_rule for p in deu_problems}
    assert rules == {"qmv", "unanimity"}
    p = deu_problems[0]
    assert p.meta["isnr"] == "d00067i1" and p.meta["prnr"] == "d00067" and p.actors[0] == "com"
    assert p.capability[p.index("de")] == pytest.approx(4.1)


# ---------------------------------------------------------------- KTAB
def test_ktab_file(ktab_file):
    p = read_ktab_csv(ktab_file)
    assert p.name == "Toy scenario" and p.description == "Three actors two dimensions"
    assert p.actors == ("A", "B", "C") and p.dimensions == ("Pstn1", "Pstn2")
    np.testing.assert_allclose(p.capability, [100, 50, 50])
    np.testing.assert_allclose(p.position, [[0, 100], [100, 0], [50, 50]])
    np.testing.assert_allclose(p.salience, [[50, 40], [50, 40], [100, 10]])


def test_ktab_native_layout(tmp_path):
    """KTAB's own files: 'Influence', padded numbers, trailing commas."""
    path = tmp_path / "soe.csv"
    path.write_text(
        "China Policy; scen 2,Scenario-0002;Combined, 2, 2, \n"
        "Actor,Description,Influence,Policy Position,Policy Salience,Competitive Position,Competitive Salience, \n"
        "XJ,Xi Jinping,                            100.0,30,24.0,20,48.0, \n"
        "LK,Li Keqiang,                             60.2,45,44.7,65,41.3, \n"
    )
    p = read_ktab_csv(path)
    assert p.actors == ("XJ", "LK") and p.dimensions == ("Policy Position", "Competitive Position")
    np.testing.assert_allclose(p.capability, [100.0, 60.2])


def _ktab(tmp_path, text):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    return path


def test_ktab_short_first_line(tmp_path):
    path = _ktab(tmp_path, "Toy,desc,3\nActor,Description,Power,Pstn1,Sal1\n")
    assert error_of(read_ktab_csv, path) == (
        f"{path}:1: expected 4 fields 'scenario name, description, number of actors, number of dimensions', got 3 — "
        "write e.g. 'My scenario,What it is about,5,1' on the first line"
    )


def test_ktab_bad_actor_count(tmp_path):
    path = _ktab(tmp_path, "Toy,desc,three,1\nActor,Description,Power,Pstn1,Sal1\n")
    assert error_of(read_ktab_csv, path) == (
        f"{path}:1: field 3 (number of actors): expected a positive whole number, got 'three' — "
        "line 1 is 'scenario name, description, number of actors, number of dimensions'"
    )


def test_ktab_short_header(tmp_path):
    path = _ktab(tmp_path, "Toy,desc,1,2\nActor,Description,Power,Pstn1,Sal1\nA,a,1,0,0\n")
    assert error_of(read_ktab_csv, path) == (
        f"{path}:2: expected 7 header columns (Actor, Description, Power and a position and a salience for each of "
        "2 dimensions), got 5 — line 2 is 'Actor,Description,Power,Pstn1,Sal1,...'; fix the header or the number "
        "of dimensions on line 1"
    )


@pytest.mark.parametrize(
    "old,new,line,column,got,hint",
    [
        (
            "C,Third,50,50,100,50,10",
            "C,Third,50,50,100,abc,10",
            5,
            "Pstn2",
            "abc",
            "positions lie on the 0-100 scale",
        ),
        (
            "A,First,100,0,50",
            "A,First,100,0,120",
            3,
            "Sal1",
            "120",
            "saliences lie on the 0-100 scale",
        ),
    ],
)
def test_ktab_bad_number(ktab_file, old, new, line, column, got, hint):
    ktab_file.write_text(ktab_file.read_text().replace(old, new))
    assert error_of(read_ktab_csv, ktab_file) == (
        f"{ktab_file}:{line}: column '{column}': expected a number 0-100, got '{got}' — {hint}"
    )


def test_ktab_bad_power(ktab_file):
    ktab_file.write_text(ktab_file.read_text().replace("B,Second,50", "B,Second,0"))
    assert error_of(read_ktab_csv, ktab_file) == (
        f"{ktab_file}:4: column 'Power': expected a positive number (the actor's power), got '0' — "
        "power must be greater than 0"
    )


def test_ktab_row_count(ktab_file):
    ktab_file.write_text(ktab_file.read_text().replace("two dimensions,3,2", "two dimensions,4,2"))
    assert error_of(read_ktab_csv, ktab_file) == (
        f"{ktab_file}:5: expected 4 actor rows (line 1 declares 4 actors), found 3 — "
        "make the number of actors on line 1 match the rows below the header"
    )


def test_ktab_duplicate_actor(ktab_file):
    ktab_file.write_text(ktab_file.read_text().replace("B,Second", "A,Second"))
    assert error_of(read_ktab_csv, ktab_file) == (
        f"{ktab_file}:4: column 'Actor': actor 'A' appears twice — give every actor a unique name"
    )


# ---------------------------------------------------------------- BDM
def test_bdm_emissions(emissions):
    assert emissions.n_actors == 10 and emissions.actors[0] == "Netherlands"
    assert emissions.scale is None and emissions.position_range() == (4.0, 10.0)


def test_bdm_missing_column(tmp_path):
    path = tmp_path / "bdm.csv"
    path.write_text("actor,capability,position\nA,1,2\n")
    assert error_of(read_bdm_csv, path) == (
        f"{path}:1: missing the column 'salience' — the header is 'actor,capability,position,salience'"
    )


def test_bdm_bad_capability(tmp_path):
    path = tmp_path / "bdm.csv"
    path.write_text("actor,capability,position,salience\nA,1,2,50\nB,-1,3,50\n")
    assert error_of(read_bdm_csv, path) == (
        f"{path}:3: column 'capability': expected a positive number, got '-1' — capability must be greater than 0"
    )


# ---------------------------------------------------------------- detection
def test_detect_kind(write_deu, ktab_file, tmp_path):
    bdm = tmp_path / "table.csv"
    bdm.write_text("actor,capability,position,salience\nA,1,2,50\n")
    assert detect_kind(write_deu([{}])) == "deu"
    assert detect_kind(ktab_file) == "ktab"
    assert detect_kind(bdm) == "bdm"
    kind, problems = read_problems(bdm)
    assert kind == "bdm" and problems[0].actors == ("A",)
