"""Wording risks: the phrase lists (engine/tools/data/wording-risks.yaml) over the clause texts."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from engine import load_library
from engine.tools.lint.wording import DATA, WordingDataError, load_catalogue, scan_text, wording_findings

REPO = Path(__file__).resolve().parents[1]
POLICIES = Path(os.environ.get("EREJE_TEST_POLICIES") or REPO / "policies")
FIXTURES = REPO / "tests" / "fixtures" / "lint"
RULES = "U1300000624"


@pytest.fixture(scope="module")
def rules_findings():
    library = load_library(POLICIES)
    ce = library.edition_on(RULES, dt.date(2025, 6, 1))
    findings, _ = wording_findings(library.act(RULES), ce.edition, load_catalogue(), library.root)
    return findings


def clauses(findings, lang: str, **details: str) -> set[str]:
    return {
        f.clause
        for f in findings
        if f.details["lang"] == lang and all(f.details[k] == v for k, v in details.items())
    }


def test_every_entry_has_a_category_a_family_a_phrase_and_a_fix() -> None:
    catalogue = load_catalogue()
    assert set(catalogue.entries) >= {"kk", "en"}
    for entries in catalogue.entries.values():
        for e in entries:
            assert e.category in catalogue.categories and e.family in catalogue.families
            assert e.phrase and e.fix


def test_the_rules_duties_without_a_time_limit(rules_findings) -> None:
    # 10.part4: the personnel units "жоя алады" / "may eliminate" the deficiencies, no period.
    assert clauses(rules_findings, "kk", category="duty_without_time_limit") == {"rules.10.part4"}
    assert clauses(rules_findings, "en", category="duty_without_time_limit") == {"rules.10.part4"}
    phrase = {
        f.details["phrase"]
        for f in rules_findings
        if f.clause == "rules.10.part4" and f.details["lang"] == "kk"
    }
    assert "жоя алады" in phrase


def test_the_rules_discretion_without_criteria(rules_findings) -> None:
    # 11.1 "қажет болған кезде" (where necessary); 14.part2 "өзгедей шешім қабылдамаса" (unless … decides otherwise).
    assert clauses(rules_findings, "kk", category="discretion_without_criteria") == {
        "rules.11.1",
        "rules.14.part2",
    }
    by_clause = {
        f.clause: (f.details["phrase"], f.details["family"])
        for f in rules_findings
        if f.details["lang"] == "kk" and f.details["category"] == "discretion_without_criteria"
    }
    assert by_clause == {
        "rules.11.1": ("қажет болған кезде", "broad_discretionary_powers"),
        "rules.14.part2": ("өзгедей шешім қабылдамаса", "selective_exceptions"),
    }
    assert clauses(rules_findings, "en", category="discretion_without_criteria") == {
        "rules.11.1",
        "rules.14.part2",
    }


def test_the_rules_reference_norms(rules_findings) -> None:
    # rules.4: the List approved by Decree No. 290 (blanket); rules.17: "…Заңында белгіленген тәртіппен".
    assert clauses(rules_findings, "kk", category="reference_norm") == {"rules.4", "rules.17"}
    assert {
        f.details["phrase"]
        for f in rules_findings
        if f.clause == "rules.17" and f.details["category"] == "reference_norm" and f.details["lang"] == "kk"
    } == {"Заңында белгіленген тәртіппен"}
    # rules.15 refers to "these Rules" ("осы Қағидаларда белгіленген тәртіппен"): not a reference to another act.
    assert "rules.15" not in clauses(rules_findings, "kk", category="reference_norm")
    assert "rules.15" not in clauses(rules_findings, "kk", category="procedure_not_specified")


def test_the_rules_competence_written_as_a_right(rules_findings) -> None:
    quqyly = {
        f.clause for f in rules_findings if f.details["lang"] == "kk" and f.details["phrase"] == "құқылы"
    }
    assert quqyly == {"rules.10.part3", "rules.15"}
    assert clauses(rules_findings, "kk", category="competence_as_right") >= {"rules.10.part3", "rules.15"}
    assert all(
        f.details["family"] == "optional_competence"
        for f in rules_findings
        if f.details["category"] == "competence_as_right"
    )


def test_english_findings_say_the_text_is_unofficial(rules_findings) -> None:
    en = [f for f in rules_findings if f.details["lang"] == "en"]
    assert en and all(f.details["language_status"] == "unofficial" and "unofficial" in f.message for f in en)


def test_a_stated_time_limit_or_a_self_reference_is_not_a_risk() -> None:
    catalogue = load_catalogue()
    found = {
        e.id for e, _ in scan_text(catalogue, "kk", "Бөлімше кемшіліктерді бес жұмыс күні ішінде жоя алады.")
    }
    assert "kk.zhoya_alady" not in found
    found = {e.id for e, _ in scan_text(catalogue, "kk", "Бөлімше кемшіліктерді жоя алады.")}
    assert "kk.zhoya_alady" in found
    found = {e.id for e, _ in scan_text(catalogue, "kk", "осы Қағидаларда белгіленген тәртіппен ұсынады")}
    assert "kk.belgilengen_tartippen" not in found
    found = {e.id for e, _ in scan_text(catalogue, "kk", "белгіленген тәртіппен ұсынады")}
    assert "kk.belgilengen_tartippen" in found


def test_fixture_that_triggers_and_fixture_that_does_not() -> None:
    for name, expected in (("wording-trigger", True), ("wording-clean", False)):
        library = load_library(FIXTURES / name)
        ce = library.edition_on("T", dt.date(2024, 6, 1))
        findings, _ = wording_findings(library.act("T"), ce.edition, load_catalogue(), library.root)
        cats = {(f.clause, f.details["lang"], f.details["category"]) for f in findings}
        wanted = {
            ("c.1", "kk", "discretion_without_criteria"),
            ("c.1", "kk", "competence_as_right"),
            ("c.2", "kk", "duty_without_time_limit"),
            ("c.3", "kk", "reference_norm"),
            ("c.1", "en", "discretion_without_criteria"),
            ("c.2", "en", "duty_without_time_limit"),
            ("c.3", "en", "reference_norm"),
        }
        if expected:
            assert cats >= wanted
            assert all(f.line is not None and f.file.endswith("clauses.yaml") for f in findings)
        else:
            assert cats == set(), cats


def test_a_mistake_in_the_phrase_lists_is_reported(tmp_path: Path) -> None:
    text = DATA.read_text(encoding="utf-8").replace(
        'category: duty_without_time_limit\n      family: broad_discretionary_powers\n      fix: "State the period: \\"… кемшіліктерді',
        'category: no_such_category\n      family: broad_discretionary_powers\n      fix: "State the period: \\"… кемшіліктерді',
        1,
    )
    assert "no_such_category" in text
    bad = tmp_path / "wording-risks.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(WordingDataError, match=r"phrases\.kk\[\d+\]: unknown category 'no_such_category'"):
        load_catalogue(bad)
