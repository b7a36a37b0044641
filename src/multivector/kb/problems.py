"""Problems found in case files, reported as `file:line: what — how to fix`.

`Problem` is the project's one problem type (defined with the file checks in
`multivector.textfiles`); a case folder's problems are gathered into one `CaseError`.
"""

from __future__ import annotations

from ..textfiles import Problem

__all__ = ["CaseError", "Problem"]


class CaseError(Exception):
    """The case folder has problems; `problems` holds every one of them."""

    def __init__(self, problems: list[Problem], folder: str = ""):
        self.problems = sorted(problems)
        self.folder = folder
        head = f"{len(self.problems)} problem(s) in case folder {folder}".strip()
        super().__init__(head + "\n" + "\n".join(str(p) for p in self.problems))
