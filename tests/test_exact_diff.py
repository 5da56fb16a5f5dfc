"""The exact diff: every distinct change of a draft, each with a witness the engine confirms.

Four hypothetical drafts (tests/fixtures/drafts, NOT LAW) in a temporary copy of the policies
(`bench.exact_diff.policies_with_drafts`, which the benchmark times on the same drafts):
minimum stay 3 → 6 months, a new ground for exclusion with a new fact, notices counted in
calendar days instead of working days, and a restatement that changes nothing. Each test asserts
the exact set of differences, and that each witness's answers are the engine's (the solver's
prediction was checked against them; no disagreement may be left).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from bench.exact_diff import policies_with_drafts
from engine import load_library
from engine.timecalc import add_months
from engine.tools.comparer import Comparer, Side
from engine.tools.diff import diff_editions
from engine.tools.difftext import render_text
from engine.tools.selection import select_edition
from engine.tools.symbolic.exact import ExactResult, exact_decision, exact_diff

REPO = Path(__file__).resolve().parents[1]
POLICIES = Path(os.environ.get("EREJE_TEST_POLICIES") or REPO / "policies")
ACT = "U1300000624"
CURRENT = "U2500000853"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    root = policies_with_drafts(tmp_path_factory.mktemp("exact"), POLICIES)
    return root, load_library(root)


def run(tree: tuple[Path, Any], draft: str) -> tuple[Any, dict[str, ExactResult]]:
    root, library = tree
    act = library.act(ACT)
    old = select_edition(library, ACT, CURRENT)
    new = select_edition(library, ACT, f"draft:{draft}")
    d = diff_editions(act, old, act, new)
    comparer = Comparer(Side(root, library, act, old), Side(root, library, act, new))
    return d, exact_diff(d, comparer)


def classes(result: ExactResult) -> set[tuple[str, Any, Any, Any]]:
    out = set()
    for c in result.changes:
        if c.kind == "outcome":
            out.add(("outcome", None, c.old, c.new))
        else:
            kinds = tuple("date" if isinstance(v, str) and v[:2] == "20" else v for v in (c.old, c.new))
            out.add(("value", c.name, *kinds))
    return out


def no_bug(results: dict[str, ExactResult]) -> None:
    for r in results.values():
        assert not r.disagreements, r.disagreements
        assert not r.unknown, r.unknown


def test_minimum_stay_six_months(tree: tuple[Path, Any]) -> None:
    d, results = run(tree, "draft-minimum-stay-six-months")
    no_bug(results)
    assert set(results) == {"appointment"}
    appointment = results["appointment"]
    assert appointment.status == "changed"
    assert classes(appointment) == {
        ("outcome", None, "appointable", "too_early"),
        ("value", "earliest_appointment_date", "date", "date"),
    }
    for change in appointment.changes:
        enrolled = dt.date.fromisoformat(change.case["employee"]["reserve"]["enrolled_on"])
        as_of = dt.date.fromisoformat(change.as_of)
        if change.kind == "outcome":  # stayed three months, not six
            assert add_months(enrolled, 3) <= as_of < add_months(enrolled, 6)
            assert change.responsible == ["rules.14.part2"]
        else:
            assert change.old == add_months(enrolled, 3).isoformat()
            assert change.new == add_months(enrolled, 6).isoformat()
    text = render_text(d)
    assert "appointment" in text and "outcome appointable → too_early" in text


def test_new_exclusion_ground_with_a_new_fact(tree: tuple[Path, Any]) -> None:
    _, results = run(tree, "draft-new-exclusion-ground")
    no_bug(results)
    assert set(results) == {"exclusion"}
    exclusion = results["exclusion"]
    assert classes(exclusion) == {("outcome", None, "retain", "exclude")}
    (change,) = exclusion.changes
    assert change.responsible == ["rules.18.10"]
    convicted = dt.date.fromisoformat(change.case["employee"]["convicted_on"])  # the new fact
    assert dt.date.fromisoformat(change.case["employee"]["reserve"]["enrolled_on"]) <= convicted
    assert convicted <= dt.date.fromisoformat(change.as_of)
    assert change.old_answer.outcome == "retain" and change.new_answer.citations == ["rules.18.10"]


def test_notices_in_calendar_days(tree: tuple[Path, Any]) -> None:
    _, library = tree
    _, results = run(tree, "draft-calendar-day-notices")
    no_bug(results)
    # The clauses feed the route too, whose rules did not change: proved so, not assumed.
    assert set(results) == {"schedule", "route"}
    assert results["route"].status == "equivalent"
    schedule = results["schedule"]
    assert classes(schedule) == {
        ("value", "first_heads_informed_by", "date", "date"),
        ("value", "employees_notified_by", "date", "date"),
    }
    for change in schedule.changes:
        start = change.case[
            "approved_on" if change.name == "first_heads_informed_by" else "extract_received_on"
        ]
        assert change.new == (dt.date.fromisoformat(start) + dt.timedelta(days=10)).isoformat()
        assert change.old != change.new
    # The example of the review: an extract received on 1 August 2025.
    case = {"quarter": {"calendar_year": 2025, "number": 3}, "extract_received_on": "2025-08-01"}
    on = dt.date(2025, 8, 20)
    old = library.decide("schedule", case, as_of=on, act_id=ACT, edition_id=f"{ACT}@{CURRENT}")
    new = library.decide(
        "schedule", case, as_of=on, act_id=ACT, edition_id=f"{ACT}@draft-calendar-day-notices"
    )
    assert old.values["employees_notified_by"]["value"] == "2025-08-15"
    assert new.values["employees_notified_by"]["value"] == "2025-08-11"


def test_a_restated_rule_is_proved_equivalent(tree: tuple[Path, Any]) -> None:
    d, results = run(tree, "draft-restated-reserve-term")
    no_bug(results)
    assert set(results) == {"exclusion", "appointment", "acting_duties", "enrollment"}  # enrollment: 14.part1 `applies when`
    for name, r in results.items():
        assert r.status == "equivalent", (name, r.summary())
        assert r.summary().startswith("equivalent (proved, lists ≤ 3")
        assert d.decision(name).witnesses == []


def test_the_same_edition_is_equivalent_for_every_decision(tree: tuple[Path, Any]) -> None:
    root, library = tree
    act = library.act(ACT)
    edition = select_edition(library, ACT, CURRENT)
    comparer = Comparer(Side(root, library, act, edition), Side(root, library, act, edition))
    for name in act.decisions:
        assert exact_decision(name, comparer).status == "equivalent", name


def test_an_exhausted_budget_is_unknown_never_no_change(tree: tuple[Path, Any]) -> None:
    root, library = tree
    act = library.act(ACT)
    old = select_edition(library, ACT, CURRENT)
    new = select_edition(library, ACT, "draft:draft-minimum-stay-six-months")
    comparer = Comparer(Side(root, library, act, old), Side(root, library, act, new))
    result = exact_decision("appointment", comparer, budget=0.0)
    assert result.status == "unknown" and result.unknown
    assert "unknown within the time budget" in result.summary()


def test_outcomes_are_compared_by_name_and_precedence_matters(tree: tuple[Path, Any]) -> None:
    """A decision file that adds an outcome no rule gives changes nothing; one that reorders the
    precedence changes exactly the answers where both outcomes were given."""
    import dataclasses

    import z3

    from engine.policy import Outcome
    from engine.tools.symbolic.problem import EditionView, Problem

    _, library = tree
    act = library.act(ACT)
    edition = select_edition(library, ACT, CURRENT)
    view = EditionView.of(act, edition, "appointment")
    spec = view.spec
    extra = dataclasses.replace(
        view, spec=dataclasses.replace(spec, outcomes=[Outcome("deferred", False, {}), *spec.outcomes])
    )
    problem = Problem("appointment", [view, extra], library.calendar())
    old, new = problem.answers
    assert problem.solve(old.result != new.result).status == "unsat"

    by_id = {o.id: o for o in spec.outcomes}
    swapped = [by_id["too_early"], by_id["not_in_reserve"], by_id["appointable"]]
    reordered = dataclasses.replace(view, spec=dataclasses.replace(spec, outcomes=swapped))
    problem = Problem("appointment", [view, reordered], library.calendar())
    old, new = problem.answers
    found = problem.solve(old.result != new.result)
    assert found.status == "sat"
    pair = {problem.result_of(found.model, 0), problem.result_of(found.model, 1)}
    assert pair == {"not_in_reserve", "too_early"}
    assert (
        problem.solve(z3.And(old.result != new.result, new.result != new.outcomes.index("too_early"))).status
        == "unsat"
    )


def test_the_review_bundle_carries_the_exact_diff(tree: tuple[Path, Any], tmp_path: Path) -> None:
    from engine.tools.review import build_review

    root, library = tree
    old = select_edition(library, ACT, CURRENT)
    new = select_edition(library, ACT, "draft:draft-minimum-stay-six-months")
    bundle = build_review(
        library,
        root,
        old,
        library,
        root,
        new,
        tmp_path / "review",
        features=REPO / "features",
        results=tmp_path / "no-results.json",
        cases=0,
        jobs=1,
    )
    (appointment,) = bundle["diff"]["decisions"]
    assert appointment["exact"]["status"] == "changed" and len(appointment["witnesses"]) == 2
    assert {w["change"].split(":")[0] for w in appointment["witnesses"]} == {
        "outcome appointable → too_early",
        "value earliest_appointment_date",
    }
    page = (tmp_path / "review" / "review.html").read_text(encoding="utf-8")
    assert "<strong>Exact diff:</strong> 2 distinct change(s) (lists ≤ 3" in page
