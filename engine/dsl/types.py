"""Types of the clause language, and how a decision's case schema maps onto them.

A fact's type comes from the case schema (JSON Schema): `type`, `format: date`, `enum`,
`properties`/`required`, `items`, local `$ref`s. A fact is *nullable* when it may be absent or
`null` in a valid case; the checker tracks nullability so the compiler can drop missing-value
checks wherever the schema guarantees a value.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

BOOL, INT, DECIMAL, STRING, DATE, DURATION, LIST, OBJECT, SET = (
    "bool",
    "int",
    "decimal",
    "string",
    "date",
    "duration",
    "list",
    "object",
    "set",
)
NUMERIC = (INT, DECIMAL)


@dataclass(frozen=True)
class Ty:
    kind: str
    elem: Ty | None = None
    fields: tuple[tuple[str, Ty], ...] | None = None
    enum: frozenset[str] | None = None
    nullable: bool = False
    working: bool = False  # a duration in working days

    def field(self, name: str) -> Ty | None:
        for key, ty in self.fields or ():
            if key == name:
                return ty
        return None

    def field_names(self) -> list[str]:
        return [k for k, _ in self.fields or ()]

    def with_nullable(self, nullable: bool) -> Ty:
        return self if self.nullable == nullable else replace(self, nullable=nullable)

    def a(self) -> str:
        """The type with its article, for messages: "an integer", "a date"."""
        text = self.describe()
        return ("an " if text[:1] in "aeiou" else "a ") + text

    def describe(self) -> str:
        if self.kind == LIST and self.elem is not None:
            text = f"list of {self.elem.describe()}"
        elif self.kind == SET and self.elem is not None:
            text = f"set of {self.elem.describe()}"
        elif self.kind == DURATION:
            text = "duration in working days" if self.working else "duration"
        elif self.kind == INT:
            text = "integer"
        else:
            text = self.kind
        return text


T_BOOL, T_INT, T_DECIMAL, T_STRING, T_DATE = Ty(BOOL), Ty(INT), Ty(DECIMAL), Ty(STRING), Ty(DATE)


class SchemaShapeError(ValueError):
    """The case schema uses a construct the type checker cannot map to a fact type."""

    def __init__(self, pointer: str, message: str) -> None:
        self.pointer = pointer
        super().__init__(message)


def schema_type(
    schema: dict[str, Any], root: dict[str, Any] | None = None, pointer: str = "", depth: int = 0
) -> Ty:
    """The `Ty` of a JSON Schema (a subset: the one case schemas are written in)."""
    root = root if root is not None else schema
    if depth > 32:
        raise SchemaShapeError(pointer, "case schema nests too deeply (or has a $ref cycle)")
    if "$ref" in schema:
        ref = schema["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise SchemaShapeError(pointer, f"only local $refs like '#/$defs/name' are allowed, not {ref!r}")
        target: Any = root
        for part in ref[2:].split("/"):
            if not isinstance(target, dict) or part not in target:
                raise SchemaShapeError(pointer, f"$ref {ref!r} points nowhere")
            target = target[part]
        return schema_type(target, root, pointer, depth + 1)
    types = schema.get("type")
    nullable = False
    if isinstance(types, list):
        nullable = "null" in types
        rest = [t for t in types if t != "null"]
        if len(rest) != 1:
            raise SchemaShapeError(pointer, f"a fact has one type (plus optional null), not {types}")
        types = rest[0]
    if "enum" in schema and types in (None, "string"):
        values = [v for v in schema["enum"] if v is not None]
        nullable = nullable or None in schema["enum"]
        if not all(isinstance(v, str) for v in values):
            raise SchemaShapeError(pointer, "enum values must be strings")
        return Ty(STRING, enum=frozenset(values), nullable=nullable)
    if "const" in schema and isinstance(schema["const"], str):
        return Ty(STRING, enum=frozenset([schema["const"]]), nullable=nullable)
    match types:
        case "boolean":
            return Ty(BOOL, nullable=nullable)
        case "integer":
            return Ty(INT, nullable=nullable)
        case "number":
            return Ty(DECIMAL, nullable=nullable)
        case "string":
            if schema.get("format") == "date":
                return Ty(DATE, nullable=nullable)
            return Ty(STRING, nullable=nullable)
        case "array":
            items = schema.get("items")
            if not isinstance(items, dict):
                raise SchemaShapeError(pointer, "an array fact needs an 'items' schema")
            elem = schema_type(items, root, pointer + "/items", depth + 1)
            return Ty(LIST, elem=elem, nullable=nullable)
        case "object":
            props = schema.get("properties", {})
            required = set(schema.get("required", []))
            fields = []
            for name, sub in props.items():
                ty = schema_type(sub, root, f"{pointer}/properties/{name}", depth + 1)
                if name not in required:
                    ty = ty.with_nullable(True)
                fields.append((name, ty))
            return Ty(OBJECT, fields=tuple(fields), nullable=nullable)
    raise SchemaShapeError(
        pointer,
        f"cannot type this schema (type {types!r}); "
        "use boolean, integer, number, string (format date), array or object",
    )
