"""The one way in for user files: textfiles' checks, its one problem type, and every reader going through it."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from multivector import textfiles
from multivector.textfiles import InputFileError, Problem, read_json, read_text

SRC = Path(textfiles.__file__).parent


def test_problem_prints_file_line_what_fix_and_whole_file_problems_without_a_line():
    assert str(Problem("a.csv", 3, "bad cell", "fix it")) == "a.csv:3: bad cell — fix it"
    assert str(Problem("a.csv", 0, "not found", "check the path")) == "a.csv: not found — check the path"
    err = InputFileError("a.csv", 3, "bad cell", "fix it")
    assert isinstance(err, ValueError) and (err.file, err.line, err.what, err.fix) == ("a.csv", 3, "bad cell", "fix it")
    assert err.problems == [err.problem] and str(err) == "a.csv:3: bad cell — fix it"


def test_the_old_error_names_are_the_one_type():
    from multivector.kb.problems import Problem as KbProblem
    from multivector.negotiation.io import NegotiationFileError
    from multivector.series.common import SeriesFileError

    assert textfiles.TextFileError is NegotiationFileError is SeriesFileError is InputFileError
    assert KbProblem is Problem


@pytest.mark.parametrize(("content", "kwargs", "expected"), [
    (b"\xef\xbb\xbfa,b\n", {}, "a,b\n"),                                         # the BOM is dropped
    (b"K\xf6ln\n", {"latin1_fallback": True}, "Köln\n"),                        # where a format allows it
    (b"a\r\nb\rc\n", {"universal_newlines": True}, "a\nb\nc\n"),
])
def test_read_text_decodes(tmp_path, content, kwargs, expected):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    assert read_text(path, **kwargs) == expected


@pytest.mark.parametrize(("content", "kwargs", "message"), [
    (b"a\nb\nK\xf6ln\n", {}, "f.csv:3: byte 0xf6 is not UTF-8 (the file looks Latin-1 encoded) — re-save the file "
                             "as UTF-8 (e.g. iconv -f latin1 -t utf-8)"),
    (b"a\nb\x00c", {"latin1_fallback": True}, "f.csv:2: NUL byte in the file: this is a binary file"),
    (b"PK\x03\x04rest", {}, "f.csv:1: the file is a zip archive or an Excel workbook (a binary file), not text — "
                            "unpack it, or export the sheet as CSV"),
    (b"\x1f\x8b\x08", {}, "f.csv:1: the file is a gzip archive"),
    (b" \n\t\n", {"allow_empty": False, "what": "table"}, "f.csv:1: the table is empty"),
    (b"0123456789", {"max_bytes": 5, "what": "table"}, "f.csv: 0 MB is far too large for a table"),
])
def test_read_text_refuses_with_the_line(tmp_path, content, kwargs, message):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError) as info:
        read_text(path, **kwargs)
    assert str(info.value).startswith(str(path.parent / message))


def test_not_found_folder_and_not_a_regular_file(tmp_path):
    with pytest.raises(InputFileError, match=r"nope.csv: table not found — check the path"):
        read_text(tmp_path / "nope.csv", "table")
    with pytest.raises(InputFileError, match=r": is a folder, not a table — give the path of the table itself"):
        read_text(tmp_path, "table")
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)   # reading it would block for ever: refused before any read
    with pytest.raises(InputFileError, match="is not a regular file"):
        read_text(fifo, "table")


def test_label_names_the_file_in_messages(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_bytes(b"- id: A\n\x00")
    with pytest.raises(InputFileError) as info:
        read_text(path, label="actors.yaml")
    assert info.value.problem.file == "actors.yaml" and info.value.line == 2


def test_in_memory_files_get_the_same_checks():
    upload = textfiles.InMemoryFile("upload.csv", b"a\n\x00")
    with pytest.raises(InputFileError, match="upload.csv:2: NUL byte"):
        read_text(upload)
    with pytest.raises(InputFileError, match="far too large"):
        read_text(textfiles.InMemoryFile("big.csv", b"x" * 10), max_bytes=5)


def test_read_json_names_the_line_of_a_syntax_error(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{\n "a": 1,\n "b": \n}\n')
    with pytest.raises(InputFileError, match=r"r.json:4: not valid JSON: Expecting value"):
        read_json(path, "result")
    path.write_text('{"a": [1, 2]}')
    assert read_json(path) == {"a": [1, 2]}


# ---------------------------------------------------------------- every reader goes through it
def _readers():
    from multivector.cow import read_cow
    from multivector.measures import load_org_meta
    from multivector.negotiation import read_bdm_csv, read_deu_tsv, read_ktab_csv
    from multivector.series import read_unga

    return {"ktab": read_ktab_csv, "deu": read_deu_tsv, "bdm": read_bdm_csv, "unga": read_unga, "cow": read_cow,
            "org_meta": load_org_meta}


@pytest.mark.parametrize("name", ["ktab", "deu", "bdm", "unga", "cow", "org_meta"])
def test_every_reader_refuses_a_pipe_a_folder_and_a_binary_file_the_same_way(tmp_path, name):
    reader = _readers()[name]
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputFileError, match=r"pipe.csv: is not a regular file"):
        reader(fifo)
    with pytest.raises(InputFileError, match=r": is a folder, not a"):
        reader(tmp_path)
    xlsx = tmp_path / "sheet.csv"
    xlsx.write_bytes(b"PK\x03\x04" + bytes(range(256)))
    with pytest.raises(InputFileError, match=r"sheet.csv:1: the file is a zip archive or an Excel workbook"):
        reader(xlsx)


def test_case_files_report_through_the_same_problem(mini_case):
    from multivector.kb import check_case

    (mini_case / "events.yaml").write_bytes(b"- id: ev_x\n  date: 2001\n\x00\n")
    _, problems = check_case(mini_case)
    assert [str(p) for p in problems if p.file == "events.yaml"] == [
        "events.yaml:3: NUL byte in the file: this is a binary file (or UTF-16, or corrupted), not text — give the "
        "text file itself (saved as UTF-8), or restore it from git"]


def test_org_meta_errors_name_the_line(tmp_path):
    from multivector.measures import load_org_meta

    path = tmp_path / "meta.csv"
    path.write_text("org,lead,depth\nX,RUS:1,0.5\nY,RUS:0.5;CHN:0.4,0.3\n")
    with pytest.raises(InputFileError, match=r"meta.csv:3: lead weights of Y sum to 0.9, not 1 — "):
        load_org_meta(path)
    path.write_text("org,lead,depth\nX,RUS:1,deep\n")
    with pytest.raises(InputFileError, match=r"meta.csv:2: cannot read lead 'RUS:1' or depth 'deep' of X"):
        load_org_meta(path)
    path.write_text("org,depth\nX,1\n")
    with pytest.raises(InputFileError, match=r"meta.csv:1: missing column\(s\) lead"):
        load_org_meta(path)


#: Files that still open files themselves, each with the reason. Part two of issue 23 empties the second
#: group (their modules belong to the model, evaluation and scenario branches).
DIRECT_READS = {
    # reads that are not of a user's file
    "figures/__init__.py": "the repository's own docs and docs/figures/*.json",
    "provenance.py": "hashes the package's own source",
    "kb/fingerprint.py": "hashes the case files (each one is read through textfiles) for the cache key",
    "kb/quick.py": "the snapshot of the compiled case in the cache folder, written by the project itself",
    "series/casefile.py": "hashes the published file the reader has already read through textfiles",
    "negotiation/samples.py": "the package's own examples, then read through textfiles as in-memory files",
    # the project's own caches and result folders, and files of other branches (issue 23, part two)
    "evaluate/engagement.py": "the evaluation cache",
    "evaluate/store.py": "the evaluation cache",
    "web/results.py": "the web app's own result store",
    "sweep/analyze.py": "a sweep folder the sweep wrote",
    "sweep/execute.py": "a sweep folder the sweep wrote",
    "sweep/manifest.py": "a sweep folder the sweep wrote",
    "figures/sweeps.py": "the sweep folders the producer itself wrote",
}
_READ_CALLS = {"read_text", "read_bytes", "safe_load", "read_csv", "read_parquet", "read_table", "open_csv"}


def _direct_reads(path: Path) -> list[int]:
    """Lines that open or parse a file by path, bypassing textfiles (reads of in-memory buffers are fine)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        if name == "open" and isinstance(f, ast.Name) or name in _READ_CALLS and not (
                isinstance(f, ast.Name)                        # textfiles' own read_text/read_bytes, imported
                or node.args and isinstance(node.args[0], ast.Call)
                and getattr(node.args[0].func, "attr", "") in ("StringIO", "BufferReader", "BytesIO")):
            lines.append(node.lineno)
    return lines


def test_no_module_reads_a_file_past_textfiles():
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel == "textfiles.py" or rel in DIRECT_READS:
            continue
        lines = _direct_reads(path)
        if lines:
            found[rel] = lines
    assert found == {}, "read user files through multivector.textfiles (or list the file with its reason)"


def test_the_allow_list_holds_only_files_that_still_need_it():
    stale = [rel for rel in DIRECT_READS if not (SRC / rel).exists() or not _direct_reads(SRC / rel)]
    assert stale == [], f"no direct read left in {stale}: take them off DIRECT_READS"
