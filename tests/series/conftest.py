"""Fixtures of the series tests: small hand-written published files and a mini case that can cite them."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
#: The shared data folder beside the project (tests needing it are marked `shared` and fail without it).
SHARED = Path(__file__).parents[2].parent / "shared" / "data"

SERIES_SOURCE_IDS = ("bg_unga_voting_data", "bg_unga_bsv2017", "bg_wdi_remittances", "bg_wdi_trade", "bg_wdi_gdp",
                     "bg_wdi_military", "bg_wdi_fuel_exports", "bg_wdi_external_debt", "bg_aiddata_gcdf3")


def add_series_sources(case: Path) -> None:
    """Append a source row for every data set the imports cite (the mini case has none)."""
    rows = "".join(f"- id: {sid}\n  kind: background\n  title: Data set {sid}\n  publisher: Test publisher\n"
                   for sid in SERIES_SOURCE_IDS)
    with (case / "sources.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + rows)


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def series_case(mini_case) -> Path:
    """The mini case (KAZ UZB RUS CHN, no USA), able to cite the series sources, without series files."""
    add_series_sources(mini_case)
    return mini_case


def write_series(case: Path, text: str, name: str = "test.csv") -> Path:
    """Write a series file into a case (header added when missing)."""
    folder = case / "series"
    folder.mkdir(exist_ok=True)
    header = "series,actor,partner,year,value,unit,sources\n"
    path = folder / name
    path.write_text(text if text.startswith(("series,", "#")) else header + text, encoding="utf-8")
    return path
