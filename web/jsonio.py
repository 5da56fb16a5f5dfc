"""Reading and writing JSON at the service's edge, with the limits a public endpoint needs.

Flask's `get_json()` is not used: it accepts `NaN`, has no depth limit (a deeply nested body
ends in a `RecursionError`, i.e. a 500) and its errors are HTML. Here a wrong content type is a
415 problem, malformed JSON a 400 problem naming the position, and nesting deeper than the
configured limit a 400 problem — before the engine sees anything.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from dataclasses import asdict, is_dataclass
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any

from flask import Request, Response

from engine import casecodec

JSON_MIMETYPES = ("application/json",)
JSONL_MIMETYPES = ("application/x-ndjson", "application/jsonl", "application/jsonlines")


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


def parse(text: str | bytes, max_depth: int | None) -> Any:
    """Parse one JSON document by the case codec; raise `Problem` on failure.

    Strict means: UTF-8, no NaN/Infinity, no lone surrogate escapes (`"\\ud800"` is valid
    JSON syntax but not text; it could be neither stored nor sent back as UTF-8), numbers read
    exactly (`engine.casecodec`), and at most `max_depth` levels of nesting (None: the caller
    checks depth itself).
    """
    try:
        return casecodec.decode(text, max_depth)
    except casecodec.CaseDecodeError as exc:
        raise _problem(exc) from None


def _problem(exc: casecodec.CaseDecodeError) -> Any:
    from web.problems import Problem

    if exc.kind == casecodec.TOO_DEEP:
        if exc.max_depth is not None:
            return Problem("json-too-deep", exc.detail, max_depth=exc.max_depth)
        return Problem("json-too-deep", exc.detail)
    return Problem("malformed-json", exc.detail)


def check_depth(value: Any, max_depth: int) -> None:
    """Refuse documents nested deeper than `max_depth` (iteratively: no recursion to exhaust)."""
    try:
        casecodec.check_depth(value, max_depth)
    except casecodec.CaseDecodeError as exc:
        raise _problem(exc) from None


def require_mimetype(request: Request, allowed: tuple[str, ...]) -> str:
    """The request's mimetype if it is one of `allowed` (or a `+json` suffix type), else 415."""
    from web.problems import Problem

    mimetype = request.mimetype
    if mimetype in allowed or ("application/json" in allowed and mimetype.endswith("+json")):
        return mimetype
    shown = mimetype or "none"
    raise Problem(
        "unsupported-media-type",
        f"content type {shown!r} is not accepted here; send one of: {', '.join(allowed)}",
        accepted=list(allowed),
    )


def read_json(request: Request, max_depth: int) -> Any:
    """The request body as one JSON document."""
    require_mimetype(request, JSON_MIMETYPES)
    return parse(request.get_data(cache=False), max_depth)


def iter_json_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(index, raw line) for each non-blank line of a JSON-lines body."""
    index = 0
    for line in data.split(b"\n"):
        if line.strip():
            yield index, line
            index += 1
