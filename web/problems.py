"""Errors as data: every error the service returns is an RFC 9457 `application/problem+json`.

Callers are other systems. They branch on the stable `type` URI and `status` (never on the
`title` or `detail`), show `detail` to a person, and for a refused case walk `errors[]`, each
with a JSON `pointer` into the case they sent and the `kind` of rule it broke. So the catalogue
below is part of the public API: add kinds, never rename one. A traceback is never sent; the
unexpected is logged here and answered with a bare 500 problem.

The human text — `title`, `detail`, each error's `message` — is said in the caller's language
(`engine.i18n`: kk by default, ru, en), chosen as the answers choose theirs: the `lang` query
parameter, else (once a decision's envelope is read) its `lang` field, else Kazakh. A problem
therefore carries its detail as a catalogue message and its fields (`say`), and is put into
words only when it is sent; the machine members never change with the language.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from werkzeug.exceptions import HTTPException

from engine import errors as ee
from engine.casemessages import CaseErrorItem, detail_key, namer_for
from engine.errors import CaseError
from engine.i18n import DEFAULT_LANG, LANGS, N_, Message, say
from web.jsonio import dumps
from web.store.base import StoreError

PROBLEM_MIMETYPE = "application/problem+json"
PROBLEM_BASE = "https://ereje.kz/problems/"

log = logging.getLogger("ereje.web")


@dataclass(frozen=True)
class ProblemKind:
    """One entry of the catalogue: the slug of the `type` URI, its title's message, HTTP status."""

    slug: str
    title_key: str
    status: int

    @property
    def uri(self) -> str:
        return PROBLEM_BASE + self.slug

    def title(self, lang: str | None = None) -> str:
        return say(self.title_key).render(lang)


def caller_lang() -> str:
    """The language of this request's problems: its `lang` query parameter, else the decision
    envelope's `lang` once read (`g.answer_lang`), else Kazakh. A value that is not an interface
    language is not used here (the decision endpoints refuse it as a parameter)."""
    if not has_request_context():
        return DEFAULT_LANG
    asked = request.args.get("lang")
    if asked in LANGS:
        return str(asked)
    chosen = g.get("answer_lang")
    return chosen if chosen in LANGS else DEFAULT_LANG


_KINDS = [
    ProblemKind("malformed-request", N_("problem.malformed-request"), 400),
    ProblemKind("malformed-json", N_("problem.malformed-json"), 400),
    ProblemKind("json-too-deep", N_("problem.json-too-deep"), 400),
    ProblemKind("invalid-parameter", N_("problem.invalid-parameter"), 400),
    ProblemKind("unauthorized", N_("problem.unauthorized"), 401),
    ProblemKind("forbidden", N_("problem.forbidden"), 403),
    ProblemKind("not-found", N_("problem.not-found"), 404),
    ProblemKind("unknown-act", N_("problem.unknown-act"), 404),
    ProblemKind("unknown-clause", N_("problem.unknown-clause"), 404),
    ProblemKind("unknown-question", N_("problem.unknown-question"), 404),
    ProblemKind("unknown-decision", N_("problem.unknown-decision"), 404),
    ProblemKind("method-not-allowed", N_("problem.method-not-allowed"), 405),
    ProblemKind("not-acceptable", N_("problem.not-acceptable"), 406),
    ProblemKind("payload-too-large", N_("problem.payload-too-large"), 413),
    ProblemKind("uri-too-long", N_("problem.uri-too-long"), 414),
    ProblemKind("batch-too-large", N_("problem.batch-too-large"), 413),
    ProblemKind("unsupported-media-type", N_("problem.unsupported-media-type"), 415),
    ProblemKind("invalid-case", N_("problem.invalid-case"), 422),
    ProblemKind("too-many-batches", N_("problem.too-many-batches"), 429),
    ProblemKind("header-fields-too-large", N_("problem.header-fields-too-large"), 431),
    ProblemKind("edition-not-in-force", N_("problem.edition-not-in-force"), 422),
    ProblemKind("calendar-out-of-range", N_("problem.calendar-out-of-range"), 422),
    ProblemKind("evaluation-limit", N_("problem.evaluation-limit"), 422),
    ProblemKind("decision-refused", N_("problem.decision-refused"), 422),
    ProblemKind("policy-unavailable", N_("problem.policy-unavailable"), 503),
    ProblemKind("store-unavailable", N_("problem.store-unavailable"), 503),
    ProblemKind("not-ready", N_("problem.not-ready"), 503),
    ProblemKind("internal-error", N_("problem.internal-error"), 500),
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

    `detail` is a `Message` (`say(key, **fields)`), said in the caller's language when the
    document is written. `errors` carries the items of a refused case, each a mapping or an
    object with `to_dict(lang)` (`case_problem`); any other keyword becomes an extension member
    of the document (RFC 9457 §3.2), e.g. `known=[...]` for an unknown act.
    """

    def __init__(
        self,
        slug: str,
        detail: Message,
        *,
        errors: Iterable[Any] | None = None,
        headers: Mapping[str, str] | None = None,
        status: int | None = None,
        **extensions: Any,
    ) -> None:
        if slug not in KINDS:
            raise ValueError(f"{slug!r} is not a problem kind; known kinds: {', '.join(KINDS)}")
        if not isinstance(detail, Message):
            raise TypeError("a problem's detail is a catalogue message: say(key, **fields)")
        super().__init__(detail.render("en"))
        self.kind = KINDS[slug]
        self.message = detail
        self.status = status or self.kind.status
        self.errors = list(errors) if errors is not None else None
        self.headers = dict(headers or {})
        self.extensions = extensions

    @property
    def detail(self) -> str:
        """The detail in the caller's language (in the log and tests: outside a request, Kazakh)."""
        return self.message.render(caller_lang())

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The document in `lang` (default: the caller's language)."""
        lang = lang if lang in LANGS else caller_lang()
        doc: dict[str, Any] = {
            "type": self.kind.uri,
            "title": self.kind.title(lang),
            "status": self.status,
            "detail": self.message.render(lang),
        }
        if self.errors is not None:
            doc["errors"] = [e.to_dict(lang) if hasattr(e, "to_dict") else dict(e) for e in self.errors]
        for key, value in self.extensions.items():
            doc.setdefault(key, value)
        return doc

    def response(self) -> Response:
        resp = Response(dumps(self.to_dict()), status=self.status, mimetype=PROBLEM_MIMETYPE)
        for name, value in self.headers.items():
            resp.headers[name] = value
        return resp


# The detail of each status werkzeug raises, in our words (its own are English, and may echo
# the request).
_HTTP_DETAIL = {
    400: N_("problem.detail.http.400"),
    401: N_("problem.detail.http.401"),
    403: N_("problem.detail.http.403"),
    404: N_("problem.detail.http.404"),
    405: N_("problem.detail.http.405"),
    406: N_("problem.detail.http.406"),
    413: N_("problem.detail.http.413"),
    415: N_("problem.detail.http.415"),
}


def from_http_exception(exc: HTTPException) -> Problem:
    """Translate werkzeug's exceptions (404, 405, 413, …) keeping their useful headers (Allow)."""
    code = exc.code or 500
    slug = _HTTP_KIND.get(code, "malformed-request" if code < 500 else "internal-error")
    headers = {}
    for name, value in exc.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            headers[name] = value
    if code in _HTTP_DETAIL:
        detail = say(_HTTP_DETAIL[code])
    elif code >= 500:
        detail = say("problem.detail.internal")
    else:
        detail = say("problem.detail.http.other", status=code)
    return Problem(slug, detail, headers=headers, status=code)


def from_engine_error(exc: Exception) -> Problem | None:
    """Map the engine's error taxonomy onto the catalogue; `None` when `exc` is not one of ours.

    A refused case found outside a decision endpoint (no schema at hand to name its fields) is
    said with its pointers as the field names (`case_problem`).
    """
    if isinstance(exc, ee.CaseError):
        return case_problem(exc, None, None)
    if isinstance(exc, ee.UnknownQuestion):
        return Problem(
            "unknown-question", say("problem.detail.unknown_question", question=quoted(exc.question)),
            known=list(exc.known),
        )
    if isinstance(exc, ee.UnknownAct):
        return Problem("unknown-act", say("problem.detail.unknown_act", act=quoted(exc.act_id)), known=list(exc.known))
    if isinstance(exc, ee.EditionError):
        return Problem(
            "edition-not-in-force",
            say("problem.detail.edition_not_in_force", clauses=", ".join(exc.missing_clauses) or "—"),
            missing_clauses=list(exc.missing_clauses),
        )
    if isinstance(exc, ee.CalendarError):
        return Problem("calendar-out-of-range", say("problem.detail.calendar_out_of_range"))
    if isinstance(exc, ee.EvaluationLimit):
        return Problem("evaluation-limit", say("problem.detail.evaluation_limit"))
    if isinstance(exc, ee.PolicyError):
        # A policy error at decision time means the live policy is unusable for this question;
        # the drafters' issues are for the log, not for the caller.
        log.error("policy error while deciding: %s", exc)
        return Problem("policy-unavailable", say("problem.detail.policy_unusable"))
    if isinstance(exc, ee.ErejeError):  # a kind added to the engine after this mapping
        log.warning("decision refused: %s", exc)
        return Problem("decision-refused", say("problem.detail.decision_refused"))
    return None


def quoted(value: Any) -> str:
    """A value the caller sent, as JSON (quoted, escaped), for a detail to name it."""
    import json

    return json.dumps(value, ensure_ascii=False, default=str)


def problem_for(exc: BaseException) -> Problem:
    """The problem answering any exception; the unexpected is logged with its traceback."""
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, HTTPException):
        return from_http_exception(exc)
    if isinstance(exc, StoreError):
        log.error("decision log unavailable: %s", exc)
        return Problem("store-unavailable", say("problem.detail.store_unavailable"))
    mapped = from_engine_error(exc) if isinstance(exc, Exception) else None
    if mapped is not None:
        return mapped
    log.error("unexpected error answering a request", exc_info=exc)
    return Problem("internal-error", say("problem.detail.internal"))


def init_app(app: Flask) -> None:
    """Route every error — ours, werkzeug's, the engine's, the unexpected — to problem+json."""

    def handle(exc: Exception) -> Response:
        return problem_for(exc).response()

    app.register_error_handler(Exception, handle)
    app.register_error_handler(HTTPException, handle)


def case_problem(exc: CaseError, library: Any, question: str | None, act_id: str | None = None) -> Problem:
    """The 422 `invalid-case` problem of a refused case, its errors said in the caller's language."""
    namer = namer_for(library, question, act_id)
    return Problem(
        "invalid-case",
        say(detail_key(exc.problems), count=len(exc.problems)),
        errors=[CaseErrorItem(p, namer) for p in exc.problems],
    )
