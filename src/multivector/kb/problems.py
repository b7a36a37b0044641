"""Problems found in case files, reported as `file:line: what — how to fix`.

`Problem` is the project's one problem type (defined with the file checks in
`multivector.textfiles`); a case folder's problems are gathered into one `CaseError`.
"""

from __future__ import annotations

import difflib

from ..textfiles import Problem

__all__ = ["CaseError", "Problem", "UnknownIdError"]


class CaseError(Exception):
    """The case folder has problems; `problems` holds every one of them."""

    def __init__(self, problems: list[Problem], folder: str = ""):
        self.problems = sorted(problems)
        self.folder = folder
        head = f"{len(self.problems)} problem(s) in case folder {folder}".strip()
        super().__init__(head + "\n" + "\n".join(str(p) for p in self.problems))


class UnknownIdError(KeyError):
    """An actor or organization id the case does not declare."""

    def __init__(self, what: str, value: str, known: list[str]):
        self.what, self.value, self.known = what, value, known
        probe = value if any(k != k.upper() for k in known) else value.upper()
        close = difflib.get_close_matches(probe, known, n=3, cutoff=0.5)
        hint = f"did you mean {' or '.join(close)}?" if close else f"known: {' '.join(sorted(known)) or '(none)'}"
        super().__init__(f"unknown {what} '{value}' — {hint}")

    def __str__(self) -> str:
        return self.args[0]
