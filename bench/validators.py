"""The valid-case check, option by option, on the generated enrollment corpus (`make bench`).

Measured beside the hand-written decision (bench/handwritten.py), so each figure is a ratio
within one run:
- jsonschema (Draft 2020-12, what writes the detailed report);
- fastjsonschema (the check used before the compiled one);
- jsonschema-rs (Rust), when installed: it first converts every case into its own values;
- msgspec typed conversion, when installed, with types written by hand for this one schema
  below (it has no `additionalProperties` schema, no `format: date` of jsonschema's reading,
  and a schema would need its own type generator: measured only to see what it could save);
- the schema compiled to Python source (`engine.schemacode`), which the engine uses.

Only the first and the last are dependencies of the project; the others are measured when
present (`pip install jsonschema-rs msgspec fastjsonschema`) and skipped with a note otherwise.
"""

import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.corpus import enrollment_corpus
from bench.handwritten import enrollment as handwritten

POLICIES = Path(os.environ.get("EREJE_POLICIES", "policies"))
AS_OF = dt.date(2025, 9, 1)
N = int(os.environ.get("EREJE_BENCH_VALIDATION_CASES", "20000"))


def enrollment_schema() -> dict[str, Any]:
    from engine import load_library

    return load_library(POLICIES).acts["U1300000624"].decisions["enrollment"].case_schema


def options(schema: dict[str, Any]) -> dict[str, Callable[[Any], bool] | str]:
    """name -> is_valid(case), or the reason the option is not measured here."""
    from jsonschema import Draft202012Validator

    from engine.casecheck import FORMATS, CaseValidator, _date_format

    found: dict[str, Callable[[Any], bool] | str] = {
        "jsonschema": Draft202012Validator(schema, format_checker=FORMATS).is_valid,
    }
    try:
        import fastjsonschema

        fast = fastjsonschema.compile(schema, formats={"date": _date_format})

        def fast_valid(case: Any) -> bool:
            try:
                fast(case)
            except fastjsonschema.JsonSchemaException:
                return False
            return True

        found["fastjsonschema"] = fast_valid
    except ImportError:
        found["fastjsonschema"] = "not installed"
    try:
        import jsonschema_rs

        found["jsonschema-rs"] = jsonschema_rs.Draft202012Validator(schema, validate_formats=True).is_valid
    except ImportError:
        found["jsonschema-rs"] = "not installed"
    try:
        found["msgspec (hand-written types)"] = _msgspec_check()
    except ImportError:
        found["msgspec (hand-written types)"] = "not installed"
    found["compiled schema (engine.schemacode)"] = CaseValidator(schema).is_valid  # as the engine has it
    return found


def _msgspec_check() -> Callable[[Any], bool]:
    """The enrollment schema as msgspec types, converting the already-decoded case."""
    from typing import Annotated, Literal

    import msgspec

    Text = Annotated[str, msgspec.Meta(max_length=100)]
    Years = Annotated[float, msgspec.Meta(ge=0, le=80)]
    opts = {"forbid_unknown_fields": True, "kw_only": True}

    class Sanction(msgspec.Struct, **opts):
        kind: Literal["remark", "reprimand", "severe_reprimand", "incomplete_conformity_warning",
                      "dismissal_from_position", "rank_reduction", "dismissal_from_service", "other"]
        imposed_on: dt.date
        lifted_on: dt.date | None = None
        corruption_offence: bool | None = None

    class Spell(msgspec.Struct, **opts):
        enrolled_on: dt.date
        excluded_on: dt.date | None = None
        grounds: list[Annotated[str, msgspec.Meta(pattern=r"^rules\.18\.[1-8]$")]] | None = None
        grounds_ceased_on: dt.date | None = None

    class Attestation(msgspec.Struct, **opts):
        decision: Literal["corresponds", "corresponds_recommended_for_reserve",
                          "corresponds_recommended_for_promotion", "does_not_correspond"]
        date: dt.date

    class Secondment(msgspec.Struct, **opts):
        to: str
        since: dt.date

    class Employee(msgspec.Struct, **opts):
        body: Literal["special_state_body", "state_security_service", "other"]
        service_years: Years
        training: Annotated[list[Text], msgspec.Meta(max_length=50)]
        subject_to_attestation: bool
        sanctions: Annotated[list[Sanction], msgspec.Meta(max_length=200)]
        reserve_history: Annotated[list[Spell], msgspec.Meta(max_length=50)]
        military: bool | None = None
        attestation: Attestation | None = None
        secondment: Secondment | None = None

    class Requirements(msgspec.Struct, **opts):
        min_service_years: Years
        training: Annotated[list[Text], msgspec.Meta(max_length=50)]

    class Target(msgspec.Struct, **opts):
        first_head_of_special_state_body: bool
        in_presidential_list: bool
        requirements: Requirements
        title: Annotated[str, msgspec.Meta(max_length=300)] | None = None

    class Nomination(msgspec.Struct, **opts):
        nominated_by: Literal["first_head_of_special_state_body", "head_of_administration_subdivision",
                              "chief_of_state_security_service", "other"]
        agreed_by_first_head_of_seconding_body: bool | None = None
        materials_sent_on: dt.date | None = None
        appointment_submission_sent_on: dt.date | None = None

    class Case(msgspec.Struct, **opts):
        employee: Employee
        target_position: Target
        nomination: Nomination

    convert = msgspec.convert

    def check(case: Any) -> bool:
        try:
            convert(case, Case)
        except msgspec.ValidationError:
            return False
        return True

    return check


def per_case(fn: Callable[[Any], Any], cases: list[Any], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for case in cases:
            fn(case)
        best = min(best, time.perf_counter() - start)
    return best / len(cases)


def main() -> int:
    schema = enrollment_schema()
    cases = enrollment_corpus(N)
    hand = per_case(lambda c: handwritten(c, AS_OF), cases)
    print(f"valid-case check, {N:,} generated enrollment cases, best of 3 (wall time, this run)")
    print(f"  {'hand-written decision (yardstick)':<40}{hand * 1e6:8.2f} µs   1.00×")
    status = 0
    for name, check in options(schema).items():
        if isinstance(check, str):
            print(f"  {name:<40}  skipped: {check}")
            continue
        refused = sum(1 for c in cases if not check(c))
        cost = per_case(check, cases)
        note = f"  ({refused} of the valid corpus refused: disagrees)" if refused else ""
        print(f"  {name:<40}{cost * 1e6:8.2f} µs  {cost / hand:5.2f}×{note}")
        if refused and name.startswith("compiled"):
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
