"""The enrollment rules written by hand in Python: the yardstick for the compiled engine.

Kept in bench/ only. It mirrors the rules in policies/U1300000624 (rules.1, 4, 7, 8.1, 8.2,
8.3, 8.part3, 8.part4, 10.part5, 20) and returns the same (outcome, citations); the benchmark
checks that both agree on every generated case before timing anything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

_date = dt.date.fromisoformat
_SUPPORTING = frozenset(
    {"corresponds", "corresponds_recommended_for_reserve", "corresponds_recommended_for_promotion"}
)
_CHECKED = (
    "rules.1",
    "rules.4",
    "rules.7",
    "rules.8.1",
    "rules.8.2",
    "rules.8.3",
    "rules.8.part3",
    "rules.8.part4",
    "rules.10.part5",
    "rules.20",
)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def enrollment(case: dict[str, Any], on: dt.date) -> tuple[str, tuple[str, ...]]:
    employee = case["employee"]
    target = case["target_position"]
    nomination = case["nomination"]
    not_applicable = []
    if employee["body"] not in ("special_state_body", "state_security_service"):
        not_applicable.append("rules.1")
    if not target["in_presidential_list"]:
        not_applicable.append("rules.4")
    if target["first_head_of_special_state_body"]:
        not_applicable.append("rules.7")
    if not_applicable:
        return "not_applicable", tuple(not_applicable)
    ineligible = []
    req = target["requirements"]
    if not (
        employee["service_years"] >= req["min_service_years"]
        and all(level in employee["training"] for level in req["training"])
    ):
        ineligible.append("rules.8.1")
    if employee["subject_to_attestation"]:
        attestation = employee.get("attestation")
        if attestation is None:
            raise ValueError("undecidable: attestation missing")
        if attestation["decision"] not in _SUPPORTING:
            ineligible.append("rules.8.2")
    sent = nomination.get("materials_sent_on")
    check_on = _date(sent) if sent is not None else on
    for s in employee["sanctions"]:
        lifted = s.get("lifted_on")
        if _date(s["imposed_on"]) <= check_on and (lifted is None or _date(lifted) > check_on):
            ineligible.append("rules.8.3")
            break
    secondment = employee.get("secondment")
    if secondment is not None:
        if (
            secondment["to"] in ("state_body", "international_organisation")
            and nomination["nominated_by"] != "first_head_of_special_state_body"
        ):
            ineligible.append("rules.8.part3")
        if secondment["to"] == "presidential_administration" and not (
            nomination["nominated_by"] == "head_of_administration_subdivision"
            and nomination.get("agreed_by_first_head_of_seconding_body") is True
        ):
            ineligible.append("rules.8.part4")
    appointment = nomination.get("appointment_submission_sent_on")
    if sent is not None and appointment is not None and appointment == sent:
        ineligible.append("rules.10.part5")
    for spell in employee["reserve_history"]:
        if "rules.18.3" in spell.get("grounds", ()):
            ceased = spell.get("grounds_ceased_on")
            if ceased is None or on < _add_years(_date(ceased), 1):
                ineligible.append("rules.20")
                break
    if ineligible:
        return "ineligible", tuple(ineligible)
    return "eligible", _CHECKED
