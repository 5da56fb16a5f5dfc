"""Reading request bodies, with the limits a public endpoint needs.

Flask's `get_json()` is not used: it accepts `NaN`, has no depth limit (a deeply nested body
ends in a `RecursionError`, i.e. a 500) and its errors are HTML. Here a wrong content type is a
415 problem, malformed JSON a 400 problem naming the position, and nesting deeper than the
configured limit a 400 problem — before the engine sees anything. The JSON itself is read by
the case codec (`engine.casecodec`): the numbers mean what they mean on every other path.
"""

from __future__ import annotations

from typing import Any

from flask import Request

from engine import casecodec
from engine.casemessages import unreadable
from engine.i18n import N_
from web.problems import Problem, quoted, say

JSON_MIMETYPES = ("application/json",)
JSONL_MIMETYPES = ("application/x-ndjson", "application/jsonl", "application/jsonlines")


def parse(text: str | bytes, max_depth: int | None) -> Any:
    """Parse one JSON document by the case codec; raise `Problem` on failure.

    Strict means: UTF-8, no NaN/Infinity, no lone surrogate escapes (`"\\ud800"` is valid
    JSON syntax but not text; it could be neither stored nor sent back as UTF-8), numbers read
    exactly (`engine.casecodec`), and at most `max_depth` levels of nesting (None: the caller
    checks depth itself).
    """
    try:
        return casecodec.decode(text, max_depth)
    except casecodec.CaseDecodeError as exc:
        raise problem_of(exc) from None


def problem_of(exc: casecodec.CaseDecodeError) -> Problem:
    """The problem answering a body the codec refused."""
    if exc.kind == casecodec.TOO_DEEP:
        if exc.max_depth is not None:
            return Problem("json-too-deep", say("problem.detail.json_nested", limit=exc.max_depth),
                           max_depth=exc.max_depth)
        return Problem("json-too-deep", say("problem.detail.json_too_deep"))
    return Problem(
        "malformed-json", unreadable(exc, N_("problem.detail.not_utf8"), N_("problem.detail.json_other"))
    )


def check_depth(value: Any, max_depth: int) -> None:
    """Refuse documents nested deeper than `max_depth` (iteratively: no recursion to exhaust)."""
    try:
        casecodec.check_depth(value, max_depth)
    except casecodec.CaseDecodeError as exc:
        raise problem_of(exc) from None


def require_mimetype(request: Request, allowed: tuple[str, ...]) -> str:
    """The request's mimetype if it is one of `allowed` (or a `+json` suffix type), else 415."""
    mimetype = request.mimetype
    if mimetype in allowed or ("application/json" in allowed and mimetype.endswith("+json")):
        return mimetype
    shown = mimetype or "none"
    raise Problem(
        "unsupported-media-type",
        say("problem.detail.media_type", value=quoted(shown), allowed=", ".join(allowed)),
        accepted=list(allowed),
    )


def read_json(request: Request, max_depth: int) -> Any:
    """The request body as one JSON document."""
    require_mimetype(request, JSON_MIMETYPES)
    return parse(request.get_data(cache=False), max_depth)

