"""Every figure table in the README and docs is the stored output of `python -m multivector.figures`."""

from pathlib import Path

from multivector import figures

ROOT = Path(__file__).resolve().parents[1]


def test_docs_match_stored_figures():
    assert figures.mismatches(ROOT) == []


def test_fill_and_check_round_trip(tmp_path):
    (tmp_path / "docs" / "figures").mkdir(parents=True)
    t = figures.Table(columns=["model", "log"], rows=[["markov", "0.234"]])
    import json

    (tmp_path / "docs" / "figures" / "demo.json").write_text(json.dumps(
        {"name": "demo", "tables": {"t": t.as_dict()}}))
    doc = tmp_path / "README.md"
    doc.write_text("intro\n<!-- figure demo/t -->\n| pasted |\n<!-- /figure -->\nend\n")
    assert figures.mismatches(tmp_path) == ["README.md: demo/t — differs from docs/figures/demo.json; "
                                            "run `make figures` (never edit the table by hand)"]
    doc.write_text(figures.fill(doc.read_text(), figures.stored_tables(tmp_path)))
    assert figures.mismatches(tmp_path) == []
    assert "| markov | 0.234 |" in doc.read_text()
