"""Monitoring: how often each act and clause changed (`engine.tools.stability`) and the static-check
findings of the editions in force on a day (`engine.tools.lint`), as `ereje stability` and `ereje lint`
report them.

    /monitoring?as_of=YYYY-MM-DD&act=<act>&severity=error|warning|info

The findings are computed once per policy version and edition span (`web.lintcache`, budget
`EREJE_LINT_BUDGET`, default that of `ereje lint`); a date only selects the editions in force. A date outside FIRST_DAY..LAST_DAY is answered as an unreadable one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, render_template, request

from web import lintcache
from web.pages import model
from web.pages.common import api, asked_date, get_act, snapshot, today

bp = Blueprint("monitoring", __name__)

WINDOWS = ["12m", "24m", "60m"]
# The stability windows reach 60 months back; the calendar the engine counts in is bounded.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)


def _stability_tool() -> Any | None:
    try:
        from engine.tools import stability
    except ImportError:
        return None
    return stability


def _lint_tool() -> Any | None:
    try:
        from engine.tools import lint
    except ImportError:
        return None
    return lint


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

    stability_mod = _stability_tool()
    stability = None
    if stability_mod is not None:
        stability = stability_mod.stability([lib.acts[a] for a in ids], WINDOWS, day, 10)

    lint_mod = _lint_tool()
    report = None
    kinds: dict[str, str] = {}
    if lint_mod is not None:
        spans = lintcache.for_page(snap, api().config)
        report = spans.on(day) if spans is not None else None
        kinds = dict(lint_mod.KINDS)
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
        stability=stability,
        stability_missing=stability_mod is None,
        report=report,
        lint_missing=report is None,  # no engine.tools.lint, or the master is still linting
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
