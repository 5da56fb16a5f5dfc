"""Reading case JSON safely: numbers as exact decimals, limits on size, depth and digits."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from .casecheck import MAX_DEPTH, depth_of
from .errors import CaseError, CaseProblem

MAX_CASE_BYTES = 1_000_000
MAX_NUMBER_CHARS = 40


MAX_EXPONENT = 1000


def _number(text: str) -> Decimal:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"number with {len(text)} characters is too long")
    value = Decimal(text)
    if value and not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        raise ValueError(f"number {text} is out of range (exponent beyond ±{MAX_EXPONENT})")
    return value


def _integer(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"integer with {len(text)} digits is too long")
    return int(text)


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_case(text: str | bytes) -> Any:
    """Parse JSON text into a case, refusing what the engine would not represent exactly."""
    if len(text) > MAX_CASE_BYTES:
        raise CaseError(
            [CaseProblem("", f"the case is over {MAX_CASE_BYTES:,} bytes")], title="The case is too large"
        )
    try:
        data = json.loads(text, parse_float=_number, parse_int=_integer, parse_constant=_constant)
    except RecursionError:
        raise CaseError(
            [CaseProblem("", "the JSON nests too deeply")], title="The case is not valid JSON"
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise CaseError([CaseProblem("", str(exc))], title="The case is not valid JSON") from None
    if depth_of(data) > MAX_DEPTH:
        raise CaseError(
            [CaseProblem("", f"the case nests deeper than {MAX_DEPTH} levels")], title="The case is not valid"
        )
    return data


def dumps(data: Any, pretty: bool = True) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2 if pretty else None, default=str)
