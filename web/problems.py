"""Errors as data: every error the service returns is an RFC 9457 `application/problem+json`.

Callers are other systems. They branch on the stable `type` URI (never on the English `title`
or `detail`), show `detail` to a person, and for a refused case walk `errors[]`, each with a
JSON pointer into the case they sent. So the catalogue below is part of the public API:
add kinds, never rename one. A traceback is never sent; the unexpected is logged here and
answered with a bare 500 problem.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from engine import errors as ee
from web.jsonio import dumps

PROBLEM_MIMETYPE = "application/problem+json"
PROBLEM_BASE = "https://ereje.kz/problems/"

log = logging.getLogger("ereje.web")


@dataclass(frozen=True)
class ProblemKind:
    """One entry of the catalogue: the slug of the `type` URI, its title and HTTP status."""

    slug: str
    title: str
    status: int

    @property
    def uri(self) -> str:
        return PROBLEM_BASE + self.slug


_KINDS = [
    ProblemKind("malformed-request", "The request is malformed", 400),
    ProblemKind("malformed-json", "The body is not valid JSON", 400),
    ProblemKind("json-too-deep", "The JSON body is nested too deeply", 400),
    ProblemKind("invalid-parameter", "A parameter is not valid", 400),
    ProblemKind("unauthorized", "A valid bearer token is required", 401),
    ProblemKind("forbidden", "This caller may not do that", 403),
    ProblemKind("not-found", "No such resource", 404),
    ProblemKind("unknown-act", "No loaded act has this id", 404),
    ProblemKind("unknown-clause", "The act has no clause with this id", 404),
    ProblemKind("unknown-question", "No decision of this name", 404),
    ProblemKind("unknown-decision", "No decision with this id in the log", 404),
    ProblemKind("method-not-allowed", "The method is not allowed on this resource", 405),
    ProblemKind("not-acceptable", "The requested representation is not available", 406),
    ProblemKind("payload-too-large", "The request body is too large", 413),
    ProblemKind("uri-too-long", "The request line is too long", 414),
    ProblemKind("batch-too-large", "The batch has too many cases", 413),
    ProblemKind("unsupported-media-type", "The body's content type is not supported", 415),
    ProblemKind("invalid-case", "The case is not valid", 422),
    ProblemKind("too-many-batches", "Too many batches of this caller in progress", 429),
    ProblemKind("header-fields-too-large", "The request's header fields are too large", 431),
    ProblemKind("edition-not-in-force", "No encoded edition decides this on that date", 422),
    ProblemKind("calendar-out-of-range", "The date is outside the working-day calendar", 422),
    ProblemKind("evaluation-limit", "A value left the range the engine can represent", 422),
    ProblemKind("decision-refused", "The engine refused to decide this case", 422),
    ProblemKind("policy-unavailable", "No policy is loaded", 503),
    ProblemKind("store-unavailable", "The decision log cannot be written", 503),
    ProblemKind("not-ready", "The service is not ready", 503),
    ProblemKind("internal-error", "Internal server error", 500),
]
KINDS: dict[str, ProblemKind] = {k.slug: k for k in _KINDS}

# Werkzeug's HTTP exceptions we expect, mapped onto our catalogue; any other status keeps the
# generic kind for its class (4xx → malformed-request, 5xx → internal-error).
_HTTP_KIND = {
    400: "malformed-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    413: "payload-too-large",
    415: "unsupported-media-type",
}


class Problem(Exception):
    """Raise anywhere under a request to answer with a problem document.

    `errors` carries `{pointer, message}` items for case errors; any other keyword becomes an
    extension member of the document (RFC 9457 §3.2), e.g. `known=[...]` for an unknown act.
    """

    def __init__(
        self,
        slug: str,
        detail: str,
        *,
        errors: Iterable[Mapping[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        status: int | None = None,
        **extensions: Any,
    ) -> None:
        if slug not in KINDS:
            raise ValueError(f"{slug!r} is not a problem kind; known kinds: {', '.join(KINDS)}")
        super().__init__(detail)
        self.kind = KINDS[slug]
        self.detail = detail
        self.status = status or self.kind.status
        self.errors = [dict(e) for e in errors] if errors is not None else None
        self.headers = dict(headers or {})
        self.extensions = extensions

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "type": self.kind.uri,
            "title": self.kind.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors is not None:
            doc["errors"] = self.errors
        for key, value in self.extensions.items():
            doc.setdefault(key, value)
        return doc

    def response(self) -> Response:
        resp = Response(dumps(self.to_dict()), status=self.status, mimetype=PROBLEM_MIMETYPE)
        for name, value in self.headers.items():
            resp.headers[name] = value
        return resp


def from_http_exception(exc: HTTPException) -> Problem:
    """Translate werkzeug's exceptions (404, 405, 413, …) keeping their useful headers (Allow)."""
    code = exc.code or 500
    slug = _HTTP_KIND.get(code, "malformed-request" if code < 500 else "internal-error")
    headers = {}
    for name, value in exc.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            headers[name] = value
    detail = exc.description or KINDS[slug].title
    if code >= 500:
        detail = KINDS[slug].title
    return Problem(slug, detail, headers=headers, status=code)


def from_engine_error(exc: Exception) -> Problem | None:
    """Map the engine's error taxonomy onto the catalogue; `None` when `exc` is not one of ours."""
    if isinstance(exc, ee.CaseError):
        return Problem(
            "invalid-case",
            getattr(exc, "title", None) or "The case is not valid",
            errors=[_problem_item(p) for p in exc.problems],
        )
    if isinstance(exc, ee.UnknownQuestion):
        return Problem("unknown-question", str(exc), known=list(exc.known))
    if isinstance(exc, ee.UnknownAct):
        return Problem("unknown-act", str(exc), known=list(exc.known))
    if isinstance(exc, ee.EditionError):
        return Problem(
            "edition-not-in-force", str(exc), missing_clauses=list(exc.missing_clauses)
        )
    if isinstance(exc, ee.CalendarError):
        return Problem("calendar-out-of-range", str(exc))
    if isinstance(exc, ee.EvaluationLimit):
        return Problem("evaluation-limit", str(exc))
    if isinstance(exc, ee.PolicyError):
        # A policy error at decision time means the live policy is unusable for this question;
        # the drafters' issues are for the log, not for the caller.
        log.error("policy error while deciding: %s", exc)
        return Problem("policy-unavailable", "The policy for this question could not be used")
    if isinstance(exc, ee.ErejeError):  # a kind added to the engine after this mapping
        return Problem("decision-refused", str(exc))
    return None


def _problem_item(p: Any) -> dict[str, str]:
    if isinstance(p, Mapping):
        return {"pointer": str(p.get("pointer", "")), "message": str(p.get("message", ""))}
    return {"pointer": str(getattr(p, "pointer", "")), "message": str(getattr(p, "message", p))}


def problem_for(exc: BaseException) -> Problem:
    """The problem answering any exception; the unexpected is logged with its traceback."""
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, HTTPException):
        return from_http_exception(exc)
    from web.store import StoreError

    if isinstance(exc, StoreError):
        log.error("decision log unavailable: %s", exc)
        return Problem("store-unavailable", "the decision log cannot be written; nothing was decided")
    mapped = from_engine_error(exc) if isinstance(exc, Exception) else None
    if mapped is not None:
        return mapped
    log.error("unexpected error answering a request", exc_info=exc)
    return Problem("internal-error", "The server could not answer; the error has been logged")


def init_app(app: Flask) -> None:
    """Route every error — ours, werkzeug's, the engine's, the unexpected — to problem+json."""

    def handle(exc: Exception) -> Response:
        return problem_for(exc).response()

    app.register_error_handler(Exception, handle)
    app.register_error_handler(HTTPException, handle)
