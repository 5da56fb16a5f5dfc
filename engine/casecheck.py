"""Validating a case against its decision's case schema, before any rule runs.

The validator is compiled once per decision. The hot path asks only "is it valid?"; the full
report (every problem, each with a JSON pointer) is produced only for an invalid case.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from .errors import CaseError, CaseProblem

MAX_DEPTH = 32
MAX_PROBLEMS = 50
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    """Only YYYY-MM-DD that exists: 2025-02-30 and 2025-W01-1 are refused."""
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
    dt.date.fromisoformat(value)
    return True


def _pointer(parts: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def depth_of(value: Any, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of JSON data, stopping early past `limit` (no recursion)."""
    stack = [(value, 1)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


class CaseValidator:
    """A decision's case schema, compiled once."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self._validator = Draft202012Validator(schema, format_checker=FORMATS)

    def check(self, case: Any) -> None:
        """Raise `CaseError` listing every problem with its JSON pointer; return if valid."""
        if depth_of(case) > MAX_DEPTH:
            raise CaseError([CaseProblem("", f"the case nests deeper than {MAX_DEPTH} levels")])
        if self._validator.is_valid(case):
            return
        problems = []
        for error in sorted(self._validator.iter_errors(case), key=lambda e: list(e.absolute_path)):
            problems.append(CaseProblem(_pointer(error.absolute_path), _message(error)))
            if len(problems) >= MAX_PROBLEMS:
                break
        raise CaseError(problems)


def _message(error: Any) -> str:
    if error.validator == "required":
        return error.message
    if error.validator == "additionalProperties":
        return error.message + " (the case schema lists the facts this decision reads)"
    if error.validator == "format":
        return (
            f"{error.instance!r} is not a valid {error.validator_value} (write YYYY-MM-DD, a day that exists)"
        )
    return error.message
