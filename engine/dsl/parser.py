"""Parsing rule text into the syntax tree.

The grammar lives in `grammar/ereje.lark` (the language's reference). The Lark parser is built
once per process; parsing a rule never evaluates anything.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path as FsPath
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.tree import Meta

from . import ast

# `engine/grammar` links to the top-level `grammar/`; a wheel carries the file itself there.
GRAMMAR_FILE = FsPath(__file__).resolve().parents[1] / "grammar" / "ereje.lark"


@dataclass(frozen=True)
class SyntaxProblem:
    """A syntax error inside one rule text, positioned in that text (1-based)."""

    line: int
    column: int
    message: str
    expected: str | None = None
    hint: str | None = None


class RuleSyntaxError(ValueError):
    def __init__(self, problem: SyntaxProblem) -> None:
        self.problem = problem
        super().__init__(f"{problem.line}:{problem.column}: {problem.message}")


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(
        GRAMMAR_FILE.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="basic",
        propagate_positions=True,
        start="program",
        maybe_placeholders=False,
        # Building the LALR tables takes ~300 ms; Lark caches them in the temp directory,
        # keyed by the grammar's hash, so only the first process after a change pays it.
        cache=True,
    )


def _span(meta: Meta) -> ast.Span:
    return ast.Span(meta.line, meta.column, meta.end_line, meta.end_column)


# A rule's children as the transformer receives them: tokens and the nodes already built below,
# told apart by the grammar's shape, not by their types.
_Items = list[Any]


_BINARY = {
    "or_": "or",
    "and_": "and",
    "add": "add",
    "sub": "sub",
    "mul": "mul",
    "member": "in",
    "not_member": "not_in",
    "before": "before",
    "after": "after",
    "on_or_before": "on_or_before",
    "on_or_after": "on_or_after",
}


@v_args(meta=True)
class _ToAst(Transformer[Token, ast.Program]):
    """Lark tree → `ast` nodes. Literal values are validated here (a date must exist)."""

    def program(self, meta: Meta, items: _Items) -> ast.Program:
        defs = [i for i in items if isinstance(i, ast.Definition)]
        blocks = [i for i in items if isinstance(i, ast.Block)]
        span = _span(meta) if not meta.empty else ast.Span(1, 1, 1, 1)
        return ast.Program(defs, blocks, span=span)

    def definition(self, meta: Meta, items: _Items) -> ast.Definition:
        name = str(items[0])
        params: tuple[str, ...] = ()
        body = items[-1]
        if len(items) == 3:
            params = items[1]
        return ast.Definition(name, params, body, span=_span(meta))

    def params(self, meta: Meta, items: _Items) -> tuple[str, ...]:
        return tuple(str(t) for t in items)

    def block(self, meta: Meta, items: _Items) -> ast.Block:
        return ast.Block(str(items[0]), list(items[1:]), span=_span(meta))

    def unless(self, meta: Meta, items: _Items) -> ast.Node:
        exception: ast.Node = items[0]
        return exception

    def require(self, meta: Meta, items: _Items) -> ast.Require:
        cond, *rest = items
        exception = rest[0] if len(rest) == 2 else None
        return ast.Require(cond, exception, str(rest[-1]), span=_span(meta))

    def ground(self, meta: Meta, items: _Items) -> ast.Ground:
        cond, *rest = items
        exception = rest[0] if len(rest) == 2 else None
        return ast.Ground(cond, exception, str(rest[-1]), span=_span(meta))

    def compute(self, meta: Meta, items: _Items) -> ast.Compute:
        outcomes = items[2] if len(items) == 3 else ()
        return ast.Compute(str(items[0]), items[1], outcomes, span=_span(meta))

    def only(self, meta: Meta, items: _Items) -> tuple[str, ...]:
        outcomes: tuple[str, ...] = items[0]
        return outcomes

    def outcome_names(self, meta: Meta, items: _Items) -> tuple[str, ...]:
        return (*items[0], str(items[1])) if len(items) == 2 else (str(items[0]),)

    def applies(self, meta: Meta, items: _Items) -> ast.Applies:
        return ast.Applies(items[0], span=_span(meta))

    def override(self, meta: Meta, items: _Items) -> ast.Override:
        return ast.Override(_unquote(items[0]), items[1], span=_span(meta))

    def _quant(self, kind: str, meta: Meta, items: _Items) -> ast.Quantifier:
        return ast.Quantifier(kind, str(items[0]), items[1], items[2], span=_span(meta))

    def any_of(self, meta: Meta, items: _Items) -> ast.Quantifier:
        return self._quant("any", meta, items)

    def all_of(self, meta: Meta, items: _Items) -> ast.Quantifier:
        return self._quant("all", meta, items)

    def count_of(self, meta: Meta, items: _Items) -> ast.Quantifier:
        return self._quant("count", meta, items)

    def if_then_else(self, meta: Meta, items: _Items) -> ast.Conditional:
        return ast.Conditional(*items, span=_span(meta))

    def _binary(self, rule: str, meta: Meta, items: _Items) -> ast.Binary:
        return ast.Binary(_BINARY[rule], items[0], items[1], span=_span(meta))

    def or_(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._binary("or_", meta, items)

    def and_(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._binary("and_", meta, items)

    def add(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._binary("add", meta, items)

    def sub(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._binary("sub", meta, items)

    def mul(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._binary("mul", meta, items)

    def member(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._binary("member", meta, items)

    def not_member(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._binary("not_member", meta, items)

    def before(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._binary("before", meta, items)

    def after(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._binary("after", meta, items)

    def on_or_before(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._binary("on_or_before", meta, items)

    def on_or_after(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._binary("on_or_after", meta, items)

    def not_(self, meta: Meta, items: _Items) -> ast.Unary:
        return ast.Unary("not", items[0], span=_span(meta))

    def neg(self, meta: Meta, items: _Items) -> ast.Unary:
        return ast.Unary("neg", items[0], span=_span(meta))

    def _compare(self, op: str, meta: Meta, items: _Items) -> ast.Binary:
        return ast.Binary(op, items[0], items[1], span=_span(meta))

    def eq(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._compare("=", meta, items)

    def ne(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._compare("!=", meta, items)

    def lt(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._compare("<", meta, items)

    def le(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._compare("<=", meta, items)

    def gt(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._compare(">", meta, items)

    def ge(self, meta: Meta, items: _Items) -> ast.Binary:
        return self._compare(">=", meta, items)

    def is_missing(self, meta: Meta, items: _Items) -> ast.Presence:
        return ast.Presence(items[0], False, span=_span(meta))

    def is_present(self, meta: Meta, items: _Items) -> ast.Presence:
        return ast.Presence(items[0], True, span=_span(meta))

    def between(self, meta: Meta, items: _Items) -> ast.Between:
        return ast.Between(*items, span=_span(meta))

    def within_after(self, meta: Meta, items: _Items) -> ast.Within:
        return ast.Within(items[0], items[1], items[2], "after", span=_span(meta))

    def within_before(self, meta: Meta, items: _Items) -> ast.Within:
        return ast.Within(items[0], items[1], items[2], "before", span=_span(meta))

    def path(self, meta: Meta, items: _Items) -> ast.Path:
        return ast.Path(tuple(str(t) for t in items), span=_span(meta))

    def call(self, meta: Meta, items: _Items) -> ast.Call:
        return ast.Call(str(items[0]), list(items[1:]), span=_span(meta))

    def set_literal(self, meta: Meta, items: _Items) -> ast.SetLiteral:
        return ast.SetLiteral(list(items), span=_span(meta))

    def true(self, meta: Meta, items: _Items) -> ast.Literal:
        return ast.Literal(True, "bool", span=_span(meta))

    def false(self, meta: Meta, items: _Items) -> ast.Literal:
        return ast.Literal(False, "bool", span=_span(meta))

    def integer(self, meta: Meta, items: _Items) -> ast.Literal:
        return ast.Literal(_int(items[0]), "int", span=_span(meta))

    def decimal(self, meta: Meta, items: _Items) -> ast.Literal:
        return ast.Literal(Decimal(str(items[0])), "decimal", span=_span(meta))

    def string(self, meta: Meta, items: _Items) -> ast.Literal:
        return ast.Literal(_unquote(items[0]), "string", span=_span(meta))

    def date(self, meta: Meta, items: _Items) -> ast.Literal:
        tok = items[0]
        try:
            value = _dt.date.fromisoformat(str(tok))
        except ValueError:
            raise _LiteralError(
                SyntaxProblem(
                    tok.line,
                    tok.column,
                    f"{tok} is not a calendar date",
                    expected="a date written YYYY-MM-DD that exists, e.g. 2025-05-04",
                )
            ) from None
        return ast.Literal(value, "date", span=_span(meta))

    def duration(self, meta: Meta, items: _Items) -> ast.Duration:
        amount, unit = _int(items[0]), str(items[1])
        unit = {"year": "years", "month": "months", "week": "weeks"}.get(unit, unit)
        return ast.Duration(amount, unit, span=_span(meta))

    def calendar_days(self, meta: Meta, items: _Items) -> ast.Duration:
        return ast.Duration(_int(items[0]), "days", span=_span(meta))

    def working_days(self, meta: Meta, items: _Items) -> ast.Duration:
        return ast.Duration(_int(items[0]), "working_days", span=_span(meta))


MAX_INT_DIGITS = 12


def _int(tok: Token) -> int:
    text = str(tok)
    if len(text) > MAX_INT_DIGITS:
        raise _LiteralError(
            SyntaxProblem(
                tok.line or 1,
                tok.column or 1,
                f"the number {text[:16]}… is too large",
                expected=f"an integer of at most {MAX_INT_DIGITS} digits",
            )
        )
    return int(text)


def _unquote(tok: Token) -> str:
    body = str(tok)[1:-1]
    return body.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


class _LiteralError(Exception):
    def __init__(self, problem: SyntaxProblem) -> None:
        self.problem = problem


MAX_RULE_CHARS = 20_000
# Levels of a rule's syntax tree (program, block, statement, then each operator, call or
# quantifier inside another): docs/dsl.md, "Limits". The shipped rules need 10.
MAX_NESTING = 40

# Hints for what drafters (and Python habits) most often get wrong. Data, tested in
# tests/test_dsl_parser.py: (pattern on the text at and after the error, message hint).
SYNTAX_HINTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^=="), "compare with a single '=' (e.g. employee.body = \"state_security_service\")"),
    (re.compile(r"^&&"), "write 'and' instead of '&&'"),
    (re.compile(r"^\|\|"), "write 'or' instead of '||'"),
    (re.compile(r"^!(?!=)"), "write 'not' instead of '!'"),
    (
        re.compile(r"^(import|from|lambda|exec|eval|def|class|open)\b"),
        "the clause language cannot run Python, import modules or open files; "
        "write a condition over the case's facts",
    ),
    (re.compile(r"^_"), "names start with a letter; names starting with '_' are not allowed"),
    (re.compile(r"^[A-Z]"), "names are lower-case snake_case (e.g. decision_date)"),
    (re.compile(r"^'"), 'strings use double quotes: "president"'),
    (
        re.compile(r"^[0-9]+ +days?\b"),
        "say which days: '10 calendar days' or '10 working days' (Kazakhstan's calendar)",
    ),
    (
        re.compile(r"^(day|days|month|months|year|years|week|weeks)\b"),
        "'day', 'month', 'year' and 'week' (and plurals) are reserved for durations; "
        "pick another name, e.g. on_date",
    ),
]

_TERMINAL_WORDS = {
    "NAME": "a name",
    "INT": "a whole number",
    "DECIMAL": "a decimal number",
    "STRING": "a string in double quotes",
    "DATE": "a date YYYY-MM-DD",
    "UNIT": "a unit (months, years, weeks)",
    "DAYS": "'days'",
    "$END": "the end of the rule",
}


def _describe(expected: set[str]) -> str:
    words = []
    parser = _parser()
    for name in sorted(expected):
        if name in _TERMINAL_WORDS:
            words.append(_TERMINAL_WORDS[name])
            continue
        try:
            pattern = parser.get_terminal(name).pattern
            words.append(f"'{pattern.value}'" if pattern.type == "str" else name)
        except KeyError:
            words.append(name)
    words = sorted(set(words))
    if len(words) > 8:
        return "an operator, 'else'/'then', or the next statement"
    return ", ".join(words)


def _hint_for(text: str, line: int, column: int) -> str | None:
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    source = lines[line - 1]
    # The offending token, the one before it (for '==' the parser stops at the second '='),
    # and the last word before the error (for 'import os' it stops at 'os').
    before = source[: column - 1].rstrip()
    last_word = re.search(r"(\S+)\s*$", before)
    candidates = [source[column - 1 :], source[max(column - 2, 0) :]]
    if last_word:
        candidates.insert(0, before[last_word.start(1) :] + " " + source[column - 1 :])
        candidates.append(before[last_word.start(1) :])
    for candidate in candidates:
        for pattern, hint in SYNTAX_HINTS:
            if pattern.search(candidate):
                return hint
    return None


def _expected_at(text: str, offset: int | None) -> str | None:
    """What the parser would accept where the lexer met a character it cannot read.

    The lexer's own `allowed` set lists every terminal; replaying the text before the bad
    character through the parser gives what actually fits there.
    """
    try:
        interactive = _parser().parse_interactive(text[:offset])
        interactive.exhaust_lexer()
        return _describe(set(interactive.accepts())) or None  # type: ignore[no-untyped-call]  # lark leaves accepts() unannotated
    except Exception:  # the prefix has its own error; the first one is what we report
        return None


def _token_words(tok: Token) -> str:
    """How to name an unexpected token to a drafter: never Lark's internal terminal names."""
    kinds = {
        "NAME": "name",
        "INT": "number",
        "DECIMAL": "number",
        "STRING": "string",
        "DATE": "date",
        "UNIT": "unit",
        "DAYS": "word",
    }
    kind = kinds.get(tok.type)
    if kind is None:
        return f"{str(tok)!r}" if tok.type.isupper() and not str(tok).isalpha() else f"word {str(tok)!r}"
    return f"{kind} {str(tok)!r}"


def parse_rule(text: str) -> ast.Program:
    """Parse one rule text; raise `RuleSyntaxError` with a position, expectation and hint."""
    if len(text) > MAX_RULE_CHARS:
        raise RuleSyntaxError(
            SyntaxProblem(
                1,
                1,
                f"rule is {len(text):,} characters, over the {MAX_RULE_CHARS:,} limit",
                hint="split the clause's logic into definitions",
            )
        )
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        raise RuleSyntaxError(_problem(exc, text)) from None
    _check_nesting(tree)
    try:
        return _ToAst().transform(tree)
    except Exception as exc:  # lark wraps transformer errors in VisitError
        inner = getattr(exc, "orig_exc", exc)
        if isinstance(inner, _LiteralError):
            raise RuleSyntaxError(inner.problem) from None
        raise


def _check_nesting(tree: Tree[Token]) -> None:
    """Refuse a rule whose syntax tree is deeper than `MAX_NESTING`, at its deepest point.

    Walked without recursion, before anything recursive (the tree's transformation, type
    checking, code generation, Python's own compiler) sees the tree: so what `check` accepts
    compiles, traced too, and what it refuses is a positioned error, never a crash.
    """
    stack: list[tuple[Tree[Token], int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            meta = node.meta
            raise RuleSyntaxError(
                SyntaxProblem(
                    getattr(meta, "line", 1),
                    getattr(meta, "column", 1),
                    f"the rule nests deeper than {MAX_NESTING} levels here",
                    expected=f"at most {MAX_NESTING} levels of operators, calls and quantifiers inside one another",
                    hint="name an inner part with a definition (define NAME = …) and use the name",
                )
            )
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


def _problem(exc: UnexpectedInput, text: str) -> SyntaxProblem:
    line, column = max(exc.line, 1), max(exc.column, 1)
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        lines = text.rstrip().splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
        return SyntaxProblem(
            line,
            column,
            "the rule ends too early",
            expected=_describe(set(exc.expected)),
            hint="a statement is incomplete: 'require … else OUTCOME', "
            "'when … then OUTCOME', 'compute NAME = …'",
        )
    if isinstance(exc, UnexpectedCharacters):
        char = exc.char
        return SyntaxProblem(
            line,
            column,
            f"unexpected character {char!r}",
            expected=_expected_at(text, exc.pos_in_stream),
            hint=_hint_for(text, line, column),
        )
    assert isinstance(exc, UnexpectedToken)
    tok = exc.token
    return SyntaxProblem(
        line,
        column,
        f"unexpected {_token_words(tok)}",
        expected=_describe(set(exc.expected)),
        hint=_hint_for(text, line, column),
    )
