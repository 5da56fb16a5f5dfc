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
    from web.answers import record_of
    from web.store import StoreError, get_store

    client = {
        "remote_addr": request.remote_addr,
        "user_agent": (request.headers.get("User-Agent") or "")[:200] or None,
        "via": "/try",
    }
    record, _ = record_of(
        result, question, case, result.get("act") or act_id, day, lang, True,
        getattr(g, "caller", None) or ANONYMOUS, {k: v for k, v in client.items() if v},
    )
    try:
        get_store(api).record([record])
    except StoreError as exc:
        raise ServiceUnavailable("the decision log cannot be written") from exc
    return record.decision_id
