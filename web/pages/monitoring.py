"""Monitoring: how often each act and clause changed (`engine.tools.stability`) and the static-check
findings of the editions in force on a day (`engine.tools.lint`), as `ereje stability` and `ereje lint`
report them.

    /monitoring?as_of=YYYY-MM-DD&act=<act>&severity=error|warning|info

The findings are computed once per policy version and edition span (`web.lintcache`, budget
`EREJE_LINT_BUDGET`, default that of `ereje lint`), on the solver as `ereje lint` finds them, in a
solver child (`web.solving`); a date only selects the editions in force. A date outside FIRST_DAY..LAST_DAY is answered as an unreadable one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, render_template, request

from engine.tools import lint, stability
from web import lintcache, solving
from web.pages import model
from web.pages.common import api, asked_date, get_act, snapshot, today

bp = Blueprint("monitoring", __name__)

WINDOWS = ["12m", "24m", "60m"]
# The stability windows reach 60 months back; the calendar the engine counts in is bounded.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)


@bp.get("/monitoring")
def monitoring() -> str:
    snap = snapshot()
    lib = snap.library
    day, bad_date = asked_date()
    if not FIRST_DAY <= day <= LAST_DAY:
        day, bad_date = today(), request.values.get("as_of", "")
    act_filter = request.args.get("act") or ""
    act = get_act(lib, act_filter) if act_filter else None
    severity = request.args.get("severity") or ""
    ids = [act.id] if act is not None else sorted(lib.acts)

    figures = stability.stability([lib.acts[a] for a in ids], WINDOWS, day, 10)
    lint_error = None
    try:
        spans = lintcache.for_page(snap, api().config)
    except solving.SolverJobError as exc:  # the run for this version failed: the page says why
        spans, lint_error = None, exc
    report = spans.on(day) if spans is not None else None
    kinds = dict(lint.KINDS)
    findings = []
    counts: dict[str, int] = {}
    if report is not None:
        for f in report.findings:
            if f.act not in ids:
                continue
            counts[f.severity] = counts.get(f.severity, 0) + 1
            if severity and f.severity != severity:
                continue
            findings.append(f)
    return render_template(
        "monitoring.html",
        acts=[lib.acts[a] for a in sorted(lib.acts)],
        act=act,
        day=day,
        bad_date=bad_date,
        severity=severity,
        stability=figures,
        report=report,
        lint_missing=report is None,  # the master is still linting, or its run failed
        lint_error=lint_error,
        findings=findings,
        counts=counts,
        kinds=kinds,
        summaries=[s for s in (report.acts if report else []) if s.act in ids],
        label=model.clause_label,
        refs=_refs(lib),
    )


def _refs(lib: Any) -> Any:
    """A finding's clauses ("ACT:clause" or a clause of its act) that exist, as (text, (act, clause))."""

    def refs(finding: Any) -> list[tuple[str, tuple[str, str]]]:
        out: list[tuple[str, tuple[str, str]]] = []
        for ref in dict.fromkeys([*([finding.clause] if finding.clause else []), *finding.clauses]):
            act_id, clause_id = ref.partition(":")[::2] if ":" in ref else (finding.act, ref)
            act = lib.acts.get(act_id)
            if act is not None and clause_id in act.clauses:
                out.append((ref, (act_id, clause_id)))
        return out

    return refs
