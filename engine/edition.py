"""Editions: which version of each clause is in force on a date.

A clause version applies from the entry into force of the act that produced it until the
next version of the same clause applies. An edition is the set of versions in force on a
date; its id names the act and the latest amending act applied (`U1300000624@U2500000853`),
and its content hash covers everything that can change an answer, so a stored decision can be
re-checked against exactly the policy that produced it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .policy import Act, Amendment, Clause, ClauseVersion, DecisionSpec, EntryIntoForce

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
    draft: bool = False  # a draft amendment applied to the current edition: not law
    decisions: dict[str, DecisionSpec] | None = None  # a draft's decisions; see `decision_specs`

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "draft": self.draft,
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
    dated = {clause.id: dated_versions(act, clause) for clause in act.clauses.values()}
    for k, start in enumerate(dates):
        versions: dict[str, ClauseVersion] = {}
        for cid, periods in dated.items():
            best: tuple[dt.date, ClauseVersion] | None = None
            for vstart, version in periods:
                if vstart <= start and (best is None or vstart >= best[0]):
                    best = (vstart, version)
            if best is not None:
                versions[cid] = best[1]
        latest = max(starts[start], key=lambda a: (a.signed, a.id))
        end = dates[k + 1] - dt.timedelta(days=1) if k + 1 < len(dates) else None
        entry = latest.entry_into_force()
        editions.append(Edition(act.id, f"{act.id}@{latest.id}", start, end, latest, entry, versions))
    return editions


def dated_versions(act: Act, clause: Clause) -> list[tuple[dt.date, ClauseVersion]]:
    """(the day it applies from, version) for each version of the clause made by an act in
    force, as listed: a version applies from its amending act's entry into force until the
    next one's. The one definition editions and the history checks share."""
    out = []
    for version in clause.versions:
        amendment = act.amendments.get(version.amendment)
        if amendment is not None and amendment.status == "in_force":
            out.append((amendment.entry_into_force().start, version))
    return out


def draft_editions(act: Act, in_force: list[Edition]) -> list[Edition]:
    """One edition per draft amendment: the latest edition in force with the draft applied."""
    if not in_force:
        return []
    base = in_force[-1]
    out = []
    for amendment in act.amendments.values():
        if amendment.status != "draft":
            continue
        versions = dict(base.versions)
        for clause in act.clauses.values():
            for version in clause.versions:
                if version.amendment == amendment.id:
                    versions[clause.id] = version
        decisions = dict(act.decisions)
        decisions.update(act.draft_decisions.get(amendment.id, {}))
        entry = amendment.entry_into_force()
        out.append(
            Edition(
                act.id,
                f"{act.id}@{amendment.id}",
                entry.start,
                None,
                amendment,
                entry,
                versions,
                draft=True,
                decisions=decisions,
            )
        )
    return out


def history_issues(act: Act) -> list[tuple[str, str, int | None, str, str]]:
    """Problems in a clause's versions over time: (severity, file, line, clause, message).

    Periods are derived (a version applies from its amending act's entry into force until the
    next version's), so the only overlap is two versions starting the same day, and the only
    disorder is versions listed out of time order.
    """
    out = []
    for clause in act.clauses.values():
        for (d1, v1), (d2, v2) in itertools.pairwise(dated_versions(act, clause)):
            if d1 == d2:
                out.append(
                    (
                        "error",
                        v2.file,
                        v2.line,
                        clause.id,
                        f"versions by {v1.amendment} and {v2.amendment} both apply from {d1.isoformat()}: "
                        "their periods overlap",
                    )
                )
            elif d2 < d1:
                out.append(
                    (
                        "error",
                        v2.file,
                        v2.line,
                        clause.id,
                        f"version by {v2.amendment} ({d2.isoformat()}) is listed after the later "
                        f"version by {v1.amendment} ({d1.isoformat()}): list versions oldest first",
                    )
                )
            if v1.text_known and v2.text_known:
                changed = {
                    lang for lang in set(v1.texts) | set(v2.texts) if v1.texts.get(lang) != v2.texts.get(lang)
                }
                same = {
                    lang for lang in set(v1.texts) & set(v2.texts) if v1.texts.get(lang) == v2.texts.get(lang)
                }
                if changed and same:
                    out.append(
                        (
                            "warning",
                            v2.file,
                            v2.line,
                            clause.id,
                            f"the text changed in {', '.join(sorted(changed))} but not in "
                            f"{', '.join(sorted(same))} between {v1.amendment} and {v2.amendment}",
                        )
                    )
    return out


def decision_specs(act: Act, edition: Edition) -> dict[str, DecisionSpec]:
    """The decisions under `edition`: a draft's own set (it may redefine some), else the act's.
    The one place that says so: every tool asks here."""
    return edition.decisions or act.decisions


def in_force_index(starts: Sequence[dt.date], day: dt.date) -> int | None:
    """Which of the editions starting on `starts` (in force order) is in force on `day`: the
    last to start on or before it; None before the first. The one definition of "in force on
    a date" (callers keep the starts of their editions, so the hot path pays one bisection)."""
    k = bisect.bisect_right(starts, day) - 1
    return k if k >= 0 else None


def edition_on(editions: Sequence[Edition], day: dt.date) -> Edition | None:
    """The edition in force on `day` among `editions` (in force order), or None before the first."""
    k = in_force_index([e.start for e in editions], day)
    return None if k is None else editions[k]


def content_hash(
    act: Act, edition: Edition, extra: dict[str, Any], without_languages: frozenset[str] = frozenset()
) -> str:
    """sha256 over a canonical JSON of everything that decides answers under this edition.

    `without_languages` leaves those languages' texts out: the hash an edition had before
    they were added (`legacy_hashes`)."""

    def texts(v: ClauseVersion) -> Any:
        if not without_languages or v.texts is None:
            return v.texts
        return {lang: t for lang, t in v.texts.items() if lang not in without_languages}

    payload = {
        "semantics": ENGINE_SEMANTICS,
        "act": act.id,
        "edition": edition.id,
        "from": edition.start.isoformat(),
        "clauses": {
            cid: {"amendment": v.amendment, "kind": v.kind, "texts": texts(v), "rule": v.rule_text}
            for cid, v in sorted(edition.versions.items())
        },
        "decisions": {
            name: {
                "outcomes": [(o.id, o.default) for o in spec.outcomes],
                "clauses": spec.clauses,
                "edition_date": spec.edition_date,
                "case_schema": spec.case_schema,
            }
            for name, spec in sorted(decision_specs(act, edition).items())
        },
        **extra,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


# Languages whose texts were added to editions that decisions had already been made under.
# A decision logged before a language existed recorded the hash without its texts; the same
# rules and the same other texts must still re-check, so that older form stays recognised.
LATER_LANGUAGES = frozenset({"ru"})


def legacy_hashes(act: Act, edition: Edition, extra: dict[str, Any]) -> tuple[str, ...]:
    """The policy hashes this edition had before the texts of `LATER_LANGUAGES` were added."""
    if not any(v.texts and LATER_LANGUAGES & set(v.texts) for v in edition.versions.values()):
        return ()
    return (content_hash(act, edition, extra, LATER_LANGUAGES),)
