"""The syntax tree of the clause language.

Nodes are small frozen-ish dataclasses with a `span` (positions inside the rule text, 1-based).
The type checker annotates expression nodes with `ty` in place; codegen reads those
annotations. Every node gets a stable `nid` (a number unique within one compiled policy) so a
trace can say which condition had which value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(eq=False)
class Node:
    span: Span = field(repr=False, kw_only=True)
    ty: Any = field(default=None, repr=False, kw_only=True)
    nid: int = field(default=-1, repr=False, kw_only=True)


# What each comparison of the language means as an order relation: dates are compared as days,
# so `before` is `<`. Shared by the compiler and the static analysis of `ereje lint`.
COMPARISONS = {
    "=": "=",
    "!=": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
    "before": "<",
    "after": ">",
    "on_or_before": "<=",
    "on_or_after": ">=",
}


# The operators of each node class: with the node classes below, the catalogue of the
# language's constructs. docs/dsl.md § "Adding an operator" lists what each must reach;
# tests/test_dsl_constructs.py fails when a part of the engine lacks one.
UNARY_OPS = ("not", "neg")
BINARY_OPS = ("or", "and", "add", "sub", "mul", "in", "not_in", *COMPARISONS)
QUANTIFIER_KINDS = ("any", "all", "count")
DURATION_UNITS = ("years", "months", "weeks", "days", "working_days")


# ---- expressions ------------------------------------------------------------------------


@dataclass(eq=False)
class Literal(Node):
    value: Any
    kind: str  # bool | int | decimal | string | date


@dataclass(eq=False)
class Duration(Node):
    amount: int
    unit: str  # years | months | weeks | days | working_days


@dataclass(eq=False)
class Path(Node):
    parts: tuple[str, ...]

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(eq=False)
class Call(Node):
    name: str
    args: list[Node]


@dataclass(eq=False)
class SetLiteral(Node):
    items: list[Node]


@dataclass(eq=False)
class Unary(Node):
    op: str  # not | neg
    operand: Node


@dataclass(eq=False)
class Binary(Node):
    # or and add sub mul = != < <= > >= in not_in before after on_or_before on_or_after
    op: str
    left: Node
    right: Node


@dataclass(eq=False)
class Between(Node):
    value: Node
    low: Node
    high: Node


@dataclass(eq=False)
class Within(Node):
    value: Node
    duration: Node
    anchor: Node
    direction: str  # after | before


@dataclass(eq=False)
class Presence(Node):
    operand: Node
    present: bool  # `is present` (True) or `is missing` (False)


@dataclass(eq=False)
class Quantifier(Node):
    kind: str  # any | all | count
    var: str
    source: Node
    body: Node


@dataclass(eq=False)
class Conditional(Node):
    condition: Node
    then: Node
    otherwise: Node


# ---- statements -------------------------------------------------------------------------


@dataclass(eq=False)
class Require(Node):
    """`require C [unless E] else O`: the outcome O unless C holds (or the exception E does)."""

    condition: Node
    exception: Node | None
    outcome: str


@dataclass(eq=False)
class Ground(Node):
    """`when C [unless E] then O`: a ground that triggers the outcome O."""

    condition: Node
    exception: Node | None
    outcome: str


@dataclass(eq=False)
class Compute(Node):
    """`compute name = expr [only on O1, O2]`: a value (a date, usually) the decision reports;
    with `only on`, reported only when the decision's outcome is one of those named."""

    name: str
    expr: Node
    outcomes: tuple[str, ...] = ()


@dataclass(eq=False)
class Applies(Node):
    """`applies when C`: the clause applies to the case while C holds, although none of its
    statements gives an outcome (an enabling or permitting clause). An answer with the default
    outcome cites it with the role `applied` instead of `satisfied` or `not_triggered`."""

    condition: Node


@dataclass(eq=False)
class Override(Node):
    """`override "clause" when C`: while C holds, the named clause does not apply."""

    clause: str
    condition: Node


@dataclass(eq=False)
class Block(Node):
    decision: str
    statements: list[Node]


@dataclass(eq=False)
class Definition(Node):
    name: str
    params: tuple[str, ...]
    body: Node


@dataclass(eq=False)
class Program(Node):
    definitions: list[Definition]
    blocks: list[Block]


def children(node: Node) -> list[Node]:
    """The direct sub-expressions of a node, in source order."""
    match node:
        case Call(args=args):
            return list(args)
        case SetLiteral(items=items):
            return list(items)
        case Unary(operand=o) | Presence(operand=o):
            return [o]
        case Binary(left=a, right=b):
            return [a, b]
        case Between(value=a, low=b, high=c):
            return [a, b, c]
        case Within(value=a, duration=b, anchor=c):
            return [a, b, c]
        case Quantifier(source=a, body=b):
            return [a, b]
        case Conditional(condition=a, then=b, otherwise=c):
            return [a, b, c]
        case Require(condition=c, exception=e) | Ground(condition=c, exception=e):
            return [c] + ([e] if e is not None else [])
        case Compute(expr=e):
            return [e]
        case Override(condition=c) | Applies(condition=c):
            return [c]
        case Block(statements=s):
            return list(s)
        case Definition(body=b):
            return [b]
        case Program(definitions=d, blocks=b):
            return [*d, *b]
    return []


def walk(node: Node) -> Iterator[Node]:
    """Every node below and including `node`, depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def references(node: Node, names: set[str]) -> set[str]:
    """Which of `names` (definitions) the expression mentions, as a term or as a call."""
    out = set()
    for n in walk(node):
        if isinstance(n, Path) and n.parts[0] in names:
            out.add(n.parts[0])
        elif isinstance(n, Call) and n.name in names:
            out.add(n.name)
    return out
