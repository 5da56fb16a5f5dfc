"""Running a decision's compiled function over a finite domain, exactly.

Every evaluation is the engine's own compiled decision function (`CompiledDecision.plain`, or
`.traced` when the value of each condition is wanted) and the engine's own outcome resolution
(`engine.decide.resolve`): the lint never re-implements the semantics of the clause language.
A search enumerates the product of the varied units' domains in a fixed order, every case is
checked against the case schema, and the first case satisfying the predicate is the witness.
When the product is larger than the budget the search does not start and says so.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ...casecheck import CaseValidator
from ...decide import Resolution, resolve
from ...errors import CalendarError, CaseError, EvaluationLimit
from .analysis import DDATE, Path
from .domain import ABSENT, Domains, SchemaNode, Unit, build_case, unit_values


class Run:
    """One evaluation: the case, the decision date, what fired; the resolution on demand."""

    __slots__ = (
        "_compiled",
        "_raw",
        "_resolved",
        "_spec",
        "assignment",
        "case",
        "day",
        "error_",
        "excepted",
        "fired",
        "overrides",
        "resolution_",
        "trace",
        "undetermined",
    )

    def __init__(
        self,
        case: dict[str, Any],
        day: dt.date,
        raw: tuple,
        spec: Any,
        compiled: Any,
        trace: list[tuple[int, Any]] | None,
    ) -> None:
        self.case = case
        self.day = day
        self._raw = raw
        self.fired, self.undetermined, self.excepted, self.overrides = raw[0], raw[1], raw[2], raw[3]
        self._spec, self._compiled = spec, compiled
        self._resolved = False
        self.resolution_: Resolution | None = None
        self.error_: CaseError | None = None
        self.trace = trace
        self.assignment: dict[Path, Any] | None = None

    def _resolve(self) -> None:
        if not self._resolved:
            self._resolved = True
            try:
                self.resolution_ = resolve(self._spec, self._compiled, self._raw)
            except CaseError as exc:
                self.error_ = exc

    @property
    def resolution(self) -> Resolution | None:
        self._resolve()
        return self.resolution_

    @property
    def error(self) -> CaseError | None:
        self._resolve()
        return self.error_

    def live(self, statements: list[Any]) -> set[int]:
        if not self.overrides:
            return set(self.fired)
        overridden = {statements[i].target for i in self.overrides}
        return {i for i in self.fired if statements[i].clause not in overridden}


class Evaluator:
    """A compiled decision with its schema, ready to be run on built cases."""

    def __init__(self, spec: Any, compiled: Any, root: SchemaNode, working: Any) -> None:
        self.spec = spec
        self.compiled = compiled
        self.statements = compiled.statements
        self.root = root
        # the compiled function takes `(start, n) -> date` for working days
        self.working = working.add_working_days if (working is not None and compiled.uses_calendar) else None
        self.validator = CaseValidator(spec.case_schema)
        self.evaluations = 0
        # Cases are built valid by construction for the schema keywords the domain models; a
        # schema using others (allOf, uniqueItems, …) has every case checked. The first cases of
        # every evaluator are checked whatever the schema: one invalid case switches checking on.
        self.check_every = _uses_unmodelled(spec.case_schema)
        self.checked = 0
        self.invalid = 0

    def run(self, case: dict[str, Any], day: dt.date, trace: bool = False) -> Run | None:
        """Evaluate; None when the case is not a case of the schema or leaves the calendar."""
        if self.check_every or self.checked < 200:
            self.checked += 1
            if not self.validator.is_valid(case):
                self.invalid += 1
                self.check_every = True
                return None  # not a case of the schema: never a witness
        self.evaluations += 1
        record: list[tuple[int, Any]] | None = [] if trace else None
        try:
            if record is None:
                raw = self.compiled.plain(case, day, self.working, None)
            else:
                append = record.append

                def note(nid: int, value: Any) -> Any:
                    append((nid, value))
                    return value

                raw = self.compiled.traced(case, day, self.working, note)
        except (CalendarError, EvaluationLimit):
            return None
        return Run(case, day, raw, self.spec, self.compiled, record)

    def valid(self, case: dict[str, Any]) -> bool:
        return self.validator.is_valid(case)


# Keywords the domain builder does not model (docs/monitoring.md).
_UNMODELLED = frozenset(
    {"allOf", "anyOf", "oneOf", "not", "uniqueItems", "multipleOf", "minProperties", "maxProperties", "const"}
)


def _uses_unmodelled(schema: Any) -> bool:
    if isinstance(schema, dict):
        return any(k in _UNMODELLED for k in schema) or any(_uses_unmodelled(v) for v in schema.values())
    if isinstance(schema, list):
        return any(_uses_unmodelled(v) for v in schema)
    return False


class TooLarge(Exception):
    def __init__(self, size: int, budget: int) -> None:
        super().__init__(f"{size:,} cases exceed the budget of {budget:,}")
        self.size = size
        self.budget = budget


@dataclass
class Space:
    """The varied units with their value lists, over a fixed baseline for everything else."""

    units: list[Unit]
    values: list[list[Any]]
    baseline: dict[Path, Any]

    @property
    def size(self) -> int:
        n = 1
        for v in self.values:
            n *= max(len(v), 1)
        return n

    def assignments(self) -> Iterator[dict[Path, Any]]:
        for combo in itertools.product(*self.values):
            a = dict(self.baseline)
            for unit, value in zip(self.units, combo, strict=True):
                a[unit.path] = value
            yield a


def space(units: list[Unit], domains: Domains, baseline: dict[Path, Any]) -> Space:
    values = [unit_values(u, domains) for u in units]
    # Start every list from the baseline's value so the first witness stays close to it.
    ordered = [
        _baseline_first(vals, baseline.get(u.path, ABSENT)) for u, vals in zip(units, values, strict=True)
    ]
    return Space(units, ordered, baseline)


def _baseline_first(values: list[Any], base: Any) -> list[Any]:
    return sorted(values, key=lambda v: 0 if v == base else 1)


def relevant_units(all_units: list[Unit], reads: set[Path], with_date: bool) -> list[Unit]:
    """The units a set of fact paths touches (a list unit covers its elements' fields)."""
    out = []
    for u in all_units:
        if u.path == DDATE:
            continue
        if any(r[: len(u.path)] == u.path for r in reads):
            out.append(u)
    if with_date:
        out.append(Unit(DDATE, None))
    return out


def search(
    ev: Evaluator,
    sp: Space,
    day: dt.date,
    predicate: Callable[[Run], bool],
    budget: int,
    trace: bool | Callable[[], bool] = False,
    on_run: Callable[[Run], Any] | None = None,
    stop: bool = True,
) -> Run | None:
    """The first run in `sp` satisfying `predicate`; TooLarge if over budget.

    Every run goes to `on_run`; when `stop` is False the enumeration goes on after a witness
    until `on_run` returns the string "done". `trace` may be a callable asked before each run.
    """
    if sp.size > budget:
        raise TooLarge(sp.size, budget)
    found = None
    for assignment in sp.assignments():
        d = assignment.get(DDATE, day)
        case = build_case(ev.root, assignment)
        run = ev.run(case, d, trace=trace() if callable(trace) else trace)
        if run is None:
            continue
        run.assignment = assignment
        if on_run is not None and on_run(run) == "done":
            if found is None and predicate(run):
                found = run
            break
        if found is None and predicate(run):
            found = run
            if stop:
                break
    if found is not None:
        found.case = copy.deepcopy(found.case)
    return found


def quiet_baseline(
    ev: Evaluator, all_units: list[Unit], domains: Domains, day: dt.date, reads: list[set[Path]]
) -> dict[Path, Any]:
    """A baseline where as few statements as possible fire or stay undetermined.

    Coordinate descent: the units read by a statement that fires, is excepted or cannot be
    evaluated take, in turn, the value that minimises (undecidable, statements fired or
    undetermined, requirements excepted); lists are tried with at most one element; at most four
    passes. It only chooses the values facts keep when a search does not vary them; it decides
    nothing.
    """
    assignment: dict[Path, Any] = {}
    options: dict[Path, list[Any]] = {}
    for u in all_units:
        if u.path == DDATE:
            continue
        vals = unit_values(u, domains)
        if u.node is not None and u.node.kind == "list":
            shortest = min((len(v) for v in vals if v is not ABSENT), default=0)
            vals = [v for v in vals if v is ABSENT or len(v) <= max(shortest, 1)]
        options[u.path] = vals or [ABSENT]
        assignment[u.path] = _default(u, vals, domains)

    def evaluate(a: dict[Path, Any]) -> tuple[tuple[int, int, int], Run] | None:
        run = ev.run(build_case(ev.root, a), day)
        if run is None:
            return None
        return (1 if run.error else 0, len(run.fired) + len(run.undetermined), len(run.excepted)), run

    current = evaluate(assignment)
    for _ in range(4):
        if current is not None and current[0] == (0, 0, 0):
            break
        if current is None:
            culprits = list(range(len(reads)))
        else:
            run = current[1]
            culprits = sorted(set(run.fired) | set(run.undetermined) | set(run.excepted))
        paths = set().union(*(reads[k] for k in culprits)) if culprits else set()
        targets = relevant_units(all_units, paths, False)
        improved = False
        for u in targets:
            for v in options.get(u.path, []):
                if v == assignment[u.path]:
                    continue
                trial = dict(assignment)
                trial[u.path] = v
                result = evaluate(trial)
                if result is not None and (current is None or result[0] < current[0]):
                    current, assignment, improved = result, trial, True
        if not improved:
            break
    return assignment


def _default(u: Unit, vals: list[Any], domains: Domains) -> Any:
    assert u.node is not None
    if u.presence:
        return ABSENT
    if u.node.optional:
        return ABSENT
    if u.node.kind == "list":
        return domains.baseline(u.node)
    return vals[0] if vals else domains.baseline(u.node)
