"""Legal monitoring: static checks of encoded acts, with exact witnesses.

`lint_library(library, acts, as_of)` runs, for each act and the edition in force on `as_of`:

- the decision checks (conflicts and overlaps, gaps, dead and constant statements and conditions,
  clauses that cannot influence a decision, unused facts) over every decision, on the solver
  (`engine.tools.lint.solved`: proofs within lists ≤ K, each witness confirmed by the engine), or by the
  enumeration of `engine.tools.lint.checks` where the symbolic encoding cannot represent the decision;
- unused definitions (edition-wide);
- wording risks over every clause text in force (`engine.tools.lint.wording`, phrase lists in
  `engine/tools/data/wording-risks.yaml`);
- the hierarchy of norms against the acts each act declares as parents (`engine.tools.lint.hierarchy`);

and adds the figures of `ereje stability` when `engine/tools/stability.py` is present
(`engine.tools.lint.report.stability_section`). Definitions and the witness method: docs/monitoring.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...edition import decision_specs
from ...i18n import Message, say
from ...loader import rule_position
from ..symbolic.session import solver_session
from ..symbolic.values import Unsupported
from .analysis import Analyser, definitions_of, used_definitions
from .checks import DecisionCheck
from .hierarchy import check_hierarchy, entry_said
from .model import KINDS, SEVERITIES, ActSummary, Finding, Report, Witness
from .solved import SOLVER_SECONDS, SolverCheck
from .wording import Catalogue, load_catalogue, wording_findings

DEFAULT_BUDGET = 200_000

__all__ = ["DEFAULT_BUDGET", "KINDS", "SEVERITIES", "Finding", "Report", "Witness", "lint_library"]


def lint_library(
    library: Any,
    act_ids: list[str] | None = None,
    *,
    as_of: dt.date,
    budget: int = DEFAULT_BUDGET,
    catalogue: Catalogue | None = None,
    stability: bool = True,
    editions: dict[str, str] | None = None,
    show_settled: bool = False,
    seconds: float = SOLVER_SECONDS,
    method: str = "solver",
) -> Report:
    """Lint each act under the edition in force on `as_of`, or under the edition `editions` names
    for it (an edition id; a draft's id selects the draft). Findings the decision's outcome order
    settles are kept apart (`Report.settled`) unless `show_settled`. `seconds` is the solver's
    time budget per decision; `budget` bounds the enumerations that remain (the hierarchy, and
    decisions the solver cannot represent). `method="enumeration"` runs the enumeration alone,
    as lint did before the solver (kept to compare the two: `python -m bench.lint_solver`). The day is
    the caller's (`ereje lint` gives today when none is asked): the tool reads no clock."""
    editions = editions or {}
    acts = library.acts
    ids = list(act_ids) if act_ids else sorted(acts)
    for a in ids:
        library.act(a)  # UnknownAct names the loaded acts
    catalogue = catalogue or load_catalogue()
    findings: list[Finding] = []
    summaries: list[ActSummary] = []
    editions_used: dict[str, Any] = {}  # act id -> the edition checked
    for act_id in ids:
        act = acts[act_id]
        ce = (
            library.compiled_edition(act_id, editions[act_id])
            if act_id in editions
            else library.edition_on(act_id, as_of)
        )
        title = act.title.get("en") or next(iter(act.title.values()), None)
        summary = ActSummary(act_id, ce.edition.id if ce else None, act.level, title, [])
        summaries.append(summary)
        if ce is None:
            summary.notes.append(say("lint.note.no_edition", act=act_id, day=as_of.isoformat()))
            continue
        editions_used[act_id] = ce.edition
        if ce.edition.draft:
            summary.notes.append(say("lint.note.draft", edition=ce.edition.id))
        elif not ce.edition.entry.certain:
            summary.notes.append(say("lint.note.entry_uncertain", edition=ce.edition.id,
                                     explanation=entry_said(ce.edition.entry)))
        specs = decision_specs(act, ce.edition)
        for name, spec in specs.items():
            summary.decisions.append(name)
            with solver_session():  # the service lints in threads: one solver at a time
                check = (
                    DecisionCheck(library, act, ce, spec, as_of, budget)
                    if method == "enumeration"
                    else decision_check(library, act, ce, spec, as_of, budget, seconds)
                )
                check.run()
                findings.extend(check.findings)
                summary.notes.extend(check.notes)
                summary.searches += check.searches
                if getattr(check, "ev", None) is not None:
                    summary.evaluations += check.ev.evaluations
                del check  # its solver terms are freed while the session is held
        findings.extend(_unused_definitions(act, ce))
        wf, wnotes = wording_findings(act, ce.edition, catalogue, library.root)
        findings.extend(wf)
        summary.notes.extend(wnotes)
    hf, hnotes = check_hierarchy(library, ids, as_of, budget)
    findings.extend(hf)
    by_act = {s.act: s for s in summaries}
    for act_id, note in hnotes:
        if act_id in by_act:
            by_act[act_id].notes.append(note)
    findings.sort(key=Finding.key)
    acknowledged, unmatched = _acknowledge(findings, [library.act(a) for a in ids], editions_used)
    for act_id, stale in unmatched:
        if act_id in by_act:
            by_act[act_id].notes.append(stale)
    findings = [f for f in findings if f.acknowledged is None]
    settled = [f for f in findings if f.settled]
    if not show_settled:
        findings = [f for f in findings if not f.settled]
    section: dict[str, Any] = {}
    if stability:
        from .report import stability_section

        section = stability_section(library, ids, as_of)
    return Report(as_of, budget, summaries, findings, section, [] if show_settled else settled, acknowledged)


def decision_check(
    library: Any, act: Any, ce: Any, spec: Any, as_of: dt.date, budget: int, seconds: float = SOLVER_SECONDS
) -> DecisionCheck:
    """The solver's checks of a decision; the enumeration where the encoding cannot represent it
    (said in a note: its results are not proofs)."""
    check = SolverCheck(library, act, ce, spec, as_of, budget, seconds=seconds)
    if check.compiled is None:
        return check
    try:
        check.prepare()
    except Unsupported as exc:
        old = DecisionCheck(library, act, ce, spec, as_of, budget)
        old.notes.append(say("lint.note.solver_cannot_represent", decision=spec.name, what=str(exc)))
        return old
    return check


def _acknowledge(
    findings: list[Finding], acts: list[Any], editions_used: dict[str, Any]
) -> tuple[list[Finding], list[tuple[str, Message]]]:
    """Mark the findings an `acknowledged:` entry of the edition's clause or decision files covers;
    return them and a note for every entry that matches no finding (stale: the finding is gone)."""
    acknowledged: list[Finding] = []
    notes: list[tuple[str, Message]] = []
    for act in acts:
        edition = editions_used.get(act.id)
        if edition is None:
            continue
        specs = edition.decisions or act.decisions
        entries = [a for s in specs.values() for a in s.acknowledged]
        entries += [a for cid in edition.versions for a in act.clauses[cid].acknowledged]
        used: set[int] = set()
        for f in findings:
            if f.act != act.id:
                continue
            for k, a in enumerate(entries):
                if a.matches(f.kind, f.clause, f.decision):
                    f.acknowledged = a
                    used.add(k)
                    acknowledged.append(f)
                    break
        for k, a in enumerate(entries):
            if k not in used:
                note = (
                    say("lint.note.stale_acknowledgement_in", place=f"{a.file}:{a.line}", finding=a.finding,
                        clause=a.clause)
                    if a.clause
                    else say("lint.note.stale_acknowledgement", place=f"{a.file}:{a.line}", finding=a.finding)
                )
                notes.append((act.id, note))
    return acknowledged, notes


def _unused_definitions(act: Any, ce: Any) -> list[Finding]:
    edition = ce.edition
    defs = definitions_of(edition.versions)
    if not defs:
        return []
    analyser = Analyser(defs)
    used: set[str] = set()
    for compiled in ce.decisions.values():
        for s in compiled.statements:
            used |= analyser.statement(s.node).definitions
    used = used_definitions(used, defs)
    out = []
    for name, (definition, cid) in defs.items():
        if name in used:
            continue
        version = edition.versions[cid]
        line, _ = rule_position(version, definition.span)
        out.append(
            Finding(
                "unused_definition",
                "warning",
                act.id,
                say("lint.msg.unused_definition", clause=cid, definition=name),
                clause=cid,
                clauses=[cid],
                file=version.file,
                line=line,
                edition=edition.id,
                details={"definition": name},
            )
        )
    return out
