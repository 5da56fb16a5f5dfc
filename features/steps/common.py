"""The shared step vocabulary of every feature.

Given (the case):
    Given the act "U1300000624"                      (optional; default: the @act:<id> tag)
    Given the example case "enrollment/eligible-nominee"
                                                     (policies/<act>/examples/<name>.json)
    Given the case:                                  + a doc string holding the whole case JSON
    Given the fact "/json/pointer" is <json value>   ("text", 3, 2.5, true, null, {…}, […];
                                                      a bare 2025-05-01 is read as "2025-05-01")
    Given the fact "/json/pointer" is:               + a doc string holding the JSON value
    Given the fact "/json/pointer" is removed
    Given the fact "/list/pointer" gains:            + a doc string: one JSON value appended

When (asking the engine, as the service does):
    When the "enrollment" question is decided on 2025-06-01
    When the "enrollment" question is decided on 2025-06-01, explained

Then (the last question asked):
    Then the outcome is "ineligible"
    Then the decision cites "rules.8.3"
    Then the decision cites exactly "rules.18.3, rules.18.6"      (as a set; order free)
    Then the decision does not cite "rules.8.3"
    Then the clause "rules.8.2" is cited as "exception"
        (roles: ground, requirement_not_met, satisfied, not_triggered, exception, override, applied)
    Then the value "earliest_appointment_date" is "2025-08-10"   (a JSON value, as above)
    Then the decision warns "text fragment"
    Then the decision gives no warning
    Then the case is refused with a problem at "/employee/attestation"
                                                     (a problem at that pointer or inside it)
    Then the case is refused
    Then the question cannot be decided on that date              (EditionError)
    Then the decision is explained                                 (a trace came back)

Every phrase may also start with And or But. Domain steps of one decision belong in
`features/steps/<decision>.py` and work on the `world` fixture (see features/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from engine.decide import jsonable
from engine.errors import CaseError, EditionError
from engine.tools.trace import ALL_ROLES

POINTER = r'"(?P<pointer>[^"]*)"'


def _docstring(docstring: str | None, step: str) -> str:
    if docstring is None or not docstring.strip():
        pytest.fail(f'"{step}" needs a doc string (""" … """) under it', pytrace=False)
    return docstring


def _show(value: Any) -> str:
    return json.dumps(jsonable(value), ensure_ascii=False, default=str)


# ---- Given ------------------------------------------------------------------------------------


@given(parsers.re(r'the act "(?P<act>[^"]+)"'))
def given_act(world: Any, act: str) -> None:
    world.library.act(act)  # UnknownAct names the loaded acts
    world.act = act


@given(parsers.re(r'the example case "(?P<name>[^"]+)"'))
def given_example_case(world: Any, name: str) -> None:
    world.load_example(name)


@given(parsers.re(r"the case:"))
def given_case(world: Any, docstring: str | None = None) -> None:
    world.set_case(world.parse_json(_docstring(docstring, "the case:"), "the case"))


@given(parsers.re(rf"the fact {POINTER} is (?!removed$)(?P<value>[^:].*)"))
def given_fact_is(world: Any, pointer: str, value: str) -> None:
    world.set_fact(pointer, world.parse_json(value, f"the value of {pointer}"))


@given(parsers.re(rf"the fact {POINTER} is:"))
def given_fact_is_docstring(world: Any, pointer: str, docstring: str | None = None) -> None:
    text = _docstring(docstring, f'the fact "{pointer}" is:')
    world.set_fact(pointer, world.parse_json(text, f"the value of {pointer}"))


@given(parsers.re(rf"the fact {POINTER} is removed"))
def given_fact_removed(world: Any, pointer: str) -> None:
    world.remove_fact(pointer)


@given(parsers.re(rf"the fact {POINTER} gains:"))
def given_fact_gains(world: Any, pointer: str, docstring: str | None = None) -> None:
    text = _docstring(docstring, f'the fact "{pointer}" gains:')
    world.append_fact(pointer, world.parse_json(text, f"the item added to {pointer}"))


# ---- When -------------------------------------------------------------------------------------


@when(
    parsers.re(
        r'the "(?P<question>[^"]+)" question is decided on (?P<day>\d{4}-\d{2}-\d{2})(?P<explained>, explained)?'
    )
)
def when_decided(world: Any, question: str, day: str, explained: str | None) -> None:
    try:
        as_of = dt.date.fromisoformat(day)
    except ValueError:
        pytest.fail(f"{day} is not a date", pytrace=False)
    world.decide(question, as_of, explain=bool(explained))


# ---- Then -------------------------------------------------------------------------------------


@then(parsers.re(r'the outcome is "(?P<outcome>[^"]+)"'))
def then_outcome(world: Any, outcome: str) -> None:
    decision = world.decision
    assert decision.outcome == outcome, f"expected {outcome}, got {world.last.describe()}"


@then(parsers.re(r'the decision cites "(?P<clause>[^"]+)"'))
def then_cites(world: Any, clause: str) -> None:
    assert clause in world.decision.citations, f"{clause} is not cited: {world.last.describe()}"


@then(parsers.re(r'the decision cites exactly "(?P<clauses>[^"]*)"'))
def then_cites_exactly(world: Any, clauses: str) -> None:
    expected = [c.strip() for c in clauses.split(",") if c.strip()]
    cited = world.decision.citations
    assert sorted(set(cited)) == sorted(set(expected)), (
        f"expected exactly {', '.join(expected)}; {world.last.describe()}"
    )


@then(parsers.re(r'the decision does not cite "(?P<clause>[^"]+)"'))
def then_does_not_cite(world: Any, clause: str) -> None:
    assert clause not in world.decision.citations, f"{clause} is cited: {world.last.describe()}"


@then(parsers.re(r'the clause "(?P<clause>[^"]+)" is cited as "(?P<role>[^"]+)"'))
def then_cited_as(world: Any, clause: str, role: str) -> None:
    if role not in ALL_ROLES:
        pytest.fail(f"{role!r} is not a citation role; roles: {', '.join(ALL_ROLES)}", pytrace=False)
    roles = {c.clause: c.role for c in world.decision.clauses}
    assert clause in roles, f"{clause} is not cited: {world.last.describe()}"
    assert roles[clause] == role, f"{clause} is cited as {roles[clause]}, not {role}: {world.last.describe()}"


@then(parsers.re(r'the value "(?P<name>[^"]+)" is (?P<value>.+)'))
def then_value(world: Any, name: str, value: str) -> None:
    values = world.decision.values
    assert name in values, f"no value {name!r}; values: {', '.join(values) or 'none'}"
    expected = jsonable(world.parse_json(value, f"the expected value of {name}"))
    got = values[name]["value"]
    assert got == expected, f"{name} is {_show(got)}, expected {_show(expected)}"


@then(parsers.re(r'the decision warns "(?P<fragment>[^"]+)"'))
def then_warns(world: Any, fragment: str) -> None:
    warnings = world.decision.warnings
    assert any(fragment in w for w in warnings), f"no warning contains {fragment!r}; warnings: {warnings}"


@then(parsers.re(r"the decision gives no warning"))
def then_no_warning(world: Any) -> None:
    assert not world.decision.warnings, f"warnings: {world.decision.warnings}"


@then(parsers.re(rf"the case is refused with a problem at {POINTER}"))
def then_refused_at(world: Any, pointer: str) -> None:
    error = world.refusal
    assert isinstance(error, CaseError), f"refused, but not for the case: {error}"
    pointers = [p.pointer for p in error.problems]
    assert any(p == pointer or p.startswith(pointer + "/") for p in pointers), (
        f"no problem at {pointer} or inside it; problems: {error}"
    )


@then(parsers.re(r"the case is refused"))
def then_refused(world: Any) -> None:
    error = world.refusal
    assert isinstance(error, CaseError), f"refused, but not for the case: {error}"


@then(parsers.re(r"the question cannot be decided on that date"))
def then_no_edition(world: Any) -> None:
    error = world.refusal
    assert isinstance(error, EditionError), f"refused, but not for the date: {error}"


@then(parsers.re(r"the decision is explained"))
def then_explained(world: Any) -> None:
    trace = world.decision.trace
    assert trace, "the decision carries no explanation (ask with `, explained`)"
