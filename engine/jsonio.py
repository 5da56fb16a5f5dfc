"""Case JSON text read into a case, and JSON written for a terminal (the command line's output).

Reading is the case codec's (`engine.casecodec`): the same numbers, limits and errors as the
service and the pages.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from .casecodec import MAX_CASE_BYTES, decode_case, encode_json

__all__ = ["MAX_CASE_BYTES", "dumps", "parse_case"]


def parse_case(text: str | bytes) -> Any:
    """Parse JSON text into a case, refusing what the engine would not represent exactly."""
    return decode_case(text)


class _HasDecimal(Exception):
    pass


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        raise _HasDecimal
    return str(value)


def dumps(data: Any, pretty: bool = True) -> str:
    """JSON for the terminal; a case's exact decimals are written as numbers (by the codec's
    encoder, only when there are any: the standard library's is faster)."""
    indent = 2 if pretty else None
    try:
        return json.dumps(data, ensure_ascii=False, indent=indent, default=_plain)
    except _HasDecimal:
        return encode_json(data, default=str, indent=indent, spaced=True)
