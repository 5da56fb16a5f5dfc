"""Lint on the solver: each finding proved within lists ≤ K, with a witness the engine confirms.

The fixtures (tests/fixtures/lint/) each show one finding; every witness is decided again here
through the public `Library.decide` or run through the compiled decision function, and checked
against the case schema. A tampered encoding shows that a witness the engine does not confirm
is reported as a solver disagreement, never as the finding.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import z3

from engine import i18n, load_library
from engine.casecheck import CaseValidator
from engine.edition import decision_specs
from engine.errors import CaseError
from engine.i18n import Message
from engine.tools.lint import lint_library
from engine.tools.lint.model import Finding
from engine.tools.lint.solved import SolverCheck

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lint"
AS_OF = dt.date(2024, 6, 1)


def findings(name: str, kind: str) -> list[Finding]:
    library = load_library(FIXTURES / name)
    report = lint_library(library, as_of=AS_OF, stability=False, show_settled=True)
    assert not [f for f in report.findings if f.kind == "solver_disagreement"]
    return [f for f in report.findings if f.kind == kind]


def compiled(name: str) -> Any:  # the engine's compiled decision
    return load_library(FIXTURES / name).edition_on("T", AS_OF).decisions["d"]


def test_a_gap_comes_with_a_case_the_engine_refuses() -> None:
    (f,) = findings("gap-undecidable-trigger", "gap_undecidable")
    assert f.details["missing"] and f.details["bounds"].startswith("lists ≤ 3")
    library = load_library(FIXTURES / "gap-undecidable-trigger")
    with pytest.raises(CaseError) as refused:
        library.decide("d", f.witness.case, as_of=f.witness.as_of, act_id="T")
    assert {p.pointer for p in refused.value.problems} >= set(f.details["missing"])
    assert findings("gap-undecidable-clean", "gap_undecidable") == []


def test_an_overlap_no_outcome_order_settles_is_a_warning_with_the_value_the_answer_keeps() -> None:
    (f,) = [x for x in findings("value-overlap-trigger", "conflict") if "value" in x.details]
    assert f.severity == "warning" and f.settled is None and f.clauses == ["c.1", "c.2"]
    said = {"decision": "d", "clause": "c.1", "other": "c.2", "value": "office"}
    assert f.to_dict("kk")["code"] == "lint.msg.values_differ" and f.to_dict("kk")["params"] == said
    for lang in ("kk", "ru", "en"):
        assert f.text(lang) == i18n.text("lint.msg.values_differ", lang, **said)
    library = load_library(FIXTURES / "value-overlap-trigger")
    d = library.decide("d", f.witness.case, as_of=f.witness.as_of, act_id="T")
    # c.1 computes "north" whenever it applies; on the witness c.2 computes "south", and the
    # answer carries c.2's value only.
    assert f.witness.case["x"] > 50 and d.values["office"]["value"] == "south"
    assert [x for x in findings("value-overlap-clean", "conflict") if "value" in x.details] == []


def test_a_dead_statement_is_proved_and_its_witness_does_not_fire_it() -> None:
    (f,) = findings("dead-trigger", "dead_statement")
    assert f.clause == "c.1" and f.details["proof"].startswith("proved within lists ≤ 3")
    c = compiled("dead-trigger")
    fired, *_ = c.plain(f.witness.case, f.witness.as_of, None, None)
    assert not {i for i in fired if c.statements[i].clause == "c.1"}
    assert findings("dead-clean", "dead_statement") == []


def test_an_always_false_sub_condition_is_found_where_the_statement_is_alive() -> None:
    (f,) = findings("condition-false-trigger", "constant_condition")
    assert f.details["expression"] == "x > 50 and x < 20" and f.details["value"] is False
    assert findings("condition-false-trigger", "dead_statement") == []  # `flag or …` still fires
    c = compiled("condition-false-trigger")
    trace: list[tuple[int, object]] = []
    c.traced(f.witness.case, f.witness.as_of, None, lambda nid, v: trace.append((nid, v)) or v)
    library = load_library(FIXTURES / "condition-false-trigger")
    runtime = library._runtimes["T"]
    values = {v for nid, v in trace if runtime.nodes[nid].source == "x > 50 and x < 20"}
    assert values == {False}


@pytest.mark.parametrize(
    "name",
    [
        "gap-undecidable-trigger",
        "value-overlap-trigger",
        "dead-trigger",
        "condition-false-trigger",
        "constant-trigger",
        "conflict-trigger",
        "silent-default-trigger",
        "dead-exception-trigger",
    ],
)
def test_every_witness_is_a_valid_case_of_the_case_schema(name: str) -> None:
    library = load_library(FIXTURES / name)
    report = lint_library(library, as_of=AS_OF, stability=False, show_settled=True)
    validator = CaseValidator(library.act("T").decisions["d"].case_schema)
    witnessed = [f for f in report.findings if f.witness is not None]
    assert witnessed
    for f in witnessed:
        assert validator.is_valid(f.witness.case), (f.kind, f.witness.case)
        assert {"outcome", "refused"} & set(f.witness.answers[0])


def test_a_witness_the_engine_does_not_confirm_is_a_disagreement_not_a_finding() -> None:
    # An encoding bug made on purpose: the solver is told c.1 of dead-trigger always fires.
    library = load_library(FIXTURES / "dead-trigger")
    act = library.act("T")
    ce = library.edition_on("T", AS_OF)
    spec = decision_specs(act, ce.edition)["d"]
    check = SolverCheck(library, act, ce, spec, AS_OF, 200_000)
    check.prepare()
    first = next(i for i, s in enumerate(check.compiled.statements) if s.clause == "c.1")
    check.answer.reports[first]["fired"] = z3.BoolVal(True)
    check.run()
    kinds = {(f.kind, f.clause) for f in check.findings}
    assert ("constant_statement", "c.1") not in kinds and ("dead_statement", "c.1") not in kinds
    bad = [f for f in check.findings if f.kind == "solver_disagreement"]
    (fires,) = [f for f in bad if f.details["claim"].endswith("c.1 fires")]
    assert fires.severity == "error" and "x" in fires.details["case"]
    assert all(f.severity == "error" for f in bad)


def test_the_main_act_keeps_its_findings_all_confirmed_and_proved() -> None:
    root = Path(__file__).resolve().parent.parent / "policies"
    library = load_library(root)
    report = lint_library(
        library, ["U1300000624"], as_of=dt.date(2025, 6, 1), stability=False, show_settled=True
    )
    counts = report.counts()["by_kind"]
    # The same findings the enumeration gave (45 settled overlaps, 3 gaps, 1 silent default,
    # 11 clauses without influence), now proved within the bounds.
    assert counts["conflict"] == 45 and counts["gap_undecidable"] == 3
    assert counts["gap_silent_default"] == 1 and counts["no_influence"] == 11
    assert "solver_disagreement" not in counts and "bound" not in counts
    assert all(isinstance(n, Message) for a in report.acts for n in a.notes)  # each said in the reader's language
    notes = [str(n) for a in report.acts for n in a.notes]
    assert sum("every check proved within lists ≤ 3" in n for n in notes) == 7
