"""Decisions made on the /try page go to the decision log, like the API's.

A case tried on the page is decided by the same engine on the same policy; unlogged, the page
was a way to have decisions made that no one could account for. So each is logged before it is
shown: caller `anonymous` (or the token's caller when the page is protected,
`EREJE_PROTECTED_PAGES`), the client's address and `"via": "/try"`. If the log cannot be
written the page answers 503 and shows no decision, as the API does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, request
from werkzeug.exceptions import ServiceUnavailable

ANONYMOUS = "anonymous"


def record_try(
    api: Any, act_id: str, question: str, case: Any, day: dt.date, lang: str,
    result: dict[str, Any],
) -> str:
    """Log the page's decision; return its decision id."""
    from web.answers import iso, stored_answer
    from web.ids import new_id
    from web.store import DecisionRecord, StoreError, case_digest, get_store, utcnow

    decision_id = new_id()
    now = utcnow()
    act = result.get("act") or act_id
    digest = case_digest(case)
    answer = {
        "decision_id": decision_id, "recorded_at": iso(now), "question": question, "act": act,
        "as_of": day.isoformat(), "lang": lang, **result, "case_sha256": digest,
    }
    client = {
        "remote_addr": request.remote_addr,
        "user_agent": (request.headers.get("User-Agent") or "")[:200] or None,
        "via": "/try",
    }
    record = DecisionRecord(
        decision_id=decision_id,
        recorded_at=now,
        caller=getattr(g, "caller", None) or ANONYMOUS,
        question=question,
        act_id=act,
        as_of=day,
        lang=lang,
        explain=True,
        outcome=str(result.get("outcome")),
        edition=result.get("edition"),
        policy_hash=result.get("policy_hash"),
        citations=list(result.get("citations") or []),
        case_sha256=digest,
        case=case,
        answer=stored_answer(answer),
        client={k: v for k, v in client.items() if v},
    )
    try:
        get_store(api).record([record])
    except StoreError as exc:
        raise ServiceUnavailable("the decision log cannot be written") from exc
    return decision_id
