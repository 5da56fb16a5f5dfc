"""Validating a case against its decision's case schema, before any rule runs.

The validator is compiled once per decision (`engine.schemacode`: the schema as Python
source). The hot path asks only "is it valid?"; jsonschema writes the full report (every
problem, each with a JSON pointer) only for an invalid case, and answers the yes/no itself
for a schema the compiler does not translate.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from .casecodec import MAX_CASE_DEPTH as MAX_DEPTH
from .casecodec import depth_of, parse_date
from .errors import CaseError, CaseProblem
from .schemacode import Unsupported, compile_schema

MAX_PROBLEMS = 50

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    """Only YYYY-MM-DD that exists: 2025-02-30 and 2025-W01-1 are refused."""
    if not isinstance(value, str):
        return True
    parse_date(value)  # the codec's one date parser
    return True


def _pointer(parts: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


# The keywords case schemas may use: the ones both validators implement identically, so the
# fast check and the detailed report never disagree about whether a case is valid. Not
# `multipleOf`: neither validator computes it on the exact decimals a case's numbers are.
CASE_SCHEMA_KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "$defs",
        "$ref",
        "$comment",
        "title",
        "description",
        "examples",
        "default",
        "type",
        "enum",
        "const",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "minProperties",
        "maxProperties",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
    }
)
_CONTAINERS = {"properties", "$defs"}


def unsupported_keywords(schema: Any, pointer: str = "") -> list[tuple[str, str]]:
    """(pointer, keyword) for every keyword outside `CASE_SCHEMA_KEYWORDS`."""
    out: list[tuple[str, str]] = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key not in CASE_SCHEMA_KEYWORDS:
                out.append((pointer, key))
                continue
            if key in _CONTAINERS and isinstance(value, dict):
                for name, sub in value.items():
                    out.extend(unsupported_keywords(sub, f"{pointer}/{key}/{name}"))
            elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
                out.extend(unsupported_keywords(value, f"{pointer}/{key}"))
            elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
                for i, sub in enumerate(value):
                    out.extend(unsupported_keywords(sub, f"{pointer}/{key}/{i}"))
    return out


# Dates already accepted: cases repeat the same few thousand days, and a set lookup costs a
# tenth of the regex and calendar test. Bounded; once full, new dates are tested every time.
KNOWN_DATES: set[str] = set()
KNOWN_DATES_MAX = 20_000


def _date_format(value: str) -> bool:
    """`_is_date` as a yes/no, for the compiled check (the codec's one date parser)."""
    try:
        parse_date(value)
    except ValueError:
        return False
    if len(KNOWN_DATES) < KNOWN_DATES_MAX and type(value) is str:
        KNOWN_DATES.add(value)
    return True


class CaseValidator:
    """A decision's case schema, compiled once: a fast yes/no, then a full report if no."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self._schema = schema
        self._validator = Draft202012Validator(schema, format_checker=FORMATS)
        self._fast: Callable[[Any], bool] | None = None  # compiled on first use (a few milliseconds per schema)

    def is_valid(self, case: Any) -> bool:
        fast = self._fast
        if fast is None:
            fast = self._fast = self._compile()
        return fast(case)

    def _compile(self) -> Callable[[Any], bool]:
        try:
            return compile_schema(self._schema, _date_format, KNOWN_DATES, FORMATS)[0]
        except Unsupported:
            return self._validator.is_valid

    def check(self, case: Any) -> None:
        """Raise `CaseError` listing every problem with its JSON pointer; return if valid."""
        fast = self._fast or self.is_valid  # compiled on the first call
        try:
            if fast(case):
                return
        except RecursionError:
            raise CaseError([_too_deep()]) from None
        if depth_of(case) > MAX_DEPTH:
            raise CaseError([_too_deep()])
        problems: list[CaseProblem] = []
        required_seen: set[str] = set()
        for error in sorted(self._validator.iter_errors(case), key=lambda e: list(e.absolute_path)):
            problems.extend(_problems(error, required_seen))
            if len(problems) >= MAX_PROBLEMS:
                del problems[MAX_PROBLEMS:]
                break
        if not problems:  # the two validators disagree: trust the stricter answer, say why
            problems.append(CaseProblem("", "the case does not satisfy the case schema", kind="schema"))
        raise CaseError(problems)


def _problems(error: Any, required_seen: set[str]) -> list[CaseProblem]:
    """The problems of one schema error, as data. jsonschema reports each missing property as
    an error naming it only in its English message; here the first error of a `required`
    list at a pointer gives one problem per property it lacks, with its name in `field`."""
    pointer = _pointer(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        key = f"{pointer} {error.validator_value!r}"
        if key in required_seen:
            return []
        required_seen.add(key)
        return [
            CaseProblem(pointer, f"{name!r} is a required property", kind="required", field=name)
            for name in error.validator_value
            if name not in error.instance
        ]
    return [CaseProblem(pointer, _message(error), kind=str(error.validator), params=_params(error))]


def _too_deep() -> CaseProblem:
    return CaseProblem(
        "", f"the case nests deeper than {MAX_DEPTH} levels", kind="depth", params=(("limit", MAX_DEPTH),)
    )


_LIMITS = frozenset(
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
     "minItems", "maxItems", "minProperties", "maxProperties"}
)


def _params(error: Any) -> tuple[tuple[str, Any], ...]:
    """The failing keyword's values from the schema, as data (never from the message)."""
    kind, value = error.validator, error.validator_value
    if kind == "type":
        return (("expected", tuple(value) if isinstance(value, list) else (value,)),)
    if kind == "enum":
        return (("allowed", tuple(value)),)
    if kind == "const":
        return (("allowed", (value,)),)
    if kind in _LIMITS:
        return (("limit", value),)
    if kind in ("format", "pattern"):
        return ((kind, value),)
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        declared = set((error.schema.get("properties") or {}).keys())
        return (("names", tuple(n for n in error.instance if n not in declared)),)
    return ()


_DECIMAL_REPR = re.compile(r"Decimal\('([^']*)'\)")


def _message(error: ValidationError) -> str:
    return _DECIMAL_REPR.sub(r"\1", _raw_message(error))


def _raw_message(error: ValidationError) -> str:
    if error.validator == "required":
        return error.message
    if error.validator == "additionalProperties":
        return error.message + " (the case schema lists the facts this decision reads)"
    if error.validator == "format":
        return (
            f"{error.instance!r} is not a valid {error.validator_value} (write YYYY-MM-DD, a day that exists)"
        )
    return error.message
