"""Kazakhstan's working-day calendar as a finite table, for the solver.

`date + N working days` is a function of the start date over the calendar's coverage
(`engine.calendar.WorkingCalendar.coverage`, 2000-01-01 to 2077-12-31 with the pinned
`holidays`): the table of working days in that range, built once from the same calendar the
engine uses. The solver sees one uninterpreted function per N, bounded by what the table allows
(the result lies between start + N and start + N + the longest run of days off the table holds
for N); after each satisfiable check every application the model uses is compared with the
table, and where the model guessed wrong the table's value for that start is added and the
check repeated. A proof (unsat) under the bounds is a proof under the table, since the table
satisfies them; a model is accepted only once every working-day sum it uses agrees with the
table. A start outside the coverage makes the engine refuse the case, so the solver's domain
keeps starts inside it (stated with every result).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

import z3

from .dates import from_ordinal, ordinal


class WorkdayTable:
    """The working days of the calendar's coverage, as day numbers in order."""

    def __init__(self, calendar: object) -> None:
        first, last = calendar.coverage  # type: ignore[attr-defined]
        self.first, self.last = ordinal(first), ordinal(last)
        self.days: list[int] = []
        day = first
        while day <= last:
            if calendar.is_working_day(day):  # type: ignore[attr-defined]
                self.days.append(ordinal(day))
            day += dt.timedelta(days=1)
        self._gaps: dict[int, int] = {}

    def add(self, start: int, n: int) -> int | None:
        """start + n working days (the start not counted), or None outside the coverage."""
        if not self.first <= start <= self.last:
            return None
        if n == 0:
            return start
        index = bisect.bisect_right(self.days, start) + n - 1
        return self.days[index] if index < len(self.days) else None

    def gap(self, n: int) -> int:
        """The most days beyond start + n that a sum of n working days takes in the table."""
        if n not in self._gaps:
            worst = 0
            for k in range(len(self.days)):
                # From any start between two working days the sum lands on the same day.
                if k + n - 1 < len(self.days):
                    previous = self.days[k - 1] if k else self.first
                    worst = max(worst, self.days[k + n - 1] - previous - n if n else 0)
            self._gaps[n] = worst
        return self._gaps[n]

    def last_start(self, n: int) -> int:
        """The last start whose sum of n working days stays inside the coverage."""
        if n == 0:
            return self.last
        return self.days[len(self.days) - n] - 1 if len(self.days) > n else self.first - 1


@dataclass
class WorkdaySums:
    """The working-day sums of one solver problem: uninterpreted functions plus table facts."""

    table: WorkdayTable
    constraints: list[z3.BoolRef]
    functions: dict[int, z3.FuncDeclRef] = field(default_factory=dict)
    applications: list[tuple[int, z3.BoolRef, z3.ArithRef, z3.ArithRef]] = field(default_factory=list)

    def add(self, present: z3.BoolRef, start: z3.ArithRef, n: int) -> z3.ArithRef:
        """The term for `start + n working days`, with its bounds and domain."""
        if n == 0:
            return start
        fn = self.functions.get(n)
        if fn is None:
            fn = self.functions[n] = z3.Function(f"working_days_{n}", z3.IntSort(), z3.IntSort())
        term = fn(start)
        gap = self.table.gap(n)
        self.constraints.extend(
            [
                term >= start + n,
                term <= start + n + gap,
                # The domain: the engine refuses a sum outside the calendar's coverage.
                z3.Implies(present, z3.And(start >= self.table.first, start <= self.table.last_start(n))),
            ]
        )
        self.applications.append((n, present, start, term))
        return term

    def refine(self, model: z3.ModelRef) -> list[tuple[z3.BoolRef, z3.BoolRef]]:
        """Table facts contradicting the model (none when every sum it uses is right), each
        with the start the model gave the sum (`start == value`)."""
        facts = []
        for n, present, start, term in self.applications:
            if not z3.is_true(model.eval(present, model_completion=True)):
                continue
            s = model.eval(start, model_completion=True).as_long()
            real = self.table.add(s, n)
            if real is None:
                continue  # outside the domain: the domain constraint already excludes it
            if model.eval(term, model_completion=True).as_long() != real:
                facts.append((self.functions[n](z3.IntVal(s)) == real, start == s))
        return facts


def describe_coverage(table: WorkdayTable) -> str:
    return f"{from_ordinal(table.first).isoformat()}..{from_ordinal(table.last).isoformat()}"
