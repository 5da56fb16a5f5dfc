"""Stability of acts: how often each act and each clause changed, over time windows.

Legal monitoring asks how often a norm changes: a rule amended every few months is hard to
apply and to rely on. From the amendments recorded as data (drafts excluded) this counts, per
act: the amending acts (the original adoption is not a change) and the clause changes they made
(every clause version produced by an amending act: new wording, insertion, lost force), per
calendar year and over windows of the last N months ending on a given date; and it ranks the
most-changed clauses.

Each change is dated by the signing of the amending act, which is always known; its entry into
force may be uncertain (then it is flagged). The end of the trailing windows defaults to the
latest amendment's date, never the machine's clock, so the same policies give the same report.
Gaps the act records in its history (`editions_not_encoded` in act.yaml) are reported with the
counts: the figures cover what is encoded, not necessarily every amendment ever made.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..errors import ErejeError
from ..policy import Act
from ..timecalc import add_months

DEFAULT_WINDOWS = ("24m",)


class WindowError(ErejeError, ValueError):
    """A time window written in a form that cannot be read."""


def parse_window(text: str) -> int:
    """'24m' → 24 months, '1y' → 12 months, '18' → 18 months."""
    match = re.fullmatch(r"\s*(\d{1,3})\s*(m|mo|months?|y|yr|years?)?\s*", text or "")
    if not match:
        raise WindowError(f"{text!r} is not a time window: write a number of months or years, e.g. 24m or 2y")
    n = int(match.group(1))
    unit = (match.group(2) or "m")[0]
    months = n * 12 if unit == "y" else n
    if not 1 <= months <= 1200:
        raise WindowError(f"{text!r}: a window is between 1 month and 100 years")
    return months


@dataclass
class Change:
    act: str
    clause: str
    amendment: str
    number: str | None
    signed: dt.date
    change: str
    entry_certain: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "act": self.act,
            "clause": self.clause,
            "amendment": self.amendment,
            "number": self.number,
            "signed": self.signed.isoformat(),
            "change": self.change,
            "entry_into_force_certain": self.entry_certain,
        }


def changes_of(act: Act) -> tuple[list[dict[str, Any]], list[Change]]:
    """The amending acts (in force, not the original adoption) and the clause changes they made."""
    amendments: list[dict[str, Any]] = []
    originals = {a.id for a in act.amendments.values() if a.id == act.id or a.signed == act.adopted}
    for a in sorted(act.amendments.values(), key=lambda a: (a.signed, a.id)):
        if a.status != "in_force" or a.id in originals:
            continue
        entry = a.entry_into_force()
        amendments.append(
            {
                "amendment": a.id,
                "number": a.number,
                "signed": a.signed.isoformat(),
                "entry_into_force": entry.start.isoformat(),
                "entry_into_force_certain": entry.certain,
                "clauses_changed": 0,
            }
        )
    by_id = {x["amendment"]: x for x in amendments}
    changes: list[Change] = []
    for cid, clause in act.clauses.items():
        for version in clause.versions:
            made_by = act.amendments.get(version.amendment)
            if made_by is None or made_by.id not in by_id or version.change == "original":
                continue
            changes.append(
                Change(
                    act.id,
                    cid,
                    made_by.id,
                    made_by.number,
                    made_by.signed,
                    version.change,
                    made_by.entry_into_force().certain,
                )
            )
            by_id[made_by.id]["clauses_changed"] += 1
    return amendments, changes


def _rank(changes: list[Change], order: dict[str, int], top: int) -> list[dict[str, Any]]:
    counts: dict[str, list[Change]] = {}
    for c in changes:
        counts.setdefault(c.clause, []).append(c)
    ranked = sorted(counts.items(), key=lambda kv: (-len(kv[1]), order.get(kv[0], 10**6), kv[0]))
    return [
        {
            "clause": cid,
            "changes": len(items),
            "last_changed": max(i.signed for i in items).isoformat(),
            "by": [f"{i.amendment} ({i.change})" for i in sorted(items, key=lambda i: i.signed)],
        }
        for cid, items in ranked[:top]
    ]


def stability(
    acts: list[Act], windows: list[str] | None = None, as_of: dt.date | None = None, top: int = 10
) -> dict[str, Any]:
    """The stability report of `acts` as JSON-ready data."""
    months = [(w, parse_window(w)) for w in (windows or DEFAULT_WINDOWS)]
    per_act = []
    all_dates: list[dt.date] = []
    prepared = []
    for act in acts:
        amendments, changes = changes_of(act)
        prepared.append((act, amendments, changes))
        all_dates.extend(dt.date.fromisoformat(a["signed"]) for a in amendments)
    end = as_of or (
        max(all_dates) if all_dates else max((a.adopted for a in acts), default=dt.date(2000, 1, 1))
    )
    for act, amendments, changes in prepared:
        order = {cid: k for k, cid in enumerate(act.clauses)}
        first_year = act.adopted.year
        years = []
        for year in range(first_year, end.year + 1):
            in_year = [c for c in changes if c.signed.year == year]
            acts_in_year = [a for a in amendments if dt.date.fromisoformat(a["signed"]).year == year]
            years.append(
                {
                    "year": year,
                    "amendments": len(acts_in_year),
                    "amending_acts": [a["amendment"] for a in acts_in_year],
                    "clause_changes": len(in_year),
                    "clauses_changed": len({c.clause for c in in_year}),
                }
            )
        trailing = []
        for label, n in months:
            start = add_months(end, -n)
            inside = [c for c in changes if start < c.signed <= end]
            acts_inside = [a for a in amendments if start < dt.date.fromisoformat(a["signed"]) <= end]
            trailing.append(
                {
                    "window": label,
                    "months": n,
                    "from": (start + dt.timedelta(days=1)).isoformat(),
                    "to": end.isoformat(),
                    "amendments": len(acts_inside),
                    "amending_acts": [a["amendment"] for a in acts_inside],
                    "clause_changes": len(inside),
                    "clauses_changed": len({c.clause for c in inside}),
                    "most_changed": _rank(inside, order, top),
                }
            )
        gaps = act.raw.get("editions_not_encoded") or []
        per_act.append(
            {
                "act": act.id,
                "adopted": act.adopted.isoformat(),
                "clauses": sum(
                    1
                    for c in act.clauses.values()
                    if any(
                        (a := act.amendments.get(v.amendment)) is not None and a.status == "in_force"
                        for v in c.versions
                    )
                ),
                "amendments": amendments,
                "clause_changes": len(changes),
                "per_year": years,
                "windows": trailing,
                "most_changed": _rank(changes, order, top),
                "history_gaps": [
                    {"amendment": g.get("amendment"), "scope": g.get("scope")}
                    for g in gaps
                    if isinstance(g, dict)
                ],
                "uncertain_entry_into_force": [
                    a["amendment"] for a in amendments if not a["entry_into_force_certain"]
                ],
            }
        )
    return {
        "as_of": end.isoformat(),
        "as_of_source": "given" if as_of else "the latest amendment's signing date",
        "dated_by": "the signing date of the amending act",
        "acts": per_act,
    }


def _ranges(years: list[int]) -> str:
    """[2013, 2014, 2015, 2017] → "2013–2015, 2017"."""
    out: list[str] = []
    start = prev = years[0]
    for y in [*years[1:], None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        out.append(str(start) if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(out)


def render_text(report: dict[str, Any]) -> str:
    out = [
        f"Stability of the encoded acts, windows ending {report['as_of']} ({report['as_of_source']}); "
        f"changes dated by {report['dated_by']}."
    ]
    for a in report["acts"]:
        out.append("")
        out.append(
            f"{a['act']} (adopted {a['adopted']}, {a['clauses']} clauses): {len(a['amendments'])} amending "
            f"act(s), {a['clause_changes']} clause change(s)"
        )
        for x in a["amendments"]:
            certain = "" if x["entry_into_force_certain"] else " (entry into force uncertain)"
            number = f"No. {x['number']} " if x["number"] else ""
            out.append(
                f"  {x['signed']}  {number}{x['amendment']}: {x['clauses_changed']} clause(s) changed; "
                f"in force from {x['entry_into_force']}{certain}"
            )
        if a["history_gaps"]:
            out.append(
                f"  history incomplete: {len(a['history_gaps'])} gap(s) recorded in act.yaml "
                "(editions_not_encoded); the counts cover what is encoded"
            )
        out.append("  per year (amending acts / clause changes):")
        row = [
            f"{y['year']}: {y['amendments']}/{y['clause_changes']}" for y in a["per_year"] if y["amendments"]
        ]
        quiet = [y["year"] for y in a["per_year"] if not y["amendments"]]
        out.append("    " + ("; ".join(row) if row else "no amendments"))
        if quiet:
            out.append(f"    no amendment in {len(quiet)} year(s): {_ranges(quiet)}")
        for w in a["windows"]:
            out.append(
                f"  last {w['window']} ({w['from']} – {w['to']}): {w['amendments']} amending act(s), "
                f"{w['clause_changes']} clause change(s) in {w['clauses_changed']} clause(s)"
            )
        if a["most_changed"]:
            out.append("  most-changed clauses:")
            for m in a["most_changed"]:
                out.append(
                    f"    {m['clause']:<18} {m['changes']} change(s), last {m['last_changed']}: {', '.join(m['by'])}"
                )
    return "\n".join(out)
