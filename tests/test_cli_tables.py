"""Every listing fits an 80- and a 120-column terminal: no line beyond the width, no id broken.

The layout itself (`cli.output.plan_columns`) is a pure function tested on its
own; this renders the real commands on the embedded case.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from multivector.cli import app, output
from multivector.cli.columns import Layout, plan
from multivector.cli.output import MAX_TOKEN, plan_columns

COW = Path(__file__).resolve().parents[2] / "shared" / "data" / "cow_igo_v3_state_year_excerpt.csv"
LISTINGS = [
    ["kb", "members", "CSTO", "--year", "2010"], ["kb", "timeline", "UZB"], ["kb", "events", "--actor", "KGZ"],
    ["kb", "claims", "--limit", "40"], ["kb", "indicators"], ["kb", "orgs"], ["kb", "actors"], ["kb", "sources"],
    ["kb", "search", "remittances"], ["measures", "--state", "KAZ"], ["scenarios"], ["proposals"],
    ["drivers", "--state", "KAZ"], ["kb", "series", "--name", "remittances_pct_gdp", "--actor", "KGZ"],
    ["kb", "compare-cow", str(COW)],
]
ID_COLUMNS = ("id", "actor", "org", "state", "file")


@pytest.fixture
def width(request, monkeypatch):
    monkeypatch.setattr(output.console, "width", request.param)
    monkeypatch.setenv("MULTIVECTOR_NO_PAGER", "1")
    return request.param


@pytest.mark.parametrize("width", [80, 120], indirect=True)
@pytest.mark.parametrize("args", LISTINGS, ids=lambda a: " ".join(a[:3]))
def test_listing_fits(args, width):
    runner = CliRunner()
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines, "no output"
    too_long = [ln for ln in lines if len(ln) > width]
    assert not too_long, f"{len(too_long)} line(s) beyond {width} columns, e.g. {too_long[0]!r}"
    as_json = runner.invoke(app, [*args, "--format", "json"])
    if as_json.exit_code != 0 or not as_json.stdout.strip().startswith("["):
        return
    rows = json.loads(as_json.stdout)
    header = lines[:6]
    for col in ID_COLUMNS:
        if not rows or col not in rows[0] or not any(f" {col} " in h for h in header):
            continue
        for r in rows[:40]:
            value = str(r[col] or "")
            if value and (col == "id" or len(value) <= MAX_TOKEN):   # an id is whole whatever its length
                assert value in table.stdout, f"{col} {value!r} is broken or missing at {width} columns"
    assert "…" not in "".join(ln for ln in lines if ln.lstrip("│┃ ").startswith(("ev_", "cl_", "ind_"))), \
        "an id was cut with …"


def test_plan_drops_references_first_and_never_narrows_a_token():
    cols = ["id", "statement", "sources"]
    cells = [["cl_a_rather_long_identifier_of_a_claim", "word " * 30, "article:CSTO:fn31, article:EAEU:fn40"]]
    shown, widths, kinds = plan_columns(cols, cells, 80)
    assert shown == [0, 1] and widths[0] == len(cells[0][0]) and kinds == ["id", "text"]
    shown, widths, _ = plan_columns(cols, cells, 200)
    assert shown == [0, 1, 2] and sum(widths) + 3 * 3 + 1 <= 200


def test_no_wrap_keeps_a_column_on_one_line():
    cols = ["series", "note"]
    cells = [["a series name with spaces in it", "word " * 12]]
    assert plan_columns(cols, cells, 80)[2] == ["text", "text"]
    shown, widths, kinds = plan_columns(cols, cells, 80, no_wrap=("series",))
    assert kinds == ["token", "text"] and widths[0] == len(cells[0][0])


def test_emit_honours_no_wrap(capsys, monkeypatch):
    import pandas as pd

    from multivector.cli import output

    monkeypatch.setattr(output.console, "width", 40)
    name = "a name of several words, longer"
    df = pd.DataFrame({"series": [name], "value": ["1"]})
    output.emit(df, "table")
    wrapped = capsys.readouterr().out
    output.emit(df, "table", no_wrap=("series",))
    kept = capsys.readouterr().out
    assert name not in wrapped and name in kept


def test_ids_are_never_cut_and_content_is_kept_before_other_columns():
    cols = ["id", "date", "precision", "kind", "summary", "sources"]
    long_id = "ev_" + "x" * 55
    cells = [[long_id, "2010-06", "month", "accession", "word " * 20, "article:CSTO:fn25"]]
    lay = Layout(content=("date", "summary"), drop=("precision", "sources", "kind"))
    p = plan(cols, cells, 80, lay)
    # too narrow for the id and the summary side by side: the summary goes under the id, the date stays
    assert p.stacked == 4 and 0 in p.shown and 1 in p.shown and p.widths[p.shown.index(0)] >= len(long_id)
    assert 2 not in p.shown and 5 not in p.shown   # the declared droppable ones went
    wide = plan(cols, cells, 200, lay)
    assert wide.stacked is None and wide.shown == [0, 1, 2, 3, 4, 5]
    # side by side when they fit: the low-value columns go first, in the declared order
    short = [["ev_a", "2010", "month", "accession", "word " * 20, "article:CSTO:fn25"]]
    p = plan(cols, short, 60, lay)
    assert p.stacked is None and {0, 1, 4} <= set(p.shown) and 2 not in p.shown


def test_a_declared_column_that_does_not_fit_keeps_the_less_valuable_ones_out():
    cols = ["kind", "id", "date", "text", "score"]
    cells = [["indicator", "ind_" + "y" * 33, "2015-01-01", "word " * 12, "2"]]
    p = plan(cols, cells, 80, Layout(content=("text",), drop=("score", "sources", "date", "kind")))
    assert [cols[k] for k in p.shown] == ["id", "text"]


def test_value_and_unit_share_a_column_in_tables(capsys, monkeypatch):
    import pandas as pd

    monkeypatch.setattr(output.console, "width", 80)
    df = pd.DataFrame({"id": ["ind_a"], "name": ["trade_share"], "value": [35.0], "unit": ["percent"]})
    output.emit(df, "table", layout="indicators")
    out = capsys.readouterr().out
    assert "35 percent" in out and " unit " not in out
    output.emit(df, "csv", layout="indicators")
    assert capsys.readouterr().out.splitlines()[0] == "id,name,value,unit"
