"""Read case files into raw rows that remember the line of each row and key."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode

from ..textfiles import InputFileError, read_text
from .problems import Problem

#: Deepest nesting of YAML collections a case file or scenario may use (they need four or five levels).
MAX_DEPTH = 40


@dataclass
class RawRow:
    file: str
    line: int
    data: dict
    key_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str | None) -> int:
        return self.key_lines.get(key, self.line) if key else self.line


class LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping and of its keys.

    It also refuses what no case file needs and a hostile one could use:
    aliases (`*name`, the "billion laughs" expansion bomb), nesting deeper than
    MAX_DEPTH, and keys that are not plain names (`? [a, b]`, `1:`, `true:`).
    """

    duplicate_keys: list[tuple[str, int]]
    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, f"alias *{event.anchor} is not allowed in case files",
                                              event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nesting deeper than {MAX_DEPTH} levels",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, OverflowError) as exc:   # e.g. a date in year 0
            raise yaml.constructor.ConstructorError(None, None, f"cannot read the value {node.value!r}: {exc}",
                                                    node.start_mark) from None

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, MappingNode):
            raise yaml.constructor.ConstructorError(None, None, "expected a mapping", node.start_mark)
        seen: dict = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key_node.value!r} must be a plain name (text), such as `name`",
                    key_node.start_mark)
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
    try:
        loader = LineLoader(text)
    except yaml.reader.ReaderError as exc:   # a control character: the file is not text YAML can hold
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        problems.append(Problem(rel, line, f"character #x{exc.character:04x} is not allowed in YAML",
                                "remove the control character (the file may be binary or corrupted)"))
        raise YamlSyntaxError from None
    loader.duplicate_keys = []
    try:
        doc = loader.get_single_data()
    except (yaml.composer.ComposerError, yaml.constructor.ConstructorError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(rel, mark.line + 1 if mark else 1, f"YAML refused: {exc.problem}",
                                "write every value out in full; aliases, deep nesting and keys that are not names are refused"))
        raise YamlSyntaxError from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(rel, mark.line + 1 if mark else 1, f"YAML syntax error: {what}",
                                "check indentation and quote strings that contain ': ' or start with a special character"))
        raise YamlSyntaxError from None
    except RecursionError:
        problems.append(Problem(rel, 1, "YAML nested too deeply", f"use at most {MAX_DEPTH} levels"))
        raise YamlSyntaxError from None
    finally:
        loader.dispose()
    for key, line in loader.duplicate_keys:
        problems.append(Problem(rel, line, f"key '{key}' appears twice",
                                "keep one of the two; the second silently overrides the first"))
    return doc


def file_text(path: Path, rel: str, problems: list[Problem]) -> str | None:
    """The UTF-8 text of a case file, or None with the reason recorded (binary, wrong encoding, unreadable)."""
    try:
        return read_text(path, "case file", label=rel)
    except InputFileError as exc:
        problems.append(exc.problem)
    return None


def read_yaml_rows(path: Path, rel: str, problems: list[Problem]) -> list[RawRow]:
    """Rows of a YAML file whose top level is a list of mappings."""
    text = file_text(path, rel, problems)
    if text is None:
        return []
    try:
        doc = load_marked(text, rel, problems)
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
    text = file_text(path, rel, problems)
    if text is None:
        return {}, {}
    try:
        doc = load_marked(text, rel, problems)
    except YamlSyntaxError:
        return {}, {}
    if not isinstance(doc, dict):
        problems.append(Problem(rel, 1, "the file must hold one mapping of keys to values", "see docs/case-format.md"))
        return {}, {}
    return strip_marks(doc), dict(doc["__keys__"])


def read_csv_rows(path: Path, rel: str, expected: list[str], required: list[str],
                  problems: list[Problem]) -> list[RawRow]:
    """Rows of a CSV file with a header line; empty lines and `#` comment lines are skipped."""
    text = file_text(path, rel, problems)
    if text is None:
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


def line_of(doc, loc: tuple) -> int:
    """The line of a location (`("drivers", 2, "actor")`) in a document marked by `load_marked` (1 when unknown)."""
    node, line = doc, 1
    for part in loc:
        if isinstance(node, dict):
            line = node.get("__keys__", {}).get(part, node.get("__line__", line))
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            line = node.get("__line__", line) if isinstance(node, dict) else line
        else:
            break
    return line
