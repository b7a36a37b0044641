"""Fixtures for the negotiation tests: the shared data files and small hand-made inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from multivector.negotiation import NegotiationProblem, read_bdm_csv, read_deu_tsv

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
DEU_DEV = DATA / "deu3_dev.tsv"
EMISSIONS = DATA / "bdm_eu_emissions.csv"

DEU_COLUMNS = ["isnr", "prnr", "proc", "counvte", "pcom", "pep", "pde", "pfr", "pmt",
               "scom", "sep", "sde", "sfr", "smt", "rp", "out"]  # fmt: skip


@pytest.fixture(scope="session")
def deu_problems() -> list[NegotiationProblem]:
    if not DEU_DEV.exists():
        pytest.fail(f"{DEU_DEV} is missing: the shared data must be beside the project (../shared/data)",
                    pytrace=False)
    return read_deu_tsv(DEU_DEV)


@pytest.fixture(scope="session")
def dev_comparison(deu_problems):
    """Every model out of sample on the DEU dev file, as `--recommend` and the docs' figures compute it."""
    from multivector.figures.negotiation import BOOTSTRAP, SEED
    from multivector.negotiation.selection import compare_models

    return compare_models(deu_problems, seed=SEED, reps=BOOTSTRAP)


@pytest.fixture(scope="session")
def emissions() -> NegotiationProblem:
    if not EMISSIONS.exists():
        pytest.fail(f"{EMISSIONS} is missing: the shared data must be beside the project (../shared/data)",
                    pytrace=False)
    return read_bdm_csv(EMISSIONS)


def deu_text(rows: list[dict[str, str]], caps: dict[str, str] | None = None) -> str:
    """A small DEU-layout TSV: header, capability line, then ``rows`` (missing cells empty)."""
    caps = caps or {"pcom": "4.1", "pep": "4.1", "pde": "4.1", "pfr": "2.8", "pmt": "0.02"}
    lines = ["\t".join(f'"{c}"' for c in DEU_COLUMNS)]
    lines.append("\t".join(f'"{caps[c]}"' if c in caps else "" for c in DEU_COLUMNS))
    for row in rows:
        lines.append("\t".join(row.get(c, "") for c in DEU_COLUMNS))
    return "\n".join(lines) + "\n"


#: a valid issue row of the small DEU file (cells as they appear in the file)
GOOD_ROW = {"isnr": '"t1i1"', "prnr": '"t1"', "proc": '"COD"', "counvte": '"QMV"', "pcom": "100",
            "pep": "80", "pde": "0", "pfr": "50", "scom": "90", "sep": "50", "sde": "70", "sfr": "40",
            "rp": "0", "out": "60"}  # fmt: skip


@pytest.fixture
def write_deu(tmp_path):
    """write_deu(rows, caps=None, name='deu3.tsv') -> path; rows are dicts of cell overrides of GOOD_ROW."""

    def _write(rows, caps=None, name="deu3.tsv") -> Path:
        path = tmp_path / name
        path.write_text(deu_text([{**GOOD_ROW, **r} for r in rows], caps))
        return path

    return _write


KTAB_TEXT = """Toy scenario,Three actors two dimensions,3,2,
Actor,Description,Power,Pstn1,Sal1,Pstn2,Sal2,
A,First,100,0,50,100,40,
B,Second,50,100,50,0,40,
C,Third,50,50,100,50,10,
"""


@pytest.fixture
def ktab_file(tmp_path) -> Path:
    path = tmp_path / "toy.csv"
    path.write_text(KTAB_TEXT)
    return path


def _make_problem(positions, capability, salience, rule="majority", **kw) -> NegotiationProblem:
    """A one-dimensional problem with actors a0, a1, ..."""
    x = np.asarray(positions, dtype=float)
    actors = tuple(kw.pop("actors", [f"a{i}" for i in range(x.size)]))
    return NegotiationProblem(
        actors=actors, capability=np.asarray(capability, float), position=x.reshape(-1, 1),
        salience=np.asarray(salience, float).reshape(-1, 1), decision_rule=rule, **kw,
    )  # fmt: skip


@pytest.fixture
def make_problem():
    """make_problem(positions, capability, salience, rule='majority', **fields) -> 1-D problem."""
    return _make_problem


@pytest.fixture(scope="session")
def deu_path() -> Path:
    if not DEU_DEV.exists():
        pytest.fail(f"{DEU_DEV} is missing: the shared data must be beside the project (../shared/data)",
                    pytrace=False)
    return DEU_DEV


@pytest.fixture(scope="session")
def emissions_path() -> Path:
    if not EMISSIONS.exists():
        pytest.fail(f"{EMISSIONS} is missing: the shared data must be beside the project (../shared/data)",
                    pytrace=False)
    return EMISSIONS
