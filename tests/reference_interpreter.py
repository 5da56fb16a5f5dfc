"""A reference interpreter of the clause language: a plain tree walk over `engine.dsl.ast`.

It is written from the semantics documented in docs/dsl.md, not from the compiler, and shares
none of its code: no type checker, no code generation, its own date arithmetic. The property
test (tests/test_property.py) runs random rules through both and requires the same answers.
It is deliberately slow and simple: every node is evaluated by one small function, and every
rule of the semantics is a few visible lines.

Semantics implemented here (docs/dsl.md, "Missing facts", "Dates"):

- A fact absent from the case, or `null`, is *missing* (`None`). Missing propagates: any
  comparison, arithmetic, date arithmetic, function call, membership test, `between`,
  `within` or `if` with a missing operand (an `if` with a missing condition) is missing.
- `and`/`or`/`not` are Kleene's three-valued logic: `false and missing` is false, `true or
  missing` is true, otherwise a missing operand makes the result missing.
- `any`/`all` over a list: `any` is true if some element's condition is true, else missing if
  some is missing, else false; `all` is false if some is false, else missing if some is
  missing, else true; `count` is the number of true conditions, missing if any is missing. A
  missing list makes all three missing.
- `is missing` / `is present` are never missing themselves.
- Adding months or years keeps the day of the month, clamped to the last day of a shorter
  month; weeks are 7 days; working days are counted on the working-day calendar.
- `x between a and b` is `a <= x <= b`; `x within D after y` is `y <= x <= y + D`; `x within D
  before y` is `y - D <= x <= y`.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.dsl import ast


@dataclass(frozen=True)
class Span:
    """A duration value: an amount of a unit (years, months, weeks, days, working_days)."""

    amount: int
    unit: str


@dataclass
class Env:
    case: Mapping[str, Any]  # typed facts: dates already `datetime.date`
    decision_date: dt.date
    definitions: Mapping[str, ast.Definition]
    is_working_day: Callable[[dt.date], bool]
    local: dict[str, Any] = field(default_factory=dict)

    def with_locals(self, local: dict[str, Any]) -> Env:
        return Env(self.case, self.decision_date, self.definitions, self.is_working_day, local)


# ---- reading a case against its JSON Schema ---------------------------------------------


def typed_case(value: Any, schema: Mapping[str, Any], root: Mapping[str, Any] | None = None) -> Any:
    """The case with every `format: date` string turned into a date (nothing else changes)."""
    root = root if root is not None else schema
    while "$ref" in schema:
        target: Any = root
        for part in schema["$ref"][2:].split("/"):
            target = target[part]
        schema = target
    if value is None:
        return None
    if isinstance(value, str) and schema.get("format") == "date":
        return dt.date.fromisoformat(value)
    if isinstance(value, list):
        items = schema.get("items", {})
        return [typed_case(v, items, root) for v in value]
    if isinstance(value, dict):
        props = schema.get("properties", {})
        return {k: typed_case(v, props.get(k, {}), root) for k, v in value.items()}
    return value


# ---- calendar arithmetic, written out again -----------------------------------------------


def shift_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(total, 12)
    month = month0 + 1
    days_in_month = _calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, days_in_month))


def shift(day: dt.date, span: Span, sign: int, env: Env) -> dt.date:
    n = span.amount * sign
    if span.unit == "years":
        return shift_months(day, 12 * n)
    if span.unit == "months":
        return shift_months(day, n)
    if span.unit == "weeks":
        return day + dt.timedelta(days=7 * n)
    if span.unit == "days":
        return day + dt.timedelta(days=n)
    if span.unit == "working_days":
        if n < 0:
            raise ValueError("working days are only added")
        current, left = day, n
        while left:
            current += dt.timedelta(days=1)
            if env.is_working_day(current):
                left -= 1
        return current
    raise ValueError(span.unit)


def _last_day(day: dt.date) -> dt.date:
    return day.replace(day=_calendar.monthrange(day.year, day.month)[1])


def _quarter(day: dt.date) -> int:
    return 1 + (day.month - 1) // 3


def _quarter_first(day: dt.date) -> dt.date:
    return dt.date(day.year, {1: 1, 2: 4, 3: 7, 4: 10}[_quarter(day)], 1)


def _quarter_last(day: dt.date) -> dt.date:
    return _last_day(dt.date(day.year, {1: 3, 2: 6, 3: 9, 4: 12}[_quarter(day)], 1))


def _quarter_start(year: int, q: int) -> dt.date | None:
    if q not in (1, 2, 3, 4) or not 1 <= year <= 9999:
        return None
    return dt.date(year, {1: 1, 2: 4, 3: 7, 4: 10}[q], 1)


def _day_of_month(day: dt.date, n: int) -> dt.date | None:
    try:
        return day.replace(day=n)
    except ValueError:
        return None


BUILTINS: dict[str, Callable[..., Any]] = {
    "start_of_month": lambda d: d.replace(day=1),
    "end_of_month": _last_day,
    "start_of_quarter": _quarter_first,
    "end_of_quarter": _quarter_last,
    "start_of_last_month_of_quarter": lambda d: _quarter_last(d).replace(day=1),
    "quarter_of": _quarter,
    "year_of": lambda d: d.year,
    "quarter_start": _quarter_start,
    "day_of_month": _day_of_month,
    "size": len,
}


# ---- expressions --------------------------------------------------------------------------


def evaluate(node: ast.Node, env: Env) -> Any:
    match node:
        case ast.Literal(value=value):
            return value
        case ast.Duration(amount=amount, unit=unit):
            return Span(amount, unit)
        case ast.Path(parts=parts):
            return _path(parts, env)
        case ast.Call(name=name, args=args):
            values = [evaluate(a, env) for a in args]
            if name in env.definitions:
                return _apply(env.definitions[name], values, env)
            if any(v is None for v in values):
                return None
            return BUILTINS[name](*values)
        case ast.SetLiteral(items=items):
            return frozenset(evaluate(i, env) for i in items)
        case ast.Unary(op="not", operand=operand):
            value = evaluate(operand, env)
            return None if value is None else not value
        case ast.Unary(op="neg", operand=operand):
            value = evaluate(operand, env)
            return None if value is None else -value
        case ast.Binary(op="and", left=left, right=right):
            a = evaluate(left, env)
            if a is False:
                return False
            b = evaluate(right, env)
            if b is False:
                return False
            return None if a is None or b is None else True
        case ast.Binary(op="or", left=left, right=right):
            a = evaluate(left, env)
            if a is True:
                return True
            b = evaluate(right, env)
            if b is True:
                return True
            return None if a is None or b is None else False
        case ast.Binary(op=op, left=left, right=right):
            return _binary(op, evaluate(left, env), evaluate(right, env), env)
        case ast.Between(value=value, low=low, high=high):
            v, lo, hi = evaluate(value, env), evaluate(low, env), evaluate(high, env)
            if v is None or lo is None or hi is None:
                return None
            return lo <= v <= hi
        case ast.Within(value=value, duration=duration, anchor=anchor, direction=direction):
            v, span, a = evaluate(value, env), evaluate(duration, env), evaluate(anchor, env)
            if v is None or a is None:
                return None
            if direction == "after":
                return a <= v <= shift(a, span, +1, env)
            return shift(a, span, -1, env) <= v <= a
        case ast.Presence(operand=operand, present=present):
            return (evaluate(operand, env) is not None) == present
        case ast.Quantifier(kind=kind, var=var, source=source, body=body):
            items = evaluate(source, env)
            if items is None:
                return None
            results = [evaluate(body, env.with_locals({**env.local, var: item})) for item in items]
            if kind == "any":
                return True if True in results else (None if None in results else False)
            if kind == "all":
                return False if False in results else (None if None in results else True)
            return None if None in results else sum(1 for r in results if r is True)
        case ast.Conditional(condition=condition, then=then, otherwise=otherwise):
            c = evaluate(condition, env)
            if c is None:
                return None
            return evaluate(then, env) if c else evaluate(otherwise, env)
    raise TypeError(f"not an expression: {type(node).__name__}")


def _path(parts: tuple[str, ...], env: Env) -> Any:
    head, *rest = parts
    if head in env.local:
        value = env.local[head]
    elif head in env.definitions:
        return _apply(env.definitions[head], [], env)
    elif head == "decision_date":
        return env.decision_date
    else:
        value = env.case.get(head)
    for part in rest:
        if value is None:
            return None
        value = value.get(part)
    return value


def _apply(definition: ast.Definition, args: list[Any], env: Env) -> Any:
    # A definition sees its parameters and the case, never the caller's quantifier variables.
    return evaluate(definition.body, env.with_locals(dict(zip(definition.params, args, strict=True))))


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "before": lambda a, b: a < b,
    "after": lambda a, b: a > b,
    "on_or_before": lambda a, b: a <= b,
    "on_or_after": lambda a, b: a >= b,
}


def _binary(op: str, a: Any, b: Any, env: Env) -> Any:
    if a is None or b is None:
        return None
    if op in ("add", "sub"):
        sign = 1 if op == "add" else -1
        if isinstance(b, Span):
            return shift(a, b, sign, env)
        return a + b if sign > 0 else a - b
    if op == "mul":
        return a * b
    if op == "in":
        return a in b
    if op == "not_in":
        return a not in b
    return _ORDER[op](a, b)


# ---- statements -------------------------------------------------------------------------


@dataclass
class Results:
    """What a block's statements did, by statement index (as the compiled function numbers them)."""

    fired: set[int] = field(default_factory=set)
    undetermined: set[int] = field(default_factory=set)
    excepted: set[int] = field(default_factory=set)
    overrides: set[int] = field(default_factory=set)
    values: dict[int, Any] = field(default_factory=dict)


def run_statements(statements: list[ast.Node], env: Env) -> Results:
    out = Results()
    for i, stmt in enumerate(statements):
        match stmt:
            case ast.Compute(expr=expr):
                out.values[i] = evaluate(expr, env)
            case ast.Applies(condition=condition):
                # gives no outcome and refuses nothing: a missing fact reads as not applying
                if evaluate(condition, env) is True:
                    out.fired.add(i)
            case ast.Override(condition=condition):
                c = evaluate(condition, env)
                if c is None:
                    out.undetermined.add(i)
                elif c:
                    out.overrides.add(i)
            case (
                ast.Require(condition=condition, exception=exception)
                | ast.Ground(condition=condition, exception=exception)
            ):
                c = evaluate(condition, env)
                # `require C` gives its outcome when C is false; `when C` when C is true.
                gives = (None if c is None else not c) if isinstance(stmt, ast.Require) else c
                if gives is False:
                    continue
                e = evaluate(exception, env) if exception is not None else False
                if e is True:
                    out.excepted.add(i)  # an exception that holds waives the statement
                elif gives is True and e is False:
                    out.fired.add(i)
                else:
                    out.undetermined.add(i)
    return out


def definitions_of(program: ast.Program) -> dict[str, ast.Definition]:
    return {d.name: d for d in program.definitions}


def decimal_or_int(value: Any) -> Any:
    """Numbers compared by value (2 and Decimal('2.0') are equal), other values as they are."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return value
    return Decimal(value)
