"""The case codec: one reading of case JSON, its fast path equal to its exact reference.

The service reads cases with orjson where that provably gives the exact reading; these
properties generate JSON texts (decimals, float-valued integers, exponents, long integers,
strings that look like numbers) and require the fast path to answer as the reference does.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import casecodec
from engine.casecodec import CaseDecodeError, decode, reference_decode

# Numbers as JSON text, written the ways callers write them.
_number_text = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=None).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers(-(10**6), 10**6).map(lambda n: f"{n}.0"),
    st.tuples(st.integers(-999, 999), st.integers(-30, 30)).map(lambda t: f"{t[0]}e{t[1]}"),
    st.sampled_from(["2025.0", "1e3", "1E3", "-0", "-0.0", "2.90", "0.1", "1e400", "1e-400",
                     "18446744073709551616", "9" * 41, "1" + "0" * 39, "1e1001"]),
)
_string = st.text(max_size=8) | st.sampled_from(["2.5", "1e3", "d99", "2025-01-01", "\x7f"])


@st.composite
def _json_text(draw: st.DrawFn) -> str:
    def value(depth: int) -> str:
        kind = draw(st.integers(0, 5 if depth < 4 else 2))
        if kind == 0:
            return draw(_number_text)
        if kind == 1:
            return json.dumps(draw(_string))
        if kind == 2:
            return draw(st.sampled_from(["true", "false", "null"]))
        if kind == 3:
            return "[" + ",".join(value(depth + 1) for _ in range(draw(st.integers(0, 3)))) + "]"
        keys = draw(st.lists(_string, max_size=3))
        return "{" + ",".join(f"{json.dumps(k)}:{value(depth + 1)}" for k in keys) + "}"

    return value(0)


def _result(data: bytes, reader, max_depth: int | None) -> tuple[str, object]:
    try:
        return "ok", reader(data, max_depth)
    except CaseDecodeError as exc:
        return "refused", (exc.kind, exc.detail)


def _same(a: object, b: object) -> bool:
    """Equal and of the same type all the way down (1 is not 1.0, nor True)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return a == b


@settings(max_examples=500, deadline=None)
@given(_json_text(), st.sampled_from([None, 2, 32]))
def test_fast_path_equals_the_reference(text: str, max_depth: int | None) -> None:
    data = text.encode("utf-8", "surrogatepass")
    fast = _result(data, decode, max_depth)
    slow = _result(data, reference_decode, max_depth)
    assert fast[0] == slow[0]
    assert _same(fast[1], slow[1]) if fast[0] == "ok" else fast[1] == slow[1]


def _no_float(value: object) -> bool:
    if isinstance(value, float):
        return False
    if isinstance(value, list):
        return all(_no_float(v) for v in value)
    if isinstance(value, dict):
        return all(_no_float(v) for v in value.values())
    return True


@settings(max_examples=300, deadline=None)
@given(_json_text())
def test_a_decoded_case_never_holds_a_float(text: str) -> None:
    try:
        value = decode(text.encode())
    except CaseDecodeError:
        return
    assert _no_float(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025", 2025),
        ("2025.0", 2025),
        ("2025.000", 2025),
        ("1e3", 1000),
        ("1E+3", 1000),
        ("-0.0", 0),
        ("2.9", Decimal("2.9")),
        ("2.90", Decimal("2.90")),
        ("0.1", Decimal("0.1")),
        ("1e-3", Decimal("0.001")),
        ("12345678901234567890123", 12345678901234567890123),
    ],
)
def test_numbers_integral_values_are_int_others_exact_decimals(text: str, expected: object) -> None:
    for data in (text, text.encode()):
        got = decode(data)
        assert type(got) is type(expected) and got == expected
        wrapped = decode(f'{{"n": [{text}]}}'.encode())["n"][0]
        assert type(wrapped) is type(expected) and wrapped == expected


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("NaN", "not a JSON number"),
        ("[Infinity]", "not a JSON number"),
        ("-Infinity", "not a JSON number"),
        ("1e1001", "out of range"),
        ("1" * 41, "too long"),
        ('"\\ud800"', "surrogate"),
        ("{", "line 1 column 2"),
        (b"\xff", "not UTF-8"),
    ],
)
def test_refusals(text: str | bytes, phrase: str) -> None:
    data = text if isinstance(text, bytes) else text.encode()
    with pytest.raises(CaseDecodeError) as caught:
        decode(data)
    assert phrase in caught.value.detail and caught.value.kind == casecodec.MALFORMED


def test_limits_depth_and_size() -> None:
    nested = "[" * (casecodec.MAX_CASE_DEPTH + 1) + "]" * (casecodec.MAX_CASE_DEPTH + 1)
    with pytest.raises(CaseDecodeError) as caught:
        casecodec.decode_case(nested)
    assert caught.value.kind == casecodec.TOO_DEEP
    assert casecodec.decode_case("[" * casecodec.MAX_CASE_DEPTH + "]" * casecodec.MAX_CASE_DEPTH)
    with pytest.raises(CaseDecodeError) as caught:
        casecodec.decode_case(b" " * (casecodec.MAX_CASE_BYTES + 1))
    assert caught.value.kind == casecodec.TOO_LARGE


@settings(max_examples=300, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=None))
def test_number_text_is_exact_and_writes_floats_as_python_does(value: Decimal) -> None:
    text = casecodec.number_text(value)
    assert Decimal(text) == value
    as_float = float(value)
    if value != value.to_integral_value() and Decimal(repr(as_float)) == value:
        assert text == repr(as_float)


_decoded = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70)
    | st.decimals(allow_nan=False, allow_infinity=False, places=None) | _string,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_string, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_decoded)
def test_canonical_bytes_is_the_reference_and_reads_back(value: object) -> None:
    out = casecodec.canonical_bytes(value)
    assert out == casecodec.canonical_json(value).encode("ascii")
    try:
        again = reference_decode(out, None)
    except CaseDecodeError:  # a number beyond the codec's limits: no case holds it
        return
    assert casecodec.canonical_bytes(again) == out  # read back, the same digest


_SHAPE_BYTES = st.binary(max_size=60) | st.lists(
    st.sampled_from([b"0", b"7", b"9", b".", b"e", b"E", b"\x7f", b"0.0000", b"1e", b"x", b" "]), max_size=30
).map(b"".join)


@settings(max_examples=2000, deadline=None)
@given(_SHAPE_BYTES)
def test_the_byte_scans_answer_as_their_regexes(data: bytes) -> None:
    """The fast path's guards are C substring searches standing for two regexes: same answer."""
    assert casecodec._not_fast(data) == bool(casecodec._NOT_FAST.search(data))
    assert casecodec._may_differ(data) == bool(casecodec._MAY_DIFFER.search(data))
