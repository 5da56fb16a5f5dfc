"""The case codec: the one reading of case JSON that every path shares.

The CLI (`ereje decide`), the service's single and batch endpoints, the try-a-case page and
the corpus tools all turn bytes into a case here, so a case means the same thing whichever way
it arrives, and the digest the decision log keeps is computed on that same decoded case.

Numbers (docs/service.md, "Numbers in a case"):

- a JSON number whose value is integral decodes as that `int` — `3`, `3.0`, `3.00` and `3e0`
  are the same integer, exactly as JSON Schema defines `integer`;
- any other number decodes as an exact `Decimal` (never a float): `2.9` is two point nine;
- `NaN`, `Infinity` and numbers beyond the limits below are refused.

Fast path: orjson reads most cases an order of magnitude faster than the standard library, but
reads every number written with a fraction or an exponent as a float. So orjson's reading is
used only for documents with no such number and no integer long enough to leave 64 bits; any
other document is read by `reference_decode`, the exact reader. `tests/test_casecodec.py`
proves on generated documents that the two agree wherever the fast path answers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import CaseError, CaseProblem

try:  # a declared dependency; the codec stays correct (only slower) without it
    import orjson as _orjson

    _FAST = True
except ImportError:  # pragma: no cover
    _FAST = False

# -- the limits (one set, documented in docs/service.md) ------------------------------------
MAX_CASE_BYTES = 1_000_000
"""A case file or body larger than this is refused before it is read."""
MAX_CASE_DEPTH = 32
"""Nesting of the case itself (objects and arrays); the case schemas need a handful."""
MAX_BODY_DEPTH = 64
"""Nesting of a whole request body (an envelope or a batch around cases), checked first."""
MAX_NUMBER_CHARS = 40
"""The longest number, as written (sign, digits, point, exponent)."""
MAX_EXPONENT = 1000
"""A non-zero number's magnitude lies between 10**-1000 and 10**1000 (`1e400` is an integer)."""

# Error kinds: what a caller can branch on (the service maps them onto its problem types).
MALFORMED = "malformed-json"
TOO_DEEP = "json-too-deep"
TOO_LARGE = "case-too-large"


class CaseDecodeError(CaseError):
    """The bytes are not a case the engine can read exactly; `kind` says which limit or rule."""

    def __init__(
        self,
        kind: str,
        message: str,
        title: str = "The case is not valid JSON",
        max_depth: int | None = None,
        reason: str | None = None,
        **params: int,
    ) -> None:
        self.kind = kind
        self.detail = message
        self.max_depth = max_depth  # the limit passed, for `json-too-deep`
        # What broke, as data, for a message in the reader's language: `syntax` (line,
        # column), `utf8` (byte), `surrogate`, `number`; None when `kind` says it all.
        self.reason = reason
        self.params = tuple(params.items())
        super().__init__([CaseProblem("", message, kind=kind)], title=title)


# -- numbers --------------------------------------------------------------------------------
def _number(text: str) -> int | Decimal:
    """A JSON number written with a fraction or an exponent: `int` if integral, else exact."""
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"number with {len(text)} characters is too long")
    value = Decimal(text)  # the JSON grammar (or `read_number`) has matched a finite number
    if value and not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        raise ValueError(f"number {text} is out of range (exponent beyond ±{MAX_EXPONENT})")
    if value == value.to_integral_value():
        return int(value)
    return value


def read_number(text: str) -> int | Decimal:
    """One number in decimal notation, read by the codec's rules (raises ValueError): for
    numbers typed into a form, so they mean what the same number in a JSON case means."""
    try:
        finite = Decimal(text).is_finite()
    except InvalidOperation:
        finite = False
    if not finite:
        raise ValueError(f"{text!r} is not a number")
    return _number(text)


def _integer(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"integer with {len(text)} digits is too long")
    return int(text)


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON: it is not a JSON number")


# -- dates ----------------------------------------------------------------------------------
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: object) -> dt.date:
    """A date as cases, decision dates and `as_of` are written: `YYYY-MM-DD`, a day that exists
    (raises ValueError). Not the other forms `date.fromisoformat` takes (`20250517`,
    `2025-W01-1`): one spelling on every path."""
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not a date written YYYY-MM-DD")
    return dt.date.fromisoformat(text)


# -- decoding -------------------------------------------------------------------------------
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
# A number orjson would read as a float (a digit followed by a point or an exponent), or a run
# of 19 digits (an integer that may leave 64 bits, which orjson also reads as a float). Matches
# inside strings only send a document to the exact reader, which is never wrong, only slower.
_NOT_FAST = re.compile(rb"[0-9][.eE]|[0-9]{19}")
# The same question answered by C loops instead of the regex engine (which costs ~150,000
# instructions on a 700-byte case, more than reading it): digits become "0", [.eE] ".",
# everything else " "; then the two patterns are plain substrings. Checked against the regex
# by a property test.
_NUMBER_SHAPE = bytes(48 if 48 <= b <= 57 else 46 if b in b".eE" else 32 for b in range(256))


def _not_fast(data: bytes) -> bool:
    """`_NOT_FAST.search(data)`, without the regex engine."""
    shape = data.translate(_NUMBER_SHAPE)
    return b"0." in shape or b"0000000000000000000" in shape
_SLOW = object()


def reference_decode(data: str | bytes, max_depth: int | None = MAX_CASE_DEPTH) -> Any:
    """The exact reading of a JSON document under the codec's rules (the standard library's
    parser with exact number hooks). `max_depth` None: the caller checks depth itself."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CaseDecodeError(
                MALFORMED, f"the text is not UTF-8: byte {exc.start} is invalid", reason="utf8", byte=exc.start
            ) from None
    else:
        text = data
    try:
        value = json.loads(text, parse_float=_number, parse_int=_integer, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise CaseDecodeError(
            MALFORMED, f"{exc.msg} at line {exc.lineno} column {exc.colno}", reason="syntax",
            line=exc.lineno, column=exc.colno,
        ) from None
    except RecursionError:
        raise CaseDecodeError(TOO_DEEP, "the JSON nests too deeply") from None
    except ValueError as exc:  # NaN, Infinity, a number beyond the limits
        raise CaseDecodeError(MALFORMED, str(exc), reason="number") from None
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
        raise CaseDecodeError(
            MALFORMED, "a string holds a lone UTF-16 surrogate (\\uD800-\\uDFFF without its pair)",
            reason="surrogate",
        )
    if max_depth is not None:
        check_depth(value, max_depth)
    return value


def _fast_decode(data: bytes, max_depth: int | None) -> Any:
    """orjson's reading of `data` when it provably equals `reference_decode`'s, else `_SLOW`.

    orjson refuses everything the reference refuses (invalid UTF-8, NaN and Infinity, lone
    surrogates, a byte-order mark, 1024 levels of nesting): what it refuses, the reference reads
    again and refuses with its own message. A document cannot be deeper than its count of
    opening brackets, so the depth walk runs only when that count exceeds the limit.
    """
    if not _FAST or _not_fast(data):
        return _SLOW
    try:
        value = _orjson.loads(data)
    except _orjson.JSONDecodeError:
        return _SLOW
    if max_depth is not None and data.count(b"[") + data.count(b"{") > max_depth:
        check_depth(value, max_depth)
    return value


def decode(data: str | bytes, max_depth: int | None = MAX_CASE_DEPTH) -> Any:
    """Read one JSON document under the codec's rules; raise `CaseDecodeError` if it breaks one.

    No size limit here: a caller reading a case alone uses `decode_case`; the service's bodies
    are bounded by its request limits.
    """
    if isinstance(data, bytes):
        value = _fast_decode(data, max_depth)
        if value is not _SLOW:
            return value
    return reference_decode(data, max_depth)


def decode_case(data: str | bytes) -> Any:
    """A case read alone (a file, standard input, a pasted text): size and depth limited."""
    if len(data) > MAX_CASE_BYTES:
        raise CaseDecodeError(
            TOO_LARGE, f"the case is over {MAX_CASE_BYTES:,} bytes", title="The case is too large"
        )
    return decode(data, MAX_CASE_DEPTH)


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


def depth_of(value: Any, limit: int = MAX_CASE_DEPTH) -> int:
    """Levels of nesting of JSON data (objects and arrays; a scalar adds none), stopping early
    past `limit` (iterative: no recursion to exhaust)."""
    if not isinstance(value, dict | list):
        return 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    deepest = 1
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return deepest


def check_depth(value: Any, max_depth: int) -> None:
    """Refuse data nested deeper than `max_depth` levels."""
    if depth_of(value, max_depth) > max_depth:
        raise CaseDecodeError(
            TOO_DEEP, f"the JSON is nested deeper than {max_depth} levels", max_depth=max_depth
        )


# -- encoding -------------------------------------------------------------------------------
def number_text(value: Decimal) -> str:
    """A finite decimal as JSON text: an integral one as its integer, any other as its shortest
    exact decimal in the notation Python writes floats (fixed from 1e-4 to 1e16, else
    `1.5e-05`), so a number a float holds exactly is written as it always was."""
    if value == value.to_integral_value():  # as the integer it decodes to
        return str(int(value))
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits)).lstrip("0")
    if not text:
        return "0"
    stripped = text.rstrip("0")  # exactly: `normalize()` would round to the context's precision
    exponent += len(text) - len(stripped)
    text = stripped
    magnitude = len(text) + exponent - 1  # the power of ten of the first digit
    if -4 <= magnitude < 16:
        if exponent >= 0:
            body = text + "0" * exponent
        elif magnitude >= 0:
            body = text[: magnitude + 1] + "." + text[magnitude + 1 :]
        else:
            body = "0." + "0" * (-magnitude - 1) + text
    else:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        body = f"{mantissa}e{'-' if magnitude < 0 else '+'}{abs(magnitude):02d}"
    return ("-" if sign else "") + body


def encode_json(
    value: Any,
    default: Callable[[Any], Any] | None = None,
    sort_keys: bool = False,
    ascii_only: bool = False,
    indent: int | None = None,
    spaced: bool = False,
) -> str:
    """JSON text of decoded data, decimals as numbers (`number_text`): compact, or indented
    as `json.dumps(indent=…)` writes it. The reference the fast encoders are checked against,
    their fallback, and what pages show a case as."""
    parts: list[str] = []
    _encode(value, parts, _Style(default, sort_keys, ascii_only, indent, spaced), 0)
    return "".join(parts)


def case_text(value: Any, indent: int | None = 2) -> str:
    """A decoded case as readable JSON text (letters kept, decimals exact, spaced as
    `json.dumps` spaces it): decoded again it is the same case."""
    return encode_json(value, indent=indent, spaced=True)


class _Style:
    __slots__ = ("ascii_only", "default", "indent", "sort_keys", "spaced")

    def __init__(
        self,
        default: Callable[[Any], Any] | None,
        sort_keys: bool,
        ascii_only: bool,
        indent: int | None,
        spaced: bool = False,
    ) -> None:
        self.default, self.sort_keys, self.ascii_only = default, sort_keys, ascii_only
        self.indent, self.spaced = indent, spaced


def _encode(value: Any, out: list[str], style: _Style, depth: int) -> None:
    if depth > 1000:
        raise ValueError("the data nests too deeply to encode")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        out.append(number_text(value))
    elif isinstance(value, str) or value is None or isinstance(value, bool | int | float):
        out.append(json.dumps(value, ensure_ascii=style.ascii_only, allow_nan=False))
    elif isinstance(value, dict | list | tuple):
        is_dict = isinstance(value, dict)
        if not value:
            out.append("{}" if is_dict else "[]")
            return
        if style.indent is None:
            comma, inner, outer = (", ", "", "") if style.spaced else (",", "", "")
            colon = ": " if style.spaced else ":"
        else:
            inner = "\n" + " " * (style.indent * (depth + 1))
            outer = "\n" + " " * (style.indent * depth)
            comma, colon = "," + inner, ": "
        out.append(("{" if is_dict else "[") + inner)
        if isinstance(value, dict):
            items = sorted(value.items()) if style.sort_keys else value.items()
            for i, (key, item) in enumerate(items):
                if not isinstance(key, str):
                    raise TypeError("JSON object keys are strings")
                out.append((comma if i else "") + json.dumps(key, ensure_ascii=style.ascii_only) + colon)
                _encode(item, out, style, depth + 1)
        else:
            for i, item in enumerate(value):
                if i:
                    out.append(comma)
                _encode(item, out, style, depth + 1)
        out.append(outer + ("}" if is_dict else "]"))
    elif style.default is not None:
        _encode(style.default(value), out, style, depth)
    else:
        raise TypeError(f"{type(value).__name__} is not JSON data")


def canonical_json(value: Any) -> str:
    """The canonical form of a decoded case (sorted keys, compact, ASCII-escaped, decimals as
    `number_text`): what the decision log's case digest is defined on."""
    return encode_json(value, sort_keys=True, ascii_only=True)


def _fragment(value: Any) -> Any:
    if isinstance(value, Decimal) and value.is_finite():
        return _orjson.Fragment(number_text(value).encode("ascii"))
    raise TypeError(f"{type(value).__name__} is not JSON data")


# Where orjson's spelling may differ from the reference's: a float with an exponent (orjson
# 1e16 against 1e+16), a float below 1e-4 (0.00001 against 1e-05), DEL (escaped only by the
# reference). A document with any of them (in a string too) takes the reference encoder.
_MAY_DIFFER = re.compile(rb"[0-9][eE]|0\.0000|\x7f")
_EXPONENT_SHAPE = bytes(48 if 48 <= b <= 57 else 101 if b in b"eE" else 32 for b in range(256))


def _may_differ(out: bytes) -> bool:
    """`_MAY_DIFFER.search(out)` by C substring searches (see `_not_fast`)."""
    return b"\x7f" in out or b"0.0000" in out or b"0e" in out.translate(_EXPONENT_SHAPE)


def canonical_bytes(value: Any) -> bytes:
    """`canonical_json(value)` as ASCII bytes, by orjson when that provably gives them.

    For decoded cases both write the same bytes (sorted keys, no spaces, the same escapes,
    decimals through `number_text`) as long as the result is ASCII (the reference escapes every
    other character) and holds none of `_MAY_DIFFER`; integers beyond 64 bits make orjson
    refuse. Checked against the reference by a property test.
    """
    if _FAST:
        try:
            out = _orjson.dumps(value, default=_fragment, option=_orjson.OPT_SORT_KEYS)
        except (_orjson.JSONEncodeError, TypeError):
            out = None
        if out is not None and out.isascii() and not _may_differ(out):
            return out
    return canonical_json(value).encode("ascii")


def case_digest(case: Any) -> str:
    """SHA-256 of the decoded case's canonical JSON: the same case, the same digest, whichever
    path (CLI, single, batch, page) read it."""
    return hashlib.sha256(canonical_bytes(case)).hexdigest()
