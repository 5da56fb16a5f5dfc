"""Reading and writing JSON at the service's edge, with the limits a public endpoint needs.

Flask's `get_json()` is not used: it accepts `NaN`, has no depth limit (a deeply nested body
ends in a `RecursionError`, i.e. a 500) and its errors are HTML. Here a wrong content type is a
415 problem, malformed JSON a 400 problem naming the position, and nesting deeper than the
configured limit a 400 problem — before the engine sees anything.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, is_dataclass
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any

from flask import Request, Response

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
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=_default)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: keep the answer, escaped
        return json.dumps(obj, separators=(",", ":"), default=_default).encode("ascii")


try:  # orjson encodes ~10x faster; JSON work is a large share of a decision's cost.
    import orjson as _orjson

    def dumps(obj: Any) -> bytes:
        """Compact UTF-8 JSON keeping Kazakh letters readable (no \\u escapes)."""
        try:
            return _orjson.dumps(obj, default=_default)
        except (_orjson.JSONEncodeError, TypeError):
            # What orjson refuses and the standard library takes: integers beyond 64 bits,
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


def canonical_json(value: Any) -> str:
    """The canonical form of JSON data (sorted keys, compact, ASCII-escaped): what the case
    digest of the decision log is defined on."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"), sort_keys=True)


# Where orjson's spelling may differ from the standard library's: a number with an exponent
# (1e16 against 1e+16), a float below 1e-4 (0.00001 against 1e-05), DEL (escaped only by the
# standard library). Documents with any of them (in a string too) take the reference encoder.
_MAY_DIFFER = re.compile(rb"[0-9][eE]|0\.0000|\x7f")


def canonical_bytes(value: Any) -> bytes:
    """`canonical_json(value)` as ASCII bytes, by orjson when that provably gives them.

    For JSON data both encoders write the same bytes (sorted keys, no spaces, the same
    escapes) as long as the result is ASCII (the reference escapes every other character)
    and holds none of `_MAY_DIFFER`; integers beyond 64 bits make orjson refuse. Checked
    against the reference by a property test.
    """
    if _orjson is not None:
        try:
            out = _orjson.dumps(value, option=_orjson.OPT_SORT_KEYS)
        except (_orjson.JSONEncodeError, TypeError):
            out = None
        if out is not None and out.isascii() and not _MAY_DIFFER.search(out):
            return out
    return canonical_json(value).encode("ascii")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


# A run of 19 digits may be an integer beyond 64 bits, which orjson reads as a float and the
# standard library reads exactly: such bodies take the standard library's path.
_LONG_DIGITS = re.compile(rb"\d{19}")
_SLOW = object()


def _fast_parse(data: bytes, max_depth: int | None) -> Any:
    """orjson's reading of `data`, or `_SLOW` when only the strict path may decide.

    orjson refuses everything the strict path refuses (invalid UTF-8, NaN and Infinity, lone
    surrogates, a byte-order mark, 1024 levels of nesting); what it refuses goes to the strict
    path, which accepts or refuses it with its own message. What it accepts, it reads as the
    standard library does, except integers beyond 64 bits (see `_LONG_DIGITS`) and numbers
    beyond the float range, which it refuses. A document cannot be deeper than its count of
    opening brackets, so the depth walk runs only when that count exceeds the limit.
    """
    if _orjson is None or _LONG_DIGITS.search(data):
        return _SLOW
    try:
        value = _orjson.loads(data)
    except _orjson.JSONDecodeError:
        return _SLOW
    if max_depth is not None and data.count(b"[") + data.count(b"{") > max_depth:
        check_depth(value, max_depth)
    return value


def parse(text: str | bytes, max_depth: int | None) -> Any:
    """Parse one JSON document strictly; raise `Problem` on failure.

    Strict means: UTF-8, no NaN/Infinity, no lone surrogate escapes (`"\\ud800"` is valid
    JSON syntax but not text; it could be neither stored nor sent back as UTF-8), and at most
    `max_depth` levels of nesting (None: the caller checks depth itself).
    """
    from web.problems import Problem

    if isinstance(text, bytes):
        value = _fast_parse(text, max_depth)
        if value is not _SLOW:
            return value
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Problem(
                "malformed-json", f"the body is not UTF-8: byte {exc.start} is invalid"
            ) from None
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise Problem(
            "malformed-json",
            f"{exc.msg} at line {exc.lineno} column {exc.colno}",
        ) from None
    except ValueError as exc:  # NaN / Infinity
        raise Problem("malformed-json", str(exc)) from None
    except RecursionError:
        raise Problem("json-too-deep", "the JSON is nested too deeply") from None
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
        raise Problem(
            "malformed-json",
            "a string holds a lone UTF-16 surrogate (\\uD800-\\uDFFF without its pair)",
        )
    if max_depth is not None:
        check_depth(value, max_depth)
    return value


def _has_lone_surrogate(value: Any) -> bool:
    """Paired escapes decode to one character; what cannot be encoded is a lone half."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def check_depth(value: Any, max_depth: int) -> None:
    """Refuse documents nested deeper than `max_depth` (iteratively: no recursion to exhaust)."""
    from web.problems import Problem

    if not isinstance(value, dict | list):
        return
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise Problem(
                "json-too-deep",
                f"the JSON is nested deeper than {max_depth} levels",
                max_depth=max_depth,
            )
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))


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
