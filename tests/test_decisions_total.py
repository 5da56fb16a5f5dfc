"""Every decision ends in an outcome or a documented refusal, never an internal error.

Generated well-typed rules (the generator of `test_property`, every construct of the language,
here also with string literals spelled like the names the compiler makes) and schema-valid
cases go through the engine's own steps: the case validator, the compiled decision function,
plain and traced (what an explanation runs), and outcome resolution with precedence. Each must
end in an outcome or in `CaseError` (the refusal the CLI and the service report as a bad case:
a fact missing where it decides, a date beyond the calendar or the representable range).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_property import Gen, scenarios

from engine.calendar import WorkingCalendar
from engine.casecheck import CaseValidator
from engine.decide import resolve
from engine.dsl import ast
from engine.dsl.codegen import compile_decision
from engine.dsl.compiler import Definitions
from engine.dsl.parser import parse_rule
from engine.dsl.types import schema_type
from engine.errors import CaseError
from engine.library import Library
from engine.policy import DecisionSpec, Outcome

CALENDAR = WorkingCalendar()
# Spelled like what the compiler names: hoisted facts, definitions, elements, loop variables,
# its parameters and helpers. In policy text they are only ever strings.
NAME_LIKE = ["d99", "h1", "h2", "e1", "b1", "d1", "_dd", "_wd", "_t", "_q1", "_k1", "case", "decide"]


class NameLikeGen(Gen):
    """The property's generator, with string literals that look like generated names."""

    def atom(self, kind: str, facts_only: bool = False) -> str:
        if kind == "str" and self.draw(st.booleans()):
            return f'"{self.pick(NAME_LIKE)}"'
        return super().atom(kind, facts_only)

    def _bool(self, depth: int) -> str:
        if self.draw(st.integers(0, 5)) == 0:
            return f'({self.expr("str", depth)} {self.pick(["=", "!="])} "{self.pick(NAME_LIKE)}")'
        return super()._bool(depth)


SPEC_OUTCOMES = [Outcome("hit", False, {}), Outcome("none", True, {})]


def _spec(schema: dict[str, Any]) -> DecisionSpec:
    return DecisionSpec(
        name="probe",
        act="TEST",
        titles={},
        question={},
        outcomes=SPEC_OUTCOMES,
        clauses=["probe.1"],
        edition_date="decision_date",
        edition_date_why=None,
        case_schema=schema,
        root=schema_type(schema),
        notes=None,
        file="probe.yaml",
    )


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios(NameLikeGen))
def test_every_decision_ends_in_an_outcome_or_a_refusal(scenario: dict[str, Any]) -> None:
    schema, case = scenario["schema"], scenario["case"]
    day: dt.date = scenario["decision_date"]
    program = parse_rule(scenario["rule"])
    for nid, node in enumerate(ast.walk(program)):
        node.nid = nid
    definitions = Definitions({d.name: (d, "probe.1") for d in program.definitions})
    compiled, problems = compile_decision(
        "probe", {"hit"}, schema_type(schema), definitions, [("probe.1", b) for b in program.blocks], "none"
    )
    assert not problems and compiled is not None, scenario["rule"]
    CaseValidator(schema).check(case)  # the generated case is schema-valid
    spec = _spec(schema)
    for trace in (None, []):
        try:
            raw = Library._run(compiled, case, day, CALENDAR.add_working_days, trace)
            resolution = resolve(spec, compiled, raw, case)
        except CaseError as refusal:
            assert refusal.problems or refusal.title
            continue
        assert resolution.outcome in {"hit", "none"}
