"""POST /v1/decisions/<question>[/batch], GET /v1/decisions/<decision_id>.

The body is the case; `as_of`, `act`, `lang`, `explain` are query parameters or envelope
fields (`web.params`). Every decision is written to the log before its answer leaves
(`web.store`); if the log cannot be written the caller gets 503 and no decision. Errors,
including each refused case of a batch, are problem documents (`web.problems`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, g, request

from web import batchio
from web import params as P
from web.answers import build, decide, shaped, stored_view, view_of, view_of_query
from web.auth import require_token
from web.bodies import (
    JSON_MIMETYPES,
    JSONL_MIMETYPES,
    parse,
    read_json,
    require_mimetype,
)
from web.fastlane import client_of
from web.gcpause import collection_paused
from web.ids import is_id
from web.jsonio import dumps, json_response
from web.policies import get_holder
from web.problems import Problem, problem_for, quoted, say
from web.store import DecisionRecord, get_store

bp = Blueprint("decisions", __name__, url_prefix="/v1/decisions")


def _client() -> dict[str, Any]:
    """The caller's connection details kept with the decision (redacted by the purge)."""
    return client_of(request.environ)


def _zone() -> str:
    return P.zone_of(current_app.config)


@bp.post("/<question>")
@require_token
def decide_one(question: str) -> Response:
    snap = get_holder().snapshot  # this request's policy, whatever reloads happen meanwhile
    view = view_of_query(request.query_string, lambda: request.args)
    body = read_json(request, current_app.config["EREJE_MAX_JSON_DEPTH"])
    case, params = P.case_and_params(body, request.query_string, lambda: request.args, _zone())
    g.answer_lang = params.lang  # this request's problems speak the answer's language
    P.check_question(snap.library, question, params)
    record, answer = build(snap, question, case, params, g.caller, _client())
    get_store().record([record])  # durable before the answer leaves
    return json_response(
        shaped(answer, view), status=201, headers={"Location": f"/v1/decisions/{record.decision_id}"}
    )


# -- batch ---------------------------------------------------------------------------------
def _too_many(max_cases: int) -> Problem:
    return Problem(
        "batch-too-large",
        say("problem.detail.batch_too_large", limit=max_cases),
        max_cases=max_cases,
    )


def _batch_source(max_cases: int) -> tuple[int, Iterator[tuple[Any, Problem | None]]]:
    """How many cases the batch holds, and its cases one at a time, each parsed (or refused
    with its own problem) only when its turn comes (`web.batchio`).

    The whole body is checked first: a malformed array or too many cases refuse the batch
    before anything is decided. Depth is left to the engine case by case (it refuses a
    too-deep case as invalid), so one deep case does not fail its batch.
    """
    mimetype = require_mimetype(request, JSON_MIMETYPES + JSONL_MIMETYPES)
    request.max_content_length = current_app.config["EREJE_BATCH_MAX_BYTES"]
    data = request.get_data(cache=False)
    too_many = _too_many(max_cases)
    if mimetype in JSONL_MIMETYPES:
        spans = batchio.line_items(data, max_cases, too_many)
        source: bytes | str = data
    else:
        source = batchio.decode(data)
        del data  # the text stays, the bytes go
        spans = batchio.array_items(source, max_cases, too_many)

    def items() -> Iterator[tuple[Any, Problem | None]]:
        for start, end in spans:
            raw = source[start:end]
            try:
                yield parse(raw if isinstance(raw, bytes) else raw.encode("utf-8"), None), None
            except Problem as problem:
                yield None, problem

    return len(spans), items()


def _batch_answer(
    snap: Any,
    question: str,
    index: int,
    body: Any,
    refused: Problem | None,
    defaults: P.Params,
    client: dict[str, Any],
    view: str = "full",
) -> tuple[bytes, DecisionRecord | None]:
    """One batch item's encoded result, and its record when it was decided.

    A case answers for itself: its problem is its result. A 5xx is not the case's fault
    and fails the batch."""
    lang = defaults.lang
    if refused is None:
        try:
            case, fields = P.split_envelope(body)
            params = defaults
            if fields:
                lang = fields.get("lang") if isinstance(fields.get("lang"), str) else lang
                params = P.resolve(request.args, fields, _zone(), fields_win=True)
                P.check_question(snap.library, question, params)
            record, answer = build(snap, question, case, params, g.caller, client)
        except Exception as exc:
            refused = problem_for(exc)
            if refused.status >= 500:
                raise
        else:
            return dumps({"index": index, "status": 201, "decision": shaped(answer, view)}), record
    return dumps({"index": index, "status": refused.status, "problem": refused.to_dict(lang)}), None


@bp.post("/<question>/batch")
@require_token
def decide_batch(question: str) -> Response:
    """One answer per case, in order; a refused case does not fail the others.

    Each answer is encoded as soon as it is made and spooled, its record handed to the log,
    which (with the SQLite log writer) commits earlier cases while later ones are decided. The
    answer leaves only when every record is durable (`BatchLog.close`), streamed from the
    spool: memory stays bounded whatever the batch's size (`web.batchio`).
    """
    snap = get_holder().snapshot
    defaults = P.resolve(request.args, {}, _zone())  # validates the query once for all
    g.answer_lang = defaults.lang
    view = view_of(request.args)
    P.check_question(snap.library, question, defaults)
    with _batch_slots().hold(g.caller):
        count, items = _batch_source(current_app.config["EREJE_BATCH_MAX_CASES"])
        client = _client()
        spool = batchio.Spool()
        decided = 0
        log = get_store().batch_log()
        try:
            with collection_paused():
                for index, (body, refused) in enumerate(items):
                    part, record = _batch_answer(
                        snap, question, index, body, refused, defaults, client, view
                    )
                    spool.add(part)
                    if record is not None:
                        log.add(record, len(part))
                        decided += 1
                log.close()  # durable before the answer leaves
        except BaseException:
            log.abandon()
            spool.close()
            raise
    head = dumps(
        {"question": question, "count": count, "decided": decided, "refused": count - decided}
    )[:-1] + b',"results":['
    tail = b"]}"
    response = Response(spool.stream(head, tail), status=200, mimetype="application/json")
    response.headers["Content-Length"] = str(len(head) + spool.size + len(tail))
    return response


def _batch_slots() -> batchio.BatchSlots:
    """Per-caller batch slots in the instance folder, shared by every worker of the server."""
    slots = current_app.extensions.get("ereje.batch_slots")
    if slots is None:
        slots = current_app.extensions["ereje.batch_slots"] = batchio.BatchSlots(
            Path(current_app.instance_path) / "batch-slots",
            int(current_app.config["EREJE_BATCH_CONCURRENCY"]),
        )
    return slots


# -- reading back --------------------------------------------------------------------------
def _rerun(snap: Any, record: DecisionRecord, pin: str | None) -> dict[str, Any]:
    """Outcome and policy hash of the stored case decided again (or the problem refusing it)."""
    params = P.Params(as_of=record.as_of, act=record.act_id, lang=record.lang, explain=False)
    try:
        result = decide(snap, record.question, record.case, params, pin)
    except Exception as exc:
        problem = problem_for(exc)
        if problem.status >= 500:
            raise
        return {"outcome": None, "policy_hash": None, "problem": problem.to_dict()}
    return {"outcome": result.get("outcome"), "policy_hash": result.get("policy_hash")}


def recheck(record: DecisionRecord) -> dict[str, Any]:
    """Re-run a stored decision on the edition whose policy hash it recorded.

    Looks through the live snapshot and the superseded ones this process still holds; a
    policy hash none of them has (the edition was edited before this process started) is
    `policy_unavailable`, with what the live policy answers under `current`.
    """
    if record.case is None:
        return {"status": "case_purged", "outcome": None, "policy_hash": record.policy_hash}
    snapshots = get_holder().snapshots()
    for snap in snapshots:
        if record.policy_hash and snap.has_policy_hash(record.policy_hash):
            again = _rerun(snap, record, record.policy_hash)
            same = again["outcome"] == record.outcome and "problem" not in again
            out = {
                "status": "same" if same else "different",
                "outcome": again["outcome"],
                "policy_hash": record.policy_hash,
            }
            if "problem" in again:
                out["problem"] = again["problem"]
            return out
    return {
        "status": "policy_unavailable",
        "outcome": None,
        "policy_hash": record.policy_hash,
        "current": _rerun(snapshots[0], record, None) if snapshots else None,
    }


@bp.get("/<decision_id>")
@require_token
def get_decision(decision_id: str) -> Response:
    """A caller reads its own decisions only; another caller's id is answered as unknown."""
    view = view_of(request.args)
    record = get_store().get(decision_id) if is_id(decision_id) else None
    if record is None or record.caller != g.caller:
        raise Problem("unknown-decision", say("problem.detail.unknown_decision", id=quoted(decision_id)))
    holder = get_holder()
    acts = holder.snapshot.library.acts if holder.loaded else {}
    stored = stored_view(record, acts, view)
    stored["recheck"] = recheck(record)
    return json_response(stored)
