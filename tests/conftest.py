"""Shared test fixtures: a private cache folder and copies of the hand-made mini case."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
#: The shared folder beside the project: data/ (COW excerpt, DEU III, UNGA, econ) and source/ (the article).
SHARED = Path(__file__).resolve().parents[2] / "shared"


def require_shared(*parts: str) -> Path:
    """A path under ../shared; a test that needs a missing one fails, with how to fix it, never skips."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests read the shared data beside the project (../shared/data and "
                    "../shared/source, read-only); put the shared folder there (.ci/run checks for it first)",
                    pytrace=False)
    return path


def pytest_configure(config):
    config.addinivalue_line("markers", "shared(path): the test reads ../shared/PATH; it fails when it is missing")


def pytest_runtest_setup(item):
    for mark in item.iter_markers("shared"):
        require_shared(*(mark.args or ("data",)))


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    # Compiled databases go to a test-only folder, never the user's cache.
    os.environ["MULTIVECTOR_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["MULTIVECTOR_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))   # calibrate's default --out


@pytest.fixture
def mini_case(tmp_path) -> Path:
    """A writable copy of tests/fixtures/mini_case."""
    dest = tmp_path / "mini_case"
    shutil.copytree(FIXTURES / "mini_case", dest)
    return dest


def _edit(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def edit():
    """edit(folder, file, old, new): replace text once in a case file."""
    return _edit


# Hypothesis: a fixed, derandomized budget by default (CI gives the same examples every run);
# HYPOTHESIS_PROFILE=long tries many more on demand.
from hypothesis import settings as _hyp_settings  # noqa: E402

_hyp_settings.register_profile("default", derandomize=True, print_blob=True)
_hyp_settings.register_profile("long", max_examples=2000, derandomize=False, deadline=None)
_hyp_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
