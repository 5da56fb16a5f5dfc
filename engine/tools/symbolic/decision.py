"""A decision's statements and its outcome resolution, as z3 terms.

Mirrors `engine.dsl.codegen` (what each statement reports: fired, undetermined, excepted,
override, value) and `engine.decide.resolve` (which outcome wins, when a case is refused):

- `require C else O` fires when C is false, `when C then O` when C is true; a missing C makes
  the statement undetermined. With `unless E`, E is looked at only when the statement would
  fire or C is missing: E true waives it, E missing (or C missing) leaves it undetermined.
- An override whose condition holds removes every statement of its target clause (its grounds,
  requirements, values and undetermined statements); a missing override condition refuses the
  case.
- The outcome is the first outcome of the decision's precedence list some live statement gave,
  else the default. An undetermined statement whose outcome ranks before that refuses the case.
- A value is reported when some statement computing it is not overridden (and, with `only on`,
  the outcome is one of those named); the last such statement in the decision's order gives it
  (the answer's `values` is keyed by name).
- `applies when C` gives no outcome and refuses nothing: it changes a clause's role only.

`SymbolicAnswer.result` is the index of the outcome in the decision's list, or `REFUSED`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import z3

from ...dsl import ast
from ...policy import DecisionSpec
from .expressions import Encoder, choose, conjunction, disjunction
from .values import FALSE, TRUE, Lst, Scalar, Unsupported

REFUSED = -1


@dataclass(frozen=True)
class Statement:
    index: int
    clause: str
    node: ast.Node


@dataclass
class SymbolicValue:
    """A computed value of the answer: whether the answer has it, and what it is."""

    reported: z3.BoolRef
    value: Any  # Scalar | Lst


@dataclass
class SymbolicAnswer:
    outcomes: list[str]
    result: z3.ArithRef
    values: dict[str, SymbolicValue]
    # Per statement index, what the compiled function reports of it (fired, undetermined,
    # excepted, override, value), before resolution: the tests compare these one by one.
    reports: dict[int, dict[str, Any]] = field(default_factory=dict)

    def outcome_of(self, index: int) -> str:
        return "refused" if index == REFUSED else self.outcomes[index]


def statements_of(spec: DecisionSpec, versions: dict[str, Any], name: str) -> list[Statement]:
    """The decision's statements in the compiled function's order: clause order, then text."""
    out: list[Statement] = []
    for cid in spec.clauses:
        version = versions.get(cid)
        if version is None or version.program is None:
            continue
        for block in version.program.blocks:
            if block.decision != name:
                continue
            for stmt in block.statements:
                out.append(Statement(len(out), cid, stmt))
    return out


def encode_decision(
    encoder: Encoder, spec: DecisionSpec, statements: list[Statement], outcomes: list[str] | None = None
) -> SymbolicAnswer:
    """The decision's answer; `result` numbers outcomes by their index in `outcomes` (both
    editions' outcomes, when two editions are compared: their lists may differ)."""
    rank = {o: k for k, o in enumerate(spec.outcome_ids)}
    outcomes = list(outcomes or spec.outcome_ids)
    code = {o: outcomes.index(o) for o in spec.outcome_ids}
    fired: dict[int, z3.BoolRef] = {}
    undetermined: dict[int, z3.BoolRef] = {}
    overrides: list[tuple[str, z3.BoolRef]] = []
    computed: list[tuple[Statement, ast.Compute, Any]] = []
    reports: dict[int, dict[str, Any]] = {}
    for s in statements:
        node = s.node
        if isinstance(node, ast.Require | ast.Ground):
            c = encoder.condition(node.condition)
            trigger = z3.Not(c.value) if isinstance(node, ast.Require) else c.value
            excepted = FALSE
            if node.exception is None:
                undetermined[s.index] = z3.Not(c.present)
                fired[s.index] = conjunction(c.present, trigger)
            else:
                e = encoder.condition(node.exception)
                looked = disjunction(z3.Not(c.present), trigger)
                waived = conjunction(e.present, e.value)
                excepted = conjunction(looked, waived)
                undetermined[s.index] = conjunction(
                    looked, z3.Not(waived), disjunction(z3.Not(e.present), z3.Not(c.present))
                )
                fired[s.index] = conjunction(looked, z3.Not(waived), e.present, c.present)
            reports[s.index] = {
                "fired": fired[s.index],
                "undetermined": undetermined[s.index],
                "excepted": excepted,
            }
        elif isinstance(node, ast.Override):
            c = encoder.condition(node.condition)
            undetermined[s.index] = z3.Not(c.present)
            held = conjunction(c.present, c.value)
            overrides.append((node.clause, held))
            reports[s.index] = {"undetermined": undetermined[s.index], "override": held}
        elif isinstance(node, ast.Applies):
            # Gives no outcome and never refuses (a missing fact reads as not applying): it only
            # changes the clause's role in the answer, which the exact diff does not compare.
            c = encoder.condition(node.condition)
            reports[s.index] = {"fired": conjunction(c.present, c.value)}
        elif isinstance(node, ast.Compute):
            value = encoder.expr(node.expr)
            computed.append((s, node, value))
            reports[s.index] = {"value": value}
        else:
            raise Unsupported(f"no symbolic semantics for the statement {type(node).__name__}")

    def overridden(clause: str) -> z3.BoolRef:
        return disjunction(*(held for target, held in overrides if target == clause))

    gone = {s.clause: overridden(s.clause) for s in statements}
    by_outcome: dict[str, list[z3.BoolRef]] = {}
    for s in statements:
        if s.index in fired and not isinstance(s.node, ast.Applies):
            assert isinstance(s.node, ast.Require | ast.Ground)  # the statements that fire with an outcome
            live = conjunction(fired[s.index], z3.Not(gone[s.clause]))
            by_outcome.setdefault(s.node.outcome, []).append(live)
    chosen: z3.ArithRef = z3.IntVal(rank[spec.default])  # the rank of the outcome reached
    answer: z3.ArithRef = z3.IntVal(code[spec.default])  # the same outcome, by its code
    for outcome in sorted(by_outcome, key=rank.__getitem__, reverse=True):
        gave = disjunction(*by_outcome[outcome])
        chosen = z3.If(gave, rank[outcome], chosen)
        answer = z3.If(gave, code[outcome], answer)
    blocking = []
    for s in statements:
        if s.index not in undetermined:
            continue
        pending = conjunction(undetermined[s.index], z3.Not(gone[s.clause]))
        if isinstance(s.node, ast.Override):
            blocking.append(pending)
        else:
            assert isinstance(s.node, ast.Require | ast.Ground)  # the others left undetermined
            blocking.append(conjunction(pending, chosen > rank[s.node.outcome]))
    result = z3.If(disjunction(*blocking), REFUSED, answer) if blocking else answer

    values: dict[str, SymbolicValue] = {}
    for s, node, value in computed:
        keep = z3.Not(gone[s.clause])
        if node.outcomes:  # `compute … only on O1, O2`: reported only with those outcomes
            keep = conjunction(keep, disjunction(*(result == code[o] for o in node.outcomes if o in code)))
        known = values.get(node.name)
        if known is None:
            values[node.name] = SymbolicValue(keep, _reported(value, keep))
        else:
            values[node.name] = SymbolicValue(disjunction(keep, known.reported), choose(keep, value, known.value))
    return SymbolicAnswer(outcomes, z3.simplify(result), values, reports)


def _reported(value: Any, keep: z3.BoolRef) -> Any:
    if isinstance(value, Scalar | Lst):
        return value
    raise Unsupported("a computed value that is neither a scalar nor a list")


__all__ = ["FALSE", "REFUSED", "TRUE", "Statement", "SymbolicAnswer", "encode_decision", "statements_of"]
