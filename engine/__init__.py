"""Ereje's engine: policy files in, explained decisions out. No I/O beyond reading policies."""

from .decide import Citation, Decision
from .errors import (
    CalendarError,
    CaseError,
    CaseProblem,
    EditionError,
    ErejeError,
    PolicyError,
    PolicyIssue,
    UnknownAct,
    UnknownQuestion,
)
from .library import Library, check_library, load_library

__all__ = [
    "CalendarError",
    "CaseError",
    "CaseProblem",
    "Citation",
    "Decision",
    "EditionError",
    "ErejeError",
    "Library",
    "PolicyError",
    "PolicyIssue",
    "UnknownAct",
    "UnknownQuestion",
    "check_library",
    "load_library",
]
