"""Writing JSON at the service's edge: answers, problem documents, log columns.

Decimals of a decoded case are written as JSON numbers (the case codec's notation), so what is
stored and sent back reads as the same case. Reading request bodies is `web.bodies`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, is_dataclass
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any

from flask import Response

from engine import casecodec


def _default(obj: Any) -> Any:
    """Make engine values JSON-ready: dates as ISO strings, dataclasses as objects."""
    if isinstance(obj, _dt.date | _dt.datetime):
        return obj.isoformat()
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, set | frozenset):
        return sorted(obj, key=str)
    if isinstance(obj, PurePath):
        return str(obj)
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if is_dataclass(obj) and not isinstance(obj, type):
        return asdict(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def _stdlib_dumps(obj: Any) -> bytes:
    text = casecodec.encode_json(obj, default=_default)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: keep the answer, escaped
        return casecodec.encode_json(obj, default=_default, ascii_only=True).encode("ascii")


def _orjson_default(obj: Any) -> Any:
    """Decimals of a decoded case as JSON numbers (not strings), as the codec writes them."""
    if isinstance(obj, Decimal) and obj.is_finite():
        return _orjson.Fragment(casecodec.number_text(obj).encode("ascii"))
    return _default(obj)


try:  # orjson encodes ~10x faster; JSON work is a large share of a decision's cost.
    import orjson as _orjson

    def dumps(obj: Any) -> bytes:
        """Compact UTF-8 JSON keeping Kazakh letters readable (no \\u escapes)."""
        try:
            return _orjson.dumps(obj, default=_orjson_default)
        except (_orjson.JSONEncodeError, TypeError):
            # What orjson refuses and the reference encoder takes: integers beyond 64 bits,
            # lone surrogates. Same document, slower path.
            return _stdlib_dumps(obj)

except ImportError:  # pragma: no cover - orjson is a declared dependency
    _orjson = None  # type: ignore[assignment]
    dumps = _stdlib_dumps


def dumps_text(obj: Any) -> str:
    """`dumps` as a string (for storing JSON in text columns)."""
    return dumps(obj).decode("utf-8")


def json_response(
    obj: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(dumps(obj), status=status, headers=headers, mimetype="application/json")


# The case digest's canonical form is the codec's (one definition for every path).
canonical_json = casecodec.canonical_json
canonical_bytes = casecodec.canonical_bytes
