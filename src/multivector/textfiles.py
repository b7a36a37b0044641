"""The one way in for user files: every check a file gets before a reader parses it, and one problem type.

Every reader of a user's file — case files, scenarios, model.yaml, weights,
negotiation tables, published series, COW IGO files, organization codings,
stored results named on the command line — gets its bytes or text from here, so
a folder given for a file, a file that is not a regular file, one far too large
for what it claims to be, a binary file (an archive, a workbook, NUL bytes) or
one in the wrong encoding all get the same answer, whatever the format.

Every problem a reader finds is a :class:`Problem` — file, line, what is wrong,
how to fix it — printed `file:line: what — how to fix` (line 0: the file as a
whole, printed `file: what — how to fix`). A reader that stops at the first
problem raises :class:`InputFileError` carrying it; the case loader collects
many into a `kb.CaseError`. The older names of the same error are aliases:
`TextFileError`, `negotiation.io.NegotiationFileError`, `series.common.SeriesFileError`.
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: A case file, scenario or negotiation file larger than this is not one (the embedded case's largest is 0.3 MB).
MAX_TEXT_BYTES = 64 * 2**20

#: Signatures of binary files people give for text ones: what the file is and what to do instead.
BINARY_MAGIC: dict[bytes, tuple[str, str]] = {
    b"\x1f\x8b": ("a gzip archive", "decompress it first (gunzip FILE)"),
    b"PK\x03\x04": ("a zip archive or an Excel workbook", "unpack it, or export the sheet as CSV"),
    b"PAR1": ("a Parquet file", "export it as CSV"),
    b"\xd0\xcf\x11\xe0": ("an old Excel (.xls) workbook", "export the sheet as CSV"),
    b"%PDF": ("a PDF document", "give the data file itself"),
}


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one user file: where (file, line; 0 for the whole file), what is wrong, how to fix it."""

    file: str
    line: int
    message: str
    fix: str

    @property
    def what(self) -> str:
        return self.message

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line > 0 else self.file
        return f"{where}: {self.message} — {self.fix}"

    def under(self, folder: str | Path) -> str:
        """The problem with its file named from `folder` (a case's files are named relative to it; a file
        elsewhere, such as a user's imported series, by its own path)."""
        return str(self) if Path(self.file).is_absolute() else f"{folder}/{self}"


class InputFileError(ValueError):
    """A user file that cannot be read as what it should be. str() is `file:line: what — how to fix`.

    `problem` holds the :class:`Problem`; `file`, `line`, `what` and `fix` are its parts.
    """

    def __init__(self, file: str | Path, line: int | None, what: str, fix: str):
        self.problem = Problem(str(file), int(line or 0), what, fix)
        super().__init__(str(self.problem))

    file = property(lambda self: self.problem.file)
    line = property(lambda self: self.problem.line)
    what = property(lambda self: self.problem.message)
    fix = property(lambda self: self.problem.fix)

    @property
    def problems(self) -> list[Problem]:
        return [self.problem]


#: The name readers of text files have always raised.
TextFileError = InputFileError


class InMemoryFile:
    """An uploaded file read from memory, never from disk: `name` labels messages, `data` holds the bytes.

    Every reader accepts one where it takes a path (the web app parses uploads this way).
    """

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self.data = name, data

    def __fspath__(self) -> str:   # only for Path(name).stem/.suffix in labels; nothing ever opens it
        return self.name

    def __str__(self) -> str:
        return self.name


def line_at(data: bytes | str, offset: int) -> int:
    """The 1-based line of the byte (or character) at `offset`."""
    return data.count(b"\n" if isinstance(data, bytes) else "\n", 0, max(offset, 0)) + 1


def check_file(path: str | Path, what: str = "file", max_bytes: int = MAX_TEXT_BYTES,
               label: str | None = None) -> int:
    """The size of the regular file at `path`, or an `InputFileError` saying why it is not one to read."""
    p = Path(path)
    name = label or str(p)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputFileError(name, 0, f"{what} not found", "check the path and the spelling of the file name") from None
    except PermissionError:
        raise InputFileError(name, 0, f"{what} cannot be read (permission denied)",
                             "check the file's permissions") from None
    except OSError as exc:
        raise InputFileError(name, 0, f"{what} cannot be read: {exc.strerror or exc}", "check the path") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputFileError(name, 0, f"is a folder, not a {what}", f"give the path of the {what} itself")
    if not stat.S_ISREG(st.st_mode):   # a FIFO or a device would block or never end
        raise InputFileError(name, 0, f"is not a regular file (a pipe, socket or device), not a {what}",
                             f"give the path of the {what} itself")
    if st.st_size > max_bytes:
        raise InputFileError(name, 0, f"{st.st_size / 2**20:,.0f} MB is far too large for a {what}",
                             f"a {what} is at most {max_bytes / 2**20:g} MB; check that this is the right file")
    return st.st_size


def read_bytes(path: str | Path | InMemoryFile, what: str = "file", max_bytes: int = MAX_TEXT_BYTES,
               label: str | None = None) -> bytes:
    """The bytes of a user file (or an upload held in memory), after `check_file`'s checks."""
    if isinstance(path, InMemoryFile):
        if len(path.data) > max_bytes:
            raise InputFileError(label or path.name, 0, f"{len(path.data) / 2**20:,.0f} MB is far too large "
                                 f"for a {what}", f"a {what} is at most {max_bytes / 2**20:g} MB")
        return path.data
    check_file(path, what, max_bytes, label)
    try:
        data = Path(path).read_bytes()
    except PermissionError:
        raise InputFileError(label or str(path), 0, f"{what} cannot be read (permission denied)",
                             "check the file's permissions") from None
    except OSError as exc:
        raise InputFileError(label or str(path), 0, f"{what} cannot be read: {exc.strerror or exc}",
                             "check the path") from None
    if len(data) > max_bytes:   # grew between the check and the read
        raise InputFileError(label or str(path), 0, f"far too large for a {what}",
                             f"a {what} is at most {max_bytes / 2**20:g} MB")
    return data


def decode_text(data: bytes, file: str | Path, latin1_fallback: bool = False) -> str:
    """UTF-8 text of `data` (a BOM is dropped); binary files, NUL bytes and undecodable bytes are errors.

    latin1_fallback: decode bytes that are not UTF-8 as Latin-1 instead, for the formats
    whose files come from old statistics packages (DEU and KTAB tables); NUL bytes are
    still refused, since no text file holds one.

    >>> decode_text("Ko\u0161ice".encode(), "f.csv")
    'Košice'
    >>> decode_text(b"K\\xf6ln", "f.csv", latin1_fallback=True)
    'Köln'
    >>> decode_text(b"a\\nK\\xf6ln", "f.csv")
    Traceback (most recent call last):
    multivector.textfiles.InputFileError: f.csv:2: byte 0xf6 is not UTF-8 (the file looks Latin-1 encoded) — re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)
    """
    for magic, (kind, fix) in BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputFileError(file, 1, f"the file is {kind} (a binary file), not text", fix)
    nul = data.find(b"\0")
    if nul >= 0:
        raise InputFileError(file, line_at(data, nul),
                             "NUL byte in the file: this is a binary file (or UTF-16, or corrupted), not text",
                             "give the text file itself (saved as UTF-8), or restore it from git")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if latin1_fallback:
            return data.decode("latin-1")
        raise InputFileError(file, line_at(data, exc.start),
                             f"byte 0x{data[exc.start]:02x} is not UTF-8 (the file looks Latin-1 encoded)",
                             "re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)") from None


def read_text(path: str | Path | InMemoryFile, what: str = "file", latin1_fallback: bool = False,
              max_bytes: int = MAX_TEXT_BYTES, *, label: str | None = None, universal_newlines: bool = False,
              allow_empty: bool = True) -> str:
    """The text of a user file, or an `InputFileError` saying why it cannot be read.

    what: the kind of file, for messages ("scenario file"); label: the name messages give
    the file (default: its path; the case loader gives paths relative to the case folder);
    universal_newlines: `\\r\\n` and lone `\\r` (old Mac exports) become `\\n`;
    allow_empty: False makes a file with nothing but white space an error.
    """
    name = label or str(path)
    text = decode_text(read_bytes(path, what, max_bytes, label), name, latin1_fallback)
    if universal_newlines:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not allow_empty and not text.strip():
        raise InputFileError(name, 1, f"the {what} is empty", f"give a {what} with its content, or export it again")
    return text


def read_json(path: str | Path | InMemoryFile, what: str = "JSON file", max_bytes: int = MAX_TEXT_BYTES,
              label: str | None = None) -> Any:
    """The parsed content of a JSON file; a syntax error names its line."""
    name = label or str(path)
    text = read_text(path, what, max_bytes=max_bytes, label=label)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(name, exc.lineno, f"not valid JSON: {exc.msg}",
                             f"give the {what} as written by multivector, or fix the JSON syntax") from None
    except RecursionError:
        raise InputFileError(name, 1, "JSON nested too deeply", f"give the {what} as written by multivector") from None
