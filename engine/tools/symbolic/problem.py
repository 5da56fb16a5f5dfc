"""One decision, under one or two editions, over one symbolic case: the solver's problem.

`Problem` puts together the symbolic case of the decision's case schema (both editions'
schemas merged, so a new fact of a draft is part of it), the decision date, and the symbolic
answer under each edition. `Problem.solve` asks z3 for a case satisfying a formula, with the
working-day table consulted lazily (`engine.tools.symbolic.workdays`) and, for a witness, the
smallest case the solver finds quickly: optional facts absent and lists empty wherever the
formula allows, numbers with two decimals at most.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

import z3

from ...dsl import ast
from ...edition import Edition
from ...policy import Act, DecisionSpec
from .dates import Gregorian, ordinal
from .decision import REFUSED, SymbolicAnswer, encode_decision, statements_of
from .expressions import Encoder
from .values import TRUE, Bounds, Scalar, StringTable, SymbolicCase, Unsupported, merge_schemas, resolve_all
from .workdays import WorkdaySums, WorkdayTable

DEFAULT_K = 3
_TABLES: dict[int, tuple[Any, WorkdayTable]] = {}


def workday_table(calendar: Any) -> WorkdayTable:
    """The table of a calendar, built once per calendar object (kept alive with it)."""
    known = _TABLES.get(id(calendar))
    if known is None or known[0] is not calendar:
        known = _TABLES[id(calendar)] = (calendar, WorkdayTable(calendar))
    return known[1]


@dataclass
class EditionView:
    """What the encoding needs of one edition for one decision."""

    act: Act
    edition: Edition
    spec: DecisionSpec
    definitions: dict[str, ast.Definition]

    @classmethod
    def of(cls, act: Act, edition: Edition, decision: str) -> EditionView | None:
        spec = (edition.decisions or act.decisions).get(decision)
        if spec is None:
            return None
        definitions: dict[str, ast.Definition] = {}
        for version in edition.versions.values():
            if version.program is not None:
                for d in version.program.definitions:
                    definitions.setdefault(d.name, d)
        return cls(act, edition, spec, definitions)


@dataclass
class Outcome:
    """How one `solve` ended: a model, a proof that none exists, or unknown."""

    status: str  # sat | unsat | unknown
    model: z3.ModelRef | None = None
    reason: str | None = None


@dataclass
class Problem:
    decision: str
    views: list[EditionView]
    calendar: Any
    k: int = DEFAULT_K
    timeout_ms: int = 10_000
    answers: list[SymbolicAnswer] = field(default_factory=list)

    def __post_init__(self) -> None:
        table = workday_table(self.calendar)
        first, last = dt.date.fromordinal(table.first), dt.date.fromordinal(table.last)
        self.bounds = Bounds(self.k, first, last)
        schema: Any = None
        for view in self.views:
            schema = merge_schemas(schema, resolve_all(view.spec.case_schema))
        self.strings = StringTable()
        self.case = SymbolicCase(schema, self.bounds, self.strings)
        self.side: list[z3.BoolRef] = []  # definitions of auxiliary unknowns (dates, sums)
        self.gregorian = Gregorian(self.side)
        self.workdays = WorkdaySums(table, self.side)
        dd = z3.Int("decision_date")
        self.decision_date = Scalar("date", TRUE, dd)
        self.case.domain.extend([dd >= ordinal(first), dd <= ordinal(last)])
        outcomes = list(dict.fromkeys(o for view in self.views for o in view.spec.outcome_ids))
        for view in self.views:
            encoder = Encoder(
                self.case.root,
                self.decision_date,
                view.definitions,
                self.strings,
                self.gregorian,
                self.workdays,
            )
            statements = statements_of(view.spec, view.edition.versions, self.decision)
            self.answers.append(encode_decision(encoder, view.spec, statements, outcomes))
        self.solver = z3.Solver()
        # z3's older arithmetic solver settles these problems (integer dates with division by
        # constants, a few reals) in a fraction of the default's time: 0.2 s against 6 s on the
        # appointment decision of the hypothetical draft.
        self.solver.set("arith.solver", 2)
        self.solver.set("timeout", self.timeout_ms)
        self.solver.add(self.case.domain)
        self._added = 0
        self._flush()
        self._queries = 0
        self._pins = 0
        # What makes a witness easy to read, each switched on by its own literal so a query
        # that cannot have one still gets the others: numbers with two decimals at most,
        # strings no rule names (so a witness does not suggest a value matters when it does
        # not), dates in recent years.
        window = (ordinal(dt.date(2024, 1, 1)), ordinal(dt.date(2027, 12, 31)))
        wishes = {
            "numbers": self.case.preferences,
            "strings": [v >= len(self.strings.codes) for v in self.case.free_strings],
            "dates": [z3.And(v >= window[0], v <= window[1]) for v in [*self.case.dates, dd]]
            + [z3.And(v >= 2024, v <= 2027) for v in self.case.years],
        }
        self.wishes = []
        for label, terms in wishes.items():
            if terms:
                literal = z3.Bool(f"prefer_{label}")
                self.solver.add(z3.Implies(literal, z3.And(terms)))
                self.wishes.append(literal)

    def _flush(self) -> None:
        """Constraints the encoding added since the last call (splits, working-day bounds)."""
        if self._added < len(self.side):
            self.solver.add(self.side[self._added :])
            self._added = len(self.side)

    # ---- solving ---------------------------------------------------------------------------

    def solve(self, formula: z3.BoolRef, small: bool = False, deadline: float | None = None) -> Outcome:
        """A case satisfying `formula` (the smallest found quickly when `small`), or why not."""
        self._queries += 1
        indicator = z3.Bool(f"query_{self._queries}")
        self.solver.add(z3.Implies(indicator, formula))
        self._flush()
        found = self._check([indicator], deadline)
        if found.status != "sat" or not small:
            return found
        # Make the witness small and readable: drop the wishes a core shows to be in the way.
        wanted = [*self.wishes, *self.case.small]
        for _ in range(12):
            if deadline is not None and time.monotonic() > deadline:
                break
            attempt = self._check([indicator, *wanted], deadline)
            if attempt.status == "sat":
                return attempt
            if attempt.status != "unsat":
                break
            core = {c.get_id() for c in self.solver.unsat_core()}
            kept = [w for w in wanted if w.get_id() not in core]
            if len(kept) == len(wanted):
                break
            wanted = kept
        return found

    def _check(self, assumptions: list[z3.BoolRef], deadline: float | None) -> Outcome:
        """`solver.check` until the model's working-day sums agree with the table.

        After a refinement the starts the model used are pinned (as assumptions) for the next
        check, so the solver corrects the sums it guessed instead of wandering to new starts
        whose sums it would guess again; if the pins cannot hold they are let go.
        """
        pins: list[z3.BoolRef] = []
        while True:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return Outcome("unknown", reason="time budget spent")
                self.solver.set("timeout", max(1, min(self.timeout_ms, int(left * 1000))))
            result = self.solver.check(*assumptions, *pins)
            if result == z3.unsat and pins:
                pins = []
                continue
            if result == z3.unknown:
                return Outcome("unknown", reason=self.solver.reason_unknown())
            if result == z3.unsat:
                return Outcome("unsat")
            model = self.solver.model()
            found = self.workdays.refine(model)
            if not found:
                return Outcome("sat", model)
            self.solver.add([fact for fact, _ in found])
            pins = []
            for _, pin in found:
                self._pins += 1
                literal = z3.Bool(f"pin_{self._pins}")
                self.solver.add(z3.Implies(literal, pin))
                pins.append(literal)

    # ---- reading a model ---------------------------------------------------------------------

    def case_of(self, model: z3.ModelRef) -> tuple[dict[str, Any], dt.date]:
        as_of = dt.date.fromordinal(model.eval(self.decision_date.value, model_completion=True).as_long())
        return self.case.concrete(model), as_of

    def result_of(self, model: z3.ModelRef, side: int) -> str:
        answer = self.answers[side]
        return answer.outcome_of(model.eval(answer.result, model_completion=True).as_long())

    def values_of(self, model: z3.ModelRef, side: int) -> dict[str, Any]:
        """The answer's values as the engine reports them (JSON values), absent ones left out."""
        from ...decide import jsonable
        from .values import Lst, scalar_to_python

        out: dict[str, Any] = {}
        for name, sv in self.answers[side].values.items():
            if not z3.is_true(model.eval(sv.reported, model_completion=True)):
                continue
            value = sv.value
            if not z3.is_true(model.eval(value.present, model_completion=True)):
                out[name] = None
            elif isinstance(value, Lst):
                n = model.eval(value.length, model_completion=True).as_long()
                out[name] = [
                    scalar_to_python(item.kind, model.eval(item.value, model_completion=True), self.strings)
                    if z3.is_true(model.eval(item.present, model_completion=True))
                    else None
                    for item in value.items[:n]
                ]
            else:
                out[name] = scalar_to_python(
                    value.kind, model.eval(value.value, model_completion=True), self.strings
                )
            out[name] = jsonable(out[name])
        return out

    # ---- evaluating one concrete case (the tests compare it with the engine) ------------------

    def evaluate(self, case: dict[str, Any], as_of: dt.date, side: int = 0) -> tuple[str, dict[str, Any]]:
        """The outcome ("refused" when the case is refused) and values the encoding gives `case`."""
        bound = z3.And(*self.case.bind(case), self.decision_date.value == ordinal(as_of))
        found = self.solve(bound)
        if found.status != "sat":
            raise Unsupported(f"the encoding has no answer for this case ({found.status}: {found.reason})")
        return self.result_of(found.model, side), self.values_of(found.model, side)


__all__ = ["DEFAULT_K", "REFUSED", "EditionView", "Outcome", "Problem"]
