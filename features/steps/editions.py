"""Steps of features/editions.feature: the edition that decides, refusals naming clauses, drafts.

When the "appointment" question is decided on 2026-02-02 under the edition "draft:<id>"
    (any form `ereje diff` accepts: an edition id, an amending act id, a date, draft:<id>;
     the decision is recorded like every other, so the trace sees it)
Then the refusal names the clauses "rules.14.part1, rules.14.part2"   (all of them, order free)
Then the decision is made under the edition "U1300000624@U2500000853"
Then the edition's entry into force is uncertain
When the editions "U2300000290" and "U2500000853" are compared      (as `ereje diff` does)
Then the comparison notes "narrowed"                                  (a fragment of one note)
Then the comparison's notes do not mention "…"
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pytest_bdd import parsers, then, when

from engine.errors import CaseError, EditionError
from engine.tools.diff import diff_editions
from engine.tools.selection import select_edition


@when(
    parsers.re(
        r'the "(?P<question>[^"]+)" question is decided on (?P<day>\d{4}-\d{2}-\d{2}) '
        r'under the edition "(?P<edition>[^"]+)"'
    )
)
def when_decided_under(world: Any, question: str, day: str, edition: str) -> None:
    # The features' conftest defines Asked beside World; several conftest modules share the
    # name "conftest", so reach it through the World class's own globals.
    asked_type = type(world).__init__.__globals__["Asked"]
    try:
        as_of = dt.date.fromisoformat(day)
    except ValueError:
        pytest.fail(f"{day} is not a date", pytrace=False)
    act = world.act or pytest.fail("no act: tag the feature @act:<id>", pytrace=False)
    chosen = select_edition(world.library, act, edition)
    asked = asked_type(question, as_of, False, world.case)
    world.asked.append(asked)
    try:
        asked.decision = world.library.decide(
            question, world.case, as_of=as_of, act_id=act, edition_id=chosen.id, lang="en"
        )
    except (CaseError, EditionError) as exc:
        asked.error = exc


@then(parsers.re(r'the refusal names the clauses "(?P<clauses>[^"]+)"'))
def then_refusal_names(world: Any, clauses: str) -> None:
    error = world.refusal
    assert isinstance(error, EditionError), f"refused, but not for the date: {error}"
    expected = [c.strip() for c in clauses.split(",") if c.strip()]
    missing = [c for c in expected if c not in error.missing_clauses or c not in str(error)]
    assert not missing, f"the refusal does not name {', '.join(missing)}: {error}"


@then(parsers.re(r'the decision is made under the edition "(?P<edition>[^"]+)"'))
def then_under_edition(world: Any, edition: str) -> None:
    got = world.decision.edition["id"]
    assert got == edition, f"decided under {got}, not {edition}"


@then(parsers.re(r"the edition's entry into force is uncertain"))
def then_uncertain(world: Any) -> None:
    assert world.decision.edition["entry_into_force_certain"] is False, world.decision.edition


@when(parsers.re(r'the editions "(?P<old>[^"]+)" and "(?P<new>[^"]+)" are compared'))
def when_compared(world: Any, old: str, new: str) -> None:
    act_id = world.act or pytest.fail("no act: tag the feature @act:<id>", pytrace=False)
    act = world.library.act(act_id)
    a, b = select_edition(world.library, act_id, old), select_edition(world.library, act_id, new)
    world.comparison = diff_editions(act, a, act, b, old, new)


@then(parsers.re(r'the comparison notes "(?P<fragment>[^"]+)"'))
def then_comparison_notes(world: Any, fragment: str) -> None:
    notes = world.comparison.notes
    assert any(fragment in n for n in notes), f"no note contains {fragment!r}; notes: {notes}"


@then(parsers.re(r'the comparison\'s notes do not mention "(?P<fragment>[^"]+)"'))
def then_comparison_silent(world: Any, fragment: str) -> None:
    notes = world.comparison.notes
    assert not any(fragment in n for n in notes), f"a note mentions {fragment!r}: {notes}"
