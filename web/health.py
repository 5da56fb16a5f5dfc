"""GET /healthz (the process answers) and GET /readyz (it can decide and log right now).

Load balancers and orchestrators poll these; /readyz also tells an operator which policy
version is live and why the last reload was refused, so a broken edit is visible without
reading the log.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from web.jsonio import json_response
from web.params import today
from web.policies import get_holder
from web.problems import Problem
from web.store import StoreError, get_store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    return json_response({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Response:
    holder = get_holder()
    policies = holder.status(today(current_app.config.get("EREJE_TIMEZONE") or "Asia/Almaty"))
    store = get_store()
    store_status: dict[str, object] = {"backend": store.dialect, "writable": False}
    try:
        store.ping()
        store_status["schema_version"] = store.schema_version()
        store_status["writable"] = True
    except StoreError as exc:
        store_status["error"] = str(exc)
    if policies["loaded"] and store_status["writable"]:
        return json_response({"status": "ready", "policies": policies, "store": store_status})
    reasons = []
    if not policies["loaded"]:
        reasons.append("no policy is loaded")
    if not store_status["writable"]:
        reasons.append("the decision log is not writable")
    raise Problem("not-ready", "; ".join(reasons), policies=policies, store=store_status)
