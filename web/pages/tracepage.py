"""Traceability: the clause × scenario matrix of an act with each scenario's last result.

    /trace?act=<act>&gaps=1             gaps: only the clauses that fail the gate of `ereje trace`
    /trace?act=<act>&feature=<file>     one feature file's scenarios and the clauses they cover

Read from the features' `@clause:` tags and the results file they write
(`test-output/trace-results.json`, format ereje-scenario-results/1) through `engine.tools.trace`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from web.pages import model
from web.pages.common import get_act, snapshot
from web.pages.traceview import act_trace

bp = Blueprint("trace", __name__)


def _default_act(snap: Any) -> str | None:
    lib = snap.library
    best, count = None, -1
    for act_id in sorted(lib.acts):
        state = act_trace(snap, lib.acts[act_id])
        n = len(state.trace.scenarios) if state.trace is not None else 0
        if n > count:
            best, count = act_id, n
    return best


def is_gap(c: Any) -> bool:
    """A clause the gate of `ereje trace` fails, or a rule clause no scenario covers."""
    return c.gate == "failing" or bool(c.problems) or (c.kind == "rule" and not c.scenarios)


@bp.get("/trace")
def trace() -> str:
    snap = snapshot()
    lib = snap.library
    act = get_act(lib, request.args.get("act") or _default_act(snap) or "")
    gaps_only = request.args.get("gaps") == "1"
    state = act_trace(snap, act)
    rows: list[Any] = []
    columns: list[Any] = []
    cells: dict[tuple[str, int], str] = {}
    feature_files: list[str] = []
    feature = ""
    if state.trace is not None:
        t = state.trace
        feature_files = list(dict.fromkeys(s.rel for s in t.scenarios))
        wanted = request.args.get("feature", "")
        feature = wanted if wanted in feature_files else ""  # only a file the trace knows
        covered = {c for s in t.scenarios if s.rel == feature for c in s.clauses}
        rows = [
            c for c in t.clauses if (not gaps_only or is_gap(c)) and (not feature or c.id in covered)
        ]
        shown = {c.id for c in rows}
        columns = [
            s for s in t.scenarios
            if (not gaps_only or shown & set(s.clauses)) and (not feature or s.rel == feature)
        ]
        index = {(s.rel, s.line): k for k, s in enumerate(columns)}
        for c in rows:
            for cs in c.scenarios:
                k = index.get((cs.scenario.rel, cs.scenario.line))
                if k is not None:
                    cells[(c.id, k)] = cs.result
    features: list[tuple[str, int]] = []
    for s in columns:
        if features and features[-1][0] == s.rel:
            features[-1] = (s.rel, features[-1][1] + 1)
        else:
            features.append((s.rel, 1))
    return render_template(
        "trace.html",
        acts=[lib.acts[a] for a in sorted(lib.acts)],
        act=act,
        state=state,
        gaps_only=gaps_only,
        feature=feature,
        feature_files=feature_files,
        rows=rows,
        columns=columns,
        cells=cells,
        features=features,
        gap_count=sum(1 for c in state.trace.clauses if is_gap(c)) if state.trace else 0,
        result_of=(lambda s: state.trace.results.get((s.rel, s.line), "not run")) if state.trace else None,
        label=model.clause_label,
    )
