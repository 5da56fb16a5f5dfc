"""GET /healthz (the process answers) and GET /readyz (it can decide and log right now).

Load balancers and orchestrators poll these; /readyz also tells which policy version is live
and whether the last reload was refused. Why it was refused (file names, lines, messages) and
where the policy tree lives are shown only to a caller with a valid token, and always written
to the server's log: anyone can reach /readyz, and a path or a parser message tells an
attacker about the host.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from engine.i18n import LANGS
from web.auth import authenticated_caller
from web.jsonio import json_response
from web.params import today, zone_of
from web.policies import get_holder
from web.problems import Problem, caller_lang, quoted, say
from web.store import StoreError, get_store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    return json_response({"status": "ok"})


def public_status(policies: dict[str, object], lang: str) -> dict[str, object]:
    """The policy status without the tree's location and without the refusal's details; the
    refusal said in `lang` (its `code` and `at`/`version` the same in every language)."""
    out = {k: v for k, v in policies.items() if k != "directory"}
    error = policies.get("last_reload_error")
    if isinstance(error, dict):
        out["last_reload_error"] = {
            "code": "reload_refused",
            "message": say("readyz.reload_refused").render(lang),
            "at": error.get("at"),
            "version": error.get("version"),
        }
    return out


def token_status(policies: dict[str, object], lang: str) -> dict[str, object]:
    """The whole status for a caller with a token: the refusal's diagnostics as the policy check
    wrote them (`message`, `issues`, for the drafters), with a `detail` sentence in `lang`."""
    error = policies.get("last_reload_error")
    if not isinstance(error, dict):
        return policies
    said = {"code": "reload_refused", "detail": say("readyz.reload_refused_details").render(lang)}
    return {**policies, "last_reload_error": {**error, **said}}


@bp.get("/readyz")
def readyz() -> Response:
    holder = get_holder()
    policies = holder.status(today(zone_of(current_app.config)))
    asked = request.args.get("lang")
    if asked is not None and asked not in LANGS:  # refused, never silently replaced
        raise Problem(
            "invalid-parameter",
            say("problem.detail.lang_unknown", value=quoted(asked), allowed=", ".join(sorted(LANGS))),
            parameter="lang",
        )
    lang = caller_lang()
    policies = public_status(policies, lang) if authenticated_caller() is None else token_status(policies, lang)
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
    if not policies["loaded"] and not store_status["writable"]:
        detail = say("problem.detail.not_ready_both")
    elif not policies["loaded"]:
        detail = say("problem.detail.no_policy")
    else:
        detail = say("problem.detail.store_unavailable")
    raise Problem("not-ready", detail, policies=policies, store=store_status)
