"""`ereje lint`'s decision checks: each has a fixture that triggers it and one that does not.

The fixtures are small policy trees under tests/fixtures/lint/<name>/ (act T, decision d). Every
witness a finding carries is decided again here through the public `Library.decide` and, for a
conflict, run through the compiled decision function to see both clauses fire.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine import load_library
from engine.errors import CaseError
from engine.tools.lint import lint_library
from engine.tools.lint.model import Finding

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lint"
AS_OF = dt.date(2024, 6, 1)


def lint(name: str, **kw: object) -> list[Finding]:
    library = load_library(FIXTURES / name)
    return lint_library(library, as_of=AS_OF, stability=False, **kw).findings  # type: ignore[arg-type]


def of(findings: list[Finding], kind: str) -> list[Finding]:
    return [f for f in findings if f.kind == kind]


def redecide(policies: str, f: Finding) -> dict:
    """The witness decided again by the engine's public entry point."""
    library = load_library(FIXTURES / policies)
    assert f.witness is not None
    try:
        d = library.decide(f.decision, f.witness.case, as_of=f.witness.as_of, act_id=f.act)
    except CaseError as exc:
        return {"refused": [p.pointer for p in exc.problems]}
    return {"outcome": d.outcome, "roles": {c.clause: c.role for c in d.clauses}}


# ---- conflicts -------------------------------------------------------------------------------------


def test_conflict_is_found_with_a_witness_where_both_clauses_fire() -> None:
    found = of(lint("conflict-trigger", show_settled=True), "conflict")
    # The decision's outcome order (a before b) says which applies: settled, so info, not a warning.
    assert [(f.clause, f.clauses, f.severity) for f in found] == [("c.2", ["c.1", "c.2"], "info")]
    f = found[0]
    assert f.settled is not None and "puts 'a' before 'b'" in f.settled_text("en")
    assert {x["clause"] for x in f.witness.fired} == {"c.1", "c.2"}
    assert f.witness.case["x"] > 10 and f.witness.case["flag"] is True
    # The precedence list gives c.1's outcome and cites c.1 only: c.2 is silenced.
    assert redecide("conflict-trigger", f) == {"outcome": "a", "roles": {"c.1": "ground"}}
    library = load_library(FIXTURES / "conflict-trigger")
    compiled = library.edition_on("T", AS_OF).decisions["d"]
    fired, *_ = compiled.plain(f.witness.case, AS_OF, None, None)
    assert {compiled.statements[i].clause for i in fired} == {"c.1", "c.2"}


def test_the_solver_states_its_bounds_and_that_the_checks_are_proved() -> None:
    library = load_library(FIXTURES / "conflict-trigger")
    report = lint_library(library, as_of=AS_OF, stability=False, show_settled=True)
    assert any("every check proved within lists ≤ 3" in str(n) for a in report.acts for n in a.notes)
    (f,) = of(report.findings, "conflict")
    assert f.clauses == ["c.1", "c.2"] and f.details["bounds"].startswith("lists ≤ 3")


def test_settled_findings_are_kept_apart_unless_asked_for() -> None:
    library = load_library(FIXTURES / "conflict-trigger")
    report = lint_library(library, as_of=AS_OF, stability=False)
    assert of(report.findings, "conflict") == []
    assert [(f.kind, f.clause) for f in report.settled] == [("conflict", "c.2")]
    assert report.to_dict()["settled_not_shown"]["by_kind"] == {"conflict": 1}
    shown = lint_library(library, as_of=AS_OF, stability=False, show_settled=True)
    assert shown.settled == [] and len(of(shown.findings, "conflict")) == 1


def test_no_conflict_when_the_conditions_exclude_each_other() -> None:
    assert of(lint("conflict-clean"), "conflict") == []


def test_no_conflict_when_an_override_is_declared_between_the_clauses() -> None:
    assert of(lint("conflict-override"), "conflict") == []


# ---- gaps ----------------------------------------------------------------------------------------


def test_undecidable_gap_names_the_missing_fact_and_the_engine_refuses_the_witness() -> None:
    found = of(lint("gap-undecidable-trigger"), "gap_undecidable")
    assert [(f.clause, f.details["missing"]) for f in found] == [("c.1", ["/since"])]
    assert "since" not in found[0].witness.case and found[0].witness.case["flag"] is True
    assert redecide("gap-undecidable-trigger", found[0]) == {"refused": ["/since"]}


def test_no_undecidable_gap_when_the_optional_fact_is_guarded() -> None:
    assert of(lint("gap-undecidable-clean"), "gap_undecidable") == []


def test_silent_default_when_the_decision_states_no_requirement() -> None:
    found = of(lint("silent-default-trigger"), "gap_silent_default")
    assert len(found) == 1 and found[0].severity == "info"
    assert redecide("silent-default-trigger", found[0]) == {
        "outcome": "none",
        "roles": {"c.1": "not_triggered"},
    }


def test_no_silent_default_when_a_requirement_supports_the_default() -> None:
    assert of(lint("silent-default-clean"), "gap_silent_default") == []


# ---- dead and constant ---------------------------------------------------------------------------


def test_dead_statement() -> None:
    findings = lint("dead-trigger")
    assert [f.clause for f in of(findings, "dead_statement")] == ["c.1"]
    assert [(f.clause, f.details["reason"]) for f in of(findings, "no_influence")] == [("c.1", "dead")]


def test_no_dead_statement_when_the_condition_can_hold() -> None:
    findings = lint("dead-clean")
    assert of(findings, "dead_statement") == [] and of(findings, "no_influence") == []


def test_constant_statement_is_an_error_with_a_witness() -> None:
    found = of(lint("constant-trigger"), "constant_statement")
    assert [(f.clause, f.severity) for f in found] == [("c.1", "error")]
    assert redecide("constant-trigger", found[0])["outcome"] == "a"


def test_no_constant_statement_when_the_schema_allows_the_other_side() -> None:
    assert of(lint("constant-clean"), "constant_statement") == []


def test_dead_exception() -> None:
    assert [f.clause for f in of(lint("dead-exception-trigger"), "dead_exception")] == ["c.1"]


def test_no_dead_exception_when_it_can_hold() -> None:
    assert of(lint("dead-exception-clean"), "dead_exception") == []


def test_constant_condition_inside_a_definition() -> None:
    found = of(lint("constant-condition-trigger"), "constant_condition")
    assert [(f.clause, f.details["expression"], f.details["value"]) for f in found] == [
        ("c.1", "x > 30 or x <= 30", True)
    ]
    assert found[0].line is not None and "(definition wide)" in found[0].message


def test_no_constant_condition() -> None:
    assert of(lint("constant-condition-clean"), "constant_condition") == []


# ---- unused ----------------------------------------------------------------------------------------


def test_unused_definition_and_fact() -> None:
    findings = lint("unused-trigger")
    assert [f.details["definition"] for f in of(findings, "unused_definition")] == ["never_used"]
    assert [f.details["fact"] for f in of(findings, "unused_fact")] == ["x"]


def test_nothing_unused() -> None:
    findings = lint("unused-clean")
    assert of(findings, "unused_definition") == [] and of(findings, "unused_fact") == []


# ---- influence -------------------------------------------------------------------------------------


def test_clauses_that_cannot_influence_the_decision() -> None:
    found = {f.clause: f.details["reason"] for f in of(lint("influence-trigger"), "no_influence")}
    # c.2 fires only with flag, when c.1 (earlier outcome) fires too; c.3 gives no statement.
    assert found == {"c.2": "shadowed", "c.3": "no_statement"}


def test_every_cited_clause_can_influence() -> None:
    assert of(lint("influence-clean"), "no_influence") == []


# ---- bounds ----------------------------------------------------------------------------------------


def test_out_of_time_nothing_is_claimed_and_the_unknown_is_reported() -> None:
    # With no time at all every solver question is unknown: reported as such, never as "no finding".
    findings = lint("dead-trigger", seconds=0.0)
    (bound,) = of(findings, "bound")
    assert "unknown within the time budget" in bound.message
    assert of(findings, "dead_statement") == []  # never claimed without a proof
    assert [f.clause for f in of(lint("dead-trigger"), "dead_statement")] == ["c.1"]


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("conflict-trigger", {"conflict"}),
        ("silent-default-trigger", {"gap_silent_default"}),
        ("constant-trigger", {"constant_statement"}),
        ("gap-undecidable-trigger", {"gap_undecidable"}),
    ],
)
def test_every_witness_is_a_valid_case_of_the_schema(name: str, kinds: set[str]) -> None:
    library = load_library(FIXTURES / name)
    report = lint_library(library, as_of=AS_OF, stability=False, show_settled=True)
    spec = library.act("T").decisions["d"]
    from engine.casecheck import CaseValidator

    validator = CaseValidator(spec.case_schema)
    witnessed = [f for f in report.findings if f.witness is not None]
    assert {f.kind for f in witnessed} >= kinds
    for f in witnessed:
        assert validator.is_valid(f.witness.case), f.witness.case
