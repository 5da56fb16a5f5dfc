"""From a case to an answer and its log record, and from a log record back to the answer.

The answer is the engine's `Decision.to_dict()` plus what makes it a record: its id, when it
was logged, the act and date it was decided under, the case's SHA-256. The log keeps the
answer without what it already holds in columns (id, time, act, date, outcome, citations,
edition, policy hash, case hash) and without the cited clauses' texts — the law's own words,
fixed by (clause, amendment, language), which the log keeps. A row is then ~1 KB instead of
~10 KB, which is what the per-decision commit (and its fsync) pays for. `full_answer`
rebuilds the answer exactly as it was sent (texts from the loaded act).

Two views of one answer: `full` (the default, above) and `compact` (`?view=compact`), for
machine callers that need the outcome and its grounds but not the law's text: outcome,
citations, values, edition, policy hash, decision id, warnings. The view changes only what is
sent: the log keeps the full answer whichever view was asked for, so GET /v1/decisions/<id>
can return either.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from engine.errors import CaseError
from web.ids import new_id
from web.params import Params, QueryMemo
from web.policies import PolicySnapshot
from web.problems import Problem, case_problem, quoted, say
from web.store import DecisionRecord, case_digest, utcnow

# Answer members stored as columns of the log, in the order the answer shows them.
_HEAD = ("decision_id", "recorded_at", "question", "act", "as_of", "lang")
_COLUMN_MEMBERS = frozenset(
    {*_HEAD, "outcome", "citations", "edition", "policy_hash", "case_sha256"}
)


VIEWS = ("full", "compact")
COMPACT_MEMBERS = ("decision_id", "outcome", "citations", "values", "edition", "policy_hash", "warnings")


def view_of(args: Any) -> str:
    """The `view` query parameter: `full` (default) or `compact`; anything else is a 400."""
    view = args.get("view")
    if view is None or view == "full":
        return "full"
    if view == "compact":
        return view
    raise Problem(
        "invalid-parameter",
        say("problem.detail.one_of", name="view", value=quoted(view), allowed=", ".join(VIEWS)),
        parameter="view",
    )


_VIEWS = QueryMemo(256)


def view_of_query(query_string: bytes, parsed: Any) -> str:
    """`view_of(parsed())`, remembered per query string as the decision's other parameters are
    (`web.params.resolve_query`): parsing the query again only to read `view` cost as much."""
    view: str | None = _VIEWS.get(query_string)
    if view is None:
        view = view_of(parsed())  # a bad view raises here and is never remembered
        _VIEWS.keep(query_string, view)
    return view


def shaped(answer: dict[str, Any] | None, view: str) -> dict[str, Any] | None:
    """The answer in `view`: itself when full, its compact members otherwise."""
    if answer is None or view == "full":
        return answer
    return {k: answer.get(k) for k in COMPACT_MEMBERS}


def iso(moment: _dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def decide(
    snap: PolicySnapshot,
    question: str,
    case: Any,
    params: Params,
    policy_hash: str | None = None,
) -> dict[str, Any]:
    """The engine's decision as a JSON-ready dict (engine errors propagate).

    `policy_hash` pins the edition with that content hash (re-checking a stored decision).
    """
    kwargs: dict[str, Any] = {"act_id": params.act, "as_of": params.as_of,
                              "explain": params.explain}
    if params.lang is not None:
        kwargs["lang"] = params.lang
    if policy_hash is not None:
        kwargs["policy_hash"] = policy_hash
    try:
        return snap.library.decide(question=question, case=case, **kwargs).to_dict()
    except CaseError as exc:  # its fields named from the decision's schema, in the caller's words
        raise case_problem(exc, snap.library, question, params.act) from None


def build(
    snap: PolicySnapshot,
    question: str,
    case: Any,
    params: Params,
    caller: str,
    client: dict[str, Any],
) -> tuple[DecisionRecord, dict[str, Any]]:
    """Decide one case; return its log record and its answer (neither stored yet)."""
    result = decide(snap, question, case, params)
    return record_of(
        result, question, case, result.get("act") or params.act, params.as_of, params.lang,
        params.explain, caller, client,
    )


def record_of(
    result: dict[str, Any],
    question: str,
    case: Any,
    act: str | None,
    as_of: _dt.date,
    lang: str | None,
    explain: bool,
    caller: str,
    client: dict[str, Any],
) -> tuple[DecisionRecord, dict[str, Any]]:
    """A decided case's log record and the answer as sent: one shape for every path that
    decides (the API, the try page), so every logged decision reads back alike."""
    decision_id = new_id()
    now = utcnow()
    answer = {
        "decision_id": decision_id,
        "recorded_at": iso(now),
        "question": question,
        "act": act,
        "as_of": as_of.isoformat(),
        "lang": lang,
        **result,
    }
    answer.setdefault("warnings", [])
    answer["case_sha256"] = digest = case_digest(case)
    record = DecisionRecord(
        decision_id=decision_id,
        recorded_at=now,
        caller=caller,
        question=question,
        act_id=act,
        as_of=as_of,
        lang=lang,
        explain=explain,
        outcome=str(result.get("outcome")),
        edition=result.get("edition"),
        policy_hash=result.get("policy_hash"),
        citations=list(result.get("citations") or []),
        case_sha256=digest,
        case=case,
        answer=stored_answer(answer),
        client=client,
    )
    return record, answer


def stored_answer(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer as logged: without its column members and without clause texts."""
    out = {k: v for k, v in answer.items() if k not in _COLUMN_MEMBERS}
    clauses = out.get("clauses")
    if isinstance(clauses, list):
        out["clauses"] = [_without_text(c) for c in clauses]
    return out


def _without_text(citation: Any) -> Any:
    if not isinstance(citation, dict):
        return citation
    kept = dict(citation)
    kept.pop("text", None)
    return kept


def _columns(record: DecisionRecord) -> dict[str, Any]:
    """The members of an answer the log keeps in columns of its own."""
    return {
        "decision_id": record.decision_id,
        "recorded_at": iso(record.recorded_at),
        "question": record.question,
        "act": record.act_id,
        "as_of": record.as_of.isoformat(),
        "lang": record.lang,
        "outcome": record.outcome,
        "citations": record.citations,
        "edition": record.edition,
        "policy_hash": record.policy_hash,
    }


def full_answer(record: DecisionRecord, acts: dict[str, Any]) -> dict[str, Any] | None:
    """The answer as it was sent, from the record (None once purged)."""
    if record.answer is None:
        return None
    answer: dict[str, Any] = {**_columns(record), **record.answer, "case_sha256": record.case_sha256}
    act = acts.get(record.act_id) if record.act_id else None
    if act is not None and isinstance(answer.get("clauses"), list):
        answer["clauses"] = [_with_text(act, c) for c in answer["clauses"]]
    return answer


def _with_text(act: Any, citation: Any) -> Any:
    """A citation with its text back, from the version the citation names."""
    if not isinstance(citation, dict) or "text" in citation:
        return citation
    clause = act.clauses.get(citation.get("clause"))
    versions = clause.versions if clause is not None else []
    version = next((v for v in versions if v.amendment == citation.get("amendment")), None)
    text = (version.texts or {}).get(citation.get("lang")) if version is not None else None
    return {**citation, "text": text}


def stored_view(record: DecisionRecord, acts: dict[str, Any], view: str = "full") -> dict[str, Any]:
    """GET /v1/decisions/<id>: the record with the answer in `view` (recheck added by caller)."""
    return {
        **_columns(record),
        "caller": record.caller,
        "case_sha256": record.case_sha256,
        "case": record.case,
        "answer": shaped(full_answer(record, acts), view),
        "purged_at": iso(record.purged_at) if record.purged_at else None,
    }
