"""GET /v1/decisions (a caller's own decisions, a page at a time) and its JSON-lines export.

A service caller has to reconcile its records with ours: which decisions did we make for it
last month, on which question, under which policy hash. The token says who is asking; no
caller ever sees another's decisions.

- `GET /v1/decisions?from=&to=&question=&limit=&cursor=`: summaries (no case, no answer),
  oldest first; `next_cursor` (and a `Link: <…>; rel="next"` header) continues after the last
  one. Paging is by key (recorded_at, decision_id), so a page costs the same however deep it
  is and decisions logged meanwhile are neither repeated nor skipped.
- `GET /v1/decisions/export` (or `GET /v1/decisions` with `Accept: application/x-ndjson`): every
  matching decision as stored (case, answer as sent), one JSON object a line, streamed: read
  from the log a chunk at a time, so memory stays bounded whatever the range.

`from` and `to` are dates (YYYY-MM-DD; `to` includes that whole day) or RFC 3339 times with a
zone (`to` then excluded), on the time the decision was recorded (UTC).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, g, request, stream_with_context

from engine.casecodec import parse_date
from web.answers import stored_view
from web.auth import require_token
from web.bodies import JSONL_MIMETYPES
from web.jsonio import dumps, json_response
from web.policies import get_holder
from web.problems import Message, Problem, quoted, say
from web.store import DecisionQuery, DecisionRecord, get_store

bp = Blueprint("decision_list", __name__, url_prefix="/v1/decisions")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
EXPORT_CHUNK = 500
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_QUESTION = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def _bad(parameter: str, detail: Message) -> Problem:
    return Problem("invalid-parameter", detail, parameter=parameter)


def _instant(name: str, value: str, end: bool) -> dt.datetime:
    """A bound of the range: a date is its day's start (or, for `to`, the next day's)."""
    if _DATE.match(value):
        try:
            day = parse_date(value)
        except ValueError:
            raise _bad(name, say("problem.detail.no_such_day", name=name, value=quoted(value))) from None
        start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        return start + dt.timedelta(days=1) if end else start
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _bad(
            name,
            say("problem.detail.not_an_instant", name=name, value=quoted(value)),
        )
    return moment.astimezone(dt.UTC)


def encode_cursor(record: DecisionRecord) -> str:
    raw = json.dumps([record.recorded_at.astimezone(dt.UTC).isoformat(), record.decision_id])
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def _decode_cursor(text: str) -> tuple[dt.datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        at, decision_id = json.loads(raw)
        moment = dt.datetime.fromisoformat(at)
        if moment.tzinfo is None or not isinstance(decision_id, str):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _bad("cursor", say("problem.detail.bad_cursor")) from None
    return moment, decision_id


def _query(args: Any) -> DecisionQuery:
    since = _instant("from", args["from"], end=False) if args.get("from") else None
    until = _instant("to", args["to"], end=True) if args.get("to") else None
    if since is not None and until is not None and until <= since:
        raise _bad("to", say("problem.detail.to_before_from"))
    question = args.get("question") or None
    if question is not None and not _QUESTION.match(question):
        raise _bad("question", say("problem.detail.not_a_question", value=quoted(question)))
    after = _decode_cursor(args["cursor"]) if args.get("cursor") else None
    return DecisionQuery(caller=g.caller, since=since, until=until, question=question, after=after)


def _limit(args: Any) -> int:
    text = args.get("limit")
    if text is None:
        return DEFAULT_LIMIT
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise _bad("limit", say("problem.detail.limit", limit=MAX_LIMIT))
    return int(text)


def summary(record: DecisionRecord) -> dict[str, Any]:
    """What a listing shows of a decision: the columns of the stored view (`stored_view`),
    the edition by its id, and none of the personal fields (case, answer, client)."""
    view = stored_view(record, {})
    return {
        **{k: view[k] for k in _SUMMARY},
        "edition": record.edition.get("id") if isinstance(record.edition, dict) else record.edition,
        "purged": record.purged_at is not None,
        "href": f"/v1/decisions/{record.decision_id}",
    }


_SUMMARY = ("decision_id", "recorded_at", "question", "act", "as_of", "lang", "outcome", "citations",
            "policy_hash", "case_sha256")


def _wants_lines() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", *JSONL_MIMETYPES])
    return best in JSONL_MIMETYPES and request.accept_mimetypes[best] > request.accept_mimetypes[
        "application/json"
    ]


@bp.get("")
@require_token
def list_decisions() -> Response:
    if _wants_lines():
        return _export()
    query = _query(request.args)
    limit = _limit(request.args)
    records = get_store().list_decisions(replace(query, limit=limit + 1))
    page, more = records[:limit], len(records) > limit
    body: dict[str, Any] = {"decisions": [summary(r) for r in page], "next_cursor": None}
    headers = {"Cache-Control": "no-store"}
    if more:
        body["next_cursor"] = encode_cursor(page[-1])
        keep = {k: v for k, v in request.args.items() if k != "cursor"}
        headers["Link"] = f'</v1/decisions?{urlencode({**keep, "cursor": body["next_cursor"]})}>; rel="next"'
    return json_response(body, headers=headers)


@bp.get("/export")
@require_token
def export_decisions() -> Response:
    return _export()


def _export() -> Response:
    query = _query(request.args)
    store = get_store()
    holder = get_holder()
    acts = holder.snapshot.library.acts if holder.loaded else {}

    def lines() -> Iterator[bytes]:
        q = replace(query, limit=EXPORT_CHUNK)
        while True:
            chunk = store.list_decisions(q)
            for record in chunk:
                yield dumps(stored_view(record, acts)) + b"\n"
            if len(chunk) < EXPORT_CHUNK:
                return
            q = replace(q, after=(chunk[-1].recorded_at, chunk[-1].decision_id))

    return Response(
        stream_with_context(lines()),
        mimetype="application/x-ndjson",
        headers={"Cache-Control": "no-store", "Content-Disposition": 'attachment; filename="decisions.jsonl"'},
    )
