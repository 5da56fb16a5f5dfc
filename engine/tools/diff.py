"""Semantic diff between two editions of an act: what a change to the law really changes.

Clause by clause: added, removed and reworded text (a word-level diff per language, from
`engine.tools.worddiff`); changed rules described structurally (`engine.tools.rulediff`); the
decisions whose feeding clauses (or the definitions they use) changed, with how each decision's
own file changed (`engine.tools.factdiff`). What each changed decision really decides differently
is `engine.tools.symbolic.exact.exact_diff`: every distinct change of the outcome and of each
computed value, each with a witness case the engine confirms, or a proof that nothing changes
(within stated bounds), which fills the decisions' `witnesses` and `exact`.

Editions are named the way the CLI accepts them (`engine.tools.selection.select_edition`). The two
editions may come from two libraries (`--base-ref`: the policy tree at a git revision against the
working tree). The text rendering is `engine.tools.difftext`.
"""


from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..dsl.printer import unparse
from ..edition import Edition, decision_specs
from ..policy import Act, ClauseVersion
from .factdiff import spec_changes
from .rulediff import RuleChange, block_changes, definition_changes, named_definitions, reached_definitions
from .selection import describe_edition, missing_clauses
from .worddiff import Segment, changed, render_inline, word_diff

# ---- the diff of two editions ------------------------------------------------------------------


@dataclass
class TextChange:
    lang: str
    status: str  # changed | added | removed | unknown | same
    segments: list[Segment]
    language_status: str | None = None  # authoritative | unofficial

    def to_dict(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "status": self.status,
            "language_status": self.language_status,
            "inline": render_inline(self.segments) if self.status == "changed" else None,
            "segments": [s.to_dict() for s in self.segments],
        }


@dataclass
class ClauseChange:
    clause: str
    status: str  # added | removed | lost_force | changed | reenacted
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    texts: list[TextChange] = field(default_factory=list)
    rule_status: str = "none"  # unchanged | changed | added | removed | none
    rule: list[RuleChange] = field(default_factory=list)
    notes_changed: bool = False
    decisions: list[str] = field(default_factory=list)

    @property
    def logic_changed(self) -> bool:
        return self.rule_status in ("changed", "added", "removed")

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "status": self.status,
            "from": self.old,
            "to": self.new,
            "texts": [t.to_dict() for t in self.texts],
            "rule_status": self.rule_status,
            "rule": [r.to_dict() for r in self.rule],
            "notes_changed": self.notes_changed,
            "decisions": self.decisions,
        }


@dataclass
class Witness:
    decision: str
    as_of: str
    case: Any
    source: str  # how it was found
    old_outcome: str
    old_citations: list[str]
    new_outcome: str
    new_citations: list[str]
    responsible: list[str]
    change: str | None = None  # what differs: "outcome retain → exclude", "value x: a → b"
    values: dict[str, Any] | None = None  # the values each edition reported ("from", "to")

    def to_dict(self) -> dict[str, Any]:
        values = self.values or {}
        return {
            "decision": self.decision,
            "as_of": self.as_of,
            "source": self.source,
            "change": self.change,
            "from": {
                "outcome": self.old_outcome,
                "citations": self.old_citations,
                "values": values.get("from"),
            },
            "to": {"outcome": self.new_outcome, "citations": self.new_citations, "values": values.get("to")},
            "responsible": self.responsible,
            "case": self.case,
        }


@dataclass
class DecisionChange:
    decision: str
    reasons: list[str]
    logic_changed: bool
    spec: list[str]
    missing_from: list[str]
    missing_to: list[str]
    witnesses: list[Witness] = field(default_factory=list)
    exact: dict[str, Any] | None = None  # engine.tools.symbolic.exact.ExactResult.to_dict()

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "logic_changed": self.logic_changed,
            "reasons": self.reasons,
            "spec_changes": self.spec,
            "missing_clauses": {"from": self.missing_from, "to": self.missing_to},
            "witnesses": [w.to_dict() for w in self.witnesses],
            "exact": self.exact,
        }


@dataclass
class EditionDiff:
    act: str
    old: Edition
    new: Edition
    old_label: str
    new_label: str
    clauses: list[ClauseChange]
    decisions: list[DecisionChange]
    notes: list[str]
    total_clauses: int

    def counts(self) -> dict[str, int]:
        counts = {"added": 0, "removed": 0, "changed": 0, "lost_force": 0, "reenacted": 0}
        for c in self.clauses:
            counts[c.status] = counts.get(c.status, 0) + 1
        counts["rules_changed"] = sum(1 for c in self.clauses if c.logic_changed)
        counts["texts_changed"] = sum(1 for c in self.clauses if any(t.status != "same" for t in c.texts))
        counts["decisions_affected"] = len(self.decisions)
        counts["decisions_logic_changed"] = sum(1 for d in self.decisions if d.logic_changed)
        return counts

    def clause(self, cid: str) -> ClauseChange | None:
        return next((c for c in self.clauses if c.clause == cid), None)

    def decision(self, name: str) -> DecisionChange | None:
        return next((d for d in self.decisions if d.decision == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "act": self.act,
            "from": {**describe_edition(self.old), "source": self.old_label},
            "to": {**describe_edition(self.new), "source": self.new_label},
            "counts": self.counts(),
            "notes": self.notes,
            "clauses": [c.to_dict() for c in self.clauses],
            "decisions": [d.to_dict() for d in self.decisions],
        }


def _version_info(version: ClauseVersion, act: Act) -> dict[str, Any]:
    amendment = act.amendments.get(version.amendment)
    return {
        "amendment": version.amendment,
        "amendment_number": amendment.number if amendment else None,
        "draft": bool(amendment and amendment.status == "draft"),
        "change": version.change,
        "kind": version.kind,
        "text_known": version.text_known,
    }


def _decisions_fed(version: ClauseVersion | None) -> set[str]:
    if version is None or version.program is None:
        return set()
    return {b.decision for b in version.program.blocks}


def _text_changes(
    act_old: Act, act_new: Act, old: ClauseVersion | None, new: ClauseVersion | None
) -> list[TextChange]:
    """Per language: changed (word diff), added, removed, same; or unknown_before / unknown_after
    when one side's text is recorded as not known (then the known side is shown whole)."""
    out = []
    old_unknown = old is not None and not old.text_known
    new_unknown = new is not None and not new.text_known
    old_texts = old.texts if old is not None and not old_unknown else {}
    new_texts = new.texts if new is not None and not new_unknown else {}
    langs = list(dict.fromkeys([*act_new.languages, *act_old.languages, *old_texts, *new_texts]))
    for lang in langs:
        a, b = old_texts.get(lang), new_texts.get(lang)
        status_of = (act_new.languages.get(lang) or act_old.languages.get(lang) or {}).get("status")
        if a is None and b is None:
            if old_unknown or new_unknown:
                out.append(TextChange(lang, "unknown", [], status_of))
            continue
        segments = word_diff(a, b)
        if a is None:
            status = "unknown_before" if old_unknown else "added"
        elif b is None:
            status = "unknown_after" if new_unknown else "removed"
        else:
            status = "changed" if changed(segments) else "same"
        out.append(TextChange(lang, status, segments, status_of))
    return out


def _same_content(a: ClauseVersion, b: ClauseVersion) -> bool:
    return (
        a.texts == b.texts
        and a.text_known == b.text_known
        and a.kind == b.kind
        and _program_text(a) == _program_text(b)
        and a.change == b.change
    )


def _program_text(v: ClauseVersion | None) -> str | None:
    if v is None or v.program is None:
        return None
    return "\n".join(
        [unparse(d) for d in v.program.definitions]
        + [f"for {b.decision}: " + "; ".join(unparse(s) for s in b.statements) for b in v.program.blocks]
    )


def edition_scope(act: Act, edition: Edition) -> tuple[str, dict[str, Any]] | None:
    """The act's scope as recorded for an edition: (amending act id, its `scope`), or None.

    An amending act's `scope` (amendment.schema.json) records the scope and title it left the act
    with; an edition inherits the latest one recorded by an act in force by its start (No. 290
    changed no scope, so its edition keeps the scope of 2013). It is provenance, not clause text:
    for an edition whose text is unknown it is the only thing a reviewer can compare.
    """
    own = edition.amendment.raw.get("scope")
    if own:
        return edition.amendment.id, own
    known = [
        a
        for a in act.amendments.values()
        if a.status != "draft" and a.raw.get("scope") and a.entry_into_force().start <= edition.start
    ]
    if not known:
        return None
    latest = max(known, key=lambda a: a.entry_into_force().start)
    return latest.id, latest.raw["scope"]


def scope_notes(act_old: Act, old: Edition, act_new: Act, new: Edition) -> list[str]:
    """Notes on the act's scope when the two editions record different ones (see edition_scope)."""
    a, b = edition_scope(act_old, old), edition_scope(act_new, new)
    if a == b or (a is None and b is None):
        return []
    out = []
    for side, found in (("from", a), ("to", b)):
        if found is None:
            out.append(f"scope ({side}): not recorded")
            continue
        source, scope = found
        how = (
            "a description, not the text (the text of that edition is unknown)"
            if scope.get("status") == "described"
            else "as read from the encoded text"
        )
        text = (scope.get("description") or {}).get("en") or next(iter((scope.get("description") or {}).values()), "")
        title = (scope.get("title") or {}).get("en")
        titled = f"; title: {' '.join(str(title).split())}" if title else ""
        out.append(f"scope ({side}, recorded by {source}, {how}): {' '.join(str(text).split())}{titled}")
    if b is not None and b[1].get("change") and b[0] == new.amendment.id:
        out.append(" ".join(str(b[1]["change"]).split()))
    return out


def diff_editions(
    act_old: Act,
    old: Edition,
    act_new: Act,
    new: Edition,
    old_label: str | None = None,
    new_label: str | None = None,
) -> EditionDiff:
    """The semantic diff of two editions (of the same act, possibly from two policy trees)."""
    notes: list[str] = []
    for side, edition in (("from", old), ("to", new)):
        if edition.draft:
            notes.append(
                f"{side}: {edition.id} is a DRAFT ({edition.amendment.id}): not law, for review only"
            )
        elif not edition.entry.certain:
            notes.append(
                f"{side}: the entry into force of {edition.amendment.id} is uncertain: {edition.entry.explanation}"
            )
    notes.extend(scope_notes(act_old, old, act_new, new))
    order = list(dict.fromkeys([*act_new.clauses, *act_old.clauses]))
    old_defs, new_defs = named_definitions(old), named_definitions(new)
    def_changes, changed_defs = definition_changes(old_defs, new_defs)
    clauses: list[ClauseChange] = []
    for cid in order:
        a, b = old.versions.get(cid), new.versions.get(cid)
        if a is None and b is None:
            continue
        if a is not None and b is not None and a is b:
            continue
        if a is not None and b is not None and a.amendment == b.amendment and _same_content(a, b):
            continue
        if a is None:
            status = "added"
        elif b is None:
            status = "removed"
        elif b.change == "lost_force" and a.change != "lost_force":
            status = "lost_force"
        else:
            status = "changed"
        change = ClauseChange(
            cid,
            status,
            _version_info(a, act_old) if a else None,
            _version_info(b, act_new) if b else None,
            texts=_text_changes(act_old, act_new, a, b),
            decisions=sorted(_decisions_fed(a) | _decisions_fed(b)),
        )
        pa, pb = (a.program if a else None), (b.program if b else None)
        if pa is None and pb is None:
            change.rule_status = "none"
        elif pa is None:
            change.rule_status = "added"
        elif pb is None:
            change.rule_status = "removed"
        else:
            change.rule_status = "unchanged" if _program_text(a) == _program_text(b) else "changed"
        blocks_a = {blk.decision: blk for blk in (pa.blocks if pa else [])}
        blocks_b = {blk.decision: blk for blk in (pb.blocks if pb else [])}
        for decision in dict.fromkeys([*blocks_b, *blocks_a]):
            change.rule.extend(block_changes(cid, decision, blocks_a.get(decision), blocks_b.get(decision)))
        change.notes_changed = (a.notes if a else None) != (b.notes if b else None)
        if (
            status == "changed"
            and change.rule_status in ("unchanged", "none")
            and not any(t.status != "same" for t in change.texts)
            and (a.kind if a else None) == (b.kind if b else None)
        ):
            change.status = "reenacted"
        clauses.append(change)
    # Definitions are compared across the edition (a definition may move between clauses).
    for cid, changes in def_changes.items():
        entry = next((c for c in clauses if c.clause == cid), None)
        if entry is None:
            continue  # a definition change without a new version cannot happen; be safe
        entry.rule = [*changes, *entry.rule]
    # Decisions whose feeding clauses (or the definitions they reach) changed, or whose file changed.
    specs_old, specs_new = decision_specs(act_old, old), decision_specs(act_new, new)
    changed_ids = {c.clause: c for c in clauses}
    decisions: list[DecisionChange] = []
    for name in sorted(set(specs_old) | set(specs_new)):
        so, sn = specs_old.get(name), specs_new.get(name)
        reasons: list[str] = []
        logic = False
        feeding = list(dict.fromkeys([*(sn.clauses if sn else []), *(so.clauses if so else [])]))
        for cid in feeding:
            c = changed_ids.get(cid)
            if c is None:
                continue
            what = []
            if c.logic_changed:
                what.append("rule")
                logic = True
            if any(t.status != "same" for t in c.texts):
                what.append("text")
            if c.status in ("added", "removed", "lost_force"):
                what.append(c.status.replace("_", " "))
            if not what:
                what.append("version")
            reasons.append(f"{cid} ({', '.join(what)})")
        reached_old = reached_definitions(old, name)
        reached_new = reached_definitions(new, name)
        via: dict[str, set[str]] = {}
        for reached in (reached_old, reached_new):
            for cid, names in reached.items():
                for d in names & changed_defs:
                    via.setdefault(d, set()).add(cid)
        for d, users in sorted(via.items()):
            definer = (new_defs.get(d) or old_defs.get(d) or ("?", None))[0]
            reasons.append(f"definition {d} ({definer}) changed, used by {', '.join(sorted(users))}")
            logic = True
        spec = spec_changes(so, sn)
        if spec:
            logic = True
        if reasons or spec:
            decisions.append(
                DecisionChange(
                    name,
                    list(dict.fromkeys(reasons)),
                    logic,
                    spec,
                    missing_clauses(act_old, old, name) if so else [],
                    missing_clauses(act_new, new, name) if sn else [],
                )
            )
    return EditionDiff(
        act_new.id,
        old,
        new,
        old_label or old.id,
        new_label or new.id,
        clauses,
        decisions,
        notes,
        len(order),
    )


def changed_clause_ids(old: Edition, new: Edition) -> set[str]:
    """Clause ids whose version differs between two editions (cheap; no diff is built)."""
    out = set()
    for cid in set(old.versions) | set(new.versions):
        a, b = old.versions.get(cid), new.versions.get(cid)
        if (
            a is None
            or b is None
            or (a is not b and not (a.amendment == b.amendment and _same_content(a, b)))
        ):
            out.add(cid)
    return out
