"""Domain steps of the route (and schedule) answers: values given, withheld, and by which clause.

A route answer is a set of values, each naming the clause that assigns it. Two readings of the
route rest on a value being absent (no agreement with the Secretary of the Security Council on
the State Security Service's route, 5.part2; no preparer of the documents named on the general
route, 6.part2) and on the clause that gives a value (8.part4 rather than 10.1.part1 for a
secondee to the Presidential Administration), so the features need to say both:

    Then the answer gives no value "list_agreed_with"
    Then the clause "rules.8.part4" gives the value "nominated_by"
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, then


@then(parsers.re(r'the answer gives no value "(?P<name>[^"]+)"'))
def then_no_value(world: Any, name: str) -> None:
    values = world.decision.values
    assert name not in values, f"{name} is given: {values[name]}"


@then(parsers.re(r'the clause "(?P<clause>[^"]+)" gives the value "(?P<name>[^"]+)"'))
def then_value_from_clause(world: Any, clause: str, name: str) -> None:
    values = world.decision.values
    assert name in values, f"no value {name!r}; values: {', '.join(values) or 'none'}"
    given_by = values[name]["clause"]
    assert given_by == clause, (
        f"{name} is given by {given_by}, not {clause} (value {values[name]['value']!r})"
    )
