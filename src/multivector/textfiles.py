"""Reading input files as text, safely: one error type, one line, for everything a file can be.

Every reader of user files (case files, scenarios, model.yaml, weights,
negotiation files) goes through `read_text`, so a folder given for a file, a
binary file, a file in the wrong encoding or one far too large for what it
claims to be gets the project's one-line `file:line: what — how to fix it`
instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path

#: A case file, scenario or negotiation file larger than this is not one (the embedded case's largest is 0.3 MB).
MAX_TEXT_BYTES = 64 * 2**20


class TextFileError(ValueError):
    """A file that cannot be read as the text it should be. str() is `file:line: what — how to fix it`."""

    def __init__(self, file: str | Path, line: int, what: str, fix: str):
        self.file, self.line, self.what, self.fix = str(file), line, what, fix
        super().__init__(f"{self.file}:{line}: {what} — {fix}")


def decode_text(data: bytes, file: str | Path, latin1_fallback: bool = False) -> str:
    """UTF-8 text of `data` (a BOM is dropped); NUL bytes and undecodable bytes are errors.

    latin1_fallback: decode bytes that are not UTF-8 as Latin-1 instead (exports of
    old statistics packages), still refusing NUL bytes, which no text file holds.
    """
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise TextFileError(file, line, "NUL byte: this is a binary file, not text",
                            "give the text file itself (YAML or CSV saved as UTF-8), or restore it from git")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if latin1_fallback:
            return data.decode("latin-1")
        line = data.count(b"\n", 0, exc.start) + 1
        raise TextFileError(file, line, f"byte 0x{data[exc.start]:02x} is not UTF-8 text",
                            "re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 FILE)") from None


def read_text(path: str | Path, what: str = "file", latin1_fallback: bool = False,
              max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The text of the file at `path`, or a `TextFileError` saying why it cannot be read."""
    p = Path(path)
    if p.is_dir():
        raise TextFileError(p, 1, f"is a folder, not a {what}", f"give the path of the {what} itself")
    if not p.exists():
        raise TextFileError(p, 1, f"{what} not found", "check the path and the spelling of the file name")
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise TextFileError(p, 1, f"{size / 2**20:,.0f} MB is far too large for a {what}",
                                f"a {what} is a small text file (at most {max_bytes // 2**20} MB)")
        data = p.read_bytes()
    except PermissionError:
        raise TextFileError(p, 1, f"{what} cannot be read (permission denied)", "check the file's permissions") from None
    except OSError as exc:
        raise TextFileError(p, 1, f"{what} cannot be read: {exc.strerror or exc}", "check the path") from None
    return decode_text(data, p, latin1_fallback)
