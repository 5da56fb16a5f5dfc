"""The finite domain the witness search enumerates: built from the rules' own literals and boundaries."""

from __future__ import annotations

import datetime as dt

from engine.dsl.parser import parse_rule
from engine.tools.lint.analysis import DDATE, Analyser, definitions_of
from engine.tools.lint.domain import ABSENT, Domains, build_case, index_schema, profile, units_of

D = dt.date(2025, 6, 15)

SCHEMA = {
    "type": "object",
    "required": ["kind", "enrolled_on", "service", "items"],
    "properties": {
        "kind": {"enum": ["a", "b", "c", "d"]},
        "enrolled_on": {"type": "string", "format": "date"},
        "sent_on": {"type": "string", "format": "date"},
        "service": {"type": "integer", "minimum": 0, "maximum": 50},
        "code": {"type": "string", "pattern": "^rules\\.18\\.[1-8]$"},
        "items": {
            "type": "array",
            "maxItems": 10,
            "items": {
                "type": "object",
                "required": ["dated"],
                "properties": {"dated": {"type": "string", "format": "date"}, "note": {"type": "string"}},
            },
        },
    },
}


class _Version:
    def __init__(self, program: object) -> None:
        self.program = program


def facts_of(rule: str):
    program = parse_rule(rule)
    defs = definitions_of({"c": _Version(program)})
    analyser = Analyser(defs)
    return [analyser.statement(s) for b in program.blocks for s in b.statements]


def domains_for(rule: str, period=(dt.date(2020, 1, 1), None)) -> Domains:
    return Domains(index_schema(SCHEMA), profile(facts_of(rule), D), D, period)


def node(path: tuple[str, ...]):
    from engine.tools.lint.domain import walk_schema

    return next(n for n in walk_schema(index_schema(SCHEMA)) if n.path == path)


def test_reads_follow_definitions_parameters_and_quantifiers() -> None:
    facts = facts_of(
        "define late(x, on_day) = x.dated after on_day\n"
        "for q:\n  when any i in items where late(i, sent_on) then z\n"
    )
    assert facts[0].reads >= {("items",), ("items", "*", "dated"), ("sent_on",)}
    assert facts[0].definitions == {"late"}


def test_enum_values_the_rules_cannot_tell_apart_are_one_class() -> None:
    d = domains_for('for q:\n  when kind in {"a", "b"} then z\n')
    values = d.scalar(node(("kind",)))
    assert values == ["a", "c"]  # a ~ b (in the set), c ~ d (not in it)


def test_a_date_compared_with_a_literal_gets_the_day_before_the_day_and_the_day_after() -> None:
    d = domains_for("for q:\n  when sent_on before 2025-03-01 then z\n")
    values = d.scalar(node(("sent_on",)))
    assert {dt.date(2025, 2, 28), dt.date(2025, 3, 1), dt.date(2025, 3, 2)} <= set(values)


def test_a_period_added_to_a_date_puts_its_boundary_in_the_domain() -> None:
    d = domains_for("for q:\n  require decision_date on or after enrolled_on + 3 months else z\n")
    values = set(d.scalar(node(("enrolled_on",))))
    # decision_date is 15 June 2025: the boundary is 15 March 2025, with the days around it.
    assert {dt.date(2025, 3, 14), dt.date(2025, 3, 15), dt.date(2025, 3, 16)} <= values
    assert {D - dt.timedelta(days=1), D, D + dt.timedelta(days=1)} <= values


def test_numbers_stay_inside_the_schema_and_around_the_literals() -> None:
    d = domains_for("for q:\n  when service >= 50 then z\n")
    assert d.scalar(node(("service",))) == [49, 50]  # 51 is above the schema's maximum


def test_fresh_strings_satisfy_the_pattern() -> None:
    d = domains_for('for q:\n  when code = "rules.18.3" then z\n')
    values = d.scalar(node(("code",)))
    assert values[0] == "rules.18.3" and len(values) == 2
    assert all(v.startswith("rules.18.") and v[-1] in "12345678" for v in values)


def test_lists_have_zero_to_two_elements_as_multisets() -> None:
    d = domains_for("for q:\n  when any i in items where i.dated before decision_date then z\n")
    lists = d.values(node(("items",)))
    element = d.values(node(("items", "*")))
    n = len(element)
    assert len(lists) == 1 + n + n * (n + 1) // 2
    assert {len(v) for v in lists} == {0, 1, 2}


def test_the_decision_date_moves_only_inside_the_editions_period() -> None:
    d = domains_for(
        "for q:\n  when decision_date before 2025-07-01 then z\n",
        period=(dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
    )
    assert d.decision_dates() == [D, dt.date(2025, 6, 30)]  # 1 and 2 July lie outside the edition


def test_a_case_is_built_from_units_and_absent_optional_facts_are_left_out() -> None:
    root = index_schema(SCHEMA)
    units = {u.path: u for u in units_of(root)}
    assert DDATE not in units and ("sent_on",) in units
    case = build_case(
        root,
        {
            ("kind",): "a",
            ("enrolled_on",): "2025-01-01",
            ("service",): 3,
            ("items",): [],
            ("sent_on",): ABSENT,
        },
    )
    assert case == {"kind": "a", "enrolled_on": "2025-01-01", "service": 3, "items": []}
