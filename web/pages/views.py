"""The reading pages: the acts, an act, a clause; the language switch; error pages.

URLs (each clause has a stable one that decisions and diffs link to):

    /                                   → /acts
    /acts                               the acts: level, current edition, last amendment
    /acts/<act>?as_of=YYYY-MM-DD        an act as it stood on a day (default: today)
    /acts/<act>?edition=<id>            an act in a named edition (a draft: draft:<id>)
    /acts/<act>/clauses/<clause>        one clause: texts, rule, versions, scenarios
    POST /lang                          the language switch (a cookie), back to `next`
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from web.pages import model
from web.pages.common import asked_date, get_act, get_clause, snapshot, today
from web.pages.i18n import COOKIE, COOKIE_MAX_AGE, LANGS
from web.pages.traceview import act_trace

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> Response:
    return redirect(url_for("pages.acts"))


@bp.post("/lang")
def switch_language() -> Response:
    lang = request.form.get("lang", "")
    if lang not in LANGS:  # refused with a page listing the languages, never replaced
        g.unknown_lang = lang
        abort(400)
    response = redirect(model.safe_next(request.form.get("next")), code=303)
    response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response


@bp.get("/acts")
def acts() -> str:
    lib = snapshot().library
    day = today()
    rows = []
    for act_id in sorted(lib.acts):
        act = lib.acts[act_id]
        compiled = lib.edition_on(act_id, day)
        rows.append(
            {
                "act": act,
                "current": compiled.edition if compiled else None,
                "first": next(iter(model.in_force_editions(lib, act_id)), None),
                "last": model.last_amendment(act),
                "drafts": model.draft_editions(lib, act_id),
            }
        )
    return render_template("acts.html", rows=rows, day=day)


def _clause_entry(act: Any, cid: str, edition: Any | None, trace: Any) -> dict[str, Any]:
    clause = act.clauses[cid]
    version = edition.versions.get(cid) if edition is not None else None
    ct = trace.clause(cid)
    return {
        "clause": clause,
        "version": version,
        "rule": model.rule_view(act, version) if version is not None else None,
        "decisions": model.decisions_fed(act, cid, version),
        "trace": ct,
        "versions": len(clause.versions),
    }


@bp.get("/acts/<act_id>")
def act(act_id: str) -> str:
    snap = snapshot()
    lib = snap.library
    act = get_act(lib, act_id)
    day, bad_date = asked_date()
    state = model.act_state(lib, act_id, day, request.args.get("edition"))
    trace = act_trace(snap, act)
    sections = model.structure(act)
    entries = {
        row.id: _clause_entry(act, row.id, state.edition, trace)
        for s in sections
        for row in s.rows
        if not row.is_group
    }
    editions = lib.editions(act_id)
    return render_template(
        "act.html",
        act=act,
        state=state,
        day=day,
        bad_date=bad_date,
        sections=sections,
        entries=entries,
        editions=editions,
        amendments=sorted(act.amendments.values(), key=lambda a: (a.entry_into_force().start, a.id)),
        gaps=[g for g in (act.raw.get("editions_not_encoded") or []) if isinstance(g, dict)],
        trace=trace,
        keep=_keep(),
        label=model.clause_label,
        law_text=model.law_text,
        edition_select=model.edition_select,
    )


def _keep() -> dict[str, Any]:
    """The view's date or edition, carried along links to other clauses of the act."""
    return {k: request.args[k] for k in ("as_of", "edition") if request.args.get(k)}


@bp.get("/acts/<act_id>/clauses/<clause_id>")
def clause(act_id: str, clause_id: str) -> str | Response:
    snap = snapshot()
    lib = snap.library
    act = get_act(lib, act_id)
    if clause_id not in act.clauses and clause_id in model.group_ids(act):
        # A paragraph split into parts has no text of its own: its place in the act.
        return redirect(url_for("pages.act", act_id=act.id, _anchor=f"c-{clause_id}", **_keep()))
    clause = get_clause(act, clause_id)
    day, bad_date = asked_date()
    state = model.act_state(lib, act_id, day, request.args.get("edition"))
    version = state.edition.versions.get(clause_id) if state.edition is not None else None
    trace = act_trace(snap, act)
    children = [c for c in act.clauses.values() if c.parent == clause_id]
    groups = {g.get("id"): g for g in (act.raw.get("groups") or []) if isinstance(g, dict)}
    parent_is_clause = clause.parent in act.clauses if clause.parent else False
    versions = model.versions_of(act, clause)
    return render_template(
        "clause.html",
        act=act,
        clause=clause,
        state=state,
        day=day,
        bad_date=bad_date,
        version=version,
        versions=versions,
        rule=model.rule_view(act, version) if version is not None else None,
        decisions=model.decisions_fed(act, clause_id, version),
        ctrace=trace.clause(clause_id),
        trace=trace,
        children=children,
        parent_is_clause=parent_is_clause,
        parent_group=groups.get(clause.parent),
        keep=_keep(),
        label=model.clause_label,
        law_text=model.law_text,
        edition_select=model.edition_select,
    )


# ---- errors --------------------------------------------------------------------------------------


def _error(exc: HTTPException) -> tuple[str, int]:
    code = exc.code or 500
    return render_template("error.html", code=code, unknown_lang=g.get("unknown_lang")), code


def init_app(app: Flask) -> None:
    from web.pages import compare, monitoring, tracepage, tryit

    app.register_blueprint(bp)
    app.register_blueprint(tryit.bp)
    app.register_blueprint(compare.bp)
    app.register_blueprint(tracepage.bp)
    app.register_blueprint(monitoring.bp)
    app.register_error_handler(HTTPException, _error)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[str, int]:
        app.logger.exception("page failed", exc_info=exc)
        return render_template("error.html", code=500, unknown_lang=None), 500

    @app.context_processor
    def _nav() -> dict[str, Any]:
        return {"nav_endpoint": request.endpoint or "", "here": request.full_path.rstrip("?")}
