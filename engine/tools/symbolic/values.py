"""Symbolic values of the clause language, and the symbolic case a case schema describes.

Every value is a pair: whether it is present (the language's "missing" is a value that is not)
and what it is, as a z3 term of its type:

| type | term |
|---|---|
| boolean | Bool |
| integer | Int |
| decimal | Real (exact rationals, as the engine's decimals are exact) |
| date | Int, the day number (`engine.tools.symbolic.dates`) |
| string | Int, a code: `StringTable` numbers every string a rule or schema names; any other code is a string no rule names (`other-<code>` in a witness) |
| list | a length (0..K) and K element values; elements past the length are ignored |
| object | its fields, each with its own presence |

`SymbolicCase` builds the values of a case from a decision's case schema (its types, `required`,
nullable types, `enum`, `minimum`/`maximum`, `maxItems`, finite `pattern`s), turns a solver
model back into a case (`concrete`) and a case into constraints (`bind`, for the tests that
compare the encoding with the compiled engine).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import z3

from .dates import ordinal

TRUE = z3.BoolVal(True)
FALSE = z3.BoolVal(False)


class Unsupported(Exception):
    """A construct the symbolic semantics does not cover: the caller reports it, never guesses."""


@dataclass(eq=False)
class Scalar:
    kind: str  # bool | int | decimal | string | date
    present: z3.BoolRef
    value: z3.ExprRef


@dataclass(eq=False)
class Obj:
    present: z3.BoolRef
    fields: dict[str, Any]


@dataclass(eq=False)
class Lst:
    present: z3.BoolRef
    length: z3.ArithRef
    items: list[Any]


@dataclass(eq=False)
class SetV:
    items: list[Any]


@dataclass(eq=False)
class Dur:
    amount: int
    unit: str  # years | months | weeks | days | working_days


def kind_of(value: Any) -> str:
    if isinstance(value, Scalar):
        return value.kind
    return {Obj: "object", Lst: "list", SetV: "set", Dur: "duration"}[type(value)]


class StringTable:
    """A code per string the rules and schemas name; other codes stand for other strings."""

    PREFIX = "other-"

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.texts: dict[int, str] = {}

    def code(self, text: str) -> int:
        found = self.codes.get(text)
        if found is None:
            found = self.codes[text] = len(self.codes)
            self.texts[found] = text
        return found

    def text(self, code: int) -> str:
        known = self.texts.get(code)
        if known is not None:
            return known
        candidate = f"{self.PREFIX}{code}"
        while candidate in self.codes:
            candidate += "-"
        return candidate


# ---- schema → symbolic case --------------------------------------------------------------------


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema:
        target: Any = root
        for part in str(schema["$ref"])[2:].split("/"):
            target = target[part]
        schema = target
        seen += 1
        if seen > 32:
            raise Unsupported("a $ref cycle in the case schema")
    return schema


def resolve_all(schema: Any, root: dict[str, Any] | None = None, depth: int = 0) -> Any:
    """The schema with every local $ref replaced by its target (case schemas are trees)."""
    root = schema if root is None else root
    if depth > 40:
        raise Unsupported("the case schema nests too deeply")
    if isinstance(schema, dict):
        schema = _resolve(schema, root)
        return {k: resolve_all(v, root, depth + 1) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [resolve_all(v, root, depth + 1) for v in schema]
    return schema


def _types(schema: dict[str, Any]) -> tuple[str | None, bool]:
    """(the non-null type, whether null is allowed)."""
    types = schema.get("type")
    nullable = False
    if isinstance(types, list):
        nullable = "null" in types
        rest = [t for t in types if t != "null"]
        types = rest[0] if len(rest) == 1 else None
    if "enum" in schema:
        nullable = nullable or None in schema["enum"]
        types = types or "string"
    if "const" in schema:
        types = types or "string"
    return types, nullable


def merge_schemas(a: Any, b: Any) -> Any:
    """One schema whose cases are valid under both (resolved) schemas, as far as facts go.

    A fact only one of them declares stays (the other edition does not see it: the engine
    compares editions on the case each schema keeps). Declared by both: required by either,
    null only if both allow it, the enum values both allow, the tighter bounds.
    """
    if a is None:
        return b
    if b is None:
        return a
    ta, na = _types(a)
    tb, nb = _types(b)
    if ta != tb or (a.get("format") == "date") != (b.get("format") == "date"):
        raise Unsupported(f"a fact has a different type in the two editions ({ta} vs {tb})")
    out = dict(a)
    out.update({k: v for k, v in b.items() if k not in out})
    if ta is not None:
        out["type"] = [ta, "null"] if na and nb else ta
    if "enum" in a or "enum" in b:
        ea = a.get("enum", b.get("enum"))
        eb = b.get("enum", a.get("enum"))
        out["enum"] = [v for v in ea if v in eb and (v is not None or (na and nb))]
    for key, pick in (("minimum", max), ("maximum", min), ("maxItems", min), ("minItems", max)):
        values = [s[key] for s in (a, b) if key in s]
        if values:
            out[key] = pick(values)
    if "pattern" in a and "pattern" in b and a["pattern"] != b["pattern"]:
        raise Unsupported("a fact has two different patterns in the two editions")
    if ta == "object":
        pa, pb = a.get("properties", {}), b.get("properties", {})
        out["properties"] = {
            name: merge_schemas(pa.get(name), pb.get(name)) for name in dict.fromkeys([*pa, *pb])
        }
        out["required"] = sorted(set(a.get("required", [])) | set(b.get("required", [])))
    if ta == "array":
        out["items"] = merge_schemas(a.get("items"), b.get("items"))
    return out


def finite_pattern(pattern: str, limit: int = 256) -> list[str] | None:
    """Every string a simple anchored regex matches, or None when that set is not small."""
    import re._parser as sre  # the stdlib's own regex parser

    try:
        parsed = sre.parse(pattern)
    except re.error:
        return None

    def expand(items: Any) -> list[str] | None:
        out = [""]
        for op, arg in items:
            name = str(op)
            options: list[str] | None
            if name == "AT":
                continue
            if name == "LITERAL":
                options = [chr(arg)]
            elif name == "IN":
                options = []
                for iop, iarg in arg:
                    if str(iop) == "LITERAL":
                        options.append(chr(iarg))
                    elif str(iop) == "RANGE":
                        options.extend(chr(c) for c in range(iarg[0], iarg[1] + 1))
                    else:
                        return None
            elif name == "SUBPATTERN":
                options = expand(arg[-1])
            elif name == "BRANCH":
                options = []
                for branch in arg[1]:
                    sub = expand(branch)
                    if sub is None:
                        return None
                    options.extend(sub)
            elif name in ("MAX_REPEAT", "MIN_REPEAT"):
                low, high, sub = arg
                if high > 8:
                    return None
                one = expand(sub)
                if one is None:
                    return None
                options = []
                for count in range(low, high + 1):
                    chunk = [""]
                    for _ in range(count):
                        chunk = [x + y for x in chunk for y in one]
                        if len(chunk) > limit:
                            return None
                    options.extend(chunk)
            else:
                return None
            if options is None:
                return None
            out = [x + y for x in out for y in options]
            if len(out) > limit:
                return None
        return out

    if not (pattern.startswith("^") and pattern.endswith("$")):
        return None
    found = expand(parsed)
    return sorted(set(found)) if found is not None else None


@dataclass
class Leaf:
    """What a witness needs to write one value of the case back as JSON."""

    node: Any
    schema: dict[str, Any]


@dataclass
class Bounds:
    """The bounds every result states: list lengths and the range of dates."""

    k: int
    first: dt.date
    last: dt.date

    def describe(self) -> str:
        return (
            f"lists ≤ {self.k}, case dates {self.first.isoformat()}..{self.last.isoformat()}, "
            "computed dates in 1901-2199"
        )


@dataclass
class SymbolicCase:
    """The values of every case of a (merged, resolved) case schema, within the bounds."""

    schema: dict[str, Any]
    bounds: Bounds
    strings: StringTable
    domain: list[z3.BoolRef] = field(default_factory=list)
    preferences: list[z3.BoolRef] = field(default_factory=list)  # for friendlier witnesses
    dates: list[z3.ArithRef] = field(default_factory=list)  # every date of the case
    free_strings: list[z3.ArithRef] = field(default_factory=list)  # strings with no enum
    years: list[z3.ArithRef] = field(default_factory=list)  # integers the schema bounds like years
    small: list[z3.BoolRef] = field(default_factory=list)  # literals a small witness makes true
    prefix: str = "c"

    def __post_init__(self) -> None:
        self._count = 0
        self.root = self._object(self.schema, TRUE, "case")

    def _var(self, sort: str, name: str) -> Any:
        self._count += 1
        label = f"{self.prefix}{self._count}_{re.sub(r'[^a-z0-9_]', '_', name.lower())[-40:]}"
        return {"bool": z3.Bool, "int": z3.Int, "real": z3.Real}[sort](label)

    def _flag(self, name: str, parent: z3.BoolRef) -> tuple[z3.BoolRef, z3.BoolRef]:
        own = self._var("bool", name + "_present")
        self.small.append(z3.Not(own))
        return own, (own if z3.is_true(parent) else z3.And(parent, own))

    def _object(self, schema: dict[str, Any], present: z3.BoolRef, name: str) -> Obj:
        required = set(schema.get("required", []))
        fields: dict[str, Any] = {}
        for key, sub in (schema.get("properties") or {}).items():
            fields[key] = self._value(sub, present, f"{name}.{key}", key in required)
        obj = Obj(present, fields)
        return obj

    def _value(self, schema: dict[str, Any], parent: z3.BoolRef, name: str, required: bool) -> Any:
        kind, nullable = _types(schema)
        own: z3.BoolRef | None = None
        present = parent
        if not required or nullable:
            own, present = self._flag(name, parent)
        if kind == "object":
            node: Any = self._object(schema, present, name)
        elif kind == "array":
            node = self._list(schema, present, name)
        else:
            node = self._scalar(schema, kind, present, name)
        node._own = own
        node._mode = None if own is None else ("absent" if not required else "null")
        node._schema = schema
        return node

    def _list(self, schema: dict[str, Any], present: z3.BoolRef, name: str) -> Lst:
        k = min(self.bounds.k, int(schema.get("maxItems", self.bounds.k)))
        length = self._var("int", name + "_length")
        self.domain.extend([length >= int(schema.get("minItems", 0)), length <= k])
        self.small.append(length == int(schema.get("minItems", 0)))
        items_schema = schema.get("items") or {}
        items = [self._value(items_schema, TRUE, f"{name}_{i}", True) for i in range(k)]
        return Lst(present, length, items)

    def _scalar(self, schema: dict[str, Any], kind: str | None, present: z3.BoolRef, name: str) -> Scalar:
        if kind == "boolean":
            return Scalar("bool", present, self._var("bool", name))
        if kind == "integer":
            v = self._var("int", name)
            self._bounds(schema, v)
            if schema.get("minimum", 0) >= 1000:
                self.years.append(v)
            return Scalar("int", present, v)
        if kind == "number":
            v = self._var("real", name)
            self._bounds(schema, v)
            # Witnesses read best with two decimals at most; proofs do not assume it.
            self.preferences.append(z3.IsInt(v * 100))
            return Scalar("decimal", present, v)
        if kind == "string" and schema.get("format") == "date":
            v = self._var("int", name)
            self.domain.extend([v >= ordinal(self.bounds.first), v <= ordinal(self.bounds.last)])
            self.dates.append(v)
            return Scalar("date", present, v)
        if kind == "string":
            v = self._var("int", name)
            values: list[str] | None = None
            if "enum" in schema:
                values = [x for x in schema["enum"] if x is not None]
            elif "const" in schema:
                values = [schema["const"]]
            elif "pattern" in schema:
                values = finite_pattern(schema["pattern"])
            if values is not None:
                self.domain.append(z3.Or([v == self.strings.code(x) for x in values]) if values else FALSE)
            else:
                self.domain.append(v >= 0)
                self.free_strings.append(v)
            return Scalar("string", present, v)
        raise Unsupported(f"cannot represent the fact {name} (type {kind!r})")

    def _bounds(self, schema: dict[str, Any], v: z3.ArithRef) -> None:
        def number(x: Any) -> Any:
            return z3.RealVal(Fraction(Decimal(str(x)))) if isinstance(v, z3.ArithRef) and v.is_real() else x

        if "minimum" in schema:
            self.domain.append(v >= number(schema["minimum"]))
        if "maximum" in schema:
            self.domain.append(v <= number(schema["maximum"]))
        if "exclusiveMinimum" in schema:
            self.domain.append(v > number(schema["exclusiveMinimum"]))
        if "exclusiveMaximum" in schema:
            self.domain.append(v < number(schema["exclusiveMaximum"]))
        if "multipleOf" in schema:
            raise Unsupported("multipleOf in a case schema")

    # ---- model → case ----------------------------------------------------------------------

    def concrete(self, model: z3.ModelRef) -> dict[str, Any]:
        return self._concrete_object(self.root, model)

    def _concrete_object(self, obj: Obj, model: z3.ModelRef) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, node in obj.fields.items():
            own = getattr(node, "_own", None)
            if own is not None and not z3.is_true(model.eval(own, model_completion=True)):
                if node._mode == "null":
                    out[key] = None
                continue
            out[key] = self._concrete(node, model)
        return out

    def _concrete(self, node: Any, model: z3.ModelRef) -> Any:
        if isinstance(node, Obj):
            return self._concrete_object(node, model)
        if isinstance(node, Lst):
            n = model.eval(node.length, model_completion=True).as_long()
            out: list[Any] = []
            for item in node.items[:n]:
                own = getattr(item, "_own", None)
                if own is not None and not z3.is_true(model.eval(own, model_completion=True)):
                    out.append(None)
                else:
                    out.append(self._concrete(item, model))
            return out
        value = model.eval(node.value, model_completion=True)
        return scalar_to_python(node.kind, value, self.strings)

    # ---- case → constraints (for tests) ------------------------------------------------------

    def bind(self, case: Any) -> list[z3.BoolRef]:
        """Constraints fixing every variable of the symbolic case to `case`'s values."""
        out: list[z3.BoolRef] = []
        self._bind_object(self.root, case, out)
        return out

    def _bind_object(self, obj: Obj, value: dict[str, Any], out: list[z3.BoolRef]) -> None:
        for key, node in obj.fields.items():
            given = value.get(key) if isinstance(value, dict) else None
            own = getattr(node, "_own", None)
            if given is None:
                if own is None:
                    raise ValueError(f"{key} is required by the schema")
                out.append(z3.Not(own))
                continue
            if own is not None:
                out.append(own)
            self._bind(node, given, out)

    def _bind(self, node: Any, value: Any, out: list[z3.BoolRef]) -> None:
        if isinstance(node, Obj):
            self._bind_object(node, value, out)
        elif isinstance(node, Lst):
            if len(value) > len(node.items):
                raise ValueError(f"a list of {len(value)} elements exceeds the bound {len(node.items)}")
            out.append(node.length == len(value))
            for item, given in zip(node.items, value, strict=False):
                own = getattr(item, "_own", None)
                if given is None:
                    out.append(z3.Not(own) if own is not None else FALSE)
                    continue
                if own is not None:
                    out.append(own)
                self._bind(item, given, out)
        else:
            out.append(node.value == python_to_term(node.kind, value, self.strings))


def python_to_term(kind: str, value: Any, strings: StringTable) -> z3.ExprRef:
    if kind == "bool":
        return z3.BoolVal(bool(value))
    if kind == "int":
        return z3.IntVal(int(value))
    if kind == "decimal":
        return z3.RealVal(Fraction(Decimal(str(value))))
    if kind == "date":
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        return z3.IntVal(ordinal(day))
    if kind == "string":
        return z3.IntVal(strings.code(value))
    raise Unsupported(f"no term for a {kind}")


def scalar_to_python(kind: str, value: z3.ExprRef, strings: StringTable) -> Any:
    if kind == "bool":
        return z3.is_true(value)
    if kind == "int":
        return value.as_long()
    if kind == "decimal":
        fraction = value.as_fraction()
        return decimal_of(fraction)
    if kind == "date":
        return dt.date.fromordinal(value.as_long()).isoformat()
    if kind == "string":
        return strings.text(value.as_long())
    raise Unsupported(f"no value for a {kind}")


def decimal_of(fraction: Fraction) -> Decimal | int:
    """The exact decimal of a fraction whose denominator has only the factors 2 and 5."""
    if fraction.denominator == 1:
        return int(fraction.numerator)
    scaled = fraction
    places = 0
    while scaled.denominator != 1:
        scaled *= 10
        places += 1
        if places > 30:
            raise Unsupported(f"{fraction} has no finite decimal expansion")
    return Decimal(scaled.numerator).scaleb(-places)
