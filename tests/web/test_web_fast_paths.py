"""The service's fast paths agree with the reference paths they stand in for.

Each fast path (orjson where the standard library defines the behaviour) must give the same
answer as the reference on every input, or hand the input to the reference: these properties
compare the two on generated JSON, including the corners where the encoders differ.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from web.bodies import parse
from web.jsonio import canonical_json
from web.problems import Problem
from web.store import case_digest

_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["\x7f", "\x00\x1f", "2e5", "0.00001", "қазақ", "😀", "\ud800"]
)
_numbers = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([1e-5, 1.5e16, 1e15, 0.0001, -0.0, 2**64, -(2**63) - 1])
    | st.decimals(allow_nan=False, allow_infinity=False, places=None)
)
_json = st.recursive(
    st.none() | st.booleans() | _numbers | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


def _reference_digest(value: object) -> str:
    import hashlib

    return hashlib.sha256(canonical_json(value).encode("ascii")).hexdigest()


@settings(max_examples=400, deadline=None)
@given(_json)
def test_case_digest_is_the_reference_digest(value: object) -> None:
    assert case_digest(value) == _reference_digest(value)


def _reference_parse(data: bytes, max_depth: int | None) -> object:
    """The exact reader alone: the fast path not consulted."""
    from engine import casecodec
    from web.bodies import problem_of

    try:
        return casecodec.reference_decode(data, max_depth)
    except casecodec.CaseDecodeError as exc:
        raise problem_of(exc) from None


def _outcome(data: bytes, max_depth: int | None, parser) -> tuple[str, object]:
    try:
        return "ok", parser(data, max_depth)
    except Problem as problem:
        return "refused", problem.to_dict()


def _same(a: object, b: object) -> bool:
    """Equal as JSON data, telling 1 from 1.0 and True from 1, and -0.0 from 0.0."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)  # no NaN in JSON
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return a == b


@settings(max_examples=400, deadline=None)
@given(_json, st.sampled_from([None, 1, 3, 64]))
def test_parse_agrees_with_the_strict_parser(value: object, max_depth: int | None) -> None:
    from engine.casecodec import encode_json

    data = encode_json(value).encode("utf-8", "surrogatepass")
    fast = _outcome(data, max_depth, parse)
    slow = _outcome(data, max_depth, _reference_parse)
    assert fast[0] == slow[0]
    if fast[0] == "ok":
        assert _same(fast[1], slow[1])
    else:
        assert fast[1] == slow[1]


@pytest.mark.parametrize(
    "data",
    [
        b'"\\ud800"', b"123456789012345678901234567890", b"1e400", b"\xef\xbb\xbf{}",
        b"[" * 70 + b"]" * 70, b'{"a": NaN}', b'"\x01"', b"\xff", b'{"a":1,"a":2}',
        b"18446744073709551616", b"-0", b'"\\u0000"',
    ],
)
def test_parse_corners_agree(data: bytes) -> None:
    fast = _outcome(data, 64, parse)
    slow = _outcome(data, 64, _reference_parse)
    assert fast[0] == slow[0]
    assert _same(fast[1], slow[1]) if fast[0] == "ok" else fast[1] == slow[1]


def test_no_page_route_lies_under_the_api_prefix(app) -> None:
    from web.pages.site import API_PREFIX

    pages = app.extensions["ereje.pages"]
    rules = [r.rule for r in pages.url_map.iter_rules()]
    assert rules and not [r for r in rules if r.startswith(API_PREFIX)]
    api_rules = [r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/v1")]
    assert api_rules and all(r.startswith(API_PREFIX) for r in api_rules)
