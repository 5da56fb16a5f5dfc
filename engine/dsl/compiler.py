"""Compiling checked rules into Python source.

One pass both type-checks an expression against the decision's case schema and emits a
Python expression for it. Every identifier in the emitted source is produced here (mangled:
`h3`, `b7`, `_k2`, helper names); a name from policy text never reaches the source, and
literal values reach it only through `repr` (strings, numbers) or as pre-built constants in
the module namespace (dates, decimals, sets). Missing facts are `None`; where the schema
guarantees a value, the emitted code has no missing-value checks at all.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NoReturn

from . import ast
from .builtins import BUILTINS
from .types import (
    BOOL,
    DATE,
    DECIMAL,
    DURATION,
    INT,
    LIST,
    NUMERIC,
    OBJECT,
    SET,
    STRING,
    T_BOOL,
    T_DATE,
    T_INT,
    Ty,
)


@dataclass(frozen=True)
class TypeProblem:
    span: ast.Span
    message: str
    expected: str | None = None
    hint: str | None = None
    origin: str | None = None  # the definition the problem sits in, when inside one


class CompileFailed(Exception):
    """Raised internally to abandon one statement after its problems were recorded."""


@dataclass
class Typed:
    """Emitted code and its type. `names` are the compiler's locals the code reads (kept for
    values bound to a name: a quantifier's variable, a definition's argument), so the free
    variables of a quantifier's function are known as data, never read back from the code."""

    code: str
    ty: Ty
    names: frozenset[str] = frozenset()
    element: bool = False  # a quantifier's variable: one element of a list


@dataclass
class Definitions:
    """Act-wide named terms, by name: (definition node, clause that defines it)."""

    by_name: dict[str, tuple[ast.Definition, str]] = field(default_factory=dict)


DECISION_DATE = "decision_date"


@dataclass
class Scope:
    """Names visible in an expression: quantifier variables and definition parameters."""

    locals: dict[str, Typed] = field(default_factory=dict)
    origin: str | None = None  # definition we are inside, for error reporting

    def child(self, **kw: Typed) -> Scope:
        merged = dict(self.locals)
        merged.update(kw)
        return Scope(merged, self.origin)


class FunctionCompiler:
    """Compiles the statements of one decision into the body of one Python function."""

    def __init__(
        self,
        root: Ty,
        definitions: Definitions,
        namespace: dict[str, Any],
        trace: bool,
        counters: dict[str, int],
    ) -> None:
        self.root = root
        self.definitions = definitions
        self.namespace = namespace
        self.trace = trace
        self.counters = counters
        self.prelude: list[str] = []
        self.module_lines: list[str] = []  # quantifier functions, defined once per compile
        self.hoisted_prefixes: dict[tuple[str, tuple[str, ...]], Typed] = {}
        # Loop bodies of quantifiers being compiled: element fields are read once per element.
        self.loops: list[tuple[list[str], dict[tuple[str, tuple[str, ...]], Typed]]] = []
        self.hoisted_defs: dict[str, Typed] = {}
        self.problems: list[TypeProblem] = []
        self.facts: dict[int, set[tuple[str, ...]]] = {}  # statement -> fact paths it reads
        self.current_facts: set[tuple[str, ...]] = set()
        self.uses_calendar = False
        self._def_stack: list[str] = []
        # Per quantifier being compiled (innermost last): the locals its code reads and the
        # ones it defines; what it reads and does not define becomes its function's parameters.
        self._levels: list[tuple[set[str], set[str]]] = []

    # ---- helpers -----------------------------------------------------------------------

    def use(self, *names: str) -> None:
        """The code being emitted reads these locals."""
        if self._levels:
            self._levels[-1][0].update(names)

    def define(self, name: str) -> None:
        """The code being emitted binds this local (a loop variable, an element's field)."""
        if self._levels:
            self._levels[-1][1].add(name)

    def recorded(self, compile_it: Callable[[], Typed]) -> tuple[Typed, frozenset[str]]:
        """`compile_it()` and the locals its code reads (which the current level reads too)."""
        self._levels.append((set(), set()))
        try:
            typed = compile_it()
        finally:
            used, defined = self._levels.pop()
        names = frozenset(used - defined)
        self.use(*names)
        return typed, names

    def fresh(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}{self.counters[prefix]}"

    def const(self, value: Any) -> str:
        name = self.fresh("_k")
        self.namespace[name] = value
        return name

    def fail(
        self,
        node: ast.Node,
        message: str,
        expected: str | None = None,
        hint: str | None = None,
        scope: Scope | None = None,
    ) -> NoReturn:
        origin = scope.origin if scope else None
        self.problems.append(TypeProblem(node.span, message, expected, hint, origin))
        raise CompileFailed

    def traced(self, node: ast.Node, code: str) -> str:
        if self.trace and node.nid >= 0:
            self.use("_t")
            return f"_t({node.nid}, {code})"
        return code

    # ---- expressions -------------------------------------------------------------------

    def expr(self, node: ast.Node, scope: Scope) -> Typed:
        method = getattr(self, "_" + type(node).__name__.lower())
        result: Typed = method(node, scope)
        # The trace records conditions (true, false or missing) and computed dates and numbers;
        # a bare fact is not repeated there: the answer lists the facts read with their values.
        bare = isinstance(node, ast.Literal | ast.Duration | ast.SetLiteral) or (
            isinstance(node, ast.Path) and result.ty.kind != BOOL
        )
        if not bare:
            result = Typed(self.traced(node, result.code), result.ty)
        return result

    def _literal(self, node: ast.Literal, scope: Scope) -> Typed:
        if node.kind in (BOOL, INT, STRING):
            return Typed(repr(node.value), Ty(node.kind))
        return Typed(self.const(node.value), Ty(node.kind))

    def _duration(self, node: ast.Duration, scope: Scope) -> Typed:
        # A duration is compiled where it is used (added to a date); alone it is a pair.
        return Typed(repr((node.amount, node.unit)), Ty(DURATION, working=node.unit == "working_days"))

    def _path(self, node: ast.Path, scope: Scope) -> Typed:
        head, *rest = node.parts
        if head in scope.locals:
            base = scope.locals[head]
            self.use(*base.names)
            return self._fields(node, base, rest, scope, hoist_key=None)
        if head in self.definitions.by_name:
            if rest:
                self.fail(node, f"'{head}' is a definition and has no field '{rest[0]}'", scope=scope)
            return self._use_definition(node, head, [], scope)
        if head == DECISION_DATE:
            if rest:
                self.fail(node, f"'{DECISION_DATE}' is a date and has no field '{rest[0]}'", scope=scope)
            self.use("_dd")
            return Typed("_dd", T_DATE)
        top = self.root.field(head)
        if top is None:
            names = (
                self.root.field_names()
                + list(self.definitions.by_name)
                + [DECISION_DATE]
                + list(scope.locals)
            )
            self.fail(
                node,
                f"unknown name '{head}'",
                expected="a fact of the case schema, a definition, or decision_date",
                hint=did_you_mean(head, names),
                scope=scope,
            )
        return self._fields(node, Typed("case", self.root), list(node.parts), scope, hoist_key=node.parts)

    def _fields(
        self, node: ast.Path, base: Typed, parts: list[str], scope: Scope, hoist_key: tuple[str, ...] | None
    ) -> Typed:
        """Read `parts` from `base`, binding every prefix to a local once (root facts at the
        top of the function, element fields at the top of their loop body)."""
        if hoist_key is not None:
            self.current_facts.add(hoist_key)
            lines, cache, owner = self.prelude, self.hoisted_prefixes, "case"
        else:
            if base.element and parts:
                self.current_facts.add(("*", *parts))
            if self.loops and _is_name(base.code):
                lines, seen = self.loops[-1]
                cache, owner = seen, base.code
            else:
                lines, cache, owner = None, None, base.code
        code, ty = base.code, base.ty
        named = False  # whether `code` is a local bound here (read by the code emitted)
        for index, part in enumerate(parts):
            walked = parts[:index]
            if ty.kind != OBJECT:
                self.fail(
                    node,
                    f"'{'.'.join(walked) or code}' is {ty.a()} and has no field '{part}'",
                    scope=scope,
                )
            sub = ty.field(part)
            if sub is None:
                where = ".".join(walked) if walked else "the case"
                self.fail(
                    node,
                    f"unknown fact '{'.'.join([*walked, part])}'",
                    expected=f"a field of {where}: {', '.join(ty.field_names()) or 'none'}",
                    hint=did_you_mean(part, ty.field_names()),
                    scope=scope,
                )
            key = (owner, tuple(parts[: index + 1]))
            if cache is not None and key in cache:
                cached = cache[key]
                code, ty, named = cached.code, cached.ty, True
                continue
            if ty.nullable:
                read = (
                    f"(None if {code} is None else {code}.get({part!r}))"
                    if _is_name(code)
                    else f"_get({code}, {part!r})"
                )
            elif sub.nullable:
                read = f"{code}.get({part!r})"
            else:
                read = f"{code}[{part!r}]"
            sub = sub.with_nullable(True) if ty.nullable else sub
            if lines is None or cache is None:
                code, named = read, False
                if sub.kind == DATE:
                    code = f"_date3({code})" if sub.nullable else f"_date({code})"
            else:
                name = self.fresh("h" if hoist_key is not None else "e")
                if sub.kind == DATE and sub.nullable:
                    lines.extend([f"{name} = {read}", f"if {name} is not None: {name} = _date({name})"])
                elif sub.kind == DATE:
                    lines.append(f"{name} = _date({read})")
                else:
                    lines.append(f"{name} = {read}")
                if hoist_key is None:
                    self.define(name)  # a field read at the top of its loop body
                cache[key] = Typed(name, sub)
                code, named = name, True
            ty = sub
        if named:
            self.use(code)
        # A bare quantifier variable (no field read) is still one element of a list: passed to a
        # definition, the fields read from it there are recorded as element facts ("*", field).
        return Typed(code, ty, element=base.element and not parts)

    def _use_definition(self, node: ast.Node, name: str, args: list[Typed], scope: Scope) -> Typed:
        definition, clause = self.definitions.by_name[name]
        if len(args) != len(definition.params):
            self.fail(
                node,
                f"'{name}' takes {len(definition.params)} argument(s), given {len(args)}",
                expected=f"{name}({', '.join(definition.params)})" if definition.params else name,
                scope=scope,
            )
        if name in self._def_stack:
            cycle = " → ".join([*self._def_stack[self._def_stack.index(name) :], name])
            self.fail(node, f"definitions refer to each other in a cycle: {cycle}", scope=scope)
        if not definition.params and name in self.hoisted_defs:
            hoisted = self.hoisted_defs[name]
            self.use(hoisted.code)
            return hoisted
        self._def_stack.append(name)
        inner = Scope({p: a for p, a in zip(definition.params, args, strict=True)}, origin=f"{name} ({clause})")
        try:
            if definition.params:  # inlined here: what it reads, this code reads
                result = self.expr(definition.body, inner)
            else:  # computed once at the top of the function: its reads are not this code's
                self._levels.append((set(), set()))
                try:
                    result = self.expr(definition.body, inner)
                finally:
                    self._levels.pop()
        finally:
            self._def_stack.pop()
        if not definition.params:
            local = self.fresh("d")
            self.prelude.append(f"{local} = {result.code}")
            result = Typed(local, result.ty)
            self.hoisted_defs[name] = result
            self.use(local)
        return result

    def _call(self, node: ast.Call, scope: Scope) -> Typed:
        args = []
        for a in node.args:
            typed, names = self.recorded(partial(self.expr, a, scope))
            args.append(Typed(typed.code, typed.ty, names, typed.element))
        if node.name in self.definitions.by_name:
            # Definitions are inlined: arguments are pure, so substituting them is exact.
            return self._use_definition(node, node.name, args, scope)
        builtin = BUILTINS.get(node.name)
        if builtin is None:
            self.fail(
                node,
                f"unknown function '{node.name}'",
                expected="a definition of this act or one of: " + ", ".join(sorted(BUILTINS)),
                hint=did_you_mean(node.name, list(BUILTINS) + list(self.definitions.by_name))
                or "the clause language cannot call Python; functions are its fixed built-ins "
                "and the act's own definitions",
                scope=scope,
            )
        if len(args) != len(builtin.params):
            self.fail(
                node, f"{node.name} takes {len(builtin.params)} argument(s), given {len(args)}", scope=scope
            )
        for i, (arg, kind) in enumerate(zip(args, builtin.params, strict=True)):
            if arg.ty.kind != kind and not (kind == DECIMAL and arg.ty.kind == INT):
                self.fail(
                    node.args[i],
                    f"argument {i + 1} of {node.name} is {arg.ty.a()}",
                    expected=f"{Ty(kind).a()}",
                    scope=scope,
                )
        fn = self.const(builtin.impl)
        nullable = builtin.may_be_missing or any(a.ty.nullable for a in args)
        joined = ", ".join(a.code for a in args)
        code = f"_call3({fn}, {joined})" if any(a.ty.nullable for a in args) else f"{fn}({joined})"
        return Typed(code, builtin.result.with_nullable(nullable))

    def _setliteral(self, node: ast.SetLiteral, scope: Scope) -> Typed:
        items = [self.expr(i, scope) for i in node.items]
        kinds = {i.ty.kind if i.ty.kind != INT else DECIMAL for i in items}
        if len(kinds) > 1:
            self.fail(
                node,
                "a set's elements must all be of one type",
                expected='e.g. {"president", "head_of_administration"}',
                scope=scope,
            )
        if any(i.ty.nullable for i in items):
            self.fail(node, "a set's elements cannot be missing", scope=scope)
        elem = items[0].ty if items else Ty(STRING)
        literals = [i for i in node.items if isinstance(i, ast.Literal)]
        if len(literals) == len(node.items):
            return Typed(self.const(frozenset(i.value for i in literals)), Ty(SET, elem=elem))
        return Typed("frozenset((" + "".join(i.code + ", " for i in items) + "))", Ty(SET, elem=elem))

    def _unary(self, node: ast.Unary, scope: Scope) -> Typed:
        inner = self.expr(node.operand, scope)
        if node.op == "not":
            self.expect_kind(node.operand, inner, (BOOL,), "not", scope)
            if inner.ty.nullable and _is_name(inner.code):
                code = f"(None if {inner.code} is None else not {inner.code})"
            elif inner.ty.nullable:  # written out, not a call of _not3: it runs on every case
                held = self.fresh("_w")
                code = f"(None if ({held} := {inner.code}) is None else not {held})"
            else:
                code = f"(not {inner.code})"
            return Typed(code, T_BOOL.with_nullable(inner.ty.nullable))
        self.expect_kind(node.operand, inner, NUMERIC, "-", scope)
        code = f"_neg3({inner.code})" if inner.ty.nullable else f"(-{inner.code})"
        return Typed(code, inner.ty)

    def expect_kind(
        self, node: ast.Node, typed: Typed, kinds: tuple[str, ...], op: str, scope: Scope
    ) -> None:
        if typed.ty.kind not in kinds:
            wanted = " or ".join(Ty(k).describe() for k in kinds)
            self.fail(
                node,
                f"'{op}' needs a {wanted}, but this is {typed.ty.a()}",
                expected=wanted,
                scope=scope,
            )

    def _binary(self, node: ast.Binary, scope: Scope) -> Typed:
        op = node.op
        left = self.expr(node.left, scope)
        right = self.expr(node.right, scope)
        nullable = left.ty.nullable or right.ty.nullable
        if op in ("and", "or"):
            self.expect_kind(node.left, left, (BOOL,), op, scope)
            self.expect_kind(node.right, right, (BOOL,), op, scope)
            if left.ty.nullable:
                # Short-circuit on a decided left side, like Python's own and/or: the right
                # side (a working-day sum past the calendar, say) is not evaluated needlessly.
                # _and3/_or3 written out (the left side is known not to absorb): a call of
                # them on every case cost more than the comparisons they make.
                held = self.fresh("_w")
                other = self.fresh("_w")
                absorbing = "False" if op == "and" else "True"
                neutral = "True" if op == "and" else "False"
                return Typed(
                    f"({absorbing} if ({held} := {left.code}) is {absorbing} else {absorbing} if ({other} := "
                    f"{right.code}) is {absorbing} else None if {held} is None or {other} is None else {neutral})",
                    T_BOOL.with_nullable(True),
                )
            # With a known left side Python's own short-circuit is already three-valued:
            # `True and None` is None, `False and None` is False, `True or None` is True.
            return Typed(f"({left.code} {op} {right.code})", T_BOOL.with_nullable(right.ty.nullable))
        if op in ("add", "sub"):
            return self._arith(node, left, right, scope)
        if op == "mul":
            self.expect_kind(node.left, left, NUMERIC, "*", scope)
            self.expect_kind(node.right, right, NUMERIC, "*", scope)
            ty = Ty(INT if left.ty.kind == right.ty.kind == INT else DECIMAL, nullable=nullable)
            code = f"_mul3({left.code}, {right.code})" if nullable else f"({left.code} * {right.code})"
            return Typed(code, ty)
        if op in ("in", "not_in"):
            return self._member(node, left, right, scope)
        relation = ast.COMPARISONS[op]
        py = "==" if relation == "=" else relation
        if op in ("before", "after", "on_or_before", "on_or_after"):
            word = op.replace("_", " ")
            for side, typed in ((node.left, left), (node.right, right)):
                if typed.ty.kind != DATE:
                    self.fail(
                        side,
                        f"'{word}' compares dates, but this is {typed.ty.a()}",
                        expected="a date",
                        hint="use <, <=, >, >= to compare numbers",
                        scope=scope,
                    )
        else:
            self.comparable(node, left, right, op, scope)
        if nullable:
            guard = _guard([left, right])
            if guard is not None:
                return Typed(
                    f"(None if {guard} else {left.code} {py} {right.code})", T_BOOL.with_nullable(True)
                )
            return Typed(f"_cmp3({py!r}, {left.code}, {right.code})", T_BOOL.with_nullable(True))
        return Typed(f"({left.code} {py} {right.code})", T_BOOL)

    def comparable(self, node: ast.Node, left: Typed, right: Typed, op: str, scope: Scope) -> None:
        lk, rk = left.ty.kind, right.ty.kind
        ordered = op in ("<", "<=", ">", ">=")
        if lk in NUMERIC and rk in NUMERIC:
            return
        if lk != rk:
            self.fail(
                node,
                f"cannot compare {left.ty.a()} with {right.ty.a()}",
                expected="two dates, two numbers, two strings or two booleans",
                scope=scope,
            )
        if lk in (LIST, OBJECT, SET, DURATION):
            self.fail(node, f"cannot compare {left.ty.describe()} values with '{op}'", scope=scope)
        if ordered and lk in (STRING, BOOL):
            self.fail(
                node,
                f"'{op}' orders numbers and dates, not {left.ty.describe()} values",
                expected="= or !=",
                scope=scope,
            )
        if lk == STRING:
            self.check_enum(node, left, node.right if isinstance(node, ast.Binary) else None, scope)
            self.check_enum(node, right, node.left if isinstance(node, ast.Binary) else None, scope)

    def check_enum(self, node: ast.Node, fact: Typed, other: ast.Node | None, scope: Scope) -> None:
        """A string fact with an enum compared to a literal outside it is a typo."""
        if fact.ty.enum is None or not isinstance(other, ast.Literal) or other.kind != STRING:
            return
        if other.value not in fact.ty.enum:
            self.fail(
                other,
                f'"{other.value}" is not a value this fact can take',
                expected=", ".join(f'"{v}"' for v in sorted(fact.ty.enum)),
                hint=did_you_mean(other.value, sorted(fact.ty.enum)),
                scope=scope,
            )

    def _member(self, node: ast.Binary, left: Typed, right: Typed, scope: Scope) -> Typed:
        if right.ty.kind not in (SET, LIST):
            self.fail(
                node.right,
                f"'in' needs a set {{…}} or a list, but this is {right.ty.a()}",
                expected='a set literal such as {"a", "b"}, or a list fact',
                scope=scope,
            )
        elem = right.ty.elem or Ty(STRING)
        fake = Typed("", elem)
        self.comparable(node, left, fake, "=", scope)
        if left.ty.enum is not None and isinstance(node.right, ast.SetLiteral):
            for item in node.right.items:
                self.check_enum(node, left, item, scope)
        negate = node.op == "not_in"
        nullable = left.ty.nullable or right.ty.nullable
        guard = _guard([left, right]) if nullable else None
        if guard is not None:
            code = f"(None if {guard} else {left.code} {'not in' if negate else 'in'} {right.code})"
        elif nullable:
            code = f"_in3({left.code}, {right.code}, {negate!r})"
        else:
            code = f"({left.code} {'not in' if negate else 'in'} {right.code})"
        return Typed(code, T_BOOL.with_nullable(nullable))

    def _arith(self, node: ast.Binary, left: Typed, right: Typed, scope: Scope) -> Typed:
        sign = 1 if node.op == "add" else -1
        word = "+" if sign > 0 else "-"
        nullable = left.ty.nullable or right.ty.nullable
        if left.ty.kind == DATE and right.ty.kind == DURATION:
            assert isinstance(node.right, ast.Duration | ast.Node)
            if not isinstance(node.right, ast.Duration):
                self.fail(node.right, "a duration must be written out (e.g. 3 months)", scope=scope)
            amount, unit = node.right.amount * sign, node.right.unit
            if unit == "working_days":
                if sign < 0:
                    self.fail(
                        node,
                        "subtracting working days is not supported",
                        hint="state the deadline forwards: start + N working days",
                        scope=scope,
                    )
                self.uses_calendar = True
                self.use("_wd")
                fn = "_wd"
            elif unit in ("months", "years"):
                fn = "_addm"
                amount = amount * (12 if unit == "years" else 1)
            else:
                fn = "_addd"
                amount = amount * (7 if unit == "weeks" else 1)
            call = f"{fn}({left.code}, {amount!r})"
            if left.ty.nullable:
                call = (
                    f"(None if {left.code} is None else {call})"
                    if _is_name(left.code)
                    else f"_call3({fn}, {left.code}, {amount!r})"
                )
            return Typed(call, T_DATE.with_nullable(left.ty.nullable))
        if left.ty.kind == DURATION or right.ty.kind == DURATION:
            self.fail(
                node,
                f"'{word}' with a duration needs a date on the left (date {word} duration)",
                expected="e.g. employee.reserve.enrolled_on + 3 months",
                scope=scope,
            )
        if left.ty.kind == DATE or right.ty.kind == DATE:
            self.fail(
                node,
                f"cannot compute date {word} {right.ty.describe()}",
                expected="date + duration, or compare dates with before/after",
                hint="to test an interval write: a within 3 months after b",
                scope=scope,
            )
        self.expect_kind(node.left, left, NUMERIC, word, scope)
        self.expect_kind(node.right, right, NUMERIC, word, scope)
        ty = Ty(INT if left.ty.kind == right.ty.kind == INT else DECIMAL, nullable=nullable)
        py = "+" if sign > 0 else "-"
        if nullable:
            return Typed(f"_arith3({py!r}, {left.code}, {right.code})", ty)
        return Typed(f"({left.code} {py} {right.code})", ty)

    def _between(self, node: ast.Between, scope: Scope) -> Typed:
        v, lo, hi = (self.expr(n, scope) for n in (node.value, node.low, node.high))
        self.comparable(node, v, lo, "<=", scope)
        self.comparable(node, v, hi, "<=", scope)
        if v.ty.nullable or lo.ty.nullable or hi.ty.nullable:
            return Typed(f"_between3({v.code}, {lo.code}, {hi.code})", T_BOOL.with_nullable(True))
        return Typed(f"({lo.code} <= {v.code} <= {hi.code})", T_BOOL)

    def _within(self, node: ast.Within, scope: Scope) -> Typed:
        if not isinstance(node.duration, ast.Duration):
            self.fail(
                node.duration, "'within' needs a written duration (e.g. within 3 months after …)", scope=scope
            )
        v = self.expr(node.value, scope)
        anchor = self.expr(node.anchor, scope)
        for side, typed in ((node.value, v), (node.anchor, anchor)):
            if typed.ty.kind != DATE:
                self.fail(
                    side,
                    f"'within' relates dates, but this is {typed.ty.a()}",
                    expected="a date",
                    scope=scope,
                )
        op = "add" if node.direction == "after" else "sub"
        shifted = self._arith(
            ast.Binary(op, node.anchor, node.duration, span=node.span),
            anchor,
            Typed("", Ty(DURATION, working=node.duration.unit == "working_days")),
            scope,
        )
        lo, hi = (anchor, shifted) if node.direction == "after" else (shifted, anchor)
        if v.ty.nullable or lo.ty.nullable or hi.ty.nullable:
            return Typed(f"_between3({v.code}, {lo.code}, {hi.code})", T_BOOL.with_nullable(True))
        return Typed(f"({lo.code} <= {v.code} <= {hi.code})", T_BOOL)

    def _presence(self, node: ast.Presence, scope: Scope) -> Typed:
        inner = self.expr(node.operand, scope)
        if not inner.ty.nullable:  # the schema guarantees a value: the answer is known
            return Typed("True" if node.present else "False", T_BOOL)
        return Typed(f"({inner.code} is {'not ' if node.present else ''}None)", T_BOOL)

    def _quantifier(self, node: ast.Quantifier, scope: Scope) -> Typed:
        source = self.expr(node.source, scope)
        if source.ty.kind != LIST or source.ty.elem is None:
            self.fail(
                node.source,
                f"'{node.kind}' ranges over a list, but this is {source.ty.a()}",
                expected="a list fact, e.g. employee.sanctions",
                scope=scope,
            )
        if node.var in self.root.field_names() or node.var in self.definitions.by_name:
            self.fail(
                node,
                f"the variable '{node.var}' hides a fact or definition of the same name",
                hint="pick another variable name",
                scope=scope,
            )
        var = self.fresh("b")
        element = Typed(var, source.ty.elem, frozenset({var}), element=True)
        self.loops.append(([], {}))
        self._levels.append((set(), {var}))
        try:
            body = self.expr(node.body, scope.child(**{node.var: element}))
        finally:
            loop_lines, _ = self.loops.pop()
            used, defined = self._levels.pop()
        if body.ty.kind != BOOL:
            self.fail(
                node.body,
                f"the condition after 'where' must be true or false, not {body.ty.a()}",
                scope=scope,
            )
        # The quantifier becomes a small local function with a plain loop: no per-element
        # lambda call, early exit for any/all, element fields read once per element.
        fn = self.fresh("_q")
        kind, unknown = node.kind, body.ty.nullable
        # Module-level function, free locals passed as arguments: no closure is built per
        # call, and the decision function's own locals stay fast (no cell variables).
        free = sorted(used - defined, key=_natural)
        self.use(*free)  # the call passes them: the enclosing code reads them
        params = ", ".join(["_items", *free])
        lines = [f"def {fn}({params}):"]
        lines += ["    _n = 0"] if kind == "count" else []
        lines += ["    _unknown = False"] if unknown else []
        lines += [f"    for {var} in _items:"] + [f"        {ln}" for ln in loop_lines]
        lines.append(f"        _v = {body.code}")
        if kind == "any":
            lines.append("        if _v: return True")
        elif kind == "all":
            lines.append("        if _v is False: return False")
        else:
            lines.append("        if _v: _n += 1")
        if unknown:
            lines.append("        if _v is None: _unknown = True")
        result = {"any": "False", "all": "True", "count": "_n"}[kind]
        lines.append(f"    return None if _unknown else {result}" if unknown else f"    return {result}")
        self.module_lines.extend(lines)
        args = "".join(f", {name}" for name in free)
        ty = T_INT if kind == "count" else T_BOOL
        # An empty list (the common case: no sanctions, no earlier spells in the reserve) gives
        # the loop's initial answer without the call.
        empty = {"any": "False", "all": "True", "count": "0"}[kind]
        if source.ty.nullable:
            code = (
                f"(None if {source.code} is None else {fn}({source.code}{args}) if {source.code} else {empty})"
                if _is_name(source.code)
                else f"_call3(lambda _s: {fn}(_s{args}), {source.code})"
            )
            return Typed(code, ty.with_nullable(True))
        if _is_name(source.code):
            return Typed(f"({fn}({source.code}{args}) if {source.code} else {empty})", ty.with_nullable(unknown))
        return Typed(f"{fn}({source.code}{args})", ty.with_nullable(unknown))

    def _conditional(self, node: ast.Conditional, scope: Scope) -> Typed:
        cond = self.expr(node.condition, scope)
        self.expect_kind(node.condition, cond, (BOOL,), "if", scope)
        then = self.expr(node.then, scope)
        other = self.expr(node.otherwise, scope)
        if then.ty.kind != other.ty.kind and not (then.ty.kind in NUMERIC and other.ty.kind in NUMERIC):
            self.fail(
                node,
                f"both branches must have one type: {then.ty.describe()} vs {other.ty.describe()}",
                scope=scope,
            )
        nullable = cond.ty.nullable or then.ty.nullable or other.ty.nullable
        if cond.ty.nullable:
            held = self.fresh("_w")
            code = f"(None if ({held} := {cond.code}) is None else ({then.code} if {held} else {other.code}))"
        else:
            code = f"({then.code} if {cond.code} else {other.code})"
        ty = then.ty
        if then.ty.kind != other.ty.kind:  # an integer in one branch, a decimal in the other
            ty = Ty(DECIMAL)
        return Typed(code, ty.with_nullable(nullable))


def _natural(name: str) -> tuple[str, int]:
    head = name.rstrip("0123456789")
    return head, int(name[len(head) :] or 0)


def _is_name(code: str) -> bool:
    """A hoisted local or parameter: safe to mention twice in the emitted expression."""
    return code.isidentifier()


def _guard(operands: list[Typed]) -> str | None:
    """`a is None or b is None` over the nullable operands, if all of them are plain names."""
    nullable = [o.code for o in operands if o.ty.nullable]
    if not all(_is_name(c) for c in nullable):
        return None
    return " or ".join(f"{c} is None" for c in nullable)


def did_you_mean(name: str, candidates: list[str]) -> str | None:
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    if not close:
        return None
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
