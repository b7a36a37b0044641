"""model.yaml has a typed schema: `kb validate` reports its mistakes at their lines, the shipped file passes."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from multivector.cli import app
from multivector.kb import CaseError
from multivector.model.model_spec import ModelSpec, read_model_spec

from .conftest import MODEL_CASE


def test_the_embedded_case_model_yaml_is_valid():
    from multivector.kb.loader import default_case_path

    spec = read_model_spec(default_case_path())
    assert isinstance(spec, ModelSpec) and "EAEU" in spec.lines and spec.entry_rules
    assert spec.line("entry_rules", 0) > spec.line("lines") > 1   # lines are real ones


@pytest.mark.parametrize("edit, line_key, words", [
    ("years: {start: 1991, end: soon}", "years", "years.end"),
    ("turning_points:\n  - {state: UZB, line: CSTO, kind: wobble}", "turning_points", "turning_points.1.kind"),
    ("entry_rules:\n  - {org: CSTO, form: 2005, sources: [bg_treaty], justification: x}", "entry_rules",
     "unknown key `form`"),
    ("colour: red", "colour", "unknown key `colour`"),
])
def test_kb_validate_reports_model_yaml_mistakes_at_their_line(tmp_path, edit, line_key, words):
    case = tmp_path / "case"
    shutil.copytree(MODEL_CASE, case)
    text = (case / "model.yaml").read_text()
    key = edit.split(":")[0]
    kept = "\n".join(ln for ln in text.splitlines() if not ln.startswith(f"{key}:")) if key != "colour" else text
    (case / "model.yaml").write_text(kept.rstrip("\n") + "\n" + edit + "\n")
    with pytest.raises(CaseError) as info:
        read_model_spec(case)
    hit = [p for p in info.value.problems if words in p.message]
    assert hit, [str(p) for p in info.value.problems]
    expected = len(kept.rstrip("\n").splitlines()) + 1 + (1 if "\n" in edit else 0)
    assert hit[0].line == expected, (hit[0], expected)
    r = CliRunner().invoke(app, ["kb", "validate", str(case)])
    assert r.exit_code == 1 and f"model.yaml:{expected}:" in r.output and words in r.output
