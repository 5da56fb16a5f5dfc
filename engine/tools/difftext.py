"""`ereje diff` as text: the edition diff, clause by clause, with its witnesses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..edition import Edition
from .diff import EditionDiff
from .rulediff import RuleChange
from .selection import short
from .worddiff import Segment

# ---- text output -------------------------------------------------------------------------------


def compact_inline(segments: list[Segment], context_words: int = 8) -> str:
    """Word-diff markup with long unchanged stretches shortened to their edges."""
    parts = []
    for k, s in enumerate(segments):
        if s.op != "equal":
            parts.append(f"[-{s.text}-]" if s.op == "delete" else f"{{+{s.text}+}}")
            continue
        words = s.text.split(" ")
        first, last = k == 0, k == len(segments) - 1
        keep = context_words
        if len(words) <= 2 * keep + 1:
            parts.append(s.text)
        elif first:
            parts.append("…" + " ".join(words[-keep:]))
        elif last:
            parts.append(" ".join(words[:keep]) + "…")
        else:
            parts.append(" ".join(words[:keep]) + " … " + " ".join(words[-keep:]))
    return "".join(parts)


def render_text(d: EditionDiff, witnesses: bool = True) -> str:
    out: list[str] = []
    out.append(f"{d.act}: {d.old.id} → {d.new.id}")
    out.append(f"  from: {d.old_label}: {_edition_line(d.old)}")
    out.append(f"  to:   {d.new_label}: {_edition_line(d.new)}")
    for note in d.notes:
        out.append(f"  note: {note}")
    c = d.counts()
    out.append("")
    out.append(
        f"Clauses: {c['changed']} changed, {c['added']} added, {c['removed']} removed, {c['lost_force']} lost force"
        + (f", {c['reenacted']} re-enacted unchanged" if c["reenacted"] else "")
        + f" (of {d.total_clauses}); rules changed in {c['rules_changed']}, texts in {c['texts_changed']}"
    )
    if not d.clauses:
        out.append("  no clause differs")
    for cc in d.clauses:
        out.append("")
        via = ""
        if cc.old and cc.new:
            via = f"  ({cc.old['amendment']} → {cc.new['amendment']}, {cc.new['change']})"
        elif cc.new:
            via = f"  (by {cc.new['amendment']}, {cc.new['change']})"
        elif cc.old:
            via = f"  (was by {cc.old['amendment']})"
        out.append(f"{cc.clause}  {cc.status.replace('_', ' ').upper()}{via}")
        for t in cc.texts:
            label = f"{t.lang}" + (f" ({t.language_status})" if t.language_status else "")
            if t.status == "same":
                continue
            if t.status == "unknown":
                out.append(f"  text {label}: not known in either edition")
            elif t.status == "unknown_before":
                out.append(
                    f"  text {label}: not known in {d.old.id}; now: {short(''.join(s.text for s in t.segments), 300)}"
                )
            elif t.status == "unknown_after":
                out.append(
                    f"  text {label}: was {short(''.join(s.text for s in t.segments), 300)}; not known in {d.new.id}"
                )
            elif t.status == "added":
                out.append(f"  text {label} added: {short(''.join(s.text for s in t.segments), 300)}")
            elif t.status == "removed":
                out.append(f"  text {label} removed: {short(''.join(s.text for s in t.segments), 300)}")
            else:
                out.append(f"  text {label}: {compact_inline(t.segments)}")
        if cc.rule_status == "unchanged":
            out.append("  rule: unchanged")
        for r in cc.rule:
            out.append(f"  rule: {r.where}: {r.message}")
        if cc.decisions:
            out.append(f"  feeds: {', '.join(cc.decisions)}")
    out.append("")
    out.append(f"Decisions whose feeding clauses changed: {len(d.decisions)}")
    for dc in d.decisions:
        out.append("")
        out.append(f"{dc.decision}  {'LOGIC CHANGED' if dc.logic_changed else 'text only'}")
        for reason in dc.reasons:
            out.append(f"  - {reason}")
        for s in dc.spec:
            out.append(f"  - decision file: {s}")
        if dc.missing_from:
            out.append(f"  - not decidable under {d.old.id}: missing {', '.join(dc.missing_from)}")
        if dc.missing_to:
            out.append(f"  - not decidable under {d.new.id}: missing {', '.join(dc.missing_to)}")
        if not witnesses:
            continue
        if dc.exact is not None:
            out.append(f"  exact diff: {dc.exact['summary']}")
        for w in dc.witnesses:
            out.append(f"  witness: {w.change or w.source}, as of {w.as_of}:")
            for label, outcome, cited, side in (
                (d.old.id, w.old_outcome, w.old_citations, "from"),
                (d.new.id, w.new_outcome, w.new_citations, "to"),
            ):
                values = changed_values(w.values).get(side) or {}
                shown = f"; values {json.dumps(values, ensure_ascii=False, default=str)}" if values else ""
                out.append(f"    {label}: {outcome} [{', '.join(cited)}]{shown}")
            out.append(f"    clauses responsible: {', '.join(w.responsible)}")
            out.append("    case: " + json.dumps(w.case, ensure_ascii=False, sort_keys=False, default=str))
        for bug in (dc.exact or {}).get("disagreements", []):
            out.append(f"  BUG (solver and engine disagree on {bug['class']}): {'; '.join(bug['problems'])}")
            out.append("    case: " + json.dumps(bug["case"], ensure_ascii=False, default=str))
    return "\n".join(out)


def changed_values(values: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Of a witness's values under each edition ("from", "to"), the ones that differ."""
    if not values:
        return {}
    a, b = values.get("from") or {}, values.get("to") or {}
    names = [n for n in dict.fromkeys([*a, *b]) if (n in a) != (n in b) or a.get(n) != b.get(n)]
    return {
        "from": {n: a.get(n, "(not in the answer)") for n in names},
        "to": {n: b.get(n, "(not in the answer)") for n in names},
    }


def _edition_line(e: Edition) -> str:
    period = f"from {e.start.isoformat()}" + (f" until {e.end.isoformat()}" if e.end else "")
    if e.draft:
        return f"DRAFT {e.amendment.id}, not law (never selected by a date)"
    certain = "" if e.entry.certain else " (entry into force uncertain)"
    number = f"No. {e.amendment.number} " if e.amendment.number else ""
    return f"{period}; amended by {number}{e.amendment.id}{certain}"


def iter_rule_changes(d: EditionDiff) -> Iterator[tuple[str, RuleChange]]:
    for c in d.clauses:
        for r in c.rule:
            yield c.clause, r
