"""Read case files into raw rows that remember the line of each row and key."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .problems import Problem


@dataclass
class RawRow:
    file: str
    line: int
    data: dict
    key_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str | None) -> int:
        return self.key_lines.get(key, self.line) if key else self.line


class LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping and of its keys."""

    duplicate_keys: list[tuple[str, int]]

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = key_node.value
            if key in seen:
                self.duplicate_keys.append((key, key_node.start_mark.line + 1))
            seen[key] = key_node.start_mark.line + 1
        mapping = super().construct_mapping(node, deep=True)
        mapping["__line__"] = node.start_mark.line + 1
        mapping["__keys__"] = seen
        return mapping


def strip_marks(value):
    if isinstance(value, dict):
        return {k: strip_marks(v) for k, v in value.items() if k not in ("__line__", "__keys__")}
    if isinstance(value, list):
        return [strip_marks(v) for v in value]
    return value


class YamlSyntaxError(Exception):
    """A YAML file that cannot be parsed; the problem is already recorded."""


def load_marked(text: str, rel: str, problems: list[Problem]):
    """Parse YAML keeping `__line__`/`__keys__` marks; syntax errors and duplicate keys become problems.

    Returns the marked document, or raises `YamlSyntaxError` (already reported) when it cannot be read.
    """
    loader = LineLoader(text)
    loader.duplicate_keys = []
    try:
        doc = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(rel, mark.line + 1 if mark else 1, f"YAML syntax error: {what}",
                                "check indentation and quote strings that contain ': ' or start with a special character"))
        raise YamlSyntaxError from None
    finally:
        loader.dispose()
    for key, line in loader.duplicate_keys:
        problems.append(Problem(rel, line, f"key '{key}' appears twice",
                                "keep one of the two; the second silently overrides the first"))
    return doc


def read_yaml_rows(path: Path, rel: str, problems: list[Problem]) -> list[RawRow]:
    """Rows of a YAML file whose top level is a list of mappings."""
    try:
        doc = load_marked(path.read_text(encoding="utf-8"), rel, problems)
    except YamlSyntaxError:
        return []
    if doc is None:
        return []
    if not isinstance(doc, list):
        problems.append(Problem(rel, 1, "the file must hold a list of rows (each starting with '- ')",
                                "write each row as a YAML list item, see docs/case-format.md"))
        return []
    rows = []
    for i, item in enumerate(doc):
        if not isinstance(item, dict):
            problems.append(Problem(rel, 1, f"row {i + 1} is not a mapping of keys to values",
                                    "write each row as '- key: value' lines"))
            continue
        rows.append(RawRow(rel, item["__line__"], strip_marks(item), dict(item["__keys__"])))
    return rows


def read_yaml_mapping(path: Path, rel: str, problems: list[Problem]) -> tuple[dict, dict[str, int]]:
    """A YAML file whose top level is one mapping (case.yaml)."""
    try:
        doc = load_marked(path.read_text(encoding="utf-8"), rel, problems)
    except YamlSyntaxError:
        return {}, {}
    if not isinstance(doc, dict):
        problems.append(Problem(rel, 1, "the file must hold one mapping of keys to values", "see docs/case-format.md"))
        return {}, {}
    return strip_marks(doc), dict(doc["__keys__"])


def read_csv_rows(path: Path, rel: str, expected: list[str], required: list[str],
                  problems: list[Problem]) -> list[RawRow]:
    """Rows of a CSV file with a header line; empty lines and `#` comment lines are skipped."""
    data = path.read_bytes()
    if b"\0" in data:
        problems.append(Problem(rel, data.count(b"\n", 0, data.index(b"\0")) + 1, "NUL byte in the file",
                                "the file is binary or corrupted: restore it from git or re-save it as UTF-8 text"))
        return []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, data.count(b"\n", 0, exc.start) + 1,
                                f"byte 0x{data[exc.start]:02x} is not UTF-8 (the file looks Latin-1 encoded)",
                                "re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)"))
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[RawRow] = []
    header: list[str] | None = None
    for record in reader:
        line = reader.line_num
        if not record or all(not c.strip() for c in record) or record[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [h.strip() for h in record]
            unknown = [h for h in header if h not in expected]
            missing = [h for h in required if h not in header]
            if unknown:
                problems.append(Problem(rel, line, f"unknown column(s) {', '.join(unknown)}",
                                        f"use only the columns {','.join(expected)}"))
            if missing:
                problems.append(Problem(rel, line, f"missing column(s) {', '.join(missing)}",
                                        f"the header must be {','.join(expected)}"))
            if unknown or missing:
                return []
            continue
        if len(record) != len(header):
            problems.append(Problem(rel, line, f"expected {len(header)} fields, found {len(record)}",
                                    "quote fields that contain commas, e.g. \"a, b\""))
            continue
        data = {h: v for h, v in zip(header, record, strict=True)}
        rows.append(RawRow(rel, line, data, {h: line for h in header}))
    if header is None:
        problems.append(Problem(rel, 1, "the file is empty", f"start with the header {','.join(expected)}"))
    return rows
