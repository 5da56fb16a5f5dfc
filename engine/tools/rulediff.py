"""The structural diff of rules: how a clause's program changed, described from the two syntax trees
("the period after spell.enrolled_on changed from 3 months to 6 months", "condition added: …"),
never as a text diff of rule source."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from ..dsl import ast
from ..dsl.printer import COMPARISON_WORDS, duration_text, unparse
from ..edition import Edition
from .selection import short

# ---- structural diff of rules ------------------------------------------------------------------


@dataclass
class RuleChange:
    where: str  # "definition minimum_stay_ends_on(spell)" or "for appointment: require … else too_early"
    kind: str
    message: str
    old: str | None = None
    new: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "kind": self.kind,
            "message": self.message,
            "old": self.old,
            "new": self.new,
        }

    def render(self) -> str:
        return f"{self.where}: {self.message}"


_BOUNDARY = {
    ("after", "on_or_after"): "the boundary day itself now counts",
    ("on_or_after", "after"): "the boundary day itself no longer counts",
    ("before", "on_or_before"): "the boundary day itself now counts",
    ("on_or_before", "before"): "the boundary day itself no longer counts",
    (">", ">="): "the boundary value itself now counts",
    (">=", ">"): "the boundary value itself no longer counts",
    ("<", "<="): "the boundary value itself now counts",
    ("<=", "<"): "the boundary value itself no longer counts",
}
_KIND_NAME = {"bool": "truth value", "int": "number", "decimal": "number", "string": "text", "date": "date"}


def _flatten(node: ast.Node, op: str) -> list[ast.Node]:
    if isinstance(node, ast.Binary) and node.op == op:
        return _flatten(node.left, op) + _flatten(node.right, op)
    return [node]


def _joined(
    where: str, whole: ast.Node, part: ast.Node, part_s: str, *, added: bool
) -> list[RuleChange] | None:
    """The conditions (`and`) or alternatives (`or`) of `whole` beside `part`, as added to it
    (`added`) or removed from it; None when `whole` is not such a join holding `part`."""
    if not (
        isinstance(whole, ast.Binary)
        and whole.op in ("and", "or")
        and not isinstance(part, ast.Binary | ast.Quantifier)
    ):
        return None
    operands = [unparse(p) for p in _flatten(whole, whole.op)]
    if part_s not in operands:
        return None
    noun = "condition" if whole.op == "and" else "alternative"
    kind, said = (f"{noun}_added", "added") if added else (f"{noun}_removed", "removed")
    return [
        RuleChange(where, kind, f"{noun} {said}: {o}", None if added else o, o if added else None)
        for o in operands
        if o != part_s
    ]


def _same_shape(a: ast.Node, b: ast.Node) -> bool:
    if type(a) is not type(b):
        return False
    match a, b:
        case ast.Binary(), ast.Binary():
            return a.op == b.op
        case ast.Unary(), ast.Unary():
            return a.op == b.op
        case ast.Call(), ast.Call():
            return a.name == b.name and len(a.args) == len(b.args)
        case ast.Quantifier(), ast.Quantifier():
            return a.kind == b.kind and a.var == b.var
        case ast.Presence(), ast.Presence():
            return a.present == b.present
        case ast.Within(), ast.Within():
            return a.direction == b.direction
        case ast.Between() | ast.Conditional(), _:
            return True
    return False


def _pair(old: list[ast.Node], new: list[ast.Node]) -> tuple[list[tuple[ast.Node, ast.Node]], list, list]:
    """Match two lists of expressions: identical ones drop out, similar ones pair up."""
    old_left, new_left = list(old), list(new)
    for o in list(old_left):
        text = unparse(o)
        for n in new_left:
            if unparse(n) == text:
                old_left.remove(o)
                new_left.remove(n)
                break
    pairs = []
    for o in list(old_left):
        best, score = None, 0.0
        for n in new_left:
            if type(n) is not type(o):
                continue
            ratio = difflib.SequenceMatcher(a=unparse(o), b=unparse(n), autojunk=False).ratio()
            if ratio > score:
                best, score = n, ratio
        if best is not None and score >= 0.6:
            pairs.append((o, best))
            old_left.remove(o)
            new_left.remove(best)
    return pairs, old_left, new_left


def expr_changes(old: ast.Node, new: ast.Node, where: str, anchor: str | None = None) -> list[RuleChange]:
    """How expression `old` became `new`, as a list of structural changes."""
    old_s, new_s = unparse(old), unparse(new)
    if old_s == new_s:
        return []
    if isinstance(old, ast.Duration) and isinstance(new, ast.Duration):
        what = f"the period {anchor}" if anchor else "the period"
        return [
            RuleChange(
                where,
                "period",
                f"{what} changed from {duration_text(old)} to {duration_text(new)}",
                old_s,
                new_s,
            )
        ]
    if isinstance(old, ast.Literal) and isinstance(new, ast.Literal) and old.kind == new.kind:
        name = _KIND_NAME.get(old.kind, "value")
        return [RuleChange(where, "literal", f"the {name} {old_s} changed to {new_s}", old_s, new_s)]
    if isinstance(old, ast.SetLiteral) and isinstance(new, ast.SetLiteral):
        before = [unparse(i) for i in old.items]
        after = [unparse(i) for i in new.items]
        gained = [x for x in after if x not in before]
        lost = [x for x in before if x not in after]
        parts = []
        if gained:
            parts.append("gains " + ", ".join(gained))
        if lost:
            parts.append("loses " + ", ".join(lost))
        return [
            RuleChange(where, "set", f"the set {old_s} " + "; ".join(parts or ["is reordered"]), old_s, new_s)
        ]
    if isinstance(old, ast.Path) and isinstance(new, ast.Path):
        return [RuleChange(where, "fact", f"reads {new_s} instead of {old_s}", old_s, new_s)]
    if (
        isinstance(old, ast.Binary)
        and isinstance(new, ast.Binary)
        and old.op == new.op
        and old.op in ("and", "or")
    ):
        pairs, removed, added = _pair(_flatten(old, old.op), _flatten(new, new.op))
        out: list[RuleChange] = []
        noun = "condition" if old.op == "and" else "alternative"
        for o, n in pairs:
            out.extend(expr_changes(o, n, where))
        for o in removed:
            out.append(
                RuleChange(where, f"{noun}_removed", f"{noun} removed: {unparse(o)}", unparse(o), None)
            )
        for n in added:
            out.append(RuleChange(where, f"{noun}_added", f"{noun} added: {unparse(n)}", None, unparse(n)))
        return out
    if (
        isinstance(old, ast.Binary)
        and isinstance(new, ast.Binary)
        and old.op != new.op
        and old.op in COMPARISON_WORDS
        and new.op in COMPARISON_WORDS
        and unparse(old.left) == unparse(new.left)
        and unparse(old.right) == unparse(new.right)
    ):
        note = _BOUNDARY.get((old.op, new.op))
        message = f"the comparison '{COMPARISON_WORDS[old.op]}' changed to '{COMPARISON_WORDS[new.op]}' in {new_s}"
        return [RuleChange(where, "operator", message + (f" ({note})" if note else ""), old_s, new_s)]
    # `C` became `C and D` (or `C or D`): a condition or alternative was added around it; or
    # the other way round, removed.
    joined = _joined(where, new, old, old_s, added=True)
    if joined is None:
        joined = _joined(where, old, new, new_s, added=False)
    if joined is not None:
        return joined
    if _same_shape(old, new):
        out = []
        old_kids, new_kids = ast.children(old), ast.children(new)
        for k, (o, n) in enumerate(zip(old_kids, new_kids, strict=True)):
            child_anchor = None
            if isinstance(new, ast.Binary) and new.op in ("add", "sub") and k == 1:
                child_anchor = ("after " if new.op == "add" else "before ") + unparse(new.left)
            elif isinstance(new, ast.Within) and k == 1:
                child_anchor = f"{new.direction} {unparse(new.anchor)}"
            out.extend(expr_changes(o, n, where, child_anchor))
        return out or [RuleChange(where, "replaced", f"{old_s} changed to {new_s}", old_s, new_s)]
    return [RuleChange(where, "replaced", f"{short(old_s)} changed to {short(new_s)}", old_s, new_s)]


def _statement_key(stmt: ast.Node) -> tuple:
    match stmt:
        case ast.Require(outcome=o) | ast.Ground(outcome=o):
            return (type(stmt).__name__, o)
        case ast.Compute(name=name):
            return ("Compute", name)
        case ast.Override(clause=clause):
            return ("Override", clause)
        case ast.Applies():
            return ("Applies",)
    return (type(stmt).__name__,)


def _condition_text(stmt: ast.Node) -> str | None:
    match stmt:
        case ast.Require(condition=c) | ast.Ground(condition=c) | ast.Override(condition=c) | ast.Applies(condition=c):
            return unparse(c)
        case ast.Compute(name=name):
            return name
    return None


def _describe_statement(stmt: ast.Node, decision: str) -> str:
    match stmt:
        case ast.Ground(condition=c, exception=e, outcome=o):
            unless = f", unless {unparse(e)}" if e is not None else ""
            return f"a ground for '{o}' in '{decision}': when {unparse(c)}{unless}"
        case ast.Require(condition=c, exception=e, outcome=o):
            unless = f", unless {unparse(e)}" if e is not None else ""
            return f"a requirement of '{decision}': {unparse(c)}{unless}, else '{o}'"
        case ast.Compute(name=name, expr=e):
            return f"the value '{name}' of '{decision}' = {unparse(e)}"
        case ast.Override(clause=clause, condition=c):
            return f"an override of {clause} in '{decision}' when {unparse(c)}"
        case ast.Applies(condition=c):
            return f"the clause applies in '{decision}' when {unparse(c)}"
    return unparse(stmt)


def statement_changes(old: ast.Node, new: ast.Node, where: str) -> list[RuleChange]:
    out: list[RuleChange] = []
    if isinstance(old, ast.Require | ast.Ground) and isinstance(new, ast.Require | ast.Ground):
        if old.outcome != new.outcome:
            out.append(
                RuleChange(
                    where,
                    "outcome",
                    f"the outcome changed from '{old.outcome}' to '{new.outcome}'",
                    old.outcome,
                    new.outcome,
                )
            )
        out.extend(expr_changes(old.condition, new.condition, where))
        if old.exception is None and new.exception is not None:
            out.append(
                RuleChange(
                    where,
                    "exception_added",
                    f"exception added: unless {unparse(new.exception)}",
                    None,
                    unparse(new.exception),
                )
            )
        elif old.exception is not None and new.exception is None:
            out.append(
                RuleChange(
                    where,
                    "exception_removed",
                    f"exception removed: unless {unparse(old.exception)}",
                    unparse(old.exception),
                    None,
                )
            )
        elif old.exception is not None and new.exception is not None:
            out.extend(expr_changes(old.exception, new.exception, where + " (exception)"))
    elif isinstance(old, ast.Compute) and isinstance(new, ast.Compute):
        out.extend(expr_changes(old.expr, new.expr, where))
        if old.outcomes != new.outcomes:
            shown = [f"only on {', '.join(o)}" if o else "with every outcome" for o in (old.outcomes, new.outcomes)]
            out.append(
                RuleChange(
                    where, "outcomes", f"reported {shown[0]}, now {shown[1]}", shown[0], shown[1]
                )
            )
    elif (isinstance(old, ast.Override) and isinstance(new, ast.Override)) or (
        isinstance(old, ast.Applies) and isinstance(new, ast.Applies)
    ):
        out.extend(expr_changes(old.condition, new.condition, where))
    else:
        out.append(
            RuleChange(
                where, "replaced", f"{unparse(old)} changed to {unparse(new)}", unparse(old), unparse(new)
            )
        )
    return out


def block_changes(
    clause: str, decision: str, old: ast.Block | None, new: ast.Block | None
) -> list[RuleChange]:
    where = f"{clause} for {decision}"
    if old is None and new is not None:
        return [
            RuleChange(where, "statement_added", "new: " + _describe_statement(s, decision), None, unparse(s))
            for s in new.statements
        ]
    if new is None and old is not None:
        return [
            RuleChange(
                where, "statement_removed", "removed: " + _describe_statement(s, decision), unparse(s), None
            )
            for s in old.statements
        ]
    assert old is not None and new is not None
    olds, news = list(old.statements), list(new.statements)
    for o in list(olds):
        for n in news:
            if unparse(n) == unparse(o):
                olds.remove(o)
                news.remove(n)
                break
    out: list[RuleChange] = []
    # Pair what is left, best match first: the same condition (the outcome or exception changed),
    # then the same kind and outcome with a similar condition, then the same kind, very similar.
    scored = []
    for o in olds:
        for n in news:
            if type(n) is not type(o):
                continue
            same_condition = _condition_text(o) == _condition_text(n) and _condition_text(o) is not None
            same_key = _statement_key(n) == _statement_key(o)
            ratio = difflib.SequenceMatcher(a=unparse(o), b=unparse(n), autojunk=False).ratio()
            if same_condition or (same_key and ratio >= 0.5) or ratio >= 0.6:
                scored.append((same_condition, same_key, ratio, olds.index(o), news.index(n), o, n))
    scored.sort(key=lambda t: (not t[0], not t[1], -t[2], t[3], t[4]))
    paired_old: set[int] = set()
    paired_new: set[int] = set()
    for _, _, _, _, _, o, n in scored:
        if id(o) in paired_old or id(n) in paired_new:
            continue
        paired_old.add(id(o))
        paired_new.add(id(n))
        out.extend(statement_changes(o, n, f"{where}: {short(unparse(n), 100)}"))
    olds = [o for o in olds if id(o) not in paired_old]
    news = [n for n in news if id(n) not in paired_new]
    for o in olds:
        out.append(
            RuleChange(
                where, "statement_removed", "removed: " + _describe_statement(o, decision), unparse(o), None
            )
        )
    for n in news:
        out.append(
            RuleChange(where, "statement_added", "new: " + _describe_statement(n, decision), None, unparse(n))
        )
    return out


def named_definitions(edition: Edition) -> dict[str, tuple[str, ast.Definition]]:
    out = {}
    for cid, version in edition.versions.items():
        if version.program is not None:
            for d in version.program.definitions:
                out[d.name] = (cid, d)
    return out


def definition_changes(
    old: dict[str, tuple[str, ast.Definition]], new: dict[str, tuple[str, ast.Definition]]
) -> tuple[dict[str, list[RuleChange]], set[str]]:
    """Changes per clause (the defining clause) and the names of the changed definitions."""
    per_clause: dict[str, list[RuleChange]] = {}
    names: set[str] = set()
    for name in sorted(set(old) | set(new)):
        o, n = old.get(name), new.get(name)
        if o is not None and n is not None:
            (oc, od), (nc, nd) = o, n
            where = f"definition {name}" + (f"({', '.join(nd.params)})" if nd.params else "")
            changes: list[RuleChange] = []
            if od.params != nd.params:
                changes.append(
                    RuleChange(
                        where,
                        "parameters",
                        f"parameters changed from ({', '.join(od.params)}) to ({', '.join(nd.params)})",
                        ", ".join(od.params),
                        ", ".join(nd.params),
                    )
                )
            changes.extend(expr_changes(od.body, nd.body, where))
            if oc != nc:
                changes.append(RuleChange(where, "moved", f"moved from clause {oc} to clause {nc}", oc, nc))
            if changes:
                names.add(name)
                per_clause.setdefault(nc, []).extend(changes)
        elif n is not None:
            nc, nd = n
            names.add(name)
            per_clause.setdefault(nc, []).append(
                RuleChange(
                    f"definition {name}",
                    "definition_added",
                    f"new definition: {short(unparse(nd), 200)}",
                    None,
                    unparse(nd),
                )
            )
        elif o is not None:
            oc, od = o
            names.add(name)
            per_clause.setdefault(oc, []).append(
                RuleChange(
                    f"definition {name}",
                    "definition_removed",
                    f"definition removed: {short(unparse(od), 200)}",
                    unparse(od),
                    None,
                )
            )
    return per_clause, names


def reached_definitions(edition: Edition, decision: str) -> dict[str, set[str]]:
    """For each clause feeding `decision` in the edition: the definitions its statements reach."""
    defs = named_definitions(edition)
    names = set(defs)
    closure: dict[str, set[str]] = {}

    def reach(name: str, seen: set[str]) -> set[str]:
        if name in closure:
            return closure[name]
        out = {name}
        for ref in ast.references(defs[name][1].body, names):
            if ref not in seen:
                out |= reach(ref, seen | {ref})
        closure[name] = out
        return out

    result: dict[str, set[str]] = {}
    for cid, version in edition.versions.items():
        if version.program is None:
            continue
        for block in version.program.blocks:
            if block.decision != decision:
                continue
            reached: set[str] = set()
            for stmt in block.statements:
                for ref in ast.references(stmt, names):
                    reached |= reach(ref, {ref})
            result.setdefault(cid, set()).update(reached)
    return result
