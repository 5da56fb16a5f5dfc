"""The solver's model of the clause language agrees with the compiled engine.

For every construct of the language, Hypothesis draws cases and the expression's z3 term is
evaluated with the case's values substituted (bound by equalities, the working-day table
consulted as in a diff); the value, or missing, must be the compiled engine's. Then whole
programs (the random rules of `test_property`), the statements' reports (fired, undetermined,
excepted, override), outcome resolution with overrides and precedence, and every decision of
the shipped acts on random valid cases.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_property import _compile, scenarios

from engine import load_library
from engine.calendar import WorkingCalendar
from engine.decide import resolve
from engine.dsl import ast
from engine.dsl.codegen import compile_decision
from engine.dsl.compiler import Definitions
from engine.dsl.parser import parse_rule
from engine.dsl.types import schema_type
from engine.errors import CaseError
from engine.policy import DecisionSpec, Outcome
from engine.tools.symbolic.dates import Gregorian, ordinal
from engine.tools.symbolic.decision import Statement, encode_decision
from engine.tools.symbolic.expressions import Encoder
from engine.tools.symbolic.problem import EditionView, Problem, workday_table
from engine.tools.symbolic.values import (
    TRUE,
    Bounds,
    Lst,
    Scalar,
    StringTable,
    SymbolicCase,
    finite_pattern,
    resolve_all,
    scalar_to_python,
)
from engine.tools.symbolic.workdays import WorkdaySums

REPO = Path(__file__).resolve().parents[1]
CALENDAR = WorkingCalendar()
TABLE = workday_table(CALENDAR)
K = 3


class Probe:
    """One rule (clauses c1, c2, … of a probe decision) under both the engine and the solver."""

    def __init__(self, schema: dict[str, Any], rules: dict[str, str], outcomes: list[str] | None = None):
        outcomes = outcomes or ["hit", "none"]
        programs = {cid: parse_rule(text) for cid, text in rules.items()}
        nid = 0
        for program in programs.values():
            for node in ast.walk(program):
                node.nid = nid
                nid += 1
        self.definitions = {d.name: d for p in programs.values() for d in p.definitions}
        blocks = [(cid, b) for cid, p in programs.items() for b in p.blocks]
        self.spec = DecisionSpec(
            "probe",
            "T",
            {},
            {},
            [Outcome(o, o == outcomes[-1], {}) for o in outcomes],
            list(rules),
            "decision_date",
            None,
            schema,
            schema_type(schema),
            None,
            "probe.yaml",
        )
        compiled, problems = compile_decision(
            "probe",
            set(outcomes[:-1]),
            schema_type(schema),
            Definitions({d.name: (d, "c") for d in self.definitions.values()}),
            blocks,
            outcomes[-1],
        )
        assert compiled is not None and not problems, [p.message for _, p in problems]
        self.compiled = compiled
        self.strings = StringTable()
        self.case = SymbolicCase(
            resolve_all(schema), Bounds(K, dt.date(2000, 1, 1), dt.date(2077, 12, 31)), self.strings
        )
        self.side: list[z3.BoolRef] = []
        self.workdays = WorkdaySums(TABLE, self.side)
        self.dd = Scalar("date", TRUE, z3.Int("decision_date"))
        encoder = Encoder(
            self.case.root, self.dd, self.definitions, self.strings, Gregorian(self.side), self.workdays
        )
        statements = [Statement(s.index, s.clause, s.node) for s in compiled.statements]
        self.answer = encode_decision(encoder, self.spec, statements)

    def engine(self, case: dict[str, Any], as_of: dt.date) -> tuple:
        return self.compiled.plain(case, as_of, CALENDAR.add_working_days, None)

    def model(self, case: dict[str, Any], as_of: dt.date) -> z3.ModelRef:
        solver = z3.Solver()
        solver.set("arith.solver", 2)
        solver.add(self.case.domain + self.side + self.case.bind(case))
        solver.add(self.dd.value == ordinal(as_of))
        while True:
            assert solver.check() == z3.sat, "the encoding has no answer for a valid case"
            model = solver.model()
            facts = self.workdays.refine(model)
            if not facts:
                return model
            solver.add([fact for fact, _ in facts])

    def value(self, model: z3.ModelRef, value: Any) -> Any:
        if not z3.is_true(model.eval(value.present, model_completion=True)):
            return None
        if isinstance(value, Lst):
            n = model.eval(value.length, model_completion=True).as_long()
            return [self.value(model, item) for item in value.items[:n]]
        return scalar_to_python(value.kind, model.eval(value.value, model_completion=True), self.strings)


def normal(value: Any) -> Any:
    """Engine values and solver values on one footing (dates as ISO text, numbers exact)."""
    if isinstance(value, list):
        return [normal(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | Decimal):
        return Decimal(value).normalize()
    return value


def agree(probe: Probe, case: dict[str, Any], as_of: dt.date) -> None:
    """Every statement's report and value: the solver's equals the engine's."""
    fired, undetermined, excepted, overrides, values = probe.engine(case, as_of)
    model = probe.model(case, as_of)
    got_values = dict(values)
    context = f"case {case}, decision date {as_of}"
    for index, report in probe.answer.reports.items():
        for key, found in (
            ("fired", fired),
            ("undetermined", undetermined),
            ("excepted", excepted),
            ("override", overrides),
        ):
            if key in report:
                held = z3.is_true(model.eval(report[key], model_completion=True))
                assert held == (index in found), f"statement {index} {key}: solver {held}; {context}"
        if "value" in report:
            mine = normal(probe.value(model, report["value"]))
            assert mine == normal(got_values[index]), f"statement {index}: solver {mine!r}; {context}"


# ---- one construct at a time --------------------------------------------------------------------

DATE = {"type": "string", "format": "date"}
ENUM = ["alpha", "beta", "gamma"]
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["d1", "d2", "n1", "x", "t"],
    "properties": {
        "d1": DATE,
        "d2": DATE,
        "d3": {"type": ["string", "null"], "format": "date"},
        "n1": {"type": "integer"},
        "n2": {"type": "integer"},
        "x": {"type": "number"},
        "b": {"type": "boolean"},
        "s": {"enum": ENUM},
        "t": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "objs": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["w", "k"],
                "properties": {"w": {"type": "integer"}, "at": DATE, "k": {"enum": ENUM}},
            },
        },
        "o": {
            "type": "object",
            "additionalProperties": False,
            "required": ["p"],
            "properties": {"p": DATE, "q": {"type": "boolean"}},
        },
    },
}

# Dates near month ends, leap days and Nauryz, so clamping and the calendar matter.
days = st.one_of(
    st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)),
    st.sampled_from(
        [
            dt.date(2024, 2, 29),
            dt.date(2025, 1, 31),
            dt.date(2024, 3, 19),
            dt.date(2025, 8, 1),
            dt.date(2025, 3, 31),
        ]
    ),
)
ints = st.integers(-5, 12)
decimals = st.decimals(min_value=-10, max_value=10, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def probe_cases(draw: st.DrawFn) -> tuple[dict[str, Any], dt.date]:
    case: dict[str, Any] = {
        "d1": draw(days).isoformat(),
        "d2": draw(days).isoformat(),
        "n1": draw(ints),
        "x": draw(st.one_of(decimals, ints)),
        "t": draw(st.sampled_from(["alpha", "other", "", "x"])),
    }
    optional = {
        "d3": lambda: draw(st.one_of(st.none(), days.map(dt.date.isoformat))),
        "n2": lambda: draw(ints),
        "b": lambda: draw(st.booleans()),
        "s": lambda: draw(st.sampled_from(ENUM)),
        "tags": lambda: draw(st.lists(st.sampled_from([*ENUM, "x"]), max_size=K)),
        "objs": lambda: [
            {
                "w": draw(ints),
                "k": draw(st.sampled_from(ENUM)),
                **({"at": draw(days).isoformat()} if draw(st.booleans()) else {}),
            }
            for _ in range(draw(st.integers(0, K)))
        ],
        "o": lambda: {
            "p": draw(days).isoformat(),
            **({"q": draw(st.booleans())} if draw(st.booleans()) else {}),
        },
    }
    for name, make in optional.items():
        if draw(st.integers(0, 2)):
            case[name] = make()
    return case, draw(days)


CONSTRUCTS = {
    "and": "b and n1 > 3",
    "or": "b or n2 < 0",
    "not": "not b",
    "=": "n1 = x",
    "!=": "s != t",
    "<": "n1 < n2",
    "<=": "x <= n1",
    ">": "d1 > d2",
    ">=": "x >= 0.5",
    "before": "d1 before d3",
    "after": "d1 after decision_date",
    "on or before": "d2 on or before d1",
    "on or after": "o.p on or after d1",
    "+ numbers": "n1 + x",
    "- numbers": "n2 - n1 - 3",
    "*": "x * n1",
    "unary -": "-x",
    "in set": 's in {"alpha", "beta"}',
    "not in set": "n1 not in {1, 2, 3}",
    "in a set of dates": "d1 in {d2, 2025-01-31}",
    "in list": "t in tags",
    "not in list": "s not in tags",
    "is missing": "o.q is missing",
    "is present": "d3 is present",
    "between": "n1 between n2 and 7",
    "within after": "d2 within 3 months after d1",
    "within before": "d2 within 2 weeks before d3",
    "within working days": "d2 within 10 working days after d1",
    "+ years": "d1 + 1 year",
    "+ months": "d1 + 1 month",
    "- months": "d3 - 13 months",
    "+ weeks": "d2 + 2 weeks",
    "+ calendar days": "d1 + 45 calendar days",
    "- calendar days": "d1 - 1 calendar day",
    "+ working days": "d1 + 10 working days",
    "+ 0 working days": "d2 + 0 working days",
    "month clamping is not undone": "d1 + 1 month + 1 month",
    "any": "any v in objs where v.at on or before d1",
    "all": 'all v in objs where v.k = "alpha" or v.w > n1',
    "count": "count v in objs where v.w > 0",
    "nested quantifier": "any v in objs where (all g in tags where g != v.k)",
    "if": "if b then d1 else d2",
    "if with mixed numbers": "if o.q then n1 else x",
    "start_of_month": "start_of_month(d1)",
    "end_of_month": "end_of_month(d3)",
    "start_of_quarter": "start_of_quarter(d1)",
    "end_of_quarter": "end_of_quarter(d2)",
    "start_of_last_month_of_quarter": "start_of_last_month_of_quarter(o.p)",
    "quarter_of": "quarter_of(d1)",
    "quarter_start": "quarter_start(year_of(d1), n1)",
    "year_of": "year_of(d2)",
    "day_of_month": "day_of_month(d1, n1 + 20)",
    "size": "size(objs)",
    "definition": "later(d1, n1)",
    "definition without parameters": "checked_on",
    "a list value": "tags",
}
DEFINITIONS = (
    "define later(a, extra) = if extra > 3 then a + 3 months else a\n"
    "define checked_on = if d3 is present then d3 else decision_date\n"
)


def agree_on_random_cases(probe: Probe, examples: int = 25) -> None:
    @settings(max_examples=examples, derandomize=True, deadline=None, database=None)
    @given(probe_cases())
    def check(drawn: tuple[dict[str, Any], dt.date]) -> None:
        agree(probe, *drawn)

    check()


@pytest.mark.parametrize("construct", list(CONSTRUCTS))
def test_each_construct_agrees_with_the_engine(construct: str) -> None:
    expression = CONSTRUCTS[construct]
    agree_on_random_cases(Probe(SCHEMA, {"c1": DEFINITIONS + f"for probe:\n  compute r = {expression}\n"}))


STATEMENTS = {
    "require": "require n1 > 2 else hit",
    "when": "when b then hit",
    "require unless": "require d1 before d2 unless o.q else hit",
    "when unless": 'when n2 > 0 unless s = "alpha" then hit',
    "override": 'override "c2" when b and n1 > 0',
}


@pytest.mark.parametrize("statement", list(STATEMENTS))
def test_each_statement_reports_what_the_engine_reports(statement: str) -> None:
    rules = {"c1": f"for probe:\n  {STATEMENTS[statement]}\n", "c2": "for probe:\n  when n1 > 5 then hit\n"}
    agree_on_random_cases(Probe(SCHEMA, rules))


# ---- outcome resolution: precedence, overrides, refusals ---------------------------------------

RESOLUTION = {
    "c1": "for probe:\n  when b then low\n  compute v = d1 + 1 month\n",
    "c2": "for probe:\n  require n1 > 0 unless o.q else high\n  compute v = d2\n",
    "c3": 'for probe:\n  override "c2" when s = "alpha"\n  when n2 > 3 then mid\n',
    "c4": 'for probe:\n  override "c1" when d3 is present and d3 after d1\n  compute w = n2\n',
}


def test_outcome_resolution_agrees_with_the_engine() -> None:
    probe = Probe(SCHEMA, RESOLUTION, outcomes=["high", "mid", "low", "fine"])
    seen: set[str] = set()

    @settings(max_examples=120, derandomize=True, deadline=None, database=None)
    @given(probe_cases())
    def check(drawn: tuple[dict[str, Any], dt.date]) -> None:
        case, as_of = drawn
        raw = probe.engine(case, as_of)
        try:
            resolution = resolve(probe.spec, probe.compiled, raw, case)
            outcome = resolution.outcome
            values = {s.name: v for s, v in resolution.values}  # the last one wins, as in answers
        except CaseError:
            outcome, values = "refused", {}
        model = probe.model(case, as_of)
        index = model.eval(probe.answer.result, model_completion=True).as_long()
        assert probe.answer.outcome_of(index) == outcome, f"{case} {as_of}"
        seen.add(outcome)
        if outcome != "refused":
            for name, sv in probe.answer.values.items():
                reported = z3.is_true(model.eval(sv.reported, model_completion=True))
                assert reported == (name in values), name
                if reported:
                    assert normal(probe.value(model, sv.value)) == normal(values[name]), name

    check()
    assert seen >= {"high", "mid", "low", "fine", "refused"}, seen


# ---- whole random programs ------------------------------------------------------------------------


def test_random_programs_agree_with_the_engine() -> None:
    """The random rules of test_property (every construct, nested) under the solver."""

    @settings(
        max_examples=120,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(scenarios())
    def check(scenario: dict[str, Any]) -> None:
        _compile(scenario["rule"], scenario["schema"])  # the generator's own well-typedness check
        probe = Probe(scenario["schema"], {"probe.1": scenario["rule"]})
        agree(probe, scenario["case"], scenario["decision_date"])

    check()


# ---- the shipped decisions on random valid cases -------------------------------------------------


def _cases_of(schema: dict[str, Any]) -> st.SearchStrategy:
    window = st.dates(dt.date(2021, 1, 1), dt.date(2026, 12, 31)).map(dt.date.isoformat)

    def value(s: dict[str, Any]) -> st.SearchStrategy:
        types = s.get("type")
        nullable = isinstance(types, list) and "null" in types
        kind = next(t for t in types if t != "null") if isinstance(types, list) else types
        if "enum" in s:
            base: st.SearchStrategy = st.sampled_from([v for v in s["enum"] if v is not None])
        elif kind == "boolean":
            base = st.booleans()
        elif kind == "integer":
            base = st.integers(
                int(s.get("minimum", -3)), int(min(s.get("maximum", 12), s.get("minimum", -3) + 15))
            )
        elif kind == "number":
            low = Decimal(str(s.get("minimum", -3)))
            base = st.decimals(low, low + 15, places=1, allow_nan=False, allow_infinity=False)
        elif kind == "string" and s.get("format") == "date":
            base = window
        elif kind == "string":
            pattern = finite_pattern(s["pattern"]) if "pattern" in s else None
            base = st.sampled_from(pattern) if pattern else st.sampled_from(["a", "b", "head"])
        elif kind == "array":
            base = st.lists(value(s.get("items") or {}), max_size=min(K, s.get("maxItems", K)))
        elif kind == "object":
            base = obj(s)
        else:
            raise AssertionError(s)
        return st.one_of(st.none(), base) if nullable else base

    @st.composite
    def obj(draw: st.DrawFn, s: dict[str, Any]) -> dict[str, Any]:
        required = set(s.get("required", []))
        out = {}
        for name, sub in (s.get("properties") or {}).items():
            if name in required or draw(st.integers(0, 2)):
                out[name] = draw(value(sub))
        return out

    return obj(schema)


def _decisions() -> list[tuple[str, str]]:
    library = load_library(REPO / "policies")
    return sorted((a.id, name) for a in library.acts.values() for name in a.decisions)


@pytest.fixture(scope="module")
def shipped():
    return load_library(REPO / "policies")


@pytest.mark.parametrize(("act_id", "decision"), _decisions())
def test_shipped_decisions_agree_with_the_engine(shipped: Any, act_id: str, decision: str) -> None:
    act = shipped.act(act_id)
    edition = [e for e in shipped.editions(act_id) if not e.draft][-1]
    view = EditionView.of(act, edition, decision)
    spec = view.spec
    if any(c not in edition.versions for c in spec.clauses):
        pytest.skip(f"{edition.id} does not encode every clause of {decision}")
    problem = Problem(decision, [view], shipped.calendar())
    seen: set[str] = set()

    @settings(
        max_examples=40,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(_cases_of(resolve_all(spec.case_schema)), st.dates(dt.date(2021, 1, 1), dt.date(2027, 12, 31)))
    def check(case: dict[str, Any], as_of: dt.date) -> None:
        try:
            d = shipped.decide(decision, case, as_of=as_of, act_id=act_id, edition_id=edition.id)
            expected = (d.outcome, {k: v["value"] for k, v in d.values.items()})
        except CaseError as exc:
            assert exc.title != "The case is not valid", f"the generator drew an invalid case: {exc}"
            expected = ("refused", {})
        outcome, values = problem.evaluate(case, as_of)
        seen.add(outcome)
        assert outcome == expected[0], f"{case} on {as_of}"
        if outcome != "refused":
            assert values == expected[1], f"{case} on {as_of}"

    check()
    assert seen, "no case was decided"


def test_the_working_day_table_is_the_engines_calendar() -> None:
    for start in [dt.date(2024, 3, 19), dt.date(2025, 8, 1), dt.date(2025, 12, 31), dt.date(2000, 1, 1)]:
        for n in (0, 1, 5, 10, 25):
            assert TABLE.add(ordinal(start), n) == ordinal(CALENDAR.add_working_days(start, n))
    # The bound the solver is given holds over the whole table.
    for n in (1, 10):
        gap = TABLE.gap(n)
        day = TABLE.first
        while day <= TABLE.last_start(n):
            assert 0 <= TABLE.add(day, n) - day - n <= gap
            day += 37
    assert TABLE.add(ordinal(dt.date(2025, 8, 1)), 10) == ordinal(dt.date(2025, 8, 15))


def test_finite_patterns_are_enumerated() -> None:
    assert finite_pattern(r"^rules\.18\.[1-8]$") == [f"rules.18.{n}" for n in range(1, 9)]
    assert finite_pattern(r"^[a-z]+$") is None
    assert finite_pattern("abc") is None  # not anchored: any string containing it
