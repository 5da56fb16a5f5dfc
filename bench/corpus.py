"""A generated corpus of realistic enrollment cases (fixed seed), for the benchmarks."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

TRAINING = ["higher_legal", "higher_military", "magistracy", "academy_of_law_enforcement", "language_b2"]
ATTESTATION = [
    "corresponds",
    "corresponds_recommended_for_reserve",
    "corresponds_recommended_for_promotion",
    "does_not_correspond",
]
SANCTIONS = [
    "remark",
    "reprimand",
    "severe_reprimand",
    "incomplete_conformity_warning",
    "dismissal_from_position",
    "rank_reduction",
]
SECONDMENTS = ["state_body", "international_organisation", "presidential_administration"]
NOMINATORS = [
    "first_head_of_special_state_body",
    "head_of_administration_subdivision",
]


def _day(rng: random.Random, start: dt.date, span_days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(span_days))


def enrollment_case(rng: random.Random) -> dict[str, Any]:
    base = dt.date(2023, 1, 1)
    sent = _day(rng, dt.date(2025, 5, 4), 400)
    sanctions = []
    for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 3])):
        imposed = _day(rng, base, 1200)
        sanction: dict[str, Any] = {"kind": rng.choice(SANCTIONS), "imposed_on": imposed.isoformat()}
        if rng.random() < 0.7:
            sanction["lifted_on"] = (imposed + dt.timedelta(days=rng.randrange(30, 400))).isoformat()
        sanctions.append(sanction)
    history = []
    if rng.random() < 0.2:
        enrolled = _day(rng, dt.date(2019, 1, 1), 1500)
        spell: dict[str, Any] = {
            "enrolled_on": enrolled.isoformat(),
            "excluded_on": (enrolled + dt.timedelta(days=300)).isoformat(),
            "grounds": [rng.choice(["rules.18.3", "rules.18.4", "rules.18.5"])],
        }
        if rng.random() < 0.8:
            spell["grounds_ceased_on"] = (enrolled + dt.timedelta(days=rng.randrange(300, 900))).isoformat()
        history.append(spell)
    subject = rng.random() < 0.85
    employee: dict[str, Any] = {
        "body": rng.choices(["special_state_body", "state_security_service", "other"], [80, 15, 5])[0],
        "military": rng.random() < 0.6,
        "service_years": rng.randrange(0, 30),
        "training": rng.sample(TRAINING, rng.randrange(1, 4)),
        "subject_to_attestation": subject,
        "sanctions": sanctions,
        "reserve_history": history,
    }
    if subject or rng.random() < 0.3:
        employee["attestation"] = {
            "decision": rng.choices(ATTESTATION, [40, 30, 20, 10])[0],
            "date": _day(rng, base, 900).isoformat(),
        }
    secondment = None
    if rng.random() < 0.15:
        secondment = rng.choice(SECONDMENTS)
        employee["secondment"] = {"to": secondment, "since": _day(rng, base, 800).isoformat()}
    nominator = (
        "head_of_administration_subdivision"
        if secondment == "presidential_administration" and rng.random() < 0.8
        # The Chief of the State Security Service is its first head (rules.8.part3): one name, 85 + 10.
        else rng.choices(NOMINATORS, [95, 5])[0]
    )
    nomination: dict[str, Any] = {"nominated_by": nominator, "materials_sent_on": sent.isoformat()}
    if secondment == "presidential_administration":
        nomination["agreed_by_first_head_of_seconding_body"] = rng.random() < 0.8
    if rng.random() < 0.05:
        nomination["appointment_submission_sent_on"] = sent.isoformat()
    return {
        "employee": employee,
        "target_position": {
            "title": "deputy head of a department",
            "first_head_of_special_state_body": rng.random() < 0.03,
            "in_presidential_list": rng.random() < 0.95,
            "requirements": {
                "min_service_years": rng.choice([3, 5, 7, 10]),
                "training": rng.sample(TRAINING[:3], rng.randrange(0, 2)),
            },
        },
        "nomination": nomination,
    }


def enrollment_corpus(n: int, seed: int = 624) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [enrollment_case(rng) for _ in range(n)]
