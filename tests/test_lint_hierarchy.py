"""Hierarchy of norms: a lower act's rule that denies what a higher act grants on the same matter."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from engine import i18n, load_library
from engine.tools.lint import lint_library
from engine.tools.lint.hierarchy import check_hierarchy

REPO = Path(__file__).resolve().parents[1]
POLICIES = Path(os.environ.get("EREJE_TEST_POLICIES") or REPO / "policies")
FIXTURES = REPO / "tests" / "fixtures" / "lint"
CODE, RULES, CONST = "KZ-HEALTH-CODE-2020", "KZ-HEALTH-DSM-303-2020", "KZ-HEALTH-CONST-1995"


def hierarchy(root: Path, as_of: dt.date):
    library = load_library(root)
    findings, _ = check_hierarchy(library, sorted(library.acts), as_of, 200_000)
    return library, findings


def test_fixture_lower_act_denies_what_the_higher_grants() -> None:
    library, findings = hierarchy(FIXTURES / "hierarchy-trigger", dt.date(2024, 6, 1))
    conflicts = [f for f in findings if f.kind == "hierarchy_conflict"]
    assert len(conflicts) == 1
    f = conflicts[0]
    assert (f.act, f.clause, f.severity, f.decision) == ("L", "p.4", "error", "d")
    assert f.clauses == ["L:p.4", "H:art.1", "C:art.39.3"]
    assert f.witness.case == {"employer": "private", "accredited": True}
    low = library.decide("d", f.witness.case, as_of=f.witness.as_of, act_id="L")
    high = library.decide("d", f.witness.case, as_of=f.witness.as_of, act_id="H")
    assert (low.outcome, low.citations, high.outcome) == ("no", ["p.4"], "yes")


def test_fixture_lower_act_that_restricts_nothing_more() -> None:
    _, findings = hierarchy(FIXTURES / "hierarchy-clean", dt.date(2024, 6, 1))
    assert [f for f in findings if f.kind == "hierarchy_conflict"] == []


def test_a_parent_that_is_not_higher_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(FIXTURES / "hierarchy-trigger", root)
    act = root / "H" / "act.yaml"
    act.write_text(
        act.read_text(encoding="utf-8").replace("level: law", "level: ministerial_order"), encoding="utf-8"
    )
    _, findings = hierarchy(root, dt.date(2024, 6, 1))
    mine = [f for f in findings if f.act == "L"]
    assert [f.kind for f in mine] == ["hierarchy_note"]
    assert "declares H (Order of a minister) above it, but that level is not higher" in mine[0].message


def test_a_wrong_outcome_in_matters_yaml_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(FIXTURES / "hierarchy-trigger", root)
    matters = root / "L" / "matters.yaml"
    matters.write_text(
        matters.read_text(encoding="utf-8").replace("no: denies", "nope: denies"), encoding="utf-8"
    )
    _, findings = hierarchy(root, dt.date(2024, 6, 1))
    notes = [f.message for f in findings if f.kind == "hierarchy_note"]
    assert any("'nope' is not an outcome of d" in n for n in notes)


# ---- the health pack: the conflict the article describes ---------------------------------------------


def test_health_pack_rules_deny_what_the_code_grants_a_private_clinic_professional() -> None:
    library, findings = hierarchy(POLICIES, dt.date(2023, 3, 1))
    conflicts = [f for f in findings if f.kind == "hierarchy_conflict" and f.act == RULES]
    assert len(conflicts) == 1
    f = conflicts[0]
    assert f.clause == "rules.4" and f.decision == "budget_funded_education_abroad" and f.severity == "error"
    assert f.clauses == [f"{RULES}:rules.4", f"{CODE}:art220.6", f"{CONST}:art39.3"]
    assert f.witness.case["professional"]["employer_type"] == "private_medical_organisation"
    assert f.details["lower"]["edition"] == f"{RULES}@V2200029192"
    answers = {a["act"]: (a["outcome"], a["citations"]) for a in f.witness.answers}
    assert answers == {
        RULES: ("not_eligible", [{"clause": "rules.4", "role": "requirement_not_met"}]),
        CODE: ("eligible", [{"clause": "art220.6", "role": "satisfied"}]),
    }
    # The same case, decided again through the public entry point of each act.
    low = library.decide(
        "budget_funded_education_abroad", f.witness.case, as_of=f.witness.as_of, act_id=RULES
    )
    high = library.decide(
        "budget_funded_education_abroad", f.witness.case, as_of=f.witness.as_of, act_id=CODE
    )
    assert (low.outcome, high.outcome) == ("not_eligible", "eligible")


@pytest.mark.parametrize("lang", ("kk", "ru", "en"))
def test_the_basis_notes_are_said_in_the_language_asked(lang: str) -> None:
    _, findings = hierarchy(POLICIES, dt.date(2026, 11, 22))
    f = next(f for f in findings if f.kind == "hierarchy_conflict" and f.act == RULES)
    t = i18n.text
    lost = t("lint.why.lost_force", lang, edition=f"{CONST}@KZ-CONSTITUTION-2026")
    entry = t("entry.unknown_recorded", lang, earliest="01.07.2026")
    assert f.to_dict(lang)["details"]["basis_notes"] == [
        t("lint.note.not_in_force_entry", lang, citation=f"{CONST}:art39.3", day="2026-11-22", why=lost, entry=entry),
        t("lint.note.in_force_until", lang, citation=f"{CONST}:art39.3", edition=f"{CONST}@{CONST}", day="2026-06-30"),
    ]


def test_health_pack_after_the_new_constitution_the_basis_is_noted_not_cited() -> None:
    _, findings = hierarchy(POLICIES, dt.date(2026, 11, 22))
    f = next(f for f in findings if f.kind == "hierarchy_conflict" and f.act == RULES)
    assert f.clauses == [f"{RULES}:rules.4", f"{CODE}:art220.6"]
    assert f.details["basis"] == []
    notes = " ".join(str(n) for n in f.details["basis_notes"])  # a Message says itself in English
    assert f"{CONST}:art39.3 is not in force on 2026-11-22" in notes and "until 2026-06-30" in notes


def test_health_pack_before_the_amending_order_there_is_nothing_to_compare() -> None:
    _, findings = hierarchy(POLICIES, dt.date(2022, 1, 1))
    assert [f for f in findings if f.kind == "hierarchy_conflict"] == []
    notes = [f.message for f in findings if f.kind == "hierarchy_note" and f.act == RULES]
    assert any(
        "not compared on 2022-01-01" in n and f"is not encoded in {RULES}@{RULES}" in n for n in notes
    ), notes


def test_health_pack_in_the_full_report() -> None:
    library = load_library(POLICIES)
    report = lint_library(library, [CODE, RULES, CONST], as_of=dt.date(2023, 3, 1), stability=False)
    kinds = {(f.act, f.kind, f.clause) for f in report.findings}
    assert (RULES, "hierarchy_conflict", "rules.4") in kinds
    assert (CODE, "wording_risk", "art221.6") in kinds  # "is determined by the authorized body"
    # The Code never reads the employer: the article's point, as an unused fact.
    assert any(
        f.act == CODE and f.kind == "unused_fact" and f.details["fact"] == "professional.employer_type"
        for f in report.findings
    )
    assert report.worst() == "error"


def test_renamed_facts_are_put_on_the_same_matter_by_matters_yaml(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(FIXTURES / "hierarchy-trigger", root)
    low = root / "L"
    decision = low / "decisions" / "d.yaml"
    decision.write_text(
        decision.read_text(encoding="utf-8").replace("employer", "employer_kind"), encoding="utf-8"
    )
    clauses = low / "clauses" / "clauses.yaml"
    clauses.write_text(
        clauses.read_text(encoding="utf-8").replace("employer", "employer_kind"), encoding="utf-8"
    )
    _, unmapped = hierarchy(root, dt.date(2024, 6, 1))
    # Without a mapping the two employer facts are different facts: the higher act never sees
    # the lower act's, so a conflict is still found (the higher act grants whatever it is).
    assert [f.clause for f in unmapped if f.kind == "hierarchy_conflict"] == ["p.4"]
    (low / "matters.yaml").write_text(
        "matters:\n  - decision: d\n    outcomes: {yes: grants, no: denies}\n    compare_with:\n"
        "      - {act: H, decision: d, facts: {employer_kind: employer}}\n",
        encoding="utf-8",
    )
    _, mapped = hierarchy(root, dt.date(2024, 6, 1))
    f = next(f for f in mapped if f.kind == "hierarchy_conflict")
    assert f.details["same_matter"]["mapped"] == {"employer_kind": "employer"}
    assert "employer_kind" in f.details["same_matter"]["shared_facts"]
    assert f.details["higher_case"]["employer"] == f.witness.case["employer_kind"] == "private"
