from __future__ import annotations

from pathlib import Path

import pytest

from multivector import CaseBase
from multivector.model import load_inputs

MODEL_CASE = Path(__file__).parents[1] / "fixtures" / "model_case"


@pytest.fixture(scope="module")
def kb():
    return CaseBase.load(MODEL_CASE)


@pytest.fixture(scope="module")
def inputs(kb):
    return load_inputs(kb)


@pytest.fixture
def scenario_file(tmp_path):
    def write(text: str) -> Path:
        p = tmp_path / "scenario.yaml"
        p.write_text(text)
        return p
    return write
