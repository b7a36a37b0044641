"""The way in: the README's sample inputs run as printed, every option explains itself, the listings of what ships."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from multivector.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _readme_negotiate_examples() -> list[list[str]]:
    text = (ROOT / "README.md").read_text()
    return [line.split("#")[0].split()[1:] for line in text.splitlines()
            if re.match(r"\.venv/bin/multivector negotiate --example ", line)]


@pytest.mark.parametrize("args", _readme_negotiate_examples(), ids=lambda a: a[2])
def test_readme_sample_inputs_run(args):
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output


def test_every_sample_file_is_shipped_and_used_in_the_readme():
    from importlib import resources

    from multivector.negotiation.samples import EXAMPLES

    used = {a[2] for a in _readme_negotiate_examples()}
    shipped = {p.name for p in (resources.files("multivector.negotiation") / "examples").iterdir()
               if p.name.endswith((".csv", ".tsv"))}
    assert shipped == {f for f, _, _ in EXAMPLES.values()} and set(EXAMPLES) <= used


def _undocumented(cmd, path):
    missing = [f"{' '.join(path)} {p.name}" for p in cmd.params if p.name != "help" and not getattr(p, "help", None)]
    for name, sub in getattr(cmd, "commands", {}).items():
        missing += _undocumented(sub, [*path, name])
    return missing


def test_every_option_and_argument_has_help():
    assert _undocumented(get_command(app), ["multivector"]) == []


def test_scenarios_and_proposals_list_what_ships(monkeypatch):
    monkeypatch.chdir(ROOT)
    r = CliRunner().invoke(app, ["scenarios", "--format", "json"])
    assert r.exit_code == 0 and "baseline" in r.stdout
    r = CliRunner().invoke(app, ["proposals", "--format", "csv"])
    assert r.exit_code == 0 and "eaeu_supranational" in r.stdout


def test_kb_show_and_a_near_miss():
    r = CliRunner().invoke(app, ["kb", "show", "eaeu_supranational"])
    assert r.exit_code == 0 and "article:EAEU:fn46" in r.stdout
    r = CliRunner().invoke(app, ["kb", "show", "eaeu_supranationa"])
    assert r.exit_code != 0 and "did you mean eaeu_supranational" in r.output


def test_kb_export_has_the_drivers():
    import json

    r = CliRunner().invoke(app, ["kb", "export", "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["drivers"]
