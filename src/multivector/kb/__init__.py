"""The evidence base: case files, their validation and the compiled database."""

from .casebase import CaseBase, UnknownIdError
from .loader import Case, check_case, default_case_path, load_case
from .problems import CaseError, Problem

__all__ = ["Case", "CaseBase", "CaseError", "Problem", "UnknownIdError", "check_case", "default_case_path", "load_case"]
