"""Editions: which version of each clause is in force on a date.

A clause version applies from the entry into force of the act that produced it until the
next version of the same clause applies. An edition is the set of versions in force on a
date; its id names the act and the latest amending act applied (`U1300000624@U2500000853`),
and its content hash covers everything that can change an answer, so a stored decision can be
re-checked against exactly the policy that produced it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from .policy import Act, Amendment, ClauseVersion, EntryIntoForce

ENGINE_SEMANTICS = "ereje-semantics-1"


@dataclass
class Edition:
    act: str
    id: str
    start: dt.date
    end: dt.date | None  # the day before the next edition starts; None if still current
    amendment: Amendment
    entry: EntryIntoForce
    versions: dict[str, ClauseVersion]  # clause id -> version in force
    uncertain: list[EntryIntoForce] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "act": self.act,
            "from": self.start.isoformat(),
            "until": self.end.isoformat() if self.end else None,
            "amendment": self.amendment.id,
            "amendment_number": self.amendment.number,
            "entry_into_force_certain": self.entry.certain,
            "entry_into_force": self.entry.explanation,
        }


def editions_of(act: Act) -> list[Edition]:
    """Every edition of the act in force order (drafts excluded)."""
    starts: dict[dt.date, list[Amendment]] = {}
    for amendment in act.amendments.values():
        if amendment.status != "in_force":
            continue
        starts.setdefault(amendment.entry_into_force().start, []).append(amendment)
    dates = sorted(starts)
    editions: list[Edition] = []
    for k, start in enumerate(dates):
        versions: dict[str, ClauseVersion] = {}
        for clause in act.clauses.values():
            best: tuple[dt.date, ClauseVersion] | None = None
            for version in clause.versions:
                amendment = act.amendments.get(version.amendment)
                if amendment is None or amendment.status != "in_force":
                    continue
                vstart = amendment.entry_into_force().start
                if vstart <= start and (best is None or vstart >= best[0]):
                    best = (vstart, version)
            if best is not None:
                versions[clause.id] = best[1]
        latest = max(starts[start], key=lambda a: (a.signed, a.id))
        end = dates[k + 1] - dt.timedelta(days=1) if k + 1 < len(dates) else None
        entry = latest.entry_into_force()
        editions.append(Edition(act.id, f"{act.id}@{latest.id}", start, end, latest, entry, versions))
    return editions


def edition_on(editions: list[Edition], day: dt.date) -> Edition | None:
    """The edition in force on `day`, or None before the first one."""
    found = None
    for edition in editions:
        if edition.start <= day:
            found = edition
    return found


def content_hash(act: Act, edition: Edition, extra: dict[str, Any]) -> str:
    """sha256 over a canonical JSON of everything that decides answers under this edition."""
    payload = {
        "semantics": ENGINE_SEMANTICS,
        "act": act.id,
        "edition": edition.id,
        "from": edition.start.isoformat(),
        "clauses": {
            cid: {"amendment": v.amendment, "kind": v.kind, "texts": v.texts, "rule": v.rule_text}
            for cid, v in sorted(edition.versions.items())
        },
        "decisions": {
            name: {
                "outcomes": [(o.id, o.default) for o in spec.outcomes],
                "clauses": spec.clauses,
                "edition_date": spec.edition_date,
                "case_schema": spec.case_schema,
            }
            for name, spec in sorted(act.decisions.items())
        },
        **extra,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()
