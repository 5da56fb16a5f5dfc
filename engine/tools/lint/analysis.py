"""What each statement of a decision reads, and what it compares the facts with.

The analysis walks the checked syntax tree of a statement with every definition inlined
(arguments substituted: the language has no side effects, so substitution is exact) and
returns, per statement:

- the fact paths it reads (root-based tuples; `*` marks a list element: `employee.sanctions.*.kind`);
- the *atoms*: every comparison, membership test, `between` and `within`, with both sides reduced
  to a *term* — a fact path, `decision_date`, a literal, or one of those shifted by a duration;
- the definitions it uses, transitively;
- the facts passed to calendar built-ins (month and quarter edges matter for them).

`engine.tools.lint.domain` turns the atoms into the finite value domains the witness search
enumerates. Nothing here evaluates a rule: evaluation is always the engine's compiled function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ...dsl import ast

CALENDAR_BUILTINS = frozenset(
    {
        "start_of_month",
        "end_of_month",
        "start_of_quarter",
        "end_of_quarter",
        "start_of_last_month_of_quarter",
        "quarter_of",
        "year_of",
        "day_of_month",
    }
)

Path = tuple[str, ...]
DDATE: Path = ("<decision_date>",)


# ---- terms ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    path: Path  # DDATE for decision_date


@dataclass(frozen=True)
class Lit:
    value: Any  # str | int | Decimal | date | bool | frozenset
    kind: str


@dataclass(frozen=True)
class Shift:
    base: Any  # a term
    amount: int
    unit: str  # days | weeks | months | years | working_days


@dataclass(frozen=True)
class Dur:
    amount: int
    unit: str


@dataclass(frozen=True)
class Union:
    items: tuple[Any, ...]


@dataclass(frozen=True)
class Opaque:
    pass


OPAQUE = Opaque()


@dataclass(frozen=True)
class Atom:
    """One comparison: `left op right`, each side a term. op: = != < <= > >= in not_in."""

    op: str
    left: Any
    right: Any


@dataclass
class StatementFacts:
    reads: set[Path] = field(default_factory=set)
    atoms: list[Atom] = field(default_factory=list)
    definitions: set[str] = field(default_factory=set)
    calendar_args: set[Path] = field(default_factory=set)  # facts fed to month/quarter built-ins
    day_numbers: set[int] = field(default_factory=set)  # N of day_of_month(…, N)
    count_limits: set[int] = field(default_factory=set)  # literals compared with count/size
    year_args: set[Path] = field(default_factory=set)  # facts given as the year of quarter_start


_CMP = ast.COMPARISONS


class Analyser:
    """Inline definitions and collect the reads and atoms of one statement."""

    def __init__(self, definitions: dict[str, tuple[ast.Definition, str]]) -> None:
        self.definitions = definitions

    def statement(self, stmt: ast.Node) -> StatementFacts:
        out = StatementFacts()
        self._out = out
        for child in ast.children(stmt):
            self.term(child, {})
        return out

    def definition(self, name: str) -> StatementFacts:
        """The reads of one definition on its own (parameters are opaque)."""
        out = StatementFacts()
        self._out = out
        definition, _ = self.definitions[name]
        self.term(definition.body, {p: OPAQUE for p in definition.params})
        return out

    # -- terms ---------------------------------------------------------------------------------
    def term(self, node: ast.Node, env: dict[str, Any]) -> Any:
        out = self._out
        match node:
            case ast.Literal(value=v, kind=k):
                return Lit(v, k)
            case ast.Duration(amount=a, unit=u):
                return Dur(a, u)
            case ast.Path(parts=parts):
                head, rest = parts[0], parts[1:]
                if head in env:
                    return self._extend(env[head], rest)
                if head == "decision_date":
                    return Fact(DDATE)
                if head in self.definitions:
                    out.definitions.add(head)
                    definition, _ = self.definitions[head]
                    return self.term(definition.body, {})
                return self._extend(Fact(()), tuple(parts))
            case ast.Call(name=name, args=args):
                terms = [self.term(a, env) for a in args]
                if name in self.definitions:
                    out.definitions.add(name)
                    definition, _ = self.definitions[name]
                    inner = dict(zip(definition.params, terms, strict=False))
                    return self.term(definition.body, inner)
                if name in CALENDAR_BUILTINS:
                    for t in terms:
                        for f in _facts_of(t):
                            out.calendar_args.add(f)
                    if name == "day_of_month" and len(terms) == 2 and isinstance(terms[1], Lit):
                        out.day_numbers.add(int(terms[1].value))
                if name == "quarter_start" and terms:
                    out.year_args.update(_facts_of(terms[0]))
                if name == "size":
                    return _Size(terms[0]) if terms else OPAQUE
                return OPAQUE
            case ast.SetLiteral(items=items):
                terms = [self.term(i, env) for i in items]
                if all(isinstance(t, Lit) for t in terms):
                    return Lit(frozenset(t.value for t in terms), "set")
                return Union(tuple(terms))
            case ast.Unary(operand=o):
                self.term(o, env)
                return OPAQUE
            case ast.Binary(op=op, left=left, right=right):
                lt, rt = self.term(left, env), self.term(right, env)
                if op in ("add", "sub") and isinstance(rt, Dur):
                    sign = 1 if op == "add" else -1
                    return _shift(lt, sign * rt.amount, rt.unit)
                if op in _CMP:
                    self._atom(_CMP[op], lt, rt)
                elif op in ("in", "not_in"):
                    self._atom(op, lt, rt)
                return OPAQUE
            case ast.Between(value=v, low=lo, high=hi):
                vt, lot, hit = self.term(v, env), self.term(lo, env), self.term(hi, env)
                self._atom(">=", vt, lot)
                self._atom("<=", vt, hit)
                return OPAQUE
            case ast.Within(value=v, duration=d, anchor=a, direction=direction):
                vt, dtm, at = self.term(v, env), self.term(d, env), self.term(a, env)
                sign = 1 if direction == "after" else -1
                shifted = _shift(at, sign * dtm.amount, dtm.unit) if isinstance(dtm, Dur) else OPAQUE
                self._atom(">=" if sign > 0 else "<=", vt, at)
                self._atom("<=" if sign > 0 else ">=", vt, shifted)
                return OPAQUE
            case ast.Presence(operand=o):
                self.term(o, env)
                return OPAQUE
            case ast.Quantifier(kind=kind, var=var, source=src, body=body):
                st = self.term(src, env)
                element = _element(st)
                self.term(body, {**env, var: element})
                return _Count(st) if kind == "count" else OPAQUE
            case ast.Conditional(condition=c, then=t, otherwise=o):
                self.term(c, env)
                return _union(self.term(t, env), self.term(o, env))
        for child in ast.children(node):
            self.term(child, env)
        return OPAQUE

    def _extend(self, base: Any, rest: tuple[str, ...]) -> Any:
        if isinstance(base, Fact) and base.path != DDATE:
            path = base.path + tuple(rest)
            if path:
                self._out.reads.add(path)
                # Reading a field reads the presence of every enclosing object too.
                for k in range(1, len(path)):
                    if path[k - 1] != "*":
                        self._out.reads.add(path[:k])
            return Fact(path)
        if isinstance(base, Union):
            return _union(*(self._extend(b, rest) for b in base.items))
        if not rest:
            return base
        return OPAQUE

    def _atom(self, op: str, left: Any, right: Any) -> None:
        for lt in _alternatives(left):
            for rt in _alternatives(right):
                if isinstance(lt, _Size | _Count) and isinstance(rt, Lit) and isinstance(rt.value, int):
                    self._out.count_limits.add(int(rt.value))
                elif isinstance(rt, _Size | _Count) and isinstance(lt, Lit) and isinstance(lt.value, int):
                    self._out.count_limits.add(int(lt.value))
                self._out.atoms.append(Atom(op, lt, rt))


@dataclass(frozen=True)
class _Size:
    of: Any


@dataclass(frozen=True)
class _Count:
    of: Any


def _shift(base: Any, amount: int, unit: str) -> Any:
    if isinstance(base, Union):
        return Union(tuple(_shift(b, amount, unit) for b in base.items))
    if isinstance(base, Fact | Shift | Lit):
        return Shift(base, amount, unit)
    return OPAQUE


def _union(*terms: Any) -> Any:
    items: list[Any] = []
    for t in terms:
        for x in t.items if isinstance(t, Union) else (t,):
            if x not in items:
                items.append(x)
    return items[0] if len(items) == 1 else Union(tuple(items))


def _alternatives(term: Any) -> tuple[Any, ...]:
    return term.items if isinstance(term, Union) else (term,)


def _element(source: Any) -> Any:
    if isinstance(source, Fact) and source.path != DDATE:
        return Fact((*source.path, "*"))
    if isinstance(source, Union):
        return _union(*(_element(s) for s in source.items))
    return OPAQUE


def _facts_of(term: Any) -> list[Path]:
    if isinstance(term, Fact):
        return [term.path]
    if isinstance(term, Shift):
        return _facts_of(term.base)
    if isinstance(term, Union):
        return [p for t in term.items for p in _facts_of(t)]
    return []


def base_and_shifts(term: Any) -> tuple[Any, list[tuple[int, str]]]:
    """`fact + 3 months + 1 day` → (Fact, [(3, months), (1, days)])."""
    shifts: list[tuple[int, str]] = []
    while isinstance(term, Shift):
        shifts.append((term.amount, term.unit))
        term = term.base
    return term, shifts


def literal_dates(term: Any) -> list[dt.date]:
    base, _ = base_and_shifts(term)
    if isinstance(base, Lit) and isinstance(base.value, dt.date):
        return [base.value]
    return []


def definitions_of(versions: dict[str, Any]) -> dict[str, tuple[ast.Definition, str]]:
    """The edition's definitions by name (the engine refuses duplicates, so one each)."""
    out: dict[str, tuple[ast.Definition, str]] = {}
    for cid, version in versions.items():
        if version.program is None:
            continue
        for definition in version.program.definitions:
            out.setdefault(definition.name, (definition, cid))
    return out


def used_definitions(roots: set[str], definitions: dict[str, tuple[ast.Definition, str]]) -> set[str]:
    """`roots` and every definition they refer to, transitively."""
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen or name not in definitions:
            continue
        seen.add(name)
        for node in ast.walk(definitions[name][0].body):
            if isinstance(node, ast.Path) and node.parts[0] in definitions:
                stack.append(node.parts[0])
            elif isinstance(node, ast.Call) and node.name in definitions:
                stack.append(node.name)
    return seen
