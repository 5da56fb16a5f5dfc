"""The try-a-case page reads a pasted case as the service does (the case codec).

A float-valued year is that year, and a decimal compares exactly: the page answers what
`ereje decide` and the API answer for the same text.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from test_try_page import ACT, EXAMPLES, library, outcome_of, submit

from engine import casecodec


def _pasted(example: dict[str, Any], spelling: str) -> str:
    case = casecodec.decode(casecodec.case_text(example["case"]).encode())
    case["quarter"]["calendar_year"] = "@@"
    return casecodec.case_text(case).replace('"@@"', spelling)


def test_a_float_valued_year_is_that_year_on_the_page(app: Any, en_client: Any) -> None:
    example = next(e for e in EXAMPLES if e["question"] == "schedule")
    as_of = example["as_of"]
    year = example["case"]["quarter"]["calendar_year"]
    expected = library(app).decide("schedule", example["case"], as_of=as_of, act_id=ACT).outcome
    url = f"/try/{ACT}/schedule"
    for spelling in (f"{year}", f"{year}.0", f"{year}e0"):
        fields = [("mode", "json"), ("case_json", _pasted(example, spelling)), ("as_of", as_of.isoformat())]
        assert outcome_of(submit(en_client, url, fields)) == expected, spelling
    page = submit(en_client, url, [("mode", "json"), ("case_json", _pasted(example, f"{year}.5")),
                                   ("as_of", as_of.isoformat())])
    assert outcome_of(page) is None and "/quarter/calendar_year" in page
