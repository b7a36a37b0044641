"""Fixtures for the measures tests: the hand-made case whose answers are known by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

HAND_CASE = Path(__file__).parent / "fixtures" / "hand_case"


@pytest.fixture(scope="module")
def hand_kb():
    from multivector import CaseBase

    return CaseBase.load(HAND_CASE)


@pytest.fixture(scope="module")
def hand_panel(hand_kb):
    from multivector.measures import panel_from_case

    return panel_from_case(hand_kb)
