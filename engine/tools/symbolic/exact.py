"""The exact diff of two editions, decision by decision.

For each decision whose logic differs, z3 is asked for a case (valid under both editions' case
schemas, the facts a draft adds included) on which the two editions answer differently: a
different outcome (or one refuses the case), or a different computed value (a deadline, an
office). Each difference found is a class, blocked before asking again, so every distinct
change is listed once:

- the outcome: one class per (old outcome, new outcome) pair;
- each computed value: one class per (old state, new state), the state being "not in the
  answer", "missing" or a value (two different values are one class).

No case at all is a proof: "equivalent (proved, lists ≤ K, dates …)". A check z3 cannot settle
within the time budget is reported as unknown, never as "no change".

Every witness is then decided by the compiled engine under both editions (each seeing the facts
its schema declares, as `ereje impact` does). Only a difference the engine confirms is reported
as a change; where the engine's answer is not what the solver predicted, the disagreement is
reported as a bug of the encoding.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

import z3

from ...decide import jsonable
from ...errors import CaseError, EditionError
from ..selection import missing_clauses
from .decision import REFUSED, SymbolicAnswer
from .expressions import equal
from .problem import DEFAULT_K, EditionView, Problem
from .session import solver_session
from .values import Unsupported

DEFAULT_BUDGET = 20.0  # seconds per decision
ABSENT, MISSING, VALUE = 0, 1, 2
_STATE = {ABSENT: "not in the answer", MISSING: "missing", VALUE: "a value"}


@dataclass
class EngineAnswer:
    """What the compiled engine answers for a witness under one edition."""

    status: str  # ok | refused | invalid
    outcome: str
    citations: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"outcome": self.outcome, "citations": self.citations, "values": self.values}
        if self.message:
            out["message"] = self.message
        return out


@dataclass
class ExactChange:
    """One distinct difference, with the witness the engine confirmed."""

    kind: str  # outcome | value
    name: str | None  # the value's name
    old: Any
    new: Any
    as_of: str
    case: dict[str, Any]
    old_answer: EngineAnswer
    new_answer: EngineAnswer
    responsible: list[str]

    def describe(self) -> str:
        if self.kind == "outcome":
            return f"outcome {self.old} → {self.new}"
        return f"value {self.name}: {_show(self.old)} → {_show(self.new)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "from": self.old,
            "to": self.new,
            "change": self.describe(),
            "as_of": self.as_of,
            "case": self.case,
            "answers": {"from": self.old_answer.to_dict(), "to": self.new_answer.to_dict()},
            "responsible": self.responsible,
        }


@dataclass
class ExactResult:
    decision: str
    status: str  # equivalent | changed | unknown | disagreement | not_compared | unsupported
    bounds: str
    k: int
    changes: list[ExactChange] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    reason: str | None = None

    def summary(self) -> str:
        if self.status == "equivalent":
            return f"equivalent (proved, {self.bounds})"
        if self.status == "not_compared":
            return f"not compared: {self.reason}"
        if self.status == "unsupported":
            return f"not compared: the solver cannot represent {self.reason}"
        parts = []
        if self.changes:
            parts.append(f"{len(self.changes)} distinct change(s) ({self.bounds})")
        if self.unknown:
            parts.append(f"unknown within the time budget: {', '.join(self.unknown)}")
        if self.disagreements:
            parts.append(f"{len(self.disagreements)} solver/engine disagreement(s): a bug, not an answer")
        if self.status == "changed" and not self.unknown:
            parts.append("no other change (proved)")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "status": self.status,
            "summary": self.summary(),
            "bounds": self.bounds,
            "k": self.k,
            "changes": [c.to_dict() for c in self.changes],
            "unknown": self.unknown,
            "disagreements": self.disagreements,
            "seconds": round(self.seconds, 3),
            "reason": self.reason,
        }


def _state_value(values: dict[str, Any], name: str | None) -> Any:
    if name not in values:
        return _STATE[ABSENT]
    return _STATE[MISSING] if values[name] is None else values[name]


def _show(value: Any) -> str:
    if isinstance(value, str) and value in ("not in the answer", "missing"):
        return f"({value})"
    return repr(value) if isinstance(value, str) else str(value)


# ---- the engine's side ------------------------------------------------------------------------


def engine_answer(
    comparer: Any, side: Any, decision: str, case: dict[str, Any], as_of: dt.date
) -> EngineAnswer:
    """Decide the witness with the compiled engine under one edition (its facts only)."""
    projected = comparer.project(side, decision, case)
    if not side.validator(decision).is_valid(projected):
        try:
            side.validator(decision).check(projected)
        except CaseError as exc:
            return EngineAnswer("invalid", "invalid", message=str(exc))
        return EngineAnswer("invalid", "invalid", message="not a valid case")
    try:
        d = side.library.decide(
            decision, projected, as_of=as_of, act_id=side.act.id, edition_id=side.edition.id
        )
    except (CaseError, EditionError) as exc:
        return EngineAnswer("refused", "refused", message=str(exc))
    return EngineAnswer(
        "ok", d.outcome, list(d.citations), {k: jsonable(v["value"]) for k, v in d.values.items()}
    )


# ---- states of a value --------------------------------------------------------------------------


def _state(answer: SymbolicAnswer, name: str) -> z3.ArithRef:
    sv = answer.values.get(name)
    if sv is None:
        return z3.IntVal(ABSENT)
    return z3.If(sv.reported, z3.If(sv.value.present, VALUE, MISSING), ABSENT)


def _value_differs(old: SymbolicAnswer, new: SymbolicAnswer, name: str) -> z3.BoolRef:
    so, sn = _state(old, name), _state(new, name)
    both = z3.And(old.result != REFUSED, new.result != REFUSED)
    a, b = old.values.get(name), new.values.get(name)
    if a is None or b is None:
        return z3.And(both, so != sn)
    try:
        same_value = equal(a.value, b.value)
    except Unsupported:
        same_value = z3.BoolVal(False)  # values of different types always differ
    return z3.And(both, z3.Or(so != sn, z3.And(so == VALUE, z3.Not(same_value))))


# ---- the diff of one decision -------------------------------------------------------------------


def exact_decision(
    decision: str,
    comparer: Any,
    k: int = DEFAULT_K,
    budget: float = DEFAULT_BUDGET,
) -> ExactResult:
    """Every distinct change of `decision` between the comparer's two editions, or a proof of none."""
    from ..impact import responsible_clauses

    started = time.monotonic()
    deadline = started + budget
    old_side, new_side = comparer.old, comparer.new
    old_view = EditionView.of(old_side.act, old_side.edition, decision)
    new_view = EditionView.of(new_side.act, new_side.edition, decision)
    calendar = new_side.library.calendar()
    bounds_text = f"lists ≤ {k}"
    if old_view is None or new_view is None:
        missing = old_side.id if old_view is None else new_side.id
        return ExactResult(
            decision, "not_compared", bounds_text, k, reason=f"{missing} has no decision '{decision}'"
        )
    for side in (old_side, new_side):
        missing = missing_clauses(side.act, side.edition, decision)
        if missing:
            reason = f"{side.id} does not encode {', '.join(missing)}"
            return ExactResult(decision, "not_compared", bounds_text, k, reason=reason)
    try:
        problem = Problem(decision, [old_view, new_view], calendar, k=k)
    except Unsupported as exc:
        return ExactResult(decision, "unsupported", bounds_text, k, reason=str(exc))
    bounds_text = problem.bounds.describe() + ", working-day sums within the calendar"
    result = ExactResult(decision, "equivalent", bounds_text, k)
    old, new = problem.answers
    order = {cid: n for n, cid in enumerate(new_side.act.clauses)}
    default = new_view.spec.default
    names = list(dict.fromkeys([*old.values, *new.values]))
    value_differs = {name: _value_differs(old, new, name) for name in names}
    outcome_differs = old.result != new.result

    def confirm(model: z3.ModelRef, kind: str, name: str | None, label: tuple[Any, Any]) -> None:
        case, as_of = problem.case_of(model)
        predicted = [
            (problem.result_of(model, 0), problem.values_of(model, 0)),
            (problem.result_of(model, 1), problem.values_of(model, 1)),
        ]
        answers = [engine_answer(comparer, s, decision, case, as_of) for s in (old_side, new_side)]
        mismatch = []
        for side, (outcome, values), answer in zip(("from", "to"), predicted, answers, strict=True):
            if answer.status == "invalid":
                mismatch.append(f"{side}: the engine finds the case invalid: {answer.message}")
            elif outcome != answer.outcome:
                mismatch.append(f"{side}: solver predicted {outcome}, engine answered {answer.outcome}")
            elif answer.status == "ok" and values != answer.values:
                mismatch.append(f"{side}: solver predicted values {values}, engine reported {answer.values}")
        if mismatch:
            result.disagreements.append(
                {
                    "class": f"{kind} {name or ''} {label[0]} → {label[1]}".replace("  ", " "),
                    "as_of": as_of.isoformat(),
                    "case": case,
                    "problems": mismatch,
                }
            )
            return
        a, b = answers
        if kind == "outcome":
            old_v, new_v = a.outcome, b.outcome
        else:
            old_v, new_v = _state_value(a.values, name), _state_value(b.values, name)
        result.changes.append(
            ExactChange(
                kind,
                name,
                old_v,
                new_v,
                as_of.isoformat(),
                case,
                a,
                b,
                list(
                    responsible_clauses(a.outcome, tuple(a.citations), b.outcome, tuple(b.citations), default, order)
                ),
            )
        )

    # One proof for all: no case differs in the outcome or any value.
    anything = z3.Or(outcome_differs, *value_differs.values())
    first = problem.solve(anything, deadline=deadline)
    if first.status == "unsat":
        # Not vacuous: the domain the proof speaks of holds at least one case.
        some = problem.solve(z3.BoolVal(True), deadline=deadline)
        if some.status != "sat":
            result.status = "unknown" if some.status == "unknown" else "unsupported"
            result.reason = "the solver's domain holds no case of this decision"
        result.seconds = time.monotonic() - started
        return result
    if first.status == "unknown":
        result.status = "unknown"
        result.unknown.append(f"any change ({first.reason})")
        result.seconds = time.monotonic() - started
        return result

    # The outcome: one class per (old, new) pair.
    blocked: list[z3.BoolRef] = []
    while True:
        found = problem.solve(z3.And(outcome_differs, *blocked), small=True, deadline=deadline)
        if found.status == "unsat":
            break
        if found.status == "unknown":
            result.unknown.append(f"further outcome changes ({found.reason})")
            break
        assert found.model is not None  # a satisfiable query comes with its model
        ro = found.model.eval(old.result, model_completion=True).as_long()
        rn = found.model.eval(new.result, model_completion=True).as_long()
        confirm(found.model, "outcome", None, (old.outcome_of(ro), new.outcome_of(rn)))
        blocked.append(z3.Not(z3.And(old.result == ro, new.result == rn)))

    # Each computed value: one class per (old state, new state).
    for name in names:
        blocked = []
        so, sn = _state(old, name), _state(new, name)
        while True:
            found = problem.solve(z3.And(value_differs[name], *blocked), small=True, deadline=deadline)
            if found.status == "unsat":
                break
            if found.status == "unknown":
                result.unknown.append(f"value {name} ({found.reason})")
                break
            assert found.model is not None  # a satisfiable query comes with its model
            a = found.model.eval(so, model_completion=True).as_long()
            b = found.model.eval(sn, model_completion=True).as_long()
            confirm(found.model, "value", name, (_STATE[a], _STATE[b]))
            blocked.append(z3.Not(z3.And(so == a, sn == b)))

    if result.changes:
        result.status = "changed"
    elif result.disagreements:
        result.status = "disagreement"
    elif result.unknown:
        result.status = "unknown"
    result.seconds = time.monotonic() - started
    return result


def exact_diff(
    d: Any,
    comparer: Any,
    k: int = DEFAULT_K,
    budget: float = DEFAULT_BUDGET,
    decisions: list[str] | None = None,
) -> dict[str, ExactResult]:
    """Run the exact diff on the decisions of an `EditionDiff` whose logic changed (or those
    named), attach each result (and its confirmed witnesses) to the diff, and return them.
    One solver at a time in a process (`solver_session`)."""
    with solver_session():
        return _exact_diff(d, comparer, k, budget, decisions)


def _exact_diff(
    d: Any, comparer: Any, k: int, budget: float, decisions: list[str] | None
) -> dict[str, ExactResult]:
    from ..diff import Witness

    results: dict[str, ExactResult] = {}
    for dc in d.decisions:
        if decisions is None and not dc.logic_changed:
            continue
        if decisions is not None and dc.decision not in decisions:
            continue
        if dc.missing_from or dc.missing_to:
            missing = dc.missing_from or dc.missing_to
            r = ExactResult(
                dc.decision,
                "not_compared",
                f"lists ≤ {k}",
                k,
                reason=f"an edition does not encode {', '.join(missing)}",
            )
        else:
            try:
                r = exact_decision(dc.decision, comparer, k=k, budget=budget)
            except z3.Z3Exception as exc:  # the solver failed: say so, never "no change"
                r = ExactResult(dc.decision, "unknown", f"lists ≤ {k}", k, reason=f"z3 failed: {exc}")
                r.unknown.append(f"any change (z3 failed: {exc})")
        results[dc.decision] = r
        dc.exact = r.to_dict()
        dc.witnesses = [
            Witness(
                dc.decision,
                c.as_of,
                c.case,
                f"exact diff: {c.describe()}",
                c.old_answer.outcome,
                c.old_answer.citations,
                c.new_answer.outcome,
                c.new_answer.citations,
                c.responsible,
                change=c.describe(),
                values={"from": c.old_answer.values, "to": c.new_answer.values},
            )
            for c in r.changes
        ]
    return results
