"""Semantic diff between two editions of an act: what a change to the law really changes.

Clause by clause: added, removed and reworded text (a word-level diff per language, from
`engine.tools.worddiff`); changed rules described structurally from their syntax trees ("the period
after spell.enrolled_on changed from 3 months to 6 months", "a new ground for 'exclude' in
'exclusion': when …", "condition added: …"), never as a text diff of rule source; the decisions
whose feeding clauses (or the definitions they use) changed, with how each decision's own file
changed (outcomes, clauses, facts of the case schema). What each changed decision really
decides differently is `engine.tools.symbolic.exact.exact_diff`: every distinct change of the outcome
and of each computed value, each with a witness case the engine confirms, or a proof that
nothing changes (within stated bounds), which fills the decisions' `witnesses` and `exact`.

Editions are named the way the CLI accepts them (`select_edition`): an edition id
(`U1300000624@U2500000853` or just the amending act `U2500000853`), a date (the edition in force
on it) or `draft:<id>`. The two editions may come from two libraries (`--base-ref`: the policy
tree at a git revision against the working tree).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..casecodec import parse_date
from ..dsl import ast
from ..dsl.printer import COMPARISON_WORDS, duration_text, unparse
from ..edition import Edition, decision_specs
from ..errors import EditionError, ErejeError
from ..library import DRAFT_PREFIX, Library
from ..policy import Act, ClauseVersion, DecisionSpec
from .worddiff import Segment, changed, render_inline, word_diff


class SelectionError(ErejeError, ValueError):
    """An edition named in a form that cannot be read (a malformed date, an empty name)."""


# ---- choosing editions -------------------------------------------------------------------------

DATE_LIKE = re.compile(r"^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$")


def parse_day(text: str) -> dt.date:
    """A YYYY-MM-DD date, or `SelectionError` saying how to write one."""
    try:
        return parse_date(text)  # the case codec's one date parser
    except ValueError:
        raise SelectionError(
            f"{text!r} is not a valid date: write YYYY-MM-DD with a day that exists, e.g. 2025-06-01"
        ) from None


def select_edition(library: Library, act_id: str, spec: str) -> Edition:
    """The edition `spec` names: an edition id, an amending act id, a date, or draft:<id>."""
    spec = (spec or "").strip()
    editions = library.editions(act_id)  # UnknownAct for an unknown act
    if not spec:
        raise SelectionError("name an edition: an edition id, a date YYYY-MM-DD, or draft:<id>")
    if spec.startswith(DRAFT_PREFIX):
        draft_id = spec[len(DRAFT_PREFIX) :]
        for edition in editions:
            if edition.draft and draft_id in (edition.amendment.id, edition.id):
                return edition
        drafts = [e.amendment.id for e in editions if e.draft]
        raise EditionError(
            f"no draft {draft_id!r} of {act_id}; "
            + (f"drafts: {', '.join(drafts)}" if drafts else "the act has no drafts (policies/<act>/drafts/)")
        )
    if DATE_LIKE.match(spec):
        day = parse_day(spec)
        compiled = library.edition_on(act_id, day)
        if compiled is None:
            first = min((e.start for e in editions if not e.draft), default=None)
            raise EditionError(
                f"no edition of {act_id} is in force on {day.isoformat()}"
                + (f": the first encoded edition applies from {first.isoformat()}" if first else "")
            )
        return compiled.edition
    for edition in editions:
        if spec in (edition.id, edition.amendment.id):
            return edition
    numbered = [e for e in editions if e.amendment.number and spec.lstrip("No. ") == e.amendment.number]
    if len(numbered) == 1:
        return numbered[0]
    known = ", ".join(e.id + (" (draft)" if e.draft else "") for e in editions)
    close = difflib.get_close_matches(
        spec, [e.id for e in editions] + [e.amendment.id for e in editions], n=2
    )
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    raise EditionError(
        f"unknown edition {spec!r} of {act_id}{hint}; editions: {known}; "
        "or give a date YYYY-MM-DD (the edition in force then) or draft:<id>"
    )


def describe_edition(edition: Edition) -> dict[str, Any]:
    out = edition.to_dict()
    out["label"] = edition.id + (" (DRAFT, not law)" if edition.draft else "")
    return out


def missing_clauses(act: Act, edition: Edition, question: str) -> list[str]:
    """The clauses `question` needs that the edition does not encode (as the compiler decides)."""
    spec = decision_specs(act, edition).get(question)
    if spec is None:
        return []
    return [c for c in spec.clauses if c not in edition.versions or not edition.versions[c].text_known]


def short(text: str, width: int = 140) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


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
    if (
        isinstance(new, ast.Binary)
        and new.op in ("and", "or")
        and not isinstance(old, ast.Binary | ast.Quantifier)
    ):
        # `C` became `C and D` (or `C or D`): a condition or alternative was added around it.
        operands = _flatten(new, new.op)
        if any(unparse(p) == old_s for p in operands):
            noun = "condition" if new.op == "and" else "alternative"
            return [
                RuleChange(where, f"{noun}_added", f"{noun} added: {unparse(p)}", None, unparse(p))
                for p in operands
                if unparse(p) != old_s
            ]
    if (
        isinstance(old, ast.Binary)
        and old.op in ("and", "or")
        and not isinstance(new, ast.Binary | ast.Quantifier)
    ):
        operands = _flatten(old, old.op)
        if any(unparse(p) == new_s for p in operands):
            noun = "condition" if old.op == "and" else "alternative"
            return [
                RuleChange(where, f"{noun}_removed", f"{noun} removed: {unparse(p)}", unparse(p), None)
                for p in operands
                if unparse(p) != new_s
            ]
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


# ---- schema of the case: the facts a decision reads ------------------------------------------


def schema_facts(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every fact path of a case schema ("employee.sanctions[].kind") with its type and constraints."""
    defs = schema.get("$defs", {})
    out: dict[str, dict[str, Any]] = {}

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            ref = node["$ref"]
            merged = {k: v for k, v in node.items() if k != "$ref"}
            target = defs.get(ref.rsplit("/", 1)[-1], {}) if ref.startswith("#/$defs/") else {}
            node = {**target, **merged}
            seen += 1
        return node

    def walk(node: dict[str, Any], path: str, required: bool, depth: int) -> None:
        node = resolve(node)
        if depth > 12:
            return
        info: dict[str, Any] = {
            "type": node.get("type") or ("enum" if "enum" in node else "any"),
            "required": required,
        }
        if "enum" in node:
            info["enum"] = list(node["enum"])
        if node.get("format"):
            info["format"] = node["format"]
        for k in ("minimum", "maximum", "pattern"):
            if k in node:
                info[k] = node[k]
        if path:
            out[path] = info
        if node.get("type") == "object" or "properties" in node:
            req = set(node.get("required", []))
            for name, sub in node.get("properties", {}).items():
                walk(sub, f"{path}.{name}" if path else name, name in req, depth + 1)
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            walk(node["items"], f"{path}[]", True, depth + 1)

    walk(schema, "", True, 0)
    return out


def _fact_text(info: dict[str, Any]) -> str:
    kind = info.get("format") or info.get("type")
    if isinstance(kind, list):
        kind = "/".join(map(str, kind))
    text = str(kind)
    if "enum" in info:
        text = "one of " + ", ".join(map(str, info["enum"]))
    return text + ("" if info.get("required") else ", optional")


def spec_changes(old: DecisionSpec | None, new: DecisionSpec | None) -> list[str]:
    """How a decision's own file changed: outcomes and precedence, clauses, edition date, facts."""
    if old is None and new is not None:
        return [f"new decision (outcomes {', '.join(new.outcome_ids)})"]
    if new is None and old is not None:
        return ["the decision no longer exists"]
    assert old is not None and new is not None
    out: list[str] = []
    if old.outcome_ids != new.outcome_ids:
        added = [o for o in new.outcome_ids if o not in old.outcome_ids]
        removed = [o for o in old.outcome_ids if o not in new.outcome_ids]
        if added:
            out.append("outcome(s) added: " + ", ".join(added))
        if removed:
            out.append("outcome(s) removed: " + ", ".join(removed))
        if not added and not removed:
            out.append(
                f"precedence of outcomes changed: {' > '.join(old.outcome_ids)} → {' > '.join(new.outcome_ids)}"
            )
    if old.default != new.default:
        out.append(f"default outcome changed from {old.default} to {new.default}")
    added_c = [c for c in new.clauses if c not in old.clauses]
    removed_c = [c for c in old.clauses if c not in new.clauses]
    if added_c:
        out.append("clause(s) added: " + ", ".join(added_c))
    if removed_c:
        out.append("clause(s) removed: " + ", ".join(removed_c))
    if old.edition_date != new.edition_date:
        out.append(f"the date selecting the edition changed from {old.edition_date} to {new.edition_date}")
    of, nf = schema_facts(old.case_schema), schema_facts(new.case_schema)
    for path in sorted(set(nf) - set(of)):
        out.append(f"new fact {path} ({_fact_text(nf[path])})")
    for path in sorted(set(of) - set(nf)):
        out.append(f"fact removed: {path}")
    for path in sorted(set(of) & set(nf)):
        a, b = of[path], nf[path]
        if a.get("enum") != b.get("enum") and ("enum" in a or "enum" in b):
            gained = [v for v in b.get("enum", []) if v not in a.get("enum", [])]
            lost = [v for v in a.get("enum", []) if v not in b.get("enum", [])]
            bits = ([f"gains {', '.join(map(str, gained))}"] if gained else []) + (
                [f"loses {', '.join(map(str, lost))}"] if lost else []
            )
            out.append(f"fact {path}: values " + "; ".join(bits or ["reordered"]))
        if a.get("required") != b.get("required"):
            out.append(f"fact {path} is now {'required' if b.get('required') else 'optional'}")
        if (a.get("type"), a.get("format")) != (b.get("type"), b.get("format")):
            out.append(f"fact {path}: type changed from {_fact_text(a)} to {_fact_text(b)}")
        for k in ("minimum", "maximum", "pattern"):
            if a.get(k) != b.get(k):
                out.append(f"fact {path}: {k} changed from {a.get(k)} to {b.get(k)}")
    return out


# ---- the diff of two editions ------------------------------------------------------------------


@dataclass
class TextChange:
    lang: str
    status: str  # changed | added | removed | unknown | same
    segments: list[Segment]
    language_status: str | None = None  # authoritative | unofficial

    def to_dict(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "status": self.status,
            "language_status": self.language_status,
            "inline": render_inline(self.segments) if self.status == "changed" else None,
            "segments": [s.to_dict() for s in self.segments],
        }


@dataclass
class ClauseChange:
    clause: str
    status: str  # added | removed | lost_force | changed | reenacted
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    texts: list[TextChange] = field(default_factory=list)
    rule_status: str = "none"  # unchanged | changed | added | removed | none
    rule: list[RuleChange] = field(default_factory=list)
    notes_changed: bool = False
    decisions: list[str] = field(default_factory=list)

    @property
    def logic_changed(self) -> bool:
        return self.rule_status in ("changed", "added", "removed")

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "status": self.status,
            "from": self.old,
            "to": self.new,
            "texts": [t.to_dict() for t in self.texts],
            "rule_status": self.rule_status,
            "rule": [r.to_dict() for r in self.rule],
            "notes_changed": self.notes_changed,
            "decisions": self.decisions,
        }


@dataclass
class Witness:
    decision: str
    as_of: str
    case: Any
    source: str  # how it was found
    old_outcome: str
    old_citations: list[str]
    new_outcome: str
    new_citations: list[str]
    responsible: list[str]
    change: str | None = None  # what differs: "outcome retain → exclude", "value x: a → b"
    values: dict[str, Any] | None = None  # the values each edition reported ("from", "to")

    def to_dict(self) -> dict[str, Any]:
        values = self.values or {}
        return {
            "decision": self.decision,
            "as_of": self.as_of,
            "source": self.source,
            "change": self.change,
            "from": {
                "outcome": self.old_outcome,
                "citations": self.old_citations,
                "values": values.get("from"),
            },
            "to": {"outcome": self.new_outcome, "citations": self.new_citations, "values": values.get("to")},
            "responsible": self.responsible,
            "case": self.case,
        }


@dataclass
class DecisionChange:
    decision: str
    reasons: list[str]
    logic_changed: bool
    spec: list[str]
    missing_from: list[str]
    missing_to: list[str]
    witnesses: list[Witness] = field(default_factory=list)
    exact: dict[str, Any] | None = None  # engine.tools.symbolic.exact.ExactResult.to_dict()

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "logic_changed": self.logic_changed,
            "reasons": self.reasons,
            "spec_changes": self.spec,
            "missing_clauses": {"from": self.missing_from, "to": self.missing_to},
            "witnesses": [w.to_dict() for w in self.witnesses],
            "exact": self.exact,
        }


@dataclass
class EditionDiff:
    act: str
    old: Edition
    new: Edition
    old_label: str
    new_label: str
    clauses: list[ClauseChange]
    decisions: list[DecisionChange]
    notes: list[str]
    total_clauses: int

    def counts(self) -> dict[str, int]:
        counts = {"added": 0, "removed": 0, "changed": 0, "lost_force": 0, "reenacted": 0}
        for c in self.clauses:
            counts[c.status] = counts.get(c.status, 0) + 1
        counts["rules_changed"] = sum(1 for c in self.clauses if c.logic_changed)
        counts["texts_changed"] = sum(1 for c in self.clauses if any(t.status != "same" for t in c.texts))
        counts["decisions_affected"] = len(self.decisions)
        counts["decisions_logic_changed"] = sum(1 for d in self.decisions if d.logic_changed)
        return counts

    def clause(self, cid: str) -> ClauseChange | None:
        return next((c for c in self.clauses if c.clause == cid), None)

    def decision(self, name: str) -> DecisionChange | None:
        return next((d for d in self.decisions if d.decision == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "act": self.act,
            "from": {**describe_edition(self.old), "source": self.old_label},
            "to": {**describe_edition(self.new), "source": self.new_label},
            "counts": self.counts(),
            "notes": self.notes,
            "clauses": [c.to_dict() for c in self.clauses],
            "decisions": [d.to_dict() for d in self.decisions],
        }


def _version_info(version: ClauseVersion, act: Act) -> dict[str, Any]:
    amendment = act.amendments.get(version.amendment)
    return {
        "amendment": version.amendment,
        "amendment_number": amendment.number if amendment else None,
        "draft": bool(amendment and amendment.status == "draft"),
        "change": version.change,
        "kind": version.kind,
        "text_known": version.text_known,
    }


def _decisions_fed(version: ClauseVersion | None) -> set[str]:
    if version is None or version.program is None:
        return set()
    return {b.decision for b in version.program.blocks}


def _text_changes(
    act_old: Act, act_new: Act, old: ClauseVersion | None, new: ClauseVersion | None
) -> list[TextChange]:
    """Per language: changed (word diff), added, removed, same; or unknown_before / unknown_after
    when one side's text is recorded as not known (then the known side is shown whole)."""
    out = []
    old_unknown = old is not None and not old.text_known
    new_unknown = new is not None and not new.text_known
    old_texts = old.texts if old is not None and not old_unknown else {}
    new_texts = new.texts if new is not None and not new_unknown else {}
    langs = list(dict.fromkeys([*act_new.languages, *act_old.languages, *old_texts, *new_texts]))
    for lang in langs:
        a, b = old_texts.get(lang), new_texts.get(lang)
        status_of = (act_new.languages.get(lang) or act_old.languages.get(lang) or {}).get("status")
        if a is None and b is None:
            if old_unknown or new_unknown:
                out.append(TextChange(lang, "unknown", [], status_of))
            continue
        segments = word_diff(a, b)
        if a is None:
            status = "unknown_before" if old_unknown else "added"
        elif b is None:
            status = "unknown_after" if new_unknown else "removed"
        else:
            status = "changed" if changed(segments) else "same"
        out.append(TextChange(lang, status, segments, status_of))
    return out


def _same_content(a: ClauseVersion, b: ClauseVersion) -> bool:
    return (
        a.texts == b.texts
        and a.text_known == b.text_known
        and a.kind == b.kind
        and _program_text(a) == _program_text(b)
        and a.change == b.change
    )


def _program_text(v: ClauseVersion | None) -> str | None:
    if v is None or v.program is None:
        return None
    return "\n".join(
        [unparse(d) for d in v.program.definitions]
        + [f"for {b.decision}: " + "; ".join(unparse(s) for s in b.statements) for b in v.program.blocks]
    )


def edition_scope(act: Act, edition: Edition) -> tuple[str, dict[str, Any]] | None:
    """The act's scope as recorded for an edition: (amending act id, its `scope`), or None.

    An amending act's `scope` (amendment.schema.json) records the scope and title it left the act
    with; an edition inherits the latest one recorded by an act in force by its start (No. 290
    changed no scope, so its edition keeps the scope of 2013). It is provenance, not clause text:
    for an edition whose text is unknown it is the only thing a reviewer can compare.
    """
    own = edition.amendment.raw.get("scope")
    if own:
        return edition.amendment.id, own
    known = [
        a
        for a in act.amendments.values()
        if a.status != "draft" and a.raw.get("scope") and a.entry_into_force().start <= edition.start
    ]
    if not known:
        return None
    latest = max(known, key=lambda a: a.entry_into_force().start)
    return latest.id, latest.raw["scope"]


def scope_notes(act_old: Act, old: Edition, act_new: Act, new: Edition) -> list[str]:
    """Notes on the act's scope when the two editions record different ones (see edition_scope)."""
    a, b = edition_scope(act_old, old), edition_scope(act_new, new)
    if a == b or (a is None and b is None):
        return []
    out = []
    for side, found in (("from", a), ("to", b)):
        if found is None:
            out.append(f"scope ({side}): not recorded")
            continue
        source, scope = found
        how = (
            "a description, not the text (the text of that edition is unknown)"
            if scope.get("status") == "described"
            else "as read from the encoded text"
        )
        text = (scope.get("description") or {}).get("en") or next(iter((scope.get("description") or {}).values()), "")
        title = (scope.get("title") or {}).get("en")
        titled = f"; title: {' '.join(str(title).split())}" if title else ""
        out.append(f"scope ({side}, recorded by {source}, {how}): {' '.join(str(text).split())}{titled}")
    if b is not None and b[1].get("change") and b[0] == new.amendment.id:
        out.append(" ".join(str(b[1]["change"]).split()))
    return out


def diff_editions(
    act_old: Act,
    old: Edition,
    act_new: Act,
    new: Edition,
    old_label: str | None = None,
    new_label: str | None = None,
) -> EditionDiff:
    """The semantic diff of two editions (of the same act, possibly from two policy trees)."""
    notes: list[str] = []
    for side, edition in (("from", old), ("to", new)):
        if edition.draft:
            notes.append(
                f"{side}: {edition.id} is a DRAFT ({edition.amendment.id}): not law, for review only"
            )
        elif not edition.entry.certain:
            notes.append(
                f"{side}: the entry into force of {edition.amendment.id} is uncertain: {edition.entry.explanation}"
            )
    notes.extend(scope_notes(act_old, old, act_new, new))
    order = list(dict.fromkeys([*act_new.clauses, *act_old.clauses]))
    old_defs, new_defs = named_definitions(old), named_definitions(new)
    def_changes, changed_defs = definition_changes(old_defs, new_defs)
    clauses: list[ClauseChange] = []
    for cid in order:
        a, b = old.versions.get(cid), new.versions.get(cid)
        if a is None and b is None:
            continue
        if a is not None and b is not None and a is b:
            continue
        if a is not None and b is not None and a.amendment == b.amendment and _same_content(a, b):
            continue
        if a is None:
            status = "added"
        elif b is None:
            status = "removed"
        elif b.change == "lost_force" and a.change != "lost_force":
            status = "lost_force"
        else:
            status = "changed"
        change = ClauseChange(
            cid,
            status,
            _version_info(a, act_old) if a else None,
            _version_info(b, act_new) if b else None,
            texts=_text_changes(act_old, act_new, a, b),
            decisions=sorted(_decisions_fed(a) | _decisions_fed(b)),
        )
        pa, pb = (a.program if a else None), (b.program if b else None)
        if pa is None and pb is None:
            change.rule_status = "none"
        elif pa is None:
            change.rule_status = "added"
        elif pb is None:
            change.rule_status = "removed"
        else:
            change.rule_status = "unchanged" if _program_text(a) == _program_text(b) else "changed"
        blocks_a = {blk.decision: blk for blk in (pa.blocks if pa else [])}
        blocks_b = {blk.decision: blk for blk in (pb.blocks if pb else [])}
        for decision in dict.fromkeys([*blocks_b, *blocks_a]):
            change.rule.extend(block_changes(cid, decision, blocks_a.get(decision), blocks_b.get(decision)))
        change.notes_changed = (a.notes if a else None) != (b.notes if b else None)
        if (
            status == "changed"
            and change.rule_status in ("unchanged", "none")
            and not any(t.status != "same" for t in change.texts)
            and (a.kind if a else None) == (b.kind if b else None)
        ):
            change.status = "reenacted"
        clauses.append(change)
    # Definitions are compared across the edition (a definition may move between clauses).
    for cid, changes in def_changes.items():
        entry = next((c for c in clauses if c.clause == cid), None)
        if entry is None:
            continue  # a definition change without a new version cannot happen; be safe
        entry.rule = [*changes, *entry.rule]
    # Decisions whose feeding clauses (or the definitions they reach) changed, or whose file changed.
    specs_old, specs_new = decision_specs(act_old, old), decision_specs(act_new, new)
    changed_ids = {c.clause: c for c in clauses}
    decisions: list[DecisionChange] = []
    for name in sorted(set(specs_old) | set(specs_new)):
        so, sn = specs_old.get(name), specs_new.get(name)
        reasons: list[str] = []
        logic = False
        feeding = list(dict.fromkeys([*(sn.clauses if sn else []), *(so.clauses if so else [])]))
        for cid in feeding:
            c = changed_ids.get(cid)
            if c is None:
                continue
            what = []
            if c.logic_changed:
                what.append("rule")
                logic = True
            if any(t.status != "same" for t in c.texts):
                what.append("text")
            if c.status in ("added", "removed", "lost_force"):
                what.append(c.status.replace("_", " "))
            if not what:
                what.append("version")
            reasons.append(f"{cid} ({', '.join(what)})")
        reached_old = reached_definitions(old, name)
        reached_new = reached_definitions(new, name)
        via: dict[str, set[str]] = {}
        for reached in (reached_old, reached_new):
            for cid, names in reached.items():
                for d in names & changed_defs:
                    via.setdefault(d, set()).add(cid)
        for d, users in sorted(via.items()):
            definer = (new_defs.get(d) or old_defs.get(d) or ("?", None))[0]
            reasons.append(f"definition {d} ({definer}) changed, used by {', '.join(sorted(users))}")
            logic = True
        spec = spec_changes(so, sn)
        if spec:
            logic = True
        if reasons or spec:
            decisions.append(
                DecisionChange(
                    name,
                    list(dict.fromkeys(reasons)),
                    logic,
                    spec,
                    missing_clauses(act_old, old, name) if so else [],
                    missing_clauses(act_new, new, name) if sn else [],
                )
            )
    return EditionDiff(
        act_new.id,
        old,
        new,
        old_label or old.id,
        new_label or new.id,
        clauses,
        decisions,
        notes,
        len(order),
    )


def changed_clause_ids(old: Edition, new: Edition) -> set[str]:
    """Clause ids whose version differs between two editions (cheap; no diff is built)."""
    out = set()
    for cid in set(old.versions) | set(new.versions):
        a, b = old.versions.get(cid), new.versions.get(cid)
        if (
            a is None
            or b is None
            or (a is not b and not (a.amendment == b.amendment and _same_content(a, b)))
        ):
            out.add(cid)
    return out


# ---- text output -------------------------------------------------------------------------------


def compact_inline(segments: list[Segment], context_words: int = 8) -> str:
    """Word-diff markup with long unchanged stretches shortened to their edges."""
    parts = []
    for k, s in enumerate(segments):
        if s.op != "equal":
            parts.append(f"[-{s.text}-]" if s.op == "delete" else f"{{+{s.text}+}}")
            continue
        words = s.text.split(" ")
        first, last = k == 0, k == len(segments) - 1
        keep = context_words
        if len(words) <= 2 * keep + 1:
            parts.append(s.text)
        elif first:
            parts.append("…" + " ".join(words[-keep:]))
        elif last:
            parts.append(" ".join(words[:keep]) + "…")
        else:
            parts.append(" ".join(words[:keep]) + " … " + " ".join(words[-keep:]))
    return "".join(parts)


def render_text(d: EditionDiff, witnesses: bool = True) -> str:
    out: list[str] = []
    out.append(f"{d.act}: {d.old.id} → {d.new.id}")
    out.append(f"  from: {d.old_label}: {_edition_line(d.old)}")
    out.append(f"  to:   {d.new_label}: {_edition_line(d.new)}")
    for note in d.notes:
        out.append(f"  note: {note}")
    c = d.counts()
    out.append("")
    out.append(
        f"Clauses: {c['changed']} changed, {c['added']} added, {c['removed']} removed, {c['lost_force']} lost force"
        + (f", {c['reenacted']} re-enacted unchanged" if c["reenacted"] else "")
        + f" (of {d.total_clauses}); rules changed in {c['rules_changed']}, texts in {c['texts_changed']}"
    )
    if not d.clauses:
        out.append("  no clause differs")
    for cc in d.clauses:
        out.append("")
        via = ""
        if cc.old and cc.new:
            via = f"  ({cc.old['amendment']} → {cc.new['amendment']}, {cc.new['change']})"
        elif cc.new:
            via = f"  (by {cc.new['amendment']}, {cc.new['change']})"
        elif cc.old:
            via = f"  (was by {cc.old['amendment']})"
        out.append(f"{cc.clause}  {cc.status.replace('_', ' ').upper()}{via}")
        for t in cc.texts:
            label = f"{t.lang}" + (f" ({t.language_status})" if t.language_status else "")
            if t.status == "same":
                continue
            if t.status == "unknown":
                out.append(f"  text {label}: not known in either edition")
            elif t.status == "unknown_before":
                out.append(
                    f"  text {label}: not known in {d.old.id}; now: {short(''.join(s.text for s in t.segments), 300)}"
                )
            elif t.status == "unknown_after":
                out.append(
                    f"  text {label}: was {short(''.join(s.text for s in t.segments), 300)}; not known in {d.new.id}"
                )
            elif t.status == "added":
                out.append(f"  text {label} added: {short(''.join(s.text for s in t.segments), 300)}")
            elif t.status == "removed":
                out.append(f"  text {label} removed: {short(''.join(s.text for s in t.segments), 300)}")
            else:
                out.append(f"  text {label}: {compact_inline(t.segments)}")
        if cc.rule_status == "unchanged":
            out.append("  rule: unchanged")
        for r in cc.rule:
            out.append(f"  rule: {r.where}: {r.message}")
        if cc.decisions:
            out.append(f"  feeds: {', '.join(cc.decisions)}")
    out.append("")
    out.append(f"Decisions whose feeding clauses changed: {len(d.decisions)}")
    for dc in d.decisions:
        out.append("")
        out.append(f"{dc.decision}  {'LOGIC CHANGED' if dc.logic_changed else 'text only'}")
        for reason in dc.reasons:
            out.append(f"  - {reason}")
        for s in dc.spec:
            out.append(f"  - decision file: {s}")
        if dc.missing_from:
            out.append(f"  - not decidable under {d.old.id}: missing {', '.join(dc.missing_from)}")
        if dc.missing_to:
            out.append(f"  - not decidable under {d.new.id}: missing {', '.join(dc.missing_to)}")
        if not witnesses:
            continue
        if dc.exact is not None:
            out.append(f"  exact diff: {dc.exact['summary']}")
        for w in dc.witnesses:
            out.append(f"  witness: {w.change or w.source}, as of {w.as_of}:")
            for label, outcome, cited, side in (
                (d.old.id, w.old_outcome, w.old_citations, "from"),
                (d.new.id, w.new_outcome, w.new_citations, "to"),
            ):
                values = changed_values(w.values).get(side) or {}
                shown = f"; values {json.dumps(values, ensure_ascii=False, default=str)}" if values else ""
                out.append(f"    {label}: {outcome} [{', '.join(cited)}]{shown}")
            out.append(f"    clauses responsible: {', '.join(w.responsible)}")
            out.append("    case: " + json.dumps(w.case, ensure_ascii=False, sort_keys=False, default=str))
        for bug in (dc.exact or {}).get("disagreements", []):
            out.append(f"  BUG (solver and engine disagree on {bug['class']}): {'; '.join(bug['problems'])}")
            out.append("    case: " + json.dumps(bug["case"], ensure_ascii=False, default=str))
    return "\n".join(out)


def changed_values(values: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Of a witness's values under each edition ("from", "to"), the ones that differ."""
    if not values:
        return {}
    a, b = values.get("from") or {}, values.get("to") or {}
    names = [n for n in dict.fromkeys([*a, *b]) if (n in a) != (n in b) or a.get(n) != b.get(n)]
    return {
        "from": {n: a.get(n, "(not in the answer)") for n in names},
        "to": {n: b.get(n, "(not in the answer)") for n in names},
    }


def _edition_line(e: Edition) -> str:
    period = f"from {e.start.isoformat()}" + (f" until {e.end.isoformat()}" if e.end else "")
    if e.draft:
        return f"DRAFT {e.amendment.id}, not law (never selected by a date)"
    certain = "" if e.entry.certain else " (entry into force uncertain)"
    number = f"No. {e.amendment.number} " if e.amendment.number else ""
    return f"{period}; amended by {number}{e.amendment.id}{certain}"


def iter_rule_changes(d: EditionDiff) -> Iterator[tuple[str, RuleChange]]:
    for c in d.clauses:
        for r in c.rule:
            yield c.clause, r
