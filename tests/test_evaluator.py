"""The evaluator: policies compiled through the real loader, then asked about cases.

Two kinds of fixture:

- `tests/fixtures/enrollment/`: the real enrollment decision with the act's own rules 1, 4, 7,
  8.1, 8.2, 8.3, 10.part5 and 20 (copied from policies/), for outcomes, precedence, citations,
  exceptions, missing facts, explanations and editions;
- a *probe* act written to a temporary directory by `probe()`: a clearly fictitious act
  (T0000000001, "not a real act") whose clauses are small `compute`/`when` statements over a
  case schema with every fact type, to pin down each operator's value. It goes through the
  same loader, checker and compiler as any act.

Expected values are worked out by hand in the comments beside them.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from engine import CaseError, EditionError, Library, load_library

FIXTURES = Path(__file__).parent / "fixtures"
ENROLLMENT = FIXTURES / "enrollment"
JUNE = dt.date(2025, 6, 1)

# ---- the probe act --------------------------------------------------------------------------

PROBE_ACT = """\
# Engine test fixture: a fictitious act, not a real one. Its clause texts are placeholders.
id: T0000000001
level: ministerial_order
adopted: "2000-01-01"
title: {en: "Engine test fixture (not a real act)"}
languages:
  en: {status: authoritative, name: "English"}
"""

PROBE_AMENDMENT = """\
id: T0000000001
act: T0000000001
signed: "2000-01-01"
entry_into_force: {rule: on_signing}
changes:
  - {clause: "probe.*", change: original}
"""

DATE = {"type": "string", "format": "date"}
ITEM = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind"],
    "properties": {
        "kind": {"enum": ["remark", "reprimand"]},
        "flag": {"type": "boolean"},
        "dated": DATE,
    },
}
PROBE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["n", "x", "d", "s", "b", "tags", "items"],
    "properties": {
        "n": {"type": "integer"},
        "m": {"type": "integer"},
        "x": {"type": "number"},
        "d": DATE,
        "e": DATE,
        "f": DATE,
        "s": {"enum": ["president", "head_of_administration", "other"]},
        "t": {"type": "string"},
        "b": {"type": "boolean"},
        "c1": {"type": "boolean"},
        "c2": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "items": {"type": "array", "items": ITEM},
        "more": {"type": "array", "items": ITEM},
    },
}
BASE_CASE: dict[str, Any] = {
    "n": 3,
    "x": Decimal("2.5"),
    "d": "2025-01-31",
    "s": "president",
    "b": True,
    "tags": ["a", "b"],
    "items": [],
}


def indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line if line.strip() else line for line in text.splitlines(True))


def probe(
    root: Path,
    rules: list[str],
    *,
    outcomes: tuple[str, ...] = ("refused", "granted"),
    default: str = "granted",
    schema: dict[str, Any] | None = None,
) -> Library:
    """Write the probe act with one clause per rule (probe.1, probe.2, …) and load it."""
    act = root / "T0000000001"
    (act / "amendments").mkdir(parents=True)
    (act / "clauses").mkdir()
    (act / "decisions").mkdir()
    (act / "act.yaml").write_text(PROBE_ACT, encoding="utf-8")
    (act / "amendments" / "T0000000001.yaml").write_text(PROBE_AMENDMENT, encoding="utf-8")
    clauses = ["clauses:"]
    for k, rule in enumerate(rules, 1):
        clauses += [
            f"  - id: probe.{k}",
            "    versions:",
            "      - amendment: T0000000001",
            "        change: original",
            f'        text: {{en: "Probe clause {k} (test fixture, not legal text)."}}',
            "        kind: rule",
            "        rule: |",
            indent(rule.rstrip("\n"), 10),
        ]
    (act / "clauses" / "probe.yaml").write_text("\n".join(clauses) + "\n", encoding="utf-8")
    decision = {
        "decision": "probe",
        "outcomes": [{"id": o, **({"default": True} if o == default else {})} for o in outcomes],
        "clauses": [f"probe.{k}" for k in range(1, len(rules) + 1)],
        "case_schema": schema or PROBE_SCHEMA,
    }
    # JSON is YAML: the decision file is written as one JSON document.
    (act / "decisions" / "probe.yaml").write_text(json.dumps(decision, indent=1), encoding="utf-8")
    return load_library(root)


def computes(root: Path, **exprs: str) -> Library:
    """A probe act whose one clause computes each named expression."""
    body = "for probe:\n" + "".join(f"  compute {name} = {text}\n" for name, text in exprs.items())
    return probe(root, [body])


def case(**facts: Any) -> dict[str, Any]:
    out = copy.deepcopy(BASE_CASE)
    for key, value in facts.items():
        if value is MISSING:
            out.pop(key, None)
        else:
            out[key] = value
    return out


MISSING = object()


def values(library: Library, the_case: dict[str, Any], as_of: dt.date = JUNE) -> dict[str, Any]:
    decision = library.decide("probe", the_case, as_of=as_of)
    return {name: v["value"] for name, v in decision.values.items()}


D = dt.date


# ---- operators ------------------------------------------------------------------------------


def test_arithmetic_and_comparison_operators(tmp_path: Path) -> None:
    lib = computes(
        tmp_path,
        add="n + 2",
        sub="n - 5",
        mul="n * 4",
        neg="-n",
        mixed="n + x",
        dec_mul="x * 2",
        eq="n = 3",
        ne="n != 3",
        lt="n < 3",
        le="n <= 3",
        gt="x > 2",
        ge="x >= 2.5",
        int_dec="n = 3.0",
        str_eq='s = "president"',
        str_ne='s != "president"',
        bool_eq="b = true",
        prec="1 + 2 * 3 - -1",
    )
    v = values(lib, case())
    assert v == {
        "add": 5,
        "sub": -2,
        "mul": 12,
        "neg": -3,
        "mixed": 5.5,
        "dec_mul": 5,
        "eq": True,
        "ne": False,
        "lt": False,
        "le": True,
        "gt": True,
        "ge": True,
        "int_dec": True,
        "str_eq": True,
        "str_ne": False,
        "bool_eq": True,
        "prec": 8,  # 1 + 6 + 1
    }


def test_membership_in_sets_and_list_facts(tmp_path: Path) -> None:
    lib = computes(
        tmp_path,
        in_set='s in {"president", "head_of_administration"}',
        not_in_set='s not in {"president", "head_of_administration"}',
        in_list='"a" in tags',
        not_in_list='"z" not in tags',
        number_set="n in {1, 2, 3}",
        date_set="d in {2025-01-31, 2025-12-31}",
        fact_set="n + 1 in {n, 4}",  # elements may be expressions over known facts
    )
    v = values(lib, case(e="2024-01-01", f="2025-01-31"))
    assert v == {
        "in_set": True,
        "not_in_set": False,
        "in_list": True,
        "not_in_list": True,
        "number_set": True,
        "date_set": True,
        "fact_set": True,
    }
    v = values(lib, case(s="other", tags=[], n=4, d="2025-02-01", e="2024-01-01", f="2025-01-31"))
    assert v == {
        "in_set": False,
        "not_in_set": True,
        "in_list": False,
        "not_in_list": True,
        "number_set": False,
        "date_set": False,
        "fact_set": False,
    }


def test_date_relations_between_and_within(tmp_path: Path) -> None:
    lib = computes(
        tmp_path,
        is_before="d before e",
        is_after="d after e",
        on_or_before="d on or before e",
        on_or_after="d on or after e",
        is_between="d between e and f",
        within_after="d within 3 months after e",
        within_before="d within 10 calendar days before e",
    )

    def at(d: str, e: str, f: str = "2030-01-01") -> dict[str, Any]:
        return values(lib, case(d=d, e=e, f=f))

    same = at("2025-01-31", "2025-01-31")
    assert (same["is_before"], same["is_after"], same["on_or_before"], same["on_or_after"]) == (
        False,
        False,
        True,
        True,
    )
    assert same["is_between"] is True  # inclusive at the low end
    assert same["within_after"] is True and same["within_before"] is True  # the anchor itself counts
    assert at("2025-01-30", "2025-01-31")["is_before"] is True
    # between is inclusive at both ends
    assert at("2030-01-01", "2025-01-31")["is_between"] is True
    assert at("2030-01-02", "2025-01-31")["is_between"] is False
    assert at("2025-01-30", "2025-01-31")["is_between"] is False
    # within 3 months after 31 January ends on 30 April (end-of-month clamping), inclusive
    assert at("2025-04-30", "2025-01-31")["within_after"] is True
    assert at("2025-05-01", "2025-01-31")["within_after"] is False
    assert at("2025-01-30", "2025-01-31")["within_after"] is False  # before the anchor
    # within 10 calendar days before 31 January: 21 to 31 January
    assert at("2025-01-21", "2025-01-31")["within_before"] is True
    assert at("2025-01-20", "2025-01-31")["within_before"] is False
    assert at("2025-02-01", "2025-01-31")["within_before"] is False


def test_if_then_else_and_presence(tmp_path: Path) -> None:
    lib = computes(
        tmp_path,
        checked_on="if e is present then e else decision_date",
        e_missing="e is missing",
        e_present="e is present",
        sum_missing="(n + m) is missing",
        choose="if b then n else 0",
    )
    assert values(lib, case(e="2025-03-01")) == {
        "checked_on": "2025-03-01",
        "e_missing": False,
        "e_present": True,
        "sum_missing": True,  # m is absent, so n + m is missing too
        "choose": 3,
    }
    assert values(lib, case(m=1, b=False)) == {
        "checked_on": "2025-06-01",  # decision_date
        "e_missing": True,
        "e_present": False,
        "sum_missing": False,
        "choose": 0,
    }


def test_builtins_of_the_calendar(tmp_path: Path) -> None:
    lib = computes(
        tmp_path,
        som="start_of_month(d)",
        eom="end_of_month(d)",
        soq="start_of_quarter(d)",
        eoq="end_of_quarter(d)",
        slmq="start_of_last_month_of_quarter(d)",
        q="quarter_of(d)",
        qs="quarter_start(n + 2022, n)",
        qs_bad="quarter_start(2025, n + 2)",
        size="size(tags)",
    )
    v = values(lib, case(d="2024-02-29"))
    assert v == {
        "som": "2024-02-01",
        "eom": "2024-02-29",
        "soq": "2024-01-01",
        "eoq": "2024-03-31",
        "slmq": "2024-03-01",
        "q": 1,
        "qs": "2025-07-01",  # quarter 3 of 2025
        "qs_bad": None,  # there is no quarter 5: missing, not an error
        "size": 2,
    }


@pytest.mark.parametrize(
    ("d", "soq", "eoq", "slmq", "q"),
    [
        ("2025-01-01", "2025-01-01", "2025-03-31", "2025-03-01", 1),
        ("2025-03-31", "2025-01-01", "2025-03-31", "2025-03-01", 1),
        ("2025-04-01", "2025-04-01", "2025-06-30", "2025-06-01", 2),
        ("2025-06-30", "2025-04-01", "2025-06-30", "2025-06-01", 2),
        ("2025-07-01", "2025-07-01", "2025-09-30", "2025-09-01", 3),
        ("2025-09-30", "2025-07-01", "2025-09-30", "2025-09-01", 3),
        ("2025-10-01", "2025-10-01", "2025-12-31", "2025-12-01", 4),
        ("2025-12-31", "2025-10-01", "2025-12-31", "2025-12-01", 4),
    ],
)
def test_quarter_boundaries(tmp_path: Path, d: str, soq: str, eoq: str, slmq: str, q: int) -> None:
    lib = computes(
        tmp_path,
        soq="start_of_quarter(d)",
        eoq="end_of_quarter(d)",
        slmq="start_of_last_month_of_quarter(d)",
        q="quarter_of(d)",
        on_last_month="d on or after start_of_last_month_of_quarter(d)",
    )
    v = values(lib, case(d=d))
    assert (v["soq"], v["eoq"], v["slmq"], v["q"]) == (soq, eoq, slmq, q)
    assert v["on_last_month"] is (d >= slmq)


# ---- date arithmetic edge cases -------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expr", "expected"),
    [
        ("2025-01-31", "d + 1 month", "2025-02-28"),  # clamped to the end of February
        ("2024-01-31", "d + 1 month", "2024-02-29"),  # leap year
        ("2024-01-30", "d + 1 month", "2024-02-29"),
        ("2025-01-31", "d + 3 months", "2025-04-30"),
        ("2025-03-31", "d - 1 month", "2025-02-28"),
        ("2024-12-31", "d + 2 months", "2025-02-28"),  # across the year
        ("2025-05-31", "d + 1 month", "2025-06-30"),
        ("2024-02-29", "d + 1 year", "2025-02-28"),  # 29 February + 1 year
        ("2024-02-29", "d + 4 years", "2028-02-29"),
        ("2024-02-29", "d - 1 year", "2023-02-28"),
        ("2025-02-28", "d + 1 year", "2026-02-28"),
        ("2022-08-31", "d + 3 years", "2025-08-31"),
        ("2025-01-31", "d + 1 month + 1 month", "2025-03-28"),  # clamping is not undone
        ("2025-01-31", "d + 2 months", "2025-03-31"),  # …which is why 2 months is not 1 + 1
        ("2025-01-31", "d + 1 week", "2025-02-07"),
        ("2025-02-25", "d + 10 calendar days", "2025-03-07"),
        ("2024-02-25", "d + 10 calendar days", "2024-03-06"),
        ("2025-03-01", "d - 1 calendar day", "2025-02-28"),
        ("2025-01-31", "d + 0 months", "2025-01-31"),
    ],
)
def test_month_and_year_arithmetic(tmp_path: Path, d: str, expr: str, expected: str) -> None:
    lib = computes(tmp_path, r=expr)
    assert values(lib, case(d=d)) == {"r": expected}


def test_working_days_across_nauryz_with_the_real_calendar(tmp_path: Path) -> None:
    lib = computes(tmp_path, due="d + 10 working days", on_time="e on or before d + 10 working days")
    # 19 March 2024 (Tuesday): Nauryz 21-23 March and its moved day 25 March are not working
    # days (tests/test_calendar.py), so the 10th working day is 5 April, not 2 April.
    decision = lib.decide("probe", case(d="2024-03-19", e="2024-04-05"), as_of=JUNE)
    assert decision.values["due"]["value"] == "2024-04-05"
    assert decision.values["on_time"]["value"] is True
    assert values(lib, case(d="2024-03-19", e="2024-04-08"))["on_time"] is False
    assert decision.warnings == []  # 2024's transfers are confirmed


def test_working_days_in_an_unconfirmed_year_warn(tmp_path: Path) -> None:
    lib = computes(tmp_path, due="d + 10 working days")
    decision = lib.decide("probe", case(d="2026-05-20"), as_of=JUNE)
    assert decision.values["due"]["value"] is not None
    assert decision.warnings, "a deadline in 2026 rests on unconfirmed transfers"
    assert any("2026" in w for w in decision.warnings)


def test_working_days_outside_the_calendar_refuse_the_case(tmp_path: Path) -> None:
    lib = computes(tmp_path, due="d + 10 working days")
    with pytest.raises(CaseError) as info:
        lib.decide("probe", case(d="1999-12-01"), as_of=JUNE)
    assert info.value.title == "A date lies outside the working-day calendar"
    assert "1999" in str(info.value)


def test_dates_past_year_9999_refuse_the_case(tmp_path: Path) -> None:
    lib = computes(tmp_path, r="d + 1 year")
    with pytest.raises(CaseError) as info:
        lib.decide("probe", case(d="9999-06-01"), as_of=JUNE)
    assert info.value.title == "A date computed from the case is out of range"


# ---- missing facts: three-valued logic ------------------------------------------------------

TRUTH = {True: True, False: False, None: MISSING}


@pytest.mark.parametrize("c1", [True, False, None])
@pytest.mark.parametrize("c2", [True, False, None])
def test_kleene_and_or_not(tmp_path: Path, c1: bool | None, c2: bool | None) -> None:
    lib = computes(tmp_path, conj="c1 and c2", disj="c1 or c2", neg="not c1", eq="c1 = c2")
    v = values(lib, case(c1=TRUTH[c1], c2=TRUTH[c2]))
    conj = False if False in (c1, c2) else (None if None in (c1, c2) else True)
    disj = True if True in (c1, c2) else (None if None in (c1, c2) else False)
    assert v["conj"] is conj
    assert v["disj"] is disj
    assert v["neg"] is (None if c1 is None else not c1)
    assert v["eq"] is (None if None in (c1, c2) else c1 == c2)


def test_known_operand_decides_and_or_whatever_the_missing_one(tmp_path: Path) -> None:
    lib = computes(
        tmp_path,
        f_and="false and c1",
        c_and_f="c1 and false",
        t_or="true or c1",
        c_or_t="c1 or true",
        t_and="true and c1",
        f_or="false or c1",
    )
    assert values(lib, case()) == {
        "f_and": False,
        "c_and_f": False,
        "t_or": True,
        "c_or_t": True,
        "t_and": None,
        "f_or": None,
    }


def test_comparisons_arithmetic_and_calls_with_a_missing_operand(tmp_path: Path) -> None:
    lib = computes(
        tmp_path,
        cmp="m > 1",
        arith="m + 1",
        neg="-m",
        date_plus="e + 1 month",
        rel="e before d",
        in_range="d between e and f",
        in_month="d within 1 month after e",
        call="end_of_month(e)",
        member='t in {"a"}',
        ite="if c1 then 1 else 2",
    )
    assert values(lib, case()) == dict.fromkeys(
        ["cmp", "arith", "neg", "date_plus", "rel", "in_range", "in_month", "call", "member", "ite"]
    )


def test_quantifiers_over_elements_with_missing_fields(tmp_path: Path) -> None:
    lib = computes(
        tmp_path,
        any_flag="any i in items where i.flag",
        all_flag="all i in items where i.flag",
        count_flag="count i in items where i.flag",
        any_kind='any i in items where i.kind = "reprimand"',
        count_kind='count i in items where i.kind = "reprimand"',
        any_dated="any i in items where i.dated is present and i.dated after d",
        any_more="any i in more where i.flag",
        count_more='count i in more where i.kind = "remark"',
    )
    r = {"kind": "reprimand"}
    t = {"kind": "remark", "flag": True}
    f = {"kind": "remark", "flag": False}

    def v(items: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
        return values(lib, case(items=items, **kw))

    empty = v([])
    assert (empty["any_flag"], empty["all_flag"], empty["count_flag"]) == (False, True, 0)
    assert empty["any_more"] is None and empty["count_more"] is None  # the list itself is missing
    # one element with the flag missing
    one = v([r])
    assert (one["any_flag"], one["all_flag"], one["count_flag"]) == (None, None, None)
    assert (one["any_kind"], one["count_kind"]) == (True, 1)  # kind is required: known
    # a true element decides `any`; a false one decides `all`; count stays unknown
    mixed = v([r, t, f])
    assert (mixed["any_flag"], mixed["all_flag"], mixed["count_flag"]) == (True, False, None)
    assert v([t, t])["count_flag"] == 2
    assert v([t, f])["all_flag"] is False
    assert v([f, r])["any_flag"] is None
    # a guarded optional field is never missing: `is present and …`
    dated = v([{"kind": "remark", "dated": "2025-02-01"}, {"kind": "remark"}])
    assert dated["any_dated"] is True
    assert v([{"kind": "remark"}])["any_dated"] is False
    assert v([], more=[{"kind": "remark"}, {"kind": "remark", "flag": True}])["count_more"] == 2


# ---- outcomes, citations, exceptions: the real enrollment rules -----------------------------

ELIGIBLE: dict[str, Any] = {
    "employee": {
        "body": "special_state_body",
        "service_years": 12,
        "training": ["higher_legal", "command"],
        "subject_to_attestation": True,
        "attestation": {"decision": "corresponds_recommended_for_reserve", "date": "2025-03-14"},
        "sanctions": [],
        "reserve_history": [],
    },
    "target_position": {
        "first_head_of_special_state_body": False,
        "in_presidential_list": True,
        "requirements": {"min_service_years": 10, "training": ["higher_legal"]},
    },
    "nomination": {"nominated_by": "first_head_of_special_state_body", "materials_sent_on": "2025-05-20"},
}


@pytest.fixture(scope="module")
def enrollment() -> Library:
    return load_library(ENROLLMENT)


def enrol(**changes: Any) -> dict[str, Any]:
    """The eligible case with changes given as 'employee.service_years'=value (MISSING drops)."""
    out = copy.deepcopy(ELIGIBLE)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        target = out
        for p in parents:
            target = target[p]
        if value is MISSING:
            target.pop(last, None)
        else:
            target[last] = value
    return out


def roles(decision: Any) -> dict[str, str]:
    return {c.clause: c.role for c in decision.clauses}


def test_default_outcome_cites_every_clause_checked(enrollment: Library) -> None:
    decision = enrollment.decide("enrollment", ELIGIBLE, as_of=JUNE, lang="en")
    assert decision.outcome == "eligible"
    assert decision.outcome_title == "May be enrolled"
    assert roles(decision) == {
        "rules.1": "not_triggered",
        "rules.4": "not_triggered",
        "rules.7": "not_triggered",
        "rules.8.1": "satisfied",
        "rules.8.2": "satisfied",
        "rules.8.3": "satisfied",
        "rules.10.part5": "not_triggered",
        "rules.20": "satisfied",
    }
    assert decision.citations == list(roles(decision))  # in the order of the act
    text = decision.clauses[3]
    assert text.lang == "en" and text.text.startswith("1) who meet the qualification requirements")
    assert text.language_status == "unofficial" and text.amendment == "U2500000853"


def test_kazakh_is_the_default_language_of_citations(enrollment: Library) -> None:
    decision = enrollment.decide("enrollment", ELIGIBLE, as_of=JUNE)
    first = decision.clauses[0]
    assert first.lang == "kk" and first.language_status == "authoritative"
    assert first.text.startswith("1. Қазақстан Республикасы")


def test_a_failed_requirement_is_cited_alone(enrollment: Library) -> None:
    decision = enrollment.decide("enrollment", enrol(employee__service_years=9), as_of=JUNE)
    assert decision.outcome == "ineligible"
    assert roles(decision) == {"rules.8.1": "requirement_not_met"}


def test_all_grounds_are_cited(enrollment: Library) -> None:
    the_case = enrol(
        employee__service_years=9,
        employee__sanctions=[{"kind": "reprimand", "imposed_on": "2025-01-10"}],
    )
    decision = enrollment.decide("enrollment", the_case, as_of=JUNE)
    assert decision.outcome == "ineligible"
    assert roles(decision) == {"rules.8.1": "requirement_not_met", "rules.8.3": "requirement_not_met"}


def test_outcome_precedence_scope_beats_ineligible(enrollment: Library) -> None:
    # Outside the Rules' scope (rules.1) and failing 8.1: not_applicable comes first in the
    # decision's outcome list, so it wins and only its ground is cited.
    the_case = enrol(employee__body="other", employee__service_years=9)
    decision = enrollment.decide("enrollment", the_case, as_of=JUNE)
    assert decision.outcome == "not_applicable"
    assert roles(decision) == {"rules.1": "ground"}
    both = enrol(employee__body="other", target_position__first_head_of_special_state_body=True)
    decision = enrollment.decide("enrollment", both, as_of=JUNE)
    assert roles(decision) == {"rules.1": "ground", "rules.7": "ground"}


def test_sanction_in_force_on_the_sending_date(enrollment: Library) -> None:
    lifted_before = [{"kind": "reprimand", "imposed_on": "2024-01-10", "lifted_on": "2025-05-19"}]
    lifted_on_the_day = [{"kind": "reprimand", "imposed_on": "2024-01-10", "lifted_on": "2025-05-20"}]
    lifted_after = [{"kind": "reprimand", "imposed_on": "2024-01-10", "lifted_on": "2025-05-21"}]
    imposed_after = [{"kind": "reprimand", "imposed_on": "2025-05-21"}]
    outcome = {
        name: enrollment.decide("enrollment", enrol(employee__sanctions=s), as_of=JUNE).outcome
        for name, s in [
            ("lifted_before", lifted_before),
            ("lifted_on_the_day", lifted_on_the_day),
            ("lifted_after", lifted_after),
            ("imposed_after", imposed_after),
        ]
    }
    # materials sent 2025-05-20: in force = imposed on or before it and lifted after it
    assert outcome == {
        "lifted_before": "eligible",
        "lifted_on_the_day": "eligible",  # lifted that day: no longer in force on it
        "lifted_after": "ineligible",
        "imposed_after": "eligible",
    }


def test_unless_exception_waives_the_requirement(enrollment: Library) -> None:
    # rules.8.2: not subject to attestation, no attestation decision: the exception applies.
    the_case = enrol(employee__subject_to_attestation=False, employee__attestation=MISSING)
    decision = enrollment.decide("enrollment", the_case, as_of=JUNE)
    assert decision.outcome == "eligible"
    assert roles(decision)["rules.8.2"] == "exception"
    # A negative attestation decision, for someone not subject to attestation: still waived.
    waived = enrol(
        employee__subject_to_attestation=False,
        employee__attestation={"decision": "does_not_correspond", "date": "2025-03-14"},
    )
    assert enrollment.decide("enrollment", waived, as_of=JUNE).outcome == "eligible"
    # Subject to attestation and found not corresponding: the requirement bites.
    failed = enrol(employee__attestation={"decision": "does_not_correspond", "date": "2025-03-14"})
    decision = enrollment.decide("enrollment", failed, as_of=JUNE)
    assert decision.outcome == "ineligible"
    assert roles(decision) == {"rules.8.2": "requirement_not_met"}


def test_a_missing_fact_makes_the_case_undecidable_naming_its_pointer(enrollment: Library) -> None:
    the_case = enrol(employee__attestation=MISSING)  # subject to attestation, decision unknown
    with pytest.raises(CaseError) as info:
        enrollment.decide("enrollment", the_case, as_of=JUNE)
    error = info.value
    assert error.title == "The case lacks facts needed to decide"
    # The pointer names what the case lacks: the attestation (and so its decision).
    pointers = {p.pointer for p in error.problems}
    assert pointers & {"/employee/attestation", "/employee/attestation/decision"}, pointers
    assert any("rules.8.2" in p.message for p in error.problems)


def test_a_missing_fact_that_could_only_add_a_ground_does_not_refuse_the_case(enrollment: Library) -> None:
    # 8.3 refuses on a sanction in force; 8.2 cannot be evaluated (no attestation) but could
    # only give the same outcome: the answer stands, citing the ground that was established.
    the_case = enrol(
        employee__attestation=MISSING,
        employee__sanctions=[{"kind": "reprimand", "imposed_on": "2025-01-10"}],
    )
    decision = enrollment.decide("enrollment", the_case, as_of=JUNE, lang="en")
    assert decision.outcome == "ineligible"
    assert roles(decision) == {"rules.8.3": "requirement_not_met"}
    [warning] = [w for w in decision.warnings if "could not be evaluated" in w]
    assert "rules.8.2" in warning and "/employee/attestation" in warning
    assert "citations may be incomplete" in warning


def test_a_missing_fact_does_not_matter_when_a_higher_outcome_fires(enrollment: Library) -> None:
    the_case = enrol(employee__attestation=MISSING, target_position__in_presidential_list=False)
    decision = enrollment.decide("enrollment", the_case, as_of=JUNE)
    assert decision.outcome == "not_applicable"
    assert roles(decision) == {"rules.4": "ground"}


def test_rule_20_one_year_after_the_grounds_ceased(enrollment: Library) -> None:
    def spell(ceased: str | None) -> list[dict[str, Any]]:
        s: dict[str, Any] = {
            "enrolled_on": "2020-03-02",
            "excluded_on": "2023-02-01",
            "grounds": ["rules.18.3"],
        }
        if ceased:
            s["grounds_ceased_on"] = ceased
        return [s]

    def outcome(ceased: str | None, as_of: dt.date) -> str:
        return enrollment.decide(
            "enrollment", enrol(employee__reserve_history=spell(ceased)), as_of=as_of
        ).outcome

    # ceased 2024-06-01: eligible again from 2025-06-01 inclusive
    assert outcome("2024-06-01", D(2025, 5, 31)) == "ineligible"
    assert outcome("2024-06-01", D(2025, 6, 1)) == "eligible"
    # ceased on 29 February 2028: + 1 year = 28 February 2029 (clamped), eligible from that day
    assert outcome("2028-02-29", D(2029, 2, 27)) == "ineligible"
    assert outcome("2028-02-29", D(2029, 2, 28)) == "eligible"
    # grounds not ceased: barred
    assert outcome(None, D(2025, 6, 1)) == "ineligible"


def test_explain_trace_gives_each_condition_with_its_clause_line_and_value(enrollment: Library) -> None:
    decision = enrollment.decide("enrollment", ELIGIBLE, as_of=JUNE, explain=True)
    assert decision.trace is not None
    entries = {(t["clause"], t["expression"]): t for t in decision.trace}
    service = entries[
        ("rules.8.1", "employee.service_years >= target_position.requirements.min_service_years")
    ]
    assert service["value"] is True
    lines = (ENROLLMENT / "U1300000624" / "clauses" / "rules.yaml").read_text(encoding="utf-8").splitlines()
    assert (
        "employee.service_years >= target_position.requirements.min_service_years"
        in lines[service["line"] - 1]
    )
    # a boolean fact is a condition and is traced; another fact is not repeated in the trace,
    # the answer's facts give its value
    assert entries[("rules.4", "target_position.in_presidential_list")]["value"] is True
    assert ("rules.1", "employee.body") not in entries
    assert entries[("rules.1", 'employee.body not in {"special_state_body", "state_security_service"}')][
        "value"
    ] is False
    assert {"pointer": "/employee/body", "value": "special_state_body"} in decision.facts
    # the trace is JSON-ready and the plain decision has none
    json.dumps(decision.to_dict())
    assert enrollment.decide("enrollment", ELIGIBLE, as_of=JUNE).trace is None
    # tracing does not change the answer
    plain = enrollment.decide("enrollment", enrol(employee__service_years=1), as_of=JUNE)
    traced = enrollment.decide("enrollment", enrol(employee__service_years=1), as_of=JUNE, explain=True)
    assert (plain.outcome, plain.citations) == (traced.outcome, traced.citations)


def test_decision_reports_the_facts_it_read(enrollment: Library) -> None:
    decision = enrollment.decide("enrollment", enrol(employee__service_years=9), as_of=JUNE)
    facts = {f["pointer"]: f["value"] for f in decision.facts}
    assert facts["/employee/service_years"] == 9
    assert facts["/target_position/requirements/min_service_years"] == 10


# ---- editions -------------------------------------------------------------------------------


def test_edition_in_force_and_unknown_publication_warning(enrollment: Library) -> None:
    decision = enrollment.decide("enrollment", ELIGIBLE, as_of=JUNE, lang="en")
    assert decision.edition["id"] == "U1300000624@U2500000853"
    assert decision.edition["from"] == "2025-05-04"
    assert decision.edition["entry_into_force_certain"] is False
    assert decision.policy_hash.startswith("sha256:") and len(decision.policy_hash) == 71
    [warning] = [w for w in decision.warnings if "Decided under" in w]
    assert "U2500000853" in warning and "publication date" in warning
    # by default in Kazakh, and in Russian when asked, nothing of it in English
    [kk] = enrollment.decide("enrollment", ELIGIBLE, as_of=JUNE).warnings
    [ru] = enrollment.decide("enrollment", ELIGIBLE, as_of=JUNE, lang="ru").warnings
    assert "редакциясы бойынша шешілді" in kk and "Решено по редакции" in ru
    assert "Decided" not in kk + ru and "publication" not in kk + ru


def test_recorded_publication_removes_the_warning(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(ENROLLMENT, root)
    amendment = root / "U1300000624" / "amendments" / "U2500000853.yaml"
    text = amendment.read_text(encoding="utf-8")
    text = text.replace("  date: null\n  status: unknown\n", '  date: "2025-04-24"\n  status: known\n', 1)
    amendment.write_text(text, encoding="utf-8")
    lib = load_library(root)
    decision = lib.decide("enrollment", ELIGIBLE, as_of=JUNE, lang="en")
    assert decision.edition["entry_into_force_certain"] is True
    # published 24.04.2025, ten calendar days 25.04-04.05, in force from 05.05.2025
    assert decision.edition["from"] == "2025-05-05"
    assert not [w for w in decision.warnings if "Decided under" in w]
    # and the content hash differs from the unrecorded edition's
    assert (
        decision.policy_hash
        != load_library(ENROLLMENT).decide("enrollment", ELIGIBLE, as_of=JUNE).policy_hash
    )


def test_a_date_under_the_2013_wording_names_the_clauses_not_encoded(enrollment: Library) -> None:
    with pytest.raises(EditionError) as info:
        enrollment.decide("enrollment", ELIGIBLE, as_of=D(2025, 5, 3))
    assert "rules.8.1" in info.value.missing_clauses
    assert "rules.8.1" in str(info.value)


def test_a_date_before_the_first_edition_names_the_clauses(enrollment: Library) -> None:
    with pytest.raises(EditionError) as info:
        enrollment.decide("enrollment", ELIGIBLE, as_of=D(2013, 8, 27))
    message = str(info.value)
    assert "before the first encoded edition" in message and "2013-08-28" in message
    assert set(info.value.missing_clauses) >= {"rules.1", "rules.8.1", "rules.20"}


def test_policy_hash_is_stable_and_follows_the_rules(tmp_path: Path) -> None:
    first = load_library(ENROLLMENT).decide("enrollment", ELIGIBLE, as_of=JUNE).policy_hash
    again = load_library(ENROLLMENT).decide("enrollment", ELIGIBLE, as_of=JUNE).policy_hash
    assert first == again
    root = tmp_path / "policies"
    shutil.copytree(ENROLLMENT, root)
    clauses = root / "U1300000624" / "clauses" / "rules.yaml"
    text = clauses.read_text(encoding="utf-8")
    clauses.write_text(text.replace("+ 1 year)", "+ 2 years)", 1), encoding="utf-8")
    changed = load_library(root).decide("enrollment", ELIGIBLE, as_of=JUNE).policy_hash
    assert changed != first


# ---- exceptions with priority: override ----------------------------------------------------

OVERRIDDEN = """\
for probe:
  when n > 2 then refused
  compute limit = d + 1 year
"""
OVERRIDING = """\
for probe:
  override "probe.1" when s = "president" and c1
"""


def test_override_drops_the_overridden_clause_and_is_cited(tmp_path: Path) -> None:
    lib = probe(tmp_path, [OVERRIDDEN, OVERRIDING])
    # without the override, probe.1's ground refuses
    refused = lib.decide("probe", case(c1=False), as_of=JUNE)
    assert refused.outcome == "refused"
    assert roles(refused) == {"probe.1": "ground"}
    assert refused.values["limit"]["value"] == "2026-01-31"
    # with it, probe.1 does not apply: its ground and its computed values are dropped
    granted = lib.decide("probe", case(c1=True), as_of=JUNE)
    assert granted.outcome == "granted"
    assert roles(granted) == {"probe.2": "override"}
    assert "limit" not in granted.values


def test_an_undecidable_override_makes_the_case_undecidable(tmp_path: Path) -> None:
    lib = probe(tmp_path, [OVERRIDDEN, OVERRIDING])
    with pytest.raises(CaseError) as info:
        lib.decide("probe", case(), as_of=JUNE)  # c1 missing: the override cannot be decided
    assert "/c1" in {p.pointer for p in info.value.problems}


def test_unless_and_else_outcomes_with_a_missing_exception(tmp_path: Path) -> None:
    lib = probe(tmp_path, ["for probe:\n  require n < 3 unless c1 else refused\n"])
    assert lib.decide("probe", case(n=1), as_of=JUNE).outcome == "granted"  # exception not needed
    excepted = lib.decide("probe", case(n=5, c1=True), as_of=JUNE)
    assert excepted.outcome == "granted" and roles(excepted) == {"probe.1": "exception"}
    assert lib.decide("probe", case(n=5, c1=False), as_of=JUNE).outcome == "refused"
    with pytest.raises(CaseError) as info:
        lib.decide("probe", case(n=5), as_of=JUNE)
    assert "/c1" in {p.pointer for p in info.value.problems}


def test_precedence_follows_the_decision_file_not_the_clause_order(tmp_path: Path) -> None:
    rules = ["for probe:\n  when b then later\n", "for probe:\n  when b then first\n"]
    lib = probe(tmp_path, rules, outcomes=("first", "later", "none"), default="none")
    decision = lib.decide("probe", case(), as_of=JUNE)
    assert decision.outcome == "first" and decision.citations == ["probe.2"]
    assert lib.decide("probe", case(b=False), as_of=JUNE).outcome == "none"


def test_an_invalid_case_is_refused_before_any_rule_runs(tmp_path: Path) -> None:
    lib = computes(tmp_path, r="d + 1 month")
    with pytest.raises(CaseError) as info:
        lib.decide("probe", case(d="2025-02-30", n="three", zzz=1), as_of=JUNE)
    pointers = {p.pointer for p in info.value.problems}
    assert {"/d", "/n"} <= pointers
    assert any("zzz" in p.message for p in info.value.problems)


def test_edition_chosen_by_a_fact_date(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(ENROLLMENT, root)
    decision_file = root / "U1300000624" / "decisions" / "enrollment.yaml"
    text = decision_file.read_text(encoding="utf-8")
    assert "edition_date:\n  from: decision_date\n" in text
    decision_file.write_text(
        text.replace(
            "edition_date:\n  from: decision_date\n", "edition_date:\n  from: nomination.materials_sent_on\n"
        ),
        encoding="utf-8",
    )
    lib = load_library(root)
    # materials sent 2025-05-20, under No. 853: decided, whatever the decision date
    assert lib.decide("enrollment", ELIGIBLE, as_of=D(2025, 12, 1)).edition["id"] == "U1300000624@U2500000853"
    # sent 2025-05-03, before No. 853 could be in force: the 2013 wording, not encoded
    with pytest.raises(EditionError):
        lib.decide("enrollment", enrol(nomination__materials_sent_on="2025-05-03"), as_of=JUNE)
    with pytest.raises(CaseError) as info:
        lib.decide("enrollment", enrol(nomination__materials_sent_on=MISSING), as_of=JUNE)
    assert info.value.problems[0].pointer == "/nomination/materials_sent_on"


# ---- known engine bugs --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "c2", "outcome"),
    [
        (
            "for probe:\n  when c2 and d + 10 working days before decision_date then refused\n",
            False,
            "granted",
        ),
        ("for probe:\n  when c2 or d + 10 working days before decision_date then refused\n", True, "refused"),
        ("for probe:\n  compute r = if c2 then d + 10 working days else d\n", False, "granted"),
    ],
)
def test_a_decided_operand_short_circuits_like_a_known_fact(
    tmp_path: Path, rule: str, c2: bool, outcome: str
) -> None:
    # c2 decides the expression; d (1999) is outside the working-day calendar, never needed.
    lib = probe(tmp_path, [rule])
    assert lib.decide("probe", case(c2=c2, d="1999-06-01"), as_of=JUNE).outcome == outcome
    # The same rule over the required fact b already short-circuits.
    known = probe(tmp_path / "known", [rule.replace("c2", "b")])
    assert known.decide("probe", case(b=c2, d="1999-06-01"), as_of=JUNE).outcome == outcome


def test_if_mixing_integer_and_decimal_is_a_decimal(tmp_path: Path) -> None:
    from engine import PolicyError

    try:
        lib = probe(tmp_path, ["for probe:\n  compute r = quarter_start(2025, if b then 1 else 2.5)\n"])
    except PolicyError as exc:  # the fix: refused by the checker as a decimal argument
        assert "argument 2 of quarter_start" in str(exc)
        return
    lib.decide("probe", case(b=False), as_of=JUNE)


def test_a_huge_number_in_an_unbounded_fact_refuses_the_case(tmp_path: Path) -> None:
    from engine.jsonio import parse_case

    lib = computes(tmp_path, r="x + 1")
    try:
        huge = parse_case("1e999999999")
    except CaseError:
        return  # refused while reading the JSON: fixed that way
    with pytest.raises(CaseError):
        lib.decide("probe", case(x=huge), as_of=JUNE)
