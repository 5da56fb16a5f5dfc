"""The expressions of the clause language as z3 terms, from the checked syntax tree.

`Encoder.expr` gives every expression its `Scalar`/`Lst`/`Obj`/`SetV`/`Dur` value
(`engine.tools.symbolic.values`), following the compiled engine's semantics (docs/dsl.md): missing
values propagate through comparisons, arithmetic and calls; `and`, `or`, `not` and the
quantifiers are Kleene's three-valued logic; `is missing`/`is present` are never missing;
`if` with a missing condition is missing; a definition is its body with the arguments in place
of its parameters (definitions see only their parameters, the case and the decision date).
The rules were type-checked by the compiler before they reach here, so types are read off the
values themselves (an integer next to a decimal becomes a decimal, as in the engine).
"""

from __future__ import annotations

from typing import Any

import z3

from ...dsl import ast
from .dates import Gregorian, ordinal
from .values import TRUE, Dur, Lst, Obj, Scalar, SetV, StringTable, Unsupported, kind_of
from .workdays import WorkdaySums

DECISION_DATE = "decision_date"

_ORDER = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "before": "<", "after": ">"}
_ORDER.update({"on_or_before": "<=", "on_or_after": ">="})


def _and(*terms: z3.BoolRef) -> z3.BoolRef:
    kept = [t for t in terms if not z3.is_true(t)]
    if any(z3.is_false(t) for t in kept):
        return z3.BoolVal(False)
    return z3.And(kept) if len(kept) > 1 else (kept[0] if kept else TRUE)


def _or(*terms: z3.BoolRef) -> z3.BoolRef:
    kept = [t for t in terms if not z3.is_false(t)]
    if any(z3.is_true(t) for t in kept):
        return TRUE
    return z3.Or(kept) if len(kept) > 1 else (kept[0] if kept else z3.BoolVal(False))


def numeric(a: Scalar, b: Scalar) -> tuple[z3.ArithRef, z3.ArithRef, str]:
    """Both values as terms of one sort: an integer meeting a decimal becomes a decimal."""
    if a.kind == b.kind:
        return a.value, b.value, a.kind
    if {a.kind, b.kind} == {"int", "decimal"}:
        left = z3.ToReal(a.value) if a.kind == "int" else a.value
        right = z3.ToReal(b.value) if b.kind == "int" else b.value
        return left, right, "decimal"
    raise Unsupported(f"cannot combine a {a.kind} with a {b.kind}")


def equal(a: Any, b: Any) -> z3.BoolRef:
    """Equality of two present values (lists: same length, equal elements)."""
    if isinstance(a, Scalar) and isinstance(b, Scalar):
        left, right, _ = numeric(a, b)
        return left == right
    if isinstance(a, Lst) and isinstance(b, Lst):
        terms = [a.length == b.length]
        for i in range(max(len(a.items), len(b.items))):
            if i >= len(a.items) or i >= len(b.items):
                terms.append(z3.Or(a.length <= i, b.length <= i))
                continue
            x, y = a.items[i], b.items[i]
            same = _and(x.present == y.present, z3.Or(z3.Not(x.present), equal(x, y)))
            terms.append(z3.Or(a.length <= i, same))
        return _and(*terms)
    raise Unsupported(f"cannot compare a {kind_of(a)} with a {kind_of(b)}")


def choose(condition: z3.BoolRef, then: Any, otherwise: Any) -> Any:
    """`then` where the condition holds, else `otherwise` (values of one type)."""
    if isinstance(then, Scalar) and isinstance(otherwise, Scalar):
        left, right, kind = numeric(then, otherwise)
        return Scalar(kind, z3.If(condition, then.present, otherwise.present), z3.If(condition, left, right))
    if isinstance(then, Lst) and isinstance(otherwise, Lst) and len(then.items) == len(otherwise.items):
        return Lst(
            z3.If(condition, then.present, otherwise.present),
            z3.If(condition, then.length, otherwise.length),
            [choose(condition, x, y) for x, y in zip(then.items, otherwise.items, strict=True)],
        )
    if isinstance(then, Obj) and isinstance(otherwise, Obj) and then.fields.keys() == otherwise.fields.keys():
        return Obj(
            z3.If(condition, then.present, otherwise.present),
            {k: choose(condition, then.fields[k], otherwise.fields[k]) for k in then.fields},
        )
    raise Unsupported(f"cannot choose between a {kind_of(then)} and a {kind_of(otherwise)}")


class Encoder:
    """Encodes the expressions of one edition over one symbolic case."""

    def __init__(
        self,
        root: Obj,
        decision_date: Scalar,
        definitions: dict[str, ast.Definition],
        strings: StringTable,
        gregorian: Gregorian,
        workdays: WorkdaySums,
    ) -> None:
        self.root = root
        self.decision_date = decision_date
        self.definitions = definitions
        self.strings = strings
        self.gregorian = gregorian
        self.workdays = workdays
        self._hoisted: dict[str, Any] = {}
        self._stack: list[str] = []

    def expr(self, node: ast.Node, scope: dict[str, Any] | None = None) -> Any:
        method = getattr(self, "_" + type(node).__name__.lower(), None)
        if method is None:
            raise Unsupported(f"no symbolic semantics for {type(node).__name__}")
        return method(node, scope or {})

    def condition(self, node: ast.Node, scope: dict[str, Any] | None = None) -> Scalar:
        value = self.expr(node, scope)
        if not isinstance(value, Scalar) or value.kind != "bool":
            raise Unsupported("a condition that is not true or false")
        return value

    # ---- atoms -----------------------------------------------------------------------------

    def _literal(self, node: ast.Literal, scope: dict[str, Any]) -> Scalar:
        from .values import python_to_term

        kind = node.kind
        if kind == "date":
            return Scalar("date", TRUE, z3.IntVal(ordinal(node.value)))
        return Scalar(kind, TRUE, python_to_term(kind, node.value, self.strings))

    def _duration(self, node: ast.Duration, scope: dict[str, Any]) -> Dur:
        return Dur(node.amount, node.unit)

    def _path(self, node: ast.Path, scope: dict[str, Any]) -> Any:
        head, *rest = node.parts
        if head in scope:
            base = scope[head]
        elif head in self.definitions:
            return self._definition(head, [])
        elif head == DECISION_DATE:
            return self.decision_date
        else:
            base = self.root
            rest = list(node.parts)
        for part in rest:
            if not isinstance(base, Obj) or part not in base.fields:
                raise Unsupported(f"the case has no fact {node.dotted}")
            base = base.fields[part]
        return base

    def _definition(self, name: str, args: list[Any]) -> Any:
        definition = self.definitions[name]
        if not definition.params and name in self._hoisted:
            return self._hoisted[name]
        if name in self._stack:
            raise Unsupported(f"definitions in a cycle through {name}")
        self._stack.append(name)
        try:
            value = self.expr(definition.body, dict(zip(definition.params, args, strict=True)))
        finally:
            self._stack.pop()
        if not definition.params:
            self._hoisted[name] = value
        return value

    def _call(self, node: ast.Call, scope: dict[str, Any]) -> Any:
        args = [self.expr(a, scope) for a in node.args]
        if node.name in self.definitions:
            return self._definition(node.name, args)
        g = self.gregorian
        if node.name == "size":
            (items,) = args
            return Scalar("int", items.present, items.length)
        present = _and(*(a.present for a in args))
        if node.name == "quarter_start":
            defined, value, domain = g.quarter_start(args[0].value, args[1].value)
            g.constraints.append(z3.Implies(present, domain))
            return Scalar("date", _and(present, defined), value)
        if node.name == "day_of_month":
            defined, value = g.day_of_month(args[0].value, args[1].value, present)
            return Scalar("date", _and(present, defined), value)
        unary = {
            "start_of_month": ("date", g.start_of_month),
            "end_of_month": ("date", g.end_of_month),
            "start_of_quarter": ("date", g.start_of_quarter),
            "end_of_quarter": ("date", g.end_of_quarter),
            "start_of_last_month_of_quarter": ("date", g.start_of_last_month_of_quarter),
            "quarter_of": ("int", g.quarter_of),
            "year_of": ("int", g.year_of),
        }.get(node.name)
        if unary is None:
            raise Unsupported(f"no symbolic semantics for the function {node.name}")
        kind, fn = unary
        return Scalar(kind, present, fn(args[0].value, present))

    def _setliteral(self, node: ast.SetLiteral, scope: dict[str, Any]) -> SetV:
        return SetV([self.expr(i, scope) for i in node.items])

    # ---- operators -------------------------------------------------------------------------

    def _unary(self, node: ast.Unary, scope: dict[str, Any]) -> Scalar:
        inner = self.expr(node.operand, scope)
        if node.op == "not":
            return Scalar("bool", inner.present, z3.Not(inner.value))
        return Scalar(inner.kind, inner.present, -inner.value)

    def _binary(self, node: ast.Binary, scope: dict[str, Any]) -> Any:
        op = node.op
        left = self.expr(node.left, scope)
        right = self.expr(node.right, scope)
        if op == "and":
            pa, va, pb, vb = left.present, left.value, right.present, right.value
            present = _or(_and(pa, pb), _and(pa, z3.Not(va)), _and(pb, z3.Not(vb)))
            return Scalar("bool", present, z3.And(va, vb))
        if op == "or":
            pa, va, pb, vb = left.present, left.value, right.present, right.value
            present = _or(_and(pa, pb), _and(pa, va), _and(pb, vb))
            return Scalar("bool", present, z3.Or(va, vb))
        if op in ("add", "sub"):
            return self.arith(left, right, 1 if op == "add" else -1)
        if op == "mul":
            a, b, kind = numeric(left, right)
            return Scalar(kind, _and(left.present, right.present), a * b)
        if op in ("in", "not_in"):
            found = self.member(left, right)
            return Scalar("bool", found.present, z3.Not(found.value) if op == "not_in" else found.value)
        present = _and(left.present, right.present)
        if op in ("=", "!="):
            same = equal(left, right)
            return Scalar("bool", present, same if op == "=" else z3.Not(same))
        a, b, _ = numeric(left, right)
        relation = _ORDER[op]
        value = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[relation]
        return Scalar("bool", present, value)

    def arith(self, left: Scalar, right: Any, sign: int) -> Scalar:
        if isinstance(right, Dur):
            return Scalar("date", left.present, self.shift(left, right, sign))
        a, b, kind = numeric(left, right)
        return Scalar(kind, _and(left.present, right.present), a + b if sign > 0 else a - b)

    def shift(self, day: Scalar, duration: Dur, sign: int) -> z3.ArithRef:
        amount = duration.amount * sign
        if duration.unit == "working_days":
            if sign < 0:
                raise Unsupported("working days are only added")
            return self.workdays.add(day.present, day.value, amount)
        if duration.unit in ("months", "years"):
            months = amount * (12 if duration.unit == "years" else 1)
            return self.gregorian.add_months(day.value, months, day.present)
        return day.value + amount * (7 if duration.unit == "weeks" else 1)

    def member(self, value: Scalar, collection: Any) -> Scalar:
        if isinstance(collection, SetV):
            return Scalar("bool", value.present, _or(*(equal(value, item) for item in collection.items)))
        if isinstance(collection, Lst):
            hits = [
                _and(collection.length > i, item.present, equal(value, item))
                for i, item in enumerate(collection.items)
            ]
            return Scalar("bool", _and(value.present, collection.present), _or(*hits))
        raise Unsupported(f"'in' over a {kind_of(collection)}")

    def _between(self, node: ast.Between, scope: dict[str, Any]) -> Scalar:
        v, lo, hi = (self.expr(n, scope) for n in (node.value, node.low, node.high))
        a, b, _ = numeric(lo, v)
        c, d, _ = numeric(v, hi)
        return Scalar("bool", _and(v.present, lo.present, hi.present), z3.And(a <= b, c <= d))

    def _within(self, node: ast.Within, scope: dict[str, Any]) -> Scalar:
        v = self.expr(node.value, scope)
        anchor = self.expr(node.anchor, scope)
        duration = self.expr(node.duration, scope)
        shifted = self.shift(anchor, duration, 1 if node.direction == "after" else -1)
        lo, hi = (anchor.value, shifted) if node.direction == "after" else (shifted, anchor.value)
        return Scalar("bool", _and(v.present, anchor.present), z3.And(lo <= v.value, v.value <= hi))

    def _presence(self, node: ast.Presence, scope: dict[str, Any]) -> Scalar:
        inner = self.expr(node.operand, scope)
        present = inner.present
        return Scalar("bool", TRUE, present if node.present else z3.Not(present))

    def _quantifier(self, node: ast.Quantifier, scope: dict[str, Any]) -> Scalar:
        source = self.expr(node.source, scope)
        if not isinstance(source, Lst):
            raise Unsupported("a quantifier over something that is not a list")
        bodies = []
        for i, item in enumerate(source.items):
            body = self.condition(node.body, {**scope, node.var: item})
            bodies.append((source.length > i, body))
        some_missing = _or(*(_and(inside, z3.Not(b.present)) for inside, b in bodies))
        if node.kind == "count":
            count = (
                z3.Sum([z3.If(_and(inside, b.present, b.value), 1, 0) for inside, b in bodies])
                if bodies
                else z3.IntVal(0)
            )
            return Scalar("int", _and(source.present, z3.Not(some_missing)), count)
        if node.kind == "any":
            some_true = _or(*(_and(inside, b.present, b.value) for inside, b in bodies))
            return Scalar("bool", _and(source.present, _or(some_true, z3.Not(some_missing))), some_true)
        some_false = _or(*(_and(inside, b.present, z3.Not(b.value)) for inside, b in bodies))
        return Scalar("bool", _and(source.present, _or(some_false, z3.Not(some_missing))), z3.Not(some_false))

    def _conditional(self, node: ast.Conditional, scope: dict[str, Any]) -> Any:
        cond = self.condition(node.condition, scope)
        then = self.expr(node.then, scope)
        otherwise = self.expr(node.otherwise, scope)
        chosen = choose(cond.value, then, otherwise)
        if isinstance(chosen, Scalar):
            return Scalar(chosen.kind, _and(cond.present, chosen.present), chosen.value)
        chosen.present = _and(cond.present, chosen.present)
        return chosen
