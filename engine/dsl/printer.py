"""The rule printer: a syntax tree back to rule text, the one place that spells the language.

`unparse` writes canonical one-line source (what the diff compares, the pages show and
`tests/test_diff.py` parses back to the same tree); `written` cuts a node's text out of the
rule as the drafter wrote it (what explanations and the trace gate quote).
"""

from __future__ import annotations

import datetime as _dt

from . import ast

# How each comparison and membership operator is written: its name with spaces for underscores.
COMPARISON_WORDS = {op: op.replace("_", " ") for op in (*ast.COMPARISONS, "in", "not_in")}
_ARITH = {"add": "+", "sub": "-", "mul": "*"}
_UNIT = {"years": "year", "months": "month", "weeks": "week"}


def duration_text(node: ast.Duration) -> str:
    n = node.amount
    if node.unit == "days":
        return f"{n} calendar day" + ("s" if n != 1 else "")
    if node.unit == "working_days":
        return f"{n} working day" + ("s" if n != 1 else "")
    unit = _UNIT.get(node.unit, node.unit)
    return f"{n} {unit}" + ("s" if n != 1 else "")


def _literal_text(node: ast.Literal) -> str:
    if node.kind == "bool":
        return "true" if node.value else "false"
    if node.kind == "string":
        return '"' + str(node.value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if node.kind == "date":
        day: _dt.date = node.value
        return day.isoformat()
    return str(node.value)


def _u(node: ast.Node) -> tuple[str, int]:
    """Canonical source of an expression and its binding level (0 loosest … 8 atom)."""
    match node:
        case ast.Literal():
            return _literal_text(node), 8
        case ast.Duration():
            return duration_text(node), 8
        case ast.Path():
            return node.dotted, 8
        case ast.Call(name=name, args=args):
            return f"{name}({', '.join(unparse(a) for a in args)})", 8
        case ast.SetLiteral(items=items):
            return "{" + ", ".join(unparse(i) for i in items) + "}", 8
        case ast.Unary(op="not", operand=o):
            return "not " + _wrap(o, 3), 3
        case ast.Unary(operand=o):
            return "-" + _wrap(o, 7), 7
        case ast.Binary(op="or", left=a, right=b):
            return f"{_wrap(a, 1)} or {_wrap(b, 2)}", 1
        case ast.Binary(op="and", left=a, right=b):
            return f"{_wrap(a, 2)} and {_wrap(b, 3)}", 2
        case ast.Binary(op=op, left=a, right=b) if op in COMPARISON_WORDS:
            return f"{_wrap(a, 5)} {COMPARISON_WORDS[op]} {_wrap(b, 5)}", 4
        case ast.Binary(op="mul", left=a, right=b):
            return f"{_wrap(a, 6)} * {_wrap(b, 7)}", 6
        case ast.Binary(op=op, left=a, right=b):
            return f"{_wrap(a, 5)} {_ARITH.get(op, op)} {_wrap(b, 6)}", 5
        case ast.Between(value=v, low=lo, high=hi):
            return f"{_wrap(v, 5)} between {_wrap(lo, 5)} and {_wrap(hi, 5)}", 4
        case ast.Within(value=v, duration=d, anchor=a, direction=direction):
            return f"{_wrap(v, 5)} within {_wrap(d, 5)} {direction} {_wrap(a, 5)}", 4
        case ast.Presence(operand=o, present=present):
            return f"{_wrap(o, 5)} is {'present' if present else 'missing'}", 4
        case ast.Quantifier(kind=kind, var=var, source=src, body=body):
            return f"{kind} {var} in {_wrap(src, 5)} where {unparse(body)}", 0
        case ast.Conditional(condition=c, then=a, otherwise=b):
            return f"if {unparse(c)} then {unparse(a)} else {unparse(b)}", 0
    raise TypeError(f"the printer has no form for {type(node).__name__}")  # docs/dsl.md § Adding an operator


def _wrap(node: ast.Node, need: int) -> str:
    text, level = _u(node)
    return f"({text})" if level < need else text


def unparse(node: ast.Node) -> str:
    """An expression or statement as canonical one-line source (comments and layout dropped)."""
    match node:
        case ast.Require(condition=c, exception=e, outcome=o):
            return f"require {unparse(c)}" + (f" unless {unparse(e)}" if e is not None else "") + f" else {o}"
        case ast.Ground(condition=c, exception=e, outcome=o):
            return f"when {unparse(c)}" + (f" unless {unparse(e)}" if e is not None else "") + f" then {o}"
        case ast.Compute(name=name, expr=e, outcomes=only):
            return f"compute {name} = {unparse(e)}" + (f" only on {', '.join(only)}" if only else "")
        case ast.Override(clause=clause, condition=c):
            return f'override "{clause}" when {unparse(c)}'
        case ast.Applies(condition=c):
            return f"applies when {unparse(c)}"
        case ast.Definition(name=name, params=params, body=body):
            head = f"{name}({', '.join(params)})" if params else name
            return f"define {head} = {unparse(body)}"
    return _u(node)[0]


def written(rule_text: str, span: ast.Span, strip_comments: bool = False) -> str:
    """The text of `span` in `rule_text` on one line; with `strip_comments`, without `#`
    comments and with runs of spaces collapsed."""
    lines = rule_text.splitlines()
    if not 1 <= span.line <= len(lines):
        return ""
    if span.end_line == span.line:
        chunk = [lines[span.line - 1][span.column - 1 : span.end_column - 1]]
    else:
        chunk = [lines[span.line - 1][span.column - 1 :]]
        chunk.extend(lines[span.line : span.end_line - 1])
        if span.end_line <= len(lines):
            chunk.append(lines[span.end_line - 1][: span.end_column - 1])
    if strip_comments:
        return " ".join(" ".join(_strip_comment(part) for part in chunk).split())
    return " ".join(x for x in (part.strip() for part in chunk) if x)


def _strip_comment(line: str) -> str:
    quoted = False
    for k, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == "#" and not quoted:
            return line[:k]
    return line
