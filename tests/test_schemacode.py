"""The compiled case check (`engine.schemacode`) answers as jsonschema does, case by case.

Property tests: cases built to satisfy each decision's case schema, the same cases mutated
(a value replaced, a key dropped or added, a number made a `Decimal`), and random JSON values
against small schemas using every keyword case schemas may use.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from engine import load_library
from engine.casecheck import FORMATS, CaseValidator, _date_format
from engine.errors import CaseError
from engine.schemacode import Unsupported, compile_schema

ROOT = Path(__file__).resolve().parents[1]


def _schemas() -> dict[str, Any]:
    library = load_library(ROOT / "policies")
    return {
        f"{act_id}/{name}": spec.case_schema
        for act_id, act in library.acts.items()
        for name, spec in act.decisions.items()
    }


SCHEMAS = _schemas()


def _agree(schema: Any, instance: Any) -> None:
    expected = Draft202012Validator(schema, format_checker=FORMATS).is_valid(instance)
    compiled, source = compile_schema(schema, _date_format, format_checker=FORMATS)
    assert compiled(instance) is expected, (instance, source)


# -- values satisfying a schema (the keywords case schemas use) ------------------------------
def _resolve(root: dict[str, Any], ref: str) -> Any:
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


_DATES = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)).map(dt.date.isoformat)


def valid(root: dict[str, Any], schema: Any) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        return valid(root, _resolve(root, schema["$ref"]))
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        required = {k: valid(root, props[k]) for k in schema.get("required", [])}
        optional = {k: valid(root, s) for k, s in props.items() if k not in required}
        return st.fixed_dictionaries(required, optional=optional)
    if kind == "array":
        return st.lists(valid(root, schema.get("items", {"type": "string"})),
                        max_size=min(3, schema.get("maxItems", 3)))
    if kind == "string":
        if schema.get("format") == "date":
            return _DATES
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True)
        return st.text(max_size=min(12, schema.get("maxLength", 12)))
    if kind in ("number", "integer"):
        low, high = schema.get("minimum", -1000), schema.get("maximum", 1000)
        ints = st.integers(low, high)
        if kind == "integer":
            return ints
        return ints | st.decimals(low, high, places=3, allow_nan=False).filter(
            lambda d: d != d.to_integral_value()
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    return st.none()


JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-100, 100)
    | st.decimals(-100, 100, places=2, allow_nan=False, allow_infinity=False)
    | st.floats(-100, 100, allow_nan=False)
    | st.text(max_size=6)
    | _DATES
    | st.sampled_from(["2025-02-30", "2025-01-01\n", "2025-1-01", "rules.18.3", "other", ""])
)
JSON = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)


def _paths(value: Any, here: tuple = ()) -> list[tuple]:
    out = [here]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_paths(item, (*here, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(_paths(item, (*here, index)))
    return out


@st.composite
def mutated(draw: st.DrawFn, root: dict[str, Any]) -> Any:
    case = draw(valid(root, root))
    for _ in range(draw(st.integers(1, 2))):
        path = draw(st.sampled_from(_paths(case)))
        if not path:
            continue
        parent = case
        for step in path[:-1]:
            parent = parent[step]
        how = draw(st.sampled_from(["replace", "drop", "add", "number"]))
        last = path[-1]
        if how == "replace":
            parent[last] = draw(JSON)
        elif how == "drop" and isinstance(parent, dict):
            del parent[last]
        elif how == "drop":
            parent.pop(last)
        elif how == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=5))] = draw(JSON)
        elif how == "number":
            parent[last] = draw(st.decimals(-5, 100, places=4, allow_nan=False) | st.integers(-5, 100))
    return case


@pytest.mark.parametrize("name", sorted(SCHEMAS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_valid_cases_agree(name: str, data: st.DataObject) -> None:
    schema = SCHEMAS[name]
    case = data.draw(valid(schema, schema))
    assert Draft202012Validator(schema, format_checker=FORMATS).is_valid(case)
    _agree(schema, case)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_cases_agree(name: str, data: st.DataObject) -> None:
    schema = SCHEMAS[name]
    _agree(schema, data.draw(mutated(schema)))


# -- every keyword, on random JSON -----------------------------------------------------------
KEYWORD_SCHEMAS = [
    {"type": "integer", "minimum": 0, "exclusiveMaximum": 10},
    {"type": ["string", "null"], "minLength": 1, "maxLength": 3},
    {"type": "number", "multipleOf": 2, "exclusiveMinimum": -2},
    {"multipleOf": 3, "maximum": 50},
    {"enum": [1, "1", True, None, [1, 2], {"a": 1}]},
    {"const": 0},
    {"const": {"a": [True]}},
    {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 2, "uniqueItems": True},
    {"uniqueItems": True},
    {"type": "object", "minProperties": 1, "maxProperties": 2,
     "additionalProperties": {"type": "boolean"}, "properties": {"a": {"type": "string"}}},
    {"required": ["a"], "properties": {"a": {"format": "date"}}},
    {"anyOf": [{"type": "string", "pattern": "^[a-z]+$"}, {"type": "integer"}]},
    {"oneOf": [{"type": "number"}, {"type": "integer"}]},
    {"not": {"type": ["object", "array"]}},
    {"allOf": [{"type": "string"}, {"format": "date"}], "format": "email"},
    {"$defs": {"node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}},
                        "additionalProperties": False}},
     "$ref": "#/$defs/node"},
    {"type": "object", "properties": {"x": False, "y": True}},
    {"items": False},
    {"pattern": "a$"},
]


@pytest.mark.parametrize("schema", KEYWORD_SCHEMAS, ids=lambda s: re.sub(r"\W+", "-", str(s))[:60])
@settings(max_examples=100, deadline=None)
@given(instance=JSON)
def test_every_keyword_agrees(schema: dict[str, Any], instance: Any) -> None:
    _agree(schema, instance)


def test_pattern_end_of_line_reads_as_python_does() -> None:
    _agree({"pattern": "a$"}, "a\n")  # Python's `$` matches before a final newline


def test_schema_text_never_becomes_code() -> None:
    hostile = "x'] or __import__('os').system('true') or v['"
    schema = {"type": "object", "required": [hostile], "properties": {hostile: {"enum": [hostile]}},
              "additionalProperties": False}
    compiled, source = compile_schema(schema, _date_format)
    assert "__import__" not in source.replace(repr(hostile), "")
    assert compiled({hostile: hostile}) is True
    assert compiled({hostile: "other"}) is False


@pytest.mark.parametrize(
    "schema",
    [{"$ref": "https://example.org/schema"}, {"properties": {"a": {"$id": "x", "type": "string"}}},
     {"$ref": "#anchor"}, {"type": "object", "propertyNames": {"maxLength": 2}}],
)
def test_what_it_cannot_read_is_left_to_jsonschema(schema: dict[str, Any]) -> None:
    with pytest.raises(Unsupported):
        compile_schema(schema, _date_format)


def test_validator_falls_back_to_jsonschema() -> None:
    validator = CaseValidator({"type": "object", "properties": {"a": {"$id": "x", "type": "string"}}})
    assert validator.is_valid({"a": "text"})
    with pytest.raises(CaseError):
        validator.check({"a": 1})
