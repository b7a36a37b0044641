"""Problems found in case files, reported as `file:line: what — how to fix`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message} — {self.fix}"


class CaseError(Exception):
    """The case folder has problems; `problems` holds every one of them."""

    def __init__(self, problems: list[Problem], folder: str = ""):
        self.problems = sorted(problems)
        self.folder = folder
        head = f"{len(self.problems)} problem(s) in case folder {folder}".strip()
        super().__init__(head + "\n" + "\n".join(str(p) for p in self.problems))
