"""Compare two editions, dates or a draft: the text word by word, the rules in words, the exact
diff of each changed decision (every change of its outcome or values, with a witness case, or a
proof of none), and the impact on the act's shipped example cases.

    /compare?act=<act>&from=<edition>&to=<edition>     (from_date / to_date: the edition in force)

Editions are named as `engine.tools.selection.select_edition` reads them (an edition id, an amending act
id, a date YYYY-MM-DD, `draft:<id>`); the comparison itself is `engine.tools.diff` (`diff_editions`),
`engine.tools.symbolic.exact` (`exact_diff`) and `engine.tools.impact` (`run_impact`), exactly what
`ereje diff` / `ereje impact` / `ereje review` print. A comparison is cached per policy version and pair of editions.

The exact diff is a solver job (`web.solving`): it runs in a spawned child, never in a request
thread (z3 in a threaded process crashes it), on the live version's files loaded there; the child
sends back what `exact_diff` attaches to each decision, and this page attaches it to its own diff.
When the job fails (deadline, a crash, files changed since the version went live) every decision
whose logic changed says that its exact diff is unavailable and why — never "no change". A failure
is cached like a result, except the refusal of changed files (undoing the edit makes it wrong).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, render_template, request

from engine.casecodec import case_text
from engine.errors import EditionError
from engine.tools import diff, impact, selection
from engine.tools.comparer import Comparer, Side
from web import solving
from web.pages import model
from web.pages.common import get_act, snapshot
from web.pages.i18n import parse_user_date
from web.pages.model import LRU

bp = Blueprint("compare", __name__)

_CACHE = LRU(16)
EXACT_TIMEOUT = 60.0  # seconds for the exact diff of one pair of editions (the CLI's budget: 20 s a decision)


@dataclass
class Comparison:
    diff: Any  # engine.tools.diff.EditionDiff
    impact: dict[str, Any] | None  # ImpactReport.to_dict() on the example corpus
    examples: dict[int, str]  # corpus line -> example file
    impact_note: str | None
    exact_error: solving.SolverJobError | None = None  # why no decision has its exact diff


def exact_job(library: Any, act_id: str, frm: str, to: str) -> dict[str, tuple[Any, list[Any]]]:
    """The job run in the solver child: the exact diff of `act_id` from edition `frm` to `to`
    (as `select_edition` reads them), as what `exact_diff` attaches to each decision:
    decision -> (its `exact` dict, its witnesses)."""
    from engine.tools.symbolic.exact import exact_diff

    act = library.act(act_id)
    old = selection.select_edition(library, act_id, frm)
    new = selection.select_edition(library, act_id, to)
    d = diff.diff_editions(act, old, act, new, frm, to)
    root = Path(str(library.root))
    exact_diff(d, Comparer(Side(root, library, act, old), Side(root, library, act, new)))
    return {dc.decision: (dc.exact, dc.witnesses) for dc in d.decisions if dc.exact is not None}


def _compute(lib: Any, root: Path, version: str, act: Any, old: Any, new: Any) -> Comparison:
    from engine.tools.casegen import example_cases

    frm, to = model.edition_select(old), model.edition_select(new)
    d = diff.diff_editions(act, old, act, new, frm, to)
    comparer = Comparer(Side(root, lib, act, old), Side(root, lib, act, new))
    exact_error = None
    try:
        exact = solving.run(exact_job, root, version, (act.id, frm, to), timeout=EXACT_TIMEOUT)
    except solving.SolverJobError as exc:
        exact_error = exc
    else:
        for dc in d.decisions:
            if dc.decision in exact:
                dc.exact, dc.witnesses = exact[dc.decision]
    examples = example_cases(act)
    report = None
    note = None
    lines: dict[int, str] = {}
    if examples:
        with tempfile.TemporaryDirectory(prefix="ereje-pages-") as tmp:
            corpus = Path(tmp) / "examples.jsonl"
            with corpus.open("w", encoding="utf-8") as fh:
                for k, e in enumerate(examples, start=1):
                    lines[k] = e["file"]
                    record = {"question": e["question"], "as_of": e["as_of"].isoformat(), "case": e["case"]}
                    fh.write(case_text(record, None) + "\n")
            setup = impact.Setup(str(root), str(root), act.id, old.id, new.id)
            report = impact.run_impact(comparer, setup, corpus, jobs=1).to_dict()
    else:
        note = "none"
    return Comparison(d, report, lines, note, exact_error)


def _defaults(lib: Any, act_id: str) -> tuple[str, str]:
    in_force = model.in_force_editions(lib, act_id)
    drafts = model.draft_editions(lib, act_id)
    if in_force and drafts:
        return model.edition_select(in_force[-1]), model.edition_select(drafts[0])
    if len(in_force) >= 2:
        return model.edition_select(in_force[-2]), model.edition_select(in_force[-1])
    if in_force:
        only = model.edition_select(in_force[-1])
        return only, only
    return "", ""


def _default_act(lib: Any) -> str | None:
    ids = sorted(lib.acts)
    for act_id in ids:
        if model.draft_editions(lib, act_id):
            return act_id
    for act_id in ids:
        if len(model.in_force_editions(lib, act_id)) >= 2:
            return act_id
    return ids[0] if ids else None


def _side(name: str, default: str) -> tuple[str, str]:
    """(what to select, the date typed) for one side of the comparison."""
    typed = request.args.get(f"{name}_date", "").strip()
    if typed:
        day = parse_user_date(typed)
        return (day.isoformat() if day else typed), typed
    return request.args.get(name, "").strip() or default, ""


@bp.get("/compare")
def compare() -> str:
    snap = snapshot()
    lib = snap.library
    act_id = request.args.get("act") or _default_act(lib)
    act = get_act(lib, act_id or "")
    default_from, default_to = _defaults(lib, act.id)
    frm, frm_date = _side("from", default_from)
    to, to_date = _side("to", default_to)
    error = None
    result = None
    old = new = None
    try:
        old = selection.select_edition(lib, act.id, frm)
        new = selection.select_edition(lib, act.id, to)
    except (selection.SelectionError, EditionError) as exc:
        error = str(exc)
    if old is not None and new is not None:
        root = Path(str(snap.library.root))
        key = (snap.version, act.id, old.id, new.id)
        result = _CACHE.get(key, lambda: _compute(lib, root, snap.version, act, old, new))
        if result.exact_error is not None and result.exact_error.reason == "changed":
            _CACHE.forget(key)  # about the files on disk, not the version: an undone edit clears it
    return render_template(
        "compare.html",
        acts=[lib.acts[a] for a in sorted(lib.acts)],
        act=act,
        editions=lib.editions(act.id),
        frm=frm,
        to=to,
        frm_date=frm_date,
        to_date=to_date,
        old=old,
        new=new,
        error=error,
        result=result,
        edition_select=model.edition_select,
        label=model.clause_label,
        law_text=model.law_text,
        as_json=case_text,
    )
