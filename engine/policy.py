"""The policy model: what an act, its clauses, their versions, amendments and decisions are.

Built by `engine.loader` from validated YAML. Plain data; no behaviour beyond small derived
facts (the date an amendment entered into force, the text of a clause in a language).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .dsl import ast
from .dsl.types import Ty
from .i18n import N_
from .i18n import text as translate

# The explanations of an uncertain entry into force (EntryIntoForce.text).
ENTRY_MESSAGES = (N_("entry.publication_unknown"), N_("entry.unknown_signing"), N_("entry.unknown_recorded"))


@dataclass(frozen=True)
class EntryIntoForce:
    """When an amending act took effect, and how sure we are.

    `start` is the date the act's versions apply from. When the exact date is unknown,
    `start` is the earliest possible date and `certain` is False; every answer decided under
    such an edition says so.
    """

    start: dt.date
    certain: bool
    explanation: str
    # The explanation's catalogue key and values, to say it in the reader's language (`text`).
    reason: str = ""
    fields: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str | None = None) -> str:
        """The explanation in `lang` (Kazakh by default); the English `explanation` without a key."""
        if not self.reason:
            return self.explanation
        return translate(self.reason, lang, **dict(self.fields))


@dataclass
class Amendment:
    id: str
    act: str
    number: str | None
    signed: dt.date
    status: str  # in_force | draft
    publication: dt.date | None
    rule: str  # on_signing | days_after_publication | on_date | unknown
    days: int | None
    date: dt.date | None
    earliest: dt.date | None
    note: str | None
    changes: list[dict[str, Any]]
    file: str
    raw: dict[str, Any] = field(repr=False)
    draft_dir: str | None = None

    def entry_into_force(self) -> EntryIntoForce:
        if self.rule == "on_signing":
            return EntryIntoForce(self.signed, True, f"in force from signing, {self.signed:%d.%m.%Y}")
        if self.rule == "on_date" and self.date is not None:
            return EntryIntoForce(self.date, True, f"in force from {self.date:%d.%m.%Y}")
        if self.rule == "days_after_publication" and self.days is not None:
            if self.publication is not None:
                # "after N calendar days from the day of publication": the N days run from the
                # day after publication; the act applies from the day after they end.
                start = self.publication + dt.timedelta(days=self.days + 1)
                return EntryIntoForce(
                    start,
                    True,
                    f"published {self.publication:%d.%m.%Y}; in force after {self.days} calendar days, "
                    f"from {start:%d.%m.%Y}",
                )
            earliest = self.earliest or self.signed + dt.timedelta(days=self.days + 1)
            return EntryIntoForce(
                earliest,
                False,
                f"in force {self.days} calendar days after its first official publication, whose date "
                f"is not recorded; {earliest:%d.%m.%Y} is the earliest possible date (publication on "
                f"the day of signing, {self.signed:%d.%m.%Y})",
                "entry.publication_unknown",
                (("days", str(self.days)), ("earliest", f"{earliest:%d.%m.%Y}"), ("signed", f"{self.signed:%d.%m.%Y}")),
            )
        earliest = self.earliest or self.signed
        return EntryIntoForce(
            earliest,
            False,
            f"date of entry into force not recorded; {earliest:%d.%m.%Y} taken as the earliest possible date"
            + (" (its signing)" if self.earliest is None else " (as recorded in the amendment file)"),
            "entry.unknown_signing" if self.earliest is None else "entry.unknown_recorded",
            (("earliest", f"{earliest:%d.%m.%Y}"),),
        )


@dataclass
class ClauseVersion:
    clause: str
    amendment: str
    change: str
    kind: str  # rule | declarative
    texts: dict[str, str | None]
    text_known: bool
    reason: str | None
    rule_text: str | None
    notes: str | None
    program: ast.Program | None
    file: str
    pointer: str
    line: int | None
    raw: dict[str, Any] = field(repr=False)


@dataclass
class Clause:
    id: str
    parent: str | None
    chapter: str | None
    versions: list[ClauseVersion]
    file: str
    line: int | None
    acknowledged: list[Acknowledgement] = field(default_factory=list)


@dataclass(frozen=True)
class Acknowledgement:
    """A lint finding a drafter reviewed and accepted, with the reason (`acknowledged:` in a
    clause or decision file): `ereje lint` shows it apart and `--fail-on` ignores it."""

    finding: str  # the kind of finding
    clause: str | None
    decision: str | None
    reason: str
    file: str
    line: int | None

    def matches(self, kind: str, clause: str | None, decision: str | None) -> bool:
        return (
            kind == self.finding
            and (self.clause is None or self.clause == clause)
            and (self.decision is None or self.decision == decision)
        )


@dataclass
class Outcome:
    id: str
    default: bool
    titles: dict[str, str]


@dataclass
class DecisionSpec:
    name: str
    act: str
    titles: dict[str, str]
    question: dict[str, str]
    outcomes: list[Outcome]  # in precedence order: the first outcome that fires wins
    clauses: list[str]
    edition_date: str  # "decision_date" or a fact path whose date selects the edition
    edition_date_why: str | None
    case_schema: dict[str, Any]
    root: Ty
    notes: str | None
    file: str
    acknowledged: list[Acknowledgement] = field(default_factory=list)

    @property
    def default(self) -> str:
        return next(o.id for o in self.outcomes if o.default)

    @property
    def outcome_ids(self) -> list[str]:
        return [o.id for o in self.outcomes]


@dataclass
class Act:
    id: str
    title: dict[str, str]
    level: str
    adopted: dt.date
    languages: dict[str, dict[str, Any]]
    parents: list[dict[str, Any]]
    clauses: dict[str, Clause]  # in the order of the act
    decisions: dict[str, DecisionSpec]
    amendments: dict[str, Amendment]
    directory: str
    raw: dict[str, Any] = field(repr=False)
    # Decisions a draft redefines (for new facts its rules read), by draft amendment id.
    draft_decisions: dict[str, dict[str, DecisionSpec]] = field(default_factory=dict)
    # Ids declared by files that failed validation: not reported again as "does not exist".
    unvalidated: set[str] = field(default_factory=set)

    def current_version(self, clause_id: str) -> ClauseVersion:
        """The latest version made by an act in force (a draft's version is not current)."""
        versions = self.clauses[clause_id].versions
        for version in reversed(versions):
            amendment = self.amendments.get(version.amendment)
            if amendment is not None and amendment.status != "draft":
                return version
        return versions[-1]

    @property
    def authoritative_language(self) -> str:
        for lang, info in self.languages.items():
            if info.get("status") == "authoritative":
                return lang
        return next(iter(self.languages))
