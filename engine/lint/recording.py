"""An encoder that remembers every condition it encodes, and when the engine looks at it.

The lint asks of each boolean sub-expression of a rule whether it can be true and whether it
can be false *where the compiled engine evaluates it*. The engine short-circuits: the right
side of `and` is looked at only when the left is not false, of `or` only when the left is not
true, the branches of `if` only under their condition, the body of a quantifier only for the
elements the list has. So each encoded condition is recorded with its *guard*, the formula
under which the engine reaches it; a definition is recorded once per place it is used, under
that place's guard. A condition that is true (false) nowhere its guard holds is constant.
"""

from __future__ import annotations

from typing import Any

import z3

from ..dsl import ast
from ..symbolic.expressions import Encoder, _and, _or, choose
from ..symbolic.values import TRUE, Lst, Scalar, Unsupported

Record = tuple[int, z3.BoolRef, Scalar]  # (node id, guard, value)


class RecordingEncoder(Encoder):
    """`Encoder` that keeps `(node id, guard, value)` of every boolean it builds."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.guard: z3.BoolRef = TRUE
        self.records: list[Record] = []
        # (node id, first record, end) of each condition a statement hands the encoder.
        self.calls: list[tuple[int, int, int]] = []
        self._depth = 0
        self._inner: dict[str, list[Record]] = {}

    def expr(self, node: ast.Node, scope: dict[str, Any] | None = None) -> Any:
        self._depth += 1
        try:
            value = super().expr(node, scope)
        finally:
            self._depth -= 1
        if isinstance(value, Scalar) and value.kind == "bool" and not isinstance(node, ast.Literal):
            self.records.append((node.nid, self.guard, value))
        return value

    def condition(self, node: ast.Node, scope: dict[str, Any] | None = None) -> Scalar:
        top = self._depth == 0
        start = len(self.records)
        value = super().condition(node, scope)
        if top:
            self.calls.append((node.nid, start, len(self.records)))
        return value

    def _under(self, guard: z3.BoolRef, node: ast.Node, scope: dict[str, Any]) -> Any:
        saved = self.guard
        self.guard = _and(saved, guard)
        try:
            return self.expr(node, scope)
        finally:
            self.guard = saved

    def _definition(self, name: str, args: list[Any]) -> Any:
        definition = self.definitions[name]
        if definition.params:
            return super()._definition(name, args)  # encoded anew at each use, under its guard
        if name not in self._inner:
            saved = (self.guard, self.records)
            self.guard, self.records = TRUE, []
            try:
                value = super()._definition(name, args)
            finally:
                inner = self.records
                self.guard, self.records = saved
            self._inner[name] = inner
        else:
            value = super()._definition(name, args)  # hoisted: the value encoded the first time
        for nid, guard, v in self._inner[name]:
            self.records.append((nid, _and(self.guard, guard), v))
        return value

    def _binary(self, node: ast.Binary, scope: dict[str, Any]) -> Any:
        if node.op not in ("and", "or"):
            return super()._binary(node, scope)
        left = self.expr(node.left, scope)
        pa, va = left.present, left.value
        if node.op == "and":
            right = self._under(z3.Not(_and(pa, z3.Not(va))), node.right, scope)
            pb, vb = right.present, right.value
            present = _or(_and(pa, pb), _and(pa, z3.Not(va)), _and(pb, z3.Not(vb)))
            return Scalar("bool", present, z3.And(va, vb))
        right = self._under(z3.Not(_and(pa, va)), node.right, scope)
        pb, vb = right.present, right.value
        present = _or(_and(pa, pb), _and(pa, va), _and(pb, vb))
        return Scalar("bool", present, z3.Or(va, vb))

    def _conditional(self, node: ast.Conditional, scope: dict[str, Any]) -> Any:
        cond = self.condition(node.condition, scope)
        then = self._under(_and(cond.present, cond.value), node.then, scope)
        otherwise = self._under(_and(cond.present, z3.Not(cond.value)), node.otherwise, scope)
        chosen = choose(cond.value, then, otherwise)
        if isinstance(chosen, Scalar):
            return Scalar(chosen.kind, _and(cond.present, chosen.present), chosen.value)
        chosen.present = _and(cond.present, chosen.present)
        return chosen

    def _quantifier(self, node: ast.Quantifier, scope: dict[str, Any]) -> Scalar:
        source = self.expr(node.source, scope)
        if not isinstance(source, Lst):
            raise Unsupported("a quantifier over something that is not a list")
        bodies = []
        for i, item in enumerate(source.items):
            inside = source.length > i
            saved = self.guard
            self.guard = _and(saved, source.present, inside)
            try:
                body = self.condition(node.body, {**scope, node.var: item})
            finally:
                self.guard = saved
            bodies.append((inside, body))
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
