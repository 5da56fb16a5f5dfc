"""Generated cases are plausible: every constraint the act states in examples/generation.yaml
holds on every generated case, and every case stays valid under its schema."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from engine.casecheck import CaseValidator
from engine.edition import decision_specs
from engine.library import Library, load_library
from engine.tools.casegen import corpus_for, example_cases
from engine.tools.plausibility import HIRED, Plausibility, PlausibilityError, load_plausibility
from engine.tools.selection import select_edition

ROOT = Path(__file__).resolve().parent.parent
ACT = "U1300000624"
DRAFT = "draft:draft-hypothetical-reserve-terms"


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(ROOT / "policies")


@pytest.mark.parametrize("edition_name", ["2025-06-01", DRAFT])
@pytest.mark.parametrize("seed", [1, 624])
def test_generated_cases_respect_every_stated_constraint(
    library: Library, edition_name: str, seed: int
) -> None:
    act = library.act(ACT)
    edition = select_edition(library, ACT, edition_name)
    plausibility = load_plausibility(act.directory)
    validators = {n: CaseValidator(s.case_schema) for n, s in decision_specs(act, edition).items()}
    seen: dict[str, int] = {}
    for line in corpus_for(act, edition, None, seed).lines(1400):
        question, as_of = line["question"], dt.date.fromisoformat(line["as_of"])
        person = line["assumed"]
        born, hired = (dt.date.fromisoformat(person[k]) for k in ("born_on", "hired_on"))
        assert born < hired <= as_of, line
        assert plausibility.violations(question, line["case"], as_of, person) == [], line
        assert validators[question].is_valid(line["case"]), line
        seen[question] = seen.get(question, 0) + 1
    assert set(seen) >= set(plausibility.decisions)
    assert min(seen.values()) >= 150


def test_every_example_case_respects_the_constraints(library: Library) -> None:
    """The assumptions are checked against the cases written by hand: a constraint no real case
    meets would make the generated population less real, not more."""
    act = library.act(ACT)
    plausibility = load_plausibility(act.directory)
    problems = {
        e["file"]: v
        for e in example_cases(act)
        if (v := plausibility.violations(e["question"], e["case"], e["as_of"]))
    }
    assert problems == {}


def test_every_date_fact_named_exists_in_the_schemas(library: Library) -> None:
    """A constraint on a fact the schema does not have would silently constrain nothing."""
    from engine.tools.factdiff import schema_facts

    act = library.act(ACT)
    draft = select_edition(library, ACT, DRAFT)
    plausibility = load_plausibility(act.directory)
    for name, rules in plausibility.decisions.items():
        facts = set(schema_facts(decision_specs(act, draft)[name].case_schema))
        for bound in rules.dates:
            assert bound.fact in facts, (name, bound.fact)
            for ref in (*bound.after, *bound.before):
                assert ref == HIRED or ref in facts, (name, ref)
        for path in (*rules.service_years, *rules.years_in_service):
            assert path in facts, (name, path)


def test_violations_are_reported() -> None:
    """The checker can fail: each kind of broken constraint is named."""
    from engine.tools.plausibility import DateBound, DecisionRules

    rules = DecisionRules(
        service_years=["employee.service_years"],
        dates=[
            DateBound("employee.enrolled_on", after=(HIRED,)),
            DateBound("employee.sanctions[].imposed_on", after=(HIRED,), before=("employee.dismissed_on",)),
            DateBound("employee.sanctions[].lifted_on", after=("employee.sanctions[].imposed_on",)),
        ],
    )
    p = Plausibility(decisions={"q": rules})
    as_of = dt.date(2026, 1, 1)
    case = {
        "employee": {
            "service_years": 3,
            "enrolled_on": "2019-01-01",
            "dismissed_on": "2025-01-01",
            "sanctions": [
                {"imposed_on": "2025-06-01", "lifted_on": "2025-05-01"},
                {"imposed_on": "2024-01-01", "lifted_on": "2026-02-01"},
            ],
        }
    }
    found = p.violations("q", case, as_of, {"born_on": "2008-01-01", "hired_on": "2020-06-01"})
    text = "\n".join(found)
    assert "hired at 12" in text
    assert "service_years is 3, but 5 whole years" in text
    assert "enrolled_on 2019-01-01 is before hired" in text
    assert "imposed_on 2025-06-01 is after employee.dismissed_on" in text
    assert "lifted_on 2025-05-01 is before employee.sanctions[].imposed_on 2025-06-01" in text
    assert "lifted_on 2026-02-01 is after the decision date" in text
    assert len(found) == 6


def test_apply_repairs_a_broken_case() -> None:
    from engine.tools.plausibility import DateBound, DecisionRules

    rules = DecisionRules(
        dates=[
            DateBound("e.enrolled_on", after=(HIRED,)),
            DateBound("e.s[].imposed_on", after=(HIRED,), before=("e.dismissed_on",)),
            DateBound("e.s[].lifted_on", after=("e.s[].imposed_on",)),
        ]
    )
    p = Plausibility(decisions={"q": rules})
    as_of = dt.date(2026, 1, 1)
    rng = random.Random(3)
    for _ in range(200):
        case = {
            "e": {
                "enrolled_on": "2024-01-01",
                "dismissed_on": "2025-01-01",
                "s": [{"imposed_on": "2025-06-01", "lifted_on": "2025-05-01"}, {"imposed_on": "2027-01-01"}],
            }
        }
        person = p.apply("q", case, as_of, rng)
        assert person is not None
        assert p.violations("q", case, as_of, person) == []


def test_a_malformed_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "generation.yaml").write_text(
        "person: {age_at_hiring: {min: 40, max: 20}}\n", encoding="utf-8"
    )
    with pytest.raises(PlausibilityError, match="ages must satisfy"):
        load_plausibility(tmp_path)
    assert load_plausibility(tmp_path / "nowhere").min_age_at_hiring == 18
