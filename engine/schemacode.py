"""A case schema compiled to Python source: the yes/no check every decision pays.

Why generated source: jsonschema walks the schema for every case (~160,000 instructions for an
enrollment case, fourteen times the decision itself); a Rust validator pays as much again to
convert the case into its own values; typed decoding (msgspec) cannot state `additionalProperties`
or `format: date` the way jsonschema does. Source written once per schema does only the tests
the schema asks for, in the order a valid case passes them.

What makes it safe, as in the DSL compiler (`engine.dsl.codegen`): every name in the source is
made here (`_v3`, `_f2`, `_k7`), never taken from the schema; property names and other text
enter only as `repr` literals; every other value (numbers, enums, patterns) is a constant in the
function's namespace, never written into the source at all.

What makes it agree with jsonschema (Draft 2020-12 with `engine.casecheck.FORMATS`): each
keyword is read with jsonschema's meaning (types as its type checker has them, `bool` never a
number, a `Decimal` a number, formats other than `date` not checked). Keywords whose meaning is
subtle and that no case schema here uses on a hot path (`const`, a non-text `enum`,
`multipleOf`, `uniqueItems`) are handed to jsonschema itself, one keyword at a time. A schema
this compiler cannot read (a reference outside the document, `$id` below the root) raises
`Unsupported`; the caller then asks jsonschema for the whole case. A property test checks the
agreement on valid and mutated cases (tests/test_schemacode.py).
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft202012Validator

_NUMBERS = frozenset({int, float, Decimal})
_TYPE_CHECKER = Draft202012Validator.TYPE_CHECKER
_ANNOTATIONS = frozenset(
    {"$schema", "$defs", "$comment", "title", "description", "examples", "default"}
)
# Keywords that apply only to one kind of value, by the guard that selects that kind.
_OBJECT = ("required", "properties", "additionalProperties", "minProperties", "maxProperties")
_ARRAY = ("items", "minItems", "maxItems", "uniqueItems")
_STRING = ("minLength", "maxLength", "pattern", "format")
_NUMBER = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_DELEGATED = ("const", "multipleOf", "uniqueItems")
_KNOWN = frozenset(
    {*_ANNOTATIONS, *_OBJECT, *_ARRAY, *_STRING, *_NUMBER, *_DELEGATED,
     "$ref", "$id", "type", "enum", "allOf", "anyOf", "oneOf", "not"}
)


class Unsupported(Exception):
    """The schema uses something this compiler does not translate (jsonschema will)."""


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, numbers.Number)


def _is_type(kind: str) -> Callable[[Any], bool]:
    return lambda value: _TYPE_CHECKER.is_type(value, kind)


class _Compiler:
    def __init__(self, root: Any, date_format: Callable[[Any], bool], known_dates: Any) -> None:
        self.root = root
        self.namespace: dict[str, Any] = {
            "_NUMBERS": _NUMBERS,
            "_is_number": _is_number,
            "_is_integer": _is_type("integer"),
            "_date": date_format,
            "_known_dates": known_dates,
        }
        self.functions: list[list[str]] = []
        self.by_pointer: dict[str, str] = {}
        self.inlining: list[str | None] = []  # the schemas being written out, innermost last
        self.counter = 0

    # -- names and constants (the only way anything from the schema reaches the source) -----
    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"_{prefix}{self.counter}"

    def constant(self, value: Any) -> str:
        name = self.fresh("k")
        self.namespace[name] = value
        return name

    # -- functions ----------------------------------------------------------------------------
    def function_for(self, schema: Any, pointer: str | None = None) -> str:
        """The name of a generated function `(value) -> bool` for `schema`."""
        if pointer is not None and pointer in self.by_pointer:
            return self.by_pointer[pointer]
        name = self.fresh("f")
        if pointer is not None:
            self.by_pointer[pointer] = name  # before the body: a schema may refer to itself
        lines = [f"def {name}(_v0):"]
        self.inlining.append(pointer)
        if pointer == "":  # the whole schema: a value of a kind the fast tests do not expect
            lines.append("    try:")  # raises TypeError, and jsonschema answers for it
            self.emit(schema, "_v0", lines, 2)
            lines.append("    except TypeError:")
            lines.append("        return _reference(_v0)")
        else:
            self.emit(schema, "_v0", lines, 1)
        self.inlining.pop()
        lines.append("    return True")
        self.functions.append(lines)
        return name

    def resolve(self, target: Any) -> tuple[str, Any]:
        """(JSON pointer, schema) a `$ref` names within this schema."""
        if not isinstance(target, str) or not target.startswith("#"):
            raise Unsupported(f"$ref {target!r} leaves the schema")
        node = self.root
        fragment = unquote(target[1:])
        if fragment and not fragment.startswith("/"):
            raise Unsupported(f"$ref {target!r} names an anchor")
        for part in fragment.split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise Unsupported(f"$ref {target!r} does not resolve")
        return fragment, node

    # -- one schema applied to one variable, as statements that return False on failure ------
    def emit(self, schema: Any, var: str, out: list[str], depth: int) -> None:
        pad = "    " * depth
        if schema is True or schema == {}:
            return
        if schema is False:
            out.append(f"{pad}return False")
            return
        if not isinstance(schema, dict):
            raise Unsupported(f"a schema must be an object or a boolean, not {schema!r}")
        unknown = set(schema) - _KNOWN
        if unknown:
            raise Unsupported(f"keywords {sorted(unknown)}")
        if "$id" in schema and schema is not self.root:
            raise Unsupported("$id below the root")

        kinds: set[str] | None
        if schema.get("type") == "string" and self.implies_text(schema):
            kinds = {"string"}  # the enum or the date test refuses anything but text
        else:
            kinds = self.emit_type(schema.get("type"), var, out, pad)
        if "enum" in schema:
            self.emit_enum(schema["enum"], var, out, pad)
        for keyword in _DELEGATED:
            if keyword in schema:
                check = self.constant(Draft202012Validator({keyword: schema[keyword]}).is_valid)
                out.append(f"{pad}if not {check}({var}):")
                out.append(f"{pad}    return False")
        if "$ref" in schema:
            pointer, target = self.resolve(schema["$ref"])
            if pointer in self.inlining:  # a schema within itself: a call, so it can recurse
                out.append(f"{pad}if not {self.function_for(target, pointer)}({var}):")
                out.append(f"{pad}    return False")
            else:  # written out in place: a call costs more than most checks
                self.inlining.append(pointer)
                self.emit(target, var, out, depth)
                self.inlining.pop()
        for sub in _subschemas(schema, "allOf") if "allOf" in schema else ():
            self.emit(sub, var, out, depth)
        if "anyOf" in schema:
            calls = " or ".join(f"{self.function_for(s)}({var})" for s in _subschemas(schema, "anyOf"))
            out.append(f"{pad}if not ({calls}):")
            out.append(f"{pad}    return False")
        if "oneOf" in schema:
            calls = ", ".join(f"{self.function_for(s)}({var})" for s in _subschemas(schema, "oneOf"))
            out.append(f"{pad}if [{calls}].count(True) != 1:")
            out.append(f"{pad}    return False")
        if "not" in schema:
            out.append(f"{pad}if {self.function_for(schema['not'])}({var}):")
            out.append(f"{pad}    return False")

        for group, guard, emitter in (
            (_OBJECT, f"isinstance({var}, dict)", self.emit_object),
            (_ARRAY, f"isinstance({var}, list)", self.emit_array),
            (_STRING, f"isinstance({var}, str)", self.emit_string),
            (_NUMBER, f"_is_number({var})", self.emit_number),
        ):
            if not any(k in schema for k in group if k not in _DELEGATED):
                continue
            kind = emitter.__name__.removeprefix("emit_")
            if kinds is not None and kinds == {kind}:
                emitter(schema, var, out, depth)  # the type check above already holds
            elif kinds is None or kind in kinds:
                body: list[str] = []
                emitter(schema, var, body, depth + 1)
                if body:
                    out.append(f"{pad}if {guard}:")
                    out.extend(body)

    @staticmethod
    def implies_text(schema: dict[str, Any]) -> bool:
        """Whether the schema's own tests refuse every value that is not text.

        A text-only `enum` does (`x in frozenset_of_texts` is false for other hashable values
        and raises TypeError for lists and objects, which sends the case to jsonschema); so
        does `format: date` with no other string keyword (`_date` raises TypeError)."""
        text_enum = isinstance(schema.get("enum"), list) and schema["enum"] and all(
            type(v) is str for v in schema["enum"]
        )
        others = [k for k in _STRING if k in schema and k != "format"]
        return bool(text_enum) or (schema.get("format") == "date" and not others)

    def emit_type(self, declared: Any, var: str, out: list[str], pad: str) -> set[str] | None:
        """The type test; returns the value kinds left ("object", "number", ...) or None."""
        if declared is None:
            return None
        names = declared if isinstance(declared, list) else [declared]
        tests: list[str] = []
        kinds: set[str] = set()
        for name in names:
            test = {
                "object": f"({var}.__class__ is dict or isinstance({var}, dict))",
                "array": f"({var}.__class__ is list or isinstance({var}, list))",
                "string": f"({var}.__class__ is str or isinstance({var}, str))",
                "boolean": f"({var} is True or {var} is False)",
                "null": f"{var} is None",
                "number": f"(type({var}) in _NUMBERS or _is_number({var}))",
                "integer": f"(type({var}) is int or _is_integer({var}))",
            }.get(name) if isinstance(name, str) else None
            if test is None or not isinstance(name, str):
                raise Unsupported(f"type {name!r}")
            tests.append(test)
            kinds.add({"integer": "number", "boolean": "other", "null": "other"}.get(name, name))
        out.append(f"{pad}if not ({' or '.join(tests)}):")
        out.append(f"{pad}    return False")
        return kinds

    def emit_enum(self, values: Any, var: str, out: list[str], pad: str) -> None:
        if isinstance(values, list) and values and all(type(v) is str for v in values):
            allowed = self.constant(frozenset(values))  # a list or an object raises TypeError
            out.append(f"{pad}if {var} not in {allowed}:")
        else:  # numbers, booleans, null, objects: jsonschema's own equality
            check = self.constant(Draft202012Validator({"enum": values}).is_valid)
            out.append(f"{pad}if not {check}({var}):")
        out.append(f"{pad}    return False")

    def emit_object(self, schema: dict[str, Any], var: str, out: list[str], depth: int) -> None:
        pad = "    " * depth
        required = schema.get("required", [])
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            raise Unsupported("required must list property names")
        properties = schema.get("properties", {})
        if not isinstance(properties, dict) or not all(isinstance(p, str) for p in properties):
            raise Unsupported("properties must map property names to schemas")
        if required:
            out.append(f"{pad}if not {var}.keys() >= {self.constant(frozenset(required))}:")
            out.append(f"{pad}    return False")
        self.emit_sizes(schema, ("minProperties", "maxProperties"), var, out, pad)
        extra = schema.get("additionalProperties", True)
        if extra is False:
            out.append(f"{pad}if not {var}.keys() <= {self.constant(frozenset(properties))}:")
            out.append(f"{pad}    return False")
        elif extra is not True and extra != {}:
            item, key = self.fresh("v"), self.fresh("v")
            known = self.constant(frozenset(properties))
            out.append(f"{pad}for {key}, {item} in {var}.items():")
            out.append(f"{pad}    if {key} not in {known}:")
            body: list[str] = []
            self.emit(extra, item, body, depth + 2)
            out.extend(body or [f"{pad}        pass"])
        for name, sub in properties.items():
            if sub is True or sub == {}:
                continue
            item = self.fresh("v")
            body = []
            if name in required:
                out.append(f"{pad}{item} = {var}[{name!r}]")
                self.emit(sub, item, out, depth)
                continue
            self.emit(sub, item, body, depth + 1)
            out.append(f"{pad}if {name!r} in {var}:")
            out.append(f"{pad}    {item} = {var}[{name!r}]")
            out.extend(body)

    def emit_sizes(
        self, schema: dict[str, Any], keywords: tuple[str, str], var: str, out: list[str], pad: str
    ) -> None:
        """`len(value)` against the (lowest, highest) size keywords the schema gives."""
        for keyword, op in zip(keywords, ("<", ">"), strict=True):
            if keyword in schema:
                out.append(f"{pad}if len({var}) {op} {self.constant(schema[keyword])}:")
                out.append(f"{pad}    return False")

    def emit_array(self, schema: dict[str, Any], var: str, out: list[str], depth: int) -> None:
        pad = "    " * depth
        self.emit_sizes(schema, ("minItems", "maxItems"), var, out, pad)
        items = schema.get("items", True)
        if items is True or items == {}:
            return
        if not isinstance(items, dict | bool):
            raise Unsupported("items as an array (prefixItems in Draft 2020-12)")
        item = self.fresh("v")
        body: list[str] = []
        self.emit(items, item, body, depth + 1)
        out.append(f"{pad}for {item} in {var}:")
        out.extend(body)

    def emit_string(self, schema: dict[str, Any], var: str, out: list[str], depth: int) -> None:
        pad = "    " * depth
        self.emit_sizes(schema, ("minLength", "maxLength"), var, out, pad)
        if "pattern" in schema:
            pattern = self.constant(re.compile(schema["pattern"]))
            out.append(f"{pad}if {pattern}.search({var}) is None:")
            out.append(f"{pad}    return False")
        if schema.get("format") == "date":  # the only format case schemas have checked
            out.append(f"{pad}if {var} not in _known_dates and not _date({var}):")
            out.append(f"{pad}    return False")

    def emit_number(self, schema: dict[str, Any], var: str, out: list[str], depth: int) -> None:
        pad = "    " * depth
        bounds = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
        for keyword in bounds:
            if keyword in schema and not _is_number(schema[keyword]):
                raise Unsupported(f"{keyword} {schema[keyword]!r} is not a number")
        if "minimum" in schema and "maximum" in schema:  # the common case, one test
            low, high = self.constant(schema["minimum"]), self.constant(schema["maximum"])
            out.append(f"{pad}if not ({low} <= {var} <= {high}):")
            out.append(f"{pad}    return False")
            schema = {k: v for k, v in schema.items() if k not in ("minimum", "maximum")}
        for keyword, op in (
            ("minimum", "<"),
            ("maximum", ">"),
            ("exclusiveMinimum", "<="),
            ("exclusiveMaximum", ">="),
        ):
            if keyword in schema:
                out.append(f"{pad}if {var} {op} {self.constant(schema[keyword])}:")
                out.append(f"{pad}    return False")


def _subschemas(schema: dict[str, Any], keyword: str) -> list[Any]:
    subs = schema.get(keyword, [])
    if not isinstance(subs, list) or not subs:
        raise Unsupported(f"{keyword} must be a non-empty array")
    return subs


def compile_schema(
    schema: Any,
    date_format: Callable[[Any], bool],
    known_dates: Any = frozenset(),
    format_checker: Any = None,
) -> tuple[Callable[[Any], bool], str]:
    """`(is_valid, source)` for `schema`; raises `Unsupported` for what it cannot translate.

    `date_format(text) -> bool` is the `date` format check (the one jsonschema is given);
    `known_dates` holds texts it has already accepted, tested first (a set lookup);
    `format_checker` is jsonschema's, for the cases the fast tests hand over (TypeError)."""
    compiler = _Compiler(schema, date_format, known_dates)
    compiler.namespace["_reference"] = Draft202012Validator(schema, format_checker=format_checker).is_valid
    entry = compiler.function_for(schema, "")
    source = "\n\n".join("\n".join(lines) for lines in reversed(compiler.functions)) + "\n"
    namespace = compiler.namespace
    exec(compile(source, "<ereje case schema>", "exec"), namespace)
    return namespace[entry], source
