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

from ...dsl import ast
from ..symbolic.expressions import Encoder, conjunction
from ..symbolic.values import TRUE, Scalar

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

    def under(self, guard: z3.BoolRef, node: ast.Node, scope: dict[str, Any], condition: bool = False) -> Any:
        saved = self.guard
        self.guard = conjunction(saved, guard)
        try:
            return super().under(guard, node, scope, condition)
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
            self.records.append((nid, conjunction(self.guard, guard), v))
        return value
