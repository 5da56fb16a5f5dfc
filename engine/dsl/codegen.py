"""Assembling one Python function per decision from the clauses that feed it.

The function reads each fact at most once (hoisted), evaluates every statement of every
clause the decision cites, and returns what fired; choosing the outcome from that is
`engine.decide`'s job. Two variants are compiled from the same checked tree: a plain one for
the hot path and a traced one that records each condition's value for `--explain`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import ast
from .compiler import CompileFailed, Definitions, FunctionCompiler, Scope, TypeProblem
from .runtime import RUNTIME
from .types import BOOL, Ty


@dataclass(frozen=True)
class StatementRef:
    """One statement of one clause, as the decision function numbers it."""

    index: int
    clause: str
    kind: str  # require | ground | compute | override | applies
    outcome: str | None
    name: str | None
    target: str | None
    has_exception: bool
    node: ast.Node = field(repr=False, compare=False)
    facts: tuple[tuple[str, ...], ...] = ()
    only: tuple[str, ...] = ()  # compute: the outcomes it is reported with (empty: every outcome)


@dataclass
class CompiledDecision:
    name: str
    statements: list[StatementRef]
    plain: Callable[..., Any]
    _build_traced: Callable[[], Callable[..., Any]] = field(repr=False)
    source: str = ""
    uses_calendar: bool = False
    # Statements that may be undetermined (a fact they read may be missing): the compiler's
    # own account, for tools that reason about the decision without reading its source.
    undeterminable: frozenset[int] = frozenset()
    _traced: Callable[..., Any] | None = field(default=None, repr=False)

    @property
    def traced(self) -> Callable[..., Any]:
        """The traced variant, compiled on first use (the plain one serves every other call)."""
        if self._traced is None:
            self._traced = self._build_traced()
        return self._traced


Problem = tuple[str, TypeProblem]  # (clause id, problem)


def compile_decision(
    name: str,
    outcomes: set[str],
    root: Ty,
    definitions: Definitions,
    blocks: list[tuple[str, ast.Block]],
    default: str | None = None,
) -> tuple[CompiledDecision | None, list[Problem]]:
    """Compile the statements of `blocks` (clause id, block) into one decision function.

    The plain function is built now; the traced one (for explanations) from the same checked
    tree the first time a trace is asked for, so loading a policy does not pay for it.
    """
    statements: list[StatementRef] = []
    problems: list[Problem] = []
    emitted = _Emitted()
    source, fc = _generate(name, outcomes, root, definitions, blocks, default, False, statements, problems, emitted)
    if problems:
        return None, _dedupe(problems)

    def traced() -> Callable[..., Any]:
        t_source, t_fc = _generate(name, outcomes, root, definitions, blocks, default, True, [], [], _Emitted())
        return _load(name + " traced", t_source, t_fc)

    compiled = CompiledDecision(
        name,
        statements,
        _load(name, source, fc),
        traced,
        source,
        fc.uses_calendar,
        frozenset(emitted.undetermined),
    )
    return compiled, []


@dataclass
class _Emitted:
    """What the emitted statements do, recorded as they are emitted (never read back from
    the source): which result lists they append to, which may append to `_u`."""

    results: set[str] = field(default_factory=set)
    undetermined: set[int] = field(default_factory=set)

    def append(self, result: str, index: int) -> str:
        self.results.add(result)
        if result == "_u":
            self.undetermined.add(index)
        return f"{result}.append({index})"


def _generate(
    name: str,
    outcomes: set[str],
    root: Ty,
    definitions: Definitions,
    blocks: list[tuple[str, ast.Block]],
    default: str | None,
    trace: bool,
    statements: list[StatementRef],
    problems: list[Problem],
    emitted: _Emitted,
) -> tuple[str, FunctionCompiler]:
    fc = FunctionCompiler(root, definitions, {}, trace, counters={})
    body: list[str] = []
    index = 0
    for clause, block in blocks:
        for stmt in block.statements:
            fc.current_facts = set()
            before = len(fc.problems)
            try:
                lines = _statement(fc, stmt, index, outcomes, emitted, default)
            except CompileFailed:
                lines = []
            problems.extend((clause, p) for p in fc.problems[before:])
            statements.append(_ref(stmt, index, clause, fc.current_facts))
            body.extend(f"    {line}" for line in [f"# statement {index}", *lines])
            index += 1
    # A result list no statement appends to stays an empty tuple.
    source = "\n".join(
        [
            *fc.module_lines,
            "def decide(case, _dd, _wd, _t):",
            *(f"    {line}" for line in fc.prelude),
            "    " + "; ".join(f"{n} = []" if n in emitted.results else f"{n} = ()" for n in _RESULTS),
            *body,
            "    return _f, _u, _x, _o, _v",
        ]
    )
    return source, fc


_RESULTS = ("_f", "_u", "_x", "_o", "_v")  # fired, undetermined, excepted, overrides, values


def _load(name: str, source: str, fc: FunctionCompiler) -> Callable[..., Any]:
    namespace = dict(RUNTIME)
    namespace.update(fc.namespace)
    exec(compile(source, f"<ereje decision {name}>", "exec"), namespace)
    decide: Callable[..., Any] = namespace["decide"]
    return decide


def _ref(stmt: ast.Node, index: int, clause: str, facts: set[tuple[str, ...]]) -> StatementRef:
    facts_t = tuple(sorted(facts))
    match stmt:
        case ast.Require(outcome=o, exception=e) | ast.Ground(outcome=o, exception=e):
            kind = "require" if isinstance(stmt, ast.Require) else "ground"
            return StatementRef(index, clause, kind, o, None, None, e is not None, stmt, facts_t)
        case ast.Compute(name=n, outcomes=only):
            return StatementRef(index, clause, "compute", None, n, None, False, stmt, facts_t, only)
        case ast.Override(clause=target):
            return StatementRef(index, clause, "override", None, None, target, False, stmt, facts_t)
        case ast.Applies():
            return StatementRef(index, clause, "applies", None, None, None, False, stmt, facts_t)
    raise TypeError(type(stmt))


def _condition(fc: FunctionCompiler, node: ast.Node, what: str) -> Any:
    typed = fc.expr(node, Scope())
    if typed.ty.kind != BOOL:
        fc.fail(
            node,
            f"{what} must be a condition (true or false), not {typed.ty.a()}",
            expected="a comparison, a membership test, 'is missing', any/all …",
        )
    return typed


def _check_outcome(
    fc: FunctionCompiler, stmt: ast.Node, outcome: str, outcomes: set[str], default: str | None = None
) -> None:
    if outcome == default:
        fc.fail(
            stmt,
            f"'{outcome}' is the default outcome of this decision: it is given when no statement "
            "fires, so no statement gives it",
            expected=", ".join(sorted(outcomes)),
            hint="state the opposite condition with the outcome it leads to, or drop the statement",
        )
    if outcome not in outcomes:
        from .compiler import did_you_mean

        fc.fail(
            stmt,
            f"'{outcome}' is not an outcome of this decision",
            expected=", ".join(sorted(outcomes)),
            hint=did_you_mean(outcome, sorted(outcomes)),
        )


def _statement(
    fc: FunctionCompiler,
    stmt: ast.Node,
    i: int,
    outcomes: set[str],
    emitted: _Emitted,
    default: str | None = None,
) -> list[str]:
    undetermined = "_u"
    if isinstance(stmt, ast.Require | ast.Ground):
        fired = emitted.append("_f", i)
        _check_outcome(fc, stmt, stmt.outcome, outcomes, default)
        cond = _condition(fc, stmt.condition, "the condition")
        exc = _condition(fc, stmt.exception, "the exception after 'unless'") if stmt.exception else None
        trigger = "not _c" if isinstance(stmt, ast.Require) else "_c"
        lines = [f"_c = {cond.code}"]
        if exc is not None:
            # The exception is looked at only when the condition would give the outcome, or
            # cannot be evaluated: an exception that holds waives the statement either way.
            test = f"_c is None or {trigger}" if cond.ty.nullable else trigger
            lines += [f"if {test}:", f"    _e = {exc.code}", f"    if _e: {emitted.append('_x', i)}"]
            if exc.ty.nullable or cond.ty.nullable:
                lines.append(f"    elif _e is None or _c is None: {emitted.append(undetermined, i)}")
            lines.append(f"    else: {fired}")
            return lines
        if cond.ty.nullable:
            lines += [f"if _c is None: {emitted.append(undetermined, i)}", f"elif {trigger}: {fired}"]
        else:
            lines += [f"if {trigger}: {fired}"]
        return lines
    if isinstance(stmt, ast.Compute):
        typed = fc.expr(stmt.expr, Scope())
        if typed.ty.kind in ("duration", "set", "object"):
            fc.fail(
                stmt.expr,
                f"a computed value is reported in the answer and cannot be {typed.ty.a()}",
                expected="a date, a number, a string, a boolean or a list",
                hint="add the duration to a date: compute earliest = employee.reserve.enrolled_on + 3 months",
            )
        every = sorted(outcomes | ({default} if default else set()))
        for outcome in stmt.outcomes:
            if outcome not in every:
                from .compiler import did_you_mean

                fc.fail(
                    stmt,
                    f"'{outcome}' after 'only on' is not an outcome of this decision",
                    expected=", ".join(every),
                    hint=did_you_mean(outcome, every),
                )
        emitted.results.add("_v")
        return [f"_v.append(({i}, {typed.code}))"]
    if isinstance(stmt, ast.Applies):
        # Recorded with the fired statements; it gives no outcome (engine.decide tells them apart).
        # A condition that cannot be evaluated for want of a fact is read as not applying: the
        # clause then keeps the role its other statements give it, and nothing is refused.
        cond = _condition(fc, stmt.condition, "the condition after 'applies when'")
        return [f"if {cond.code}: {emitted.append('_f', i)}"]
    if isinstance(stmt, ast.Override):
        cond = _condition(fc, stmt.condition, "the override's condition")
        if cond.ty.nullable:
            return [
                f"_c = {cond.code}",
                f"if _c is None: {emitted.append(undetermined, i)}",
                f"elif _c: {emitted.append('_o', i)}",
            ]
        return [f"if {cond.code}: {emitted.append('_o', i)}"]
    raise TypeError(type(stmt))


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen = set()
    out = []
    for clause, p in problems:
        key = (clause, p.span, p.message, p.origin)
        if key not in seen:
            seen.add(key)
            out.append((clause, p))
    return out
