"""The documentation site and its API reference build, in strict mode: a broken link, a page left out of
the nav or a reference that resolves to nothing fails (mkdocs.yml; `make docs` builds the same site)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(config: Path, site: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
                           "--site-dir", str(site)], cwd=config.parent, capture_output=True, text=True,
                          timeout=600, env=env)


def test_the_site_builds_in_strict_mode(tmp_path):
    r = build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert r.returncode == 0, r.stderr[-4000:]
    assert "WARNING" not in r.stderr
    api = (tmp_path / "site" / "api" / "negotiation" / "index.html").read_text()
    assert 'id="multivector.negotiation.io.read_deu_tsv"' in api   # the reference comes from the docstrings
    assert "Read a DEU III TSV into one" in api
    for page in ("case-format", "measures", "model", "evaluation", "negotiation", "sweeps", "web"):
        assert (tmp_path / "site" / page / "index.html").exists(), page


def test_a_broken_link_fails_the_build(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nSee [the model](model.md).\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: t\nnav:\n  - Home: index.md\n")
    r = build(config, tmp_path / "site")
    assert r.returncode != 0 and "model.md" in r.stderr
