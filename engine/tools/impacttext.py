"""`ereje impact` as text: the headline (the invalid cases first) and the flips per decision.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from .impact import ImpactReport


def terminal_progress(stream: Any = None) -> Callable[[int, int], None] | None:
    """A progress line on stderr, only when it is a terminal."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.2:
            return
        last[0] = now
        stream.write(f"\r  impact: {done:,}/{total:,} lines")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return report


def headline(report: dict[str, Any]) -> list[str]:
    """The lines every rendering puts first: how many cases each edition could read at all."""
    t = report["totals"]
    frm, to = report["from"]["id"], report["to"]["id"]
    out = [
        f"{report['lines']:,} lines: {t['cases']:,} cases ({report['malformed_lines']:,} lines not a case); "
        f"{t['compared']:,} compared",
        f"invalid under {frm}: {t['invalid_under_from']:,}; invalid under {to}: {t['invalid_under_to']:,}"
        + (f"; not decidable under one of them: {t['not_decided']:,}" if t["not_decided"] else ""),
    ]
    if report.get("fill_missing"):
        out.append(
            f"facts one edition lacks were generated for {t['filled']:,} case(s) "
            f"(--fill-missing, seed {report['fill_missing']['seed']}; docs/casegen.md)"
        )
    for edition, questions in (report.get("facts_only") or {}).items():
        facts = "; ".join(f"{q}: {', '.join(paths)}" for q, paths in sorted(questions.items()))
        out.append(f"facts only {edition} reads: {facts}")
    if report.get("facts_only") and not report.get("fill_missing"):
        out.append(
            "a case without them is read as if absent; --fill-missing generates them (docs/casegen.md)"
        )
    out.append(
        f"{t['flipped']:,} outcomes flip; {t['values_changed']:,} same outcome with other computed values"
    )
    return out


def render_text(report: ImpactReport) -> str:
    r = report.result
    data = report.to_dict()
    out = [
        f"{report.act}: impact of {report.old.id} → {report.new.id} on {report.corpus}",
        *("  " + x for x in headline(data)),
        f"  ({report.seconds:.2f} s, {report.jobs} process(es))",
    ]
    if report.new.draft or report.old.draft:
        out.append("  note: a DRAFT edition is compared: not law, for review only")
    out.append("  (* marks a clause whose version differs between the two editions)")
    for d in sorted(r.decisions.values(), key=lambda d: d.decision):
        out.append("")
        parts = [
            f"{d.cases:,} cases",
            f"{d.flipped:,} flip",
            f"{d.values_changed:,} same outcome, other values",
            f"{d.citations_changed:,} same outcome on other grounds",
            f"{d.decidability_changed:,} decided under one edition only",
            f"{d.same:,} unchanged",
        ]
        if d.refused_both:
            parts.append(f"{d.refused_both:,} undecidable under both")
        if d.invalid:
            parts.append(
                f"INVALID {d.invalid:,} (under {report.old.id} only: {d.invalid_old:,}, "
                f"under {report.new.id} only: {d.invalid_new:,}, both: {d.invalid_both:,})"
            )
        if d.not_decided:
            parts.append(f"{d.not_decided:,} not decidable")
        if d.filled:
            parts.append(f"{d.filled:,} with generated facts")
        out.append(f"{d.decision}: " + ", ".join(parts))
        for side, why in d.absent.items():
            out.append(f"  not decidable under {side}: {why}")
        for g in d.sorted_groups():
            clauses = (
                ", ".join(c + ("*" if c in report.changed_clauses else "") for c in g.responsible) or "—"
            )
            lines = ", ".join(str(n) for n in g.samples)
            out.append(f"  {g.count:>7,}  {g.old} → {g.new}  [{clauses}]  e.g. line(s) {lines}")
        for v in d.sorted_values():
            first = v.first or {}
            example = f"{first.get('from')} → {first.get('to')}" if first else ""
            out.append(
                f"  {v.count:>7,}  value {v.name} differs  e.g. line {v.samples[0]}: {example}"
                if v.samples
                else f"  {v.count:>7,}  value {v.name} differs"
            )
        for n, why in d.invalid_samples:
            out.append(f"  invalid: line {n}: {why}")
    if r.invalid_lines:
        out.append("")
        out.append(
            f"lines that are not a case ({r.invalid:,}"
            + (f", first {len(r.invalid_lines)} shown" if r.invalid > len(r.invalid_lines) else "")
            + "):"
        )
        for n, problem in r.invalid_lines:
            out.append(f"  line {n}: {problem}")
    return "\n".join(out)
