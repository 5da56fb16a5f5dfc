"""A refused case as the service's 422 problem document, its errors in the caller's language.

How each problem is said — the catalogue message of its kind, the field named by its title in
the act's fields.yaml — lives in the core (`engine.casemessages`), shared with `ereje decide`;
here it becomes the `invalid-case` problem, said when the document is written.
"""

from __future__ import annotations

from typing import Any

from engine.casemessages import CaseErrorItem, detail_key, namer_for
from engine.errors import CaseError
from web.problems import Problem, say


def case_problem(exc: CaseError, library: Any, question: str | None, act_id: str | None = None) -> Problem:
    """The 422 `invalid-case` problem of a refused case, its errors said in the caller's language."""
    namer = namer_for(library, question, act_id)
    return Problem(
        "invalid-case",
        say(detail_key(exc.problems), count=len(exc.problems)),
        errors=[CaseErrorItem(p, namer) for p in exc.problems],
    )
