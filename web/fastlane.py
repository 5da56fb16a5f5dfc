"""POST /v1/decisions/<question> without the framework's per-request machinery, when nothing
about the request is unusual.

Why: measured by instruction count (`python -m bench.instructions`), Flask and werkzeug's
per-request work — request and app contexts, URL matching, the `Request` and `Response`
objects, header normalisation — cost as much as deciding the case, validating it and logging
it together. That work buys nothing for the service's commonest request, a well-formed case
with a valid token, whose answer is always the same shape.

`FastLane` answers exactly that request by the steps of `web.api_decisions.decide_one`, with
the same functions, and hands every other request to Flask untouched:

- before the body is read (another method or path, a body without `Content-Length` or over
  the limit, a content type other than JSON, a missing, bad or revoked token, a bad query
  parameter): the request goes on as it came;
- after the body is read, when anything before the record reaches the log fails (malformed
  JSON, an invalid case, an unknown question...): the request goes on with the body it had,
  so Flask reads, refuses and words it as it always does. Nothing was logged: a refused case
  costs two attempts, a decided one a single pass;
- when reading the body or logging the record fails: Flask raises the same error in its
  place (`RAISE`), so the problem document is the one Flask's error handler writes.

The answer's bytes and headers are those Flask would send; `tests/web/test_fastlane.py`
compares the two paths request by request. `EREJE_FAST_LANE=0` turns the lane off.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Request, g, request

from web import params as P
from web.answers import build, shaped, view_of_query
from web.auth import bearer_token
from web.bodies import parse
from web.headers import API_HEADERS
from web.jsonio import dumps
from web.policies import get_holder
from web.store import get_store

# The route of `web.api_decisions.decide_one`: a question is one path segment.
_DECISION_PATH = re.compile(r"/v1/decisions/([^/]+)")
# A media type Flask's `require_mimetype` accepts, in the plain spelling only (anything odder
# takes Flask's parser).
_JSON_TYPE = re.compile(r"application/(?:json|[a-z0-9.+-]*\+json)")
# environ key: an exception Flask raises in place of the view (`raise_in_place`).
RAISE = "ereje.fast_lane.raise"
_RAISE_LANG = "ereje.fast_lane.lang"

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def client_of(environ: dict[str, Any]) -> dict[str, Any]:
    """The caller's connection details kept with the decision (redacted by the purge)."""
    info = {
        "remote_addr": environ.get("REMOTE_ADDR"),
        "user_agent": environ.get("HTTP_USER_AGENT"),
        "request_id": environ.get("HTTP_X_REQUEST_ID"),
    }
    return {k: v[:200] for k, v in info.items() if isinstance(v, str) and v}


def raise_in_place() -> None:
    """`before_request` of the API: raise what the lane left for Flask to answer."""
    exc = request.environ.get(RAISE)
    if exc is not None:
        g.answer_lang = request.environ.get(_RAISE_LANG)
        raise exc


class FastLane:
    """WSGI middleware in front of the API's Flask app (see the module docstring)."""

    def __init__(self, app: Flask, flask_wsgi: Wsgi) -> None:
        # Settings and services are looked up per request, as Flask's path does: tests and
        # worker start-up replace them after the app is built.
        self.app = app
        self.flask_wsgi = flask_wsgi
        self.headers = list(API_HEADERS.items())

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return self.flask_wsgi(environ, start_response)
        match = _DECISION_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None:
            return self.flask_wsgi(environ, start_response)
        try:
            length = self._plain_body(environ)
            token = bearer_token(environ.get("HTTP_AUTHORIZATION", ""))
            caller = self.app.extensions["ereje.tokens"].caller_of(token) if token else None
        except Exception:  # whatever is odd about the request, Flask has the answer to it
            length = caller = None
        if length is None or caller is None:  # Flask words the 401, 413 or 415
            return self.flask_wsgi(environ, start_response)
        return self._decide(environ, start_response, match.group(1), caller, length)

    def _plain_body(self, environ: dict[str, Any]) -> int | None:
        """The length of a JSON body within the limit, not chunked; else None."""
        length = environ.get("CONTENT_LENGTH", "")
        if not (length.isascii() and length.isdigit()) or "HTTP_TRANSFER_ENCODING" in environ:
            return None
        limit = self.app.config.get("MAX_CONTENT_LENGTH")  # None: no limit, as for Flask
        if limit is not None and int(length) > int(limit):
            return None
        kind = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
        return int(length) if _JSON_TYPE.fullmatch(kind) else None

    def _decide(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        question: str,
        caller: str,
        length: int,
    ) -> Iterable[bytes]:
        app = self.app
        config = app.config
        query_string = environ.get("QUERY_STRING", "").encode("latin-1")
        args = _LazyArgs(environ)
        try:
            snap = get_holder(app).snapshot  # this request's policy, whatever reloads happen
            view = view_of_query(query_string, args)
        except Exception:
            return self.flask_wsgi(environ, start_response)
        try:
            body = _read(environ["wsgi.input"], length)
        except Exception as exc:
            return self._in_place(environ, start_response, exc, None)
        environ["wsgi.input"] = io.BytesIO(body)  # Flask reads it from here if it must answer
        if len(body) < length:  # the client stopped sending: werkzeug words that
            return self.flask_wsgi(environ, start_response)
        try:
            case, params = P.case_and_params(
                parse(body, config["EREJE_MAX_JSON_DEPTH"]), query_string, args, P.zone_of(config)
            )
            P.check_question(snap.library, question, params)
            record, answer = build(snap, question, case, params, caller, client_of(environ))
        except Exception:
            return self.flask_wsgi(environ, start_response)
        try:
            get_store(app).record([record])  # durable before the answer leaves
        except Exception as exc:
            return self._in_place(environ, start_response, exc, params.lang)
        out = dumps(shaped(answer, view))
        start_response("201 CREATED", [
            ("Location", f"/v1/decisions/{record.decision_id}"),
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(out))),
            *self.headers,
        ])
        return [out]

    def _in_place(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        exc: Exception,
        lang: str | None,
    ) -> Iterable[bytes]:
        environ[RAISE] = exc
        environ[_RAISE_LANG] = lang
        environ["wsgi.input"] = io.BytesIO()
        return self.flask_wsgi(environ, start_response)


class _LazyArgs:
    """The query's arguments parsed as Flask parses them, on first use only."""

    __slots__ = ("environ", "parsed")

    def __init__(self, environ: dict[str, Any]) -> None:
        self.environ = environ
        self.parsed: Any = None

    def __call__(self) -> Any:
        if self.parsed is None:
            self.parsed = Request(self.environ).args
        return self.parsed


def _read(stream: Any, length: int) -> bytes:
    """Up to `length` bytes of the body (fewer when the client stopped sending)."""
    parts = []
    while length > 0:
        part = stream.read(length)
        if not part:
            break
        parts.append(part)
        length -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)  # one read, as a rule: no copy


def init_app(app: Flask) -> None:
    """Put the lane in front of `app`'s WSGI callable (after the pages, before the body limit)."""
    app.before_request(raise_in_place)
    if app.config["EREJE_FAST_LANE"]:
        app.wsgi_app = FastLane(app, app.wsgi_app)  # type: ignore[method-assign]
