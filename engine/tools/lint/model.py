"""Findings and the monitoring report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ...i18n import Message, text

SEVERITIES = ("error", "warning", "info")
RANK = {s: k for k, s in enumerate(SEVERITIES)}

# Every kind of finding, with a one-line definition (docs/monitoring.md has the full ones).
KINDS: dict[str, str] = {
    "conflict": "two clauses give different non-default outcomes for one case with no override between "
    "them; when the decision's outcome order ranks the two outcomes it is *settled* (info, shown with "
    "--show-settled), otherwise a warning",
    "gap_undecidable": "a case the schema admits that the decision cannot answer: a statement that "
    "could change the outcome reads a fact the case may omit",
    "gap_silent_default": "the default outcome is reached with no requirement satisfied: only "
    "because no clause spoke",
    "dead_statement": "a statement that fires for no case of the domain",
    "constant_statement": "a statement that fires for every case of the domain",
    "dead_exception": "an `unless` exception that never holds when it is looked at",
    "constant_condition": "a condition inside a rule that is always true or never true",
    "unused_definition": "a definition no statement of any decision uses",
    "unused_fact": "a fact of the case schema that no statement of the decision reads",
    "no_influence": "a clause the decision cites that cannot change its outcome",
    "wording_risk": "a phrase of the clause text that anti-corruption expertise flags",
    "hierarchy_conflict": "a lower act's rule denies what a higher act grants on the same matter",
    "hierarchy_note": "something the hierarchy check could not compare, and why",
    "bound": "a check not settled: a search that did not run over the whole domain, or solver "
    "questions unknown within the time budget, and why",
    "solver_disagreement": "a finding the solver's witness claims but the compiled engine does not confirm "
    "on that case: a bug of the symbolic encoding, reported instead of the finding",
}


@dataclass
class Witness:
    """A case that shows the finding, and what the engine answers on it."""

    case: dict[str, Any]
    as_of: dt.date
    answers: list[dict[str, Any]] = field(default_factory=list)  # per act: outcome, citations / error
    fired: list[dict[str, Any]] = field(default_factory=list)  # statements that fired, with outcome

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "case": self.case,
            "answers": self.answers,
            "fired": self.fired,
        }


@dataclass
class Finding:
    """One finding. Its sentence is made as a catalogue `Message` (key and fields) and said in
    the reader's language by `text(lang)`; `message` keeps it in English, for logs and tests. A
    check that still passes a plain string has that string in every language (its `code` is then
    the kind) — the catalogue test cannot see it, so checks say their findings with `say`."""

    kind: str
    severity: str
    act: str
    message: Any  # a Message (`engine.i18n.say`), or a plain English string
    clause: str | None = None
    decision: str | None = None
    file: str | None = None
    line: int | None = None
    clauses: list[str] = field(default_factory=list)  # every clause involved (citations)
    witness: Witness | None = None
    details: dict[str, Any] = field(default_factory=dict)
    edition: str | None = None
    settled: Message | str | None = None  # why the finding needs no action (the outcome order), if so
    acknowledged: Any = None  # the policy.Acknowledgement that accepts it, if any
    said: Message | None = None  # the sentence as data, when `message` was given as a Message

    def __post_init__(self) -> None:
        if isinstance(self.message, Message):
            self.said = self.message
            self.message = self.message.render("en")

    def text(self, lang: str | None = "en") -> str:
        """The finding's sentence in `lang` (kk, ru, en)."""
        return self.said.render(lang) if self.said is not None else str(self.message)

    def settled_text(self, lang: str | None = "en") -> str | None:
        """Why the finding is settled, in `lang`; None when it is not."""
        return said_in(self.settled, lang)

    @property
    def code(self) -> str:
        """The stable id of the sentence (its catalogue key) for machines to branch on."""
        return self.said.key if self.said is not None else f"lint.{self.kind}"

    @property
    def where(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or self.act

    def key(self) -> tuple:
        return (
            RANK[self.severity],
            self.act,
            self.kind,
            self.decision or "",
            self.clause or "",
            self.line or 0,
        )

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "code": self.code,
            "params": self.said.params() if self.said is not None else {},
            "severity": self.severity,
            "act": self.act,
            "edition": self.edition,
            "decision": self.decision,
            "clause": self.clause,
            "clauses": self.clauses,
            "file": self.file,
            "line": self.line,
            "message": self.text(lang),
            "details": _details_in(self.details, lang),
            "witness": self.witness.to_dict() if self.witness else None,
            "settled": self.settled_text(lang),
            "settled_reason": as_data(self.settled),
            "acknowledged": (
                {
                    "reason": self.acknowledged.reason,
                    "file": self.acknowledged.file,
                    "line": self.acknowledged.line,
                }
                if self.acknowledged is not None
                else None
            ),
        }
        return out


@dataclass
class ActSummary:
    act: str
    edition: str | None
    level: str
    title: str | None
    decisions: list[str]
    searches: int = 0
    evaluations: int = 0
    notes: list[Message | str] = field(default_factory=list)  # a Message said in the reader's language


@dataclass
class Report:
    as_of: dt.date
    budget: int
    acts: list[ActSummary]
    findings: list[Finding]
    stability: dict[str, Any]
    settled: list[Finding] = field(default_factory=list)  # settled findings not shown (--show-settled)
    acknowledged: list[Finding] = field(default_factory=list)  # accepted in the policy files, shown apart

    def counts(self) -> dict[str, Any]:
        by_kind: dict[str, int] = {}
        by_severity = {s: 0 for s in SEVERITIES}
        per_act: dict[str, dict[str, int]] = {}
        for f in self.findings:
            by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
            by_severity[f.severity] += 1
            per_act.setdefault(f.act, {}).setdefault(f.kind, 0)
            per_act[f.act][f.kind] += 1
        return {"by_severity": by_severity, "by_kind": dict(sorted(by_kind.items())), "by_act": per_act}

    def worst(self) -> str | None:
        ranks = [RANK[f.severity] for f in self.findings]
        return SEVERITIES[min(ranks)] if ranks else None

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        findings = []
        for f in self.findings:
            d = f.to_dict(lang)
            counts = (self.stability or {}).get("clause_changes", {}).get(f.act)
            d["clause_changes"] = counts.get(f.clause, 0) if counts is not None and f.clause else None
            findings.append(d)
        return {
            "format": "ereje-lint/1",
            "as_of": self.as_of.isoformat(),
            "budget": self.budget,
            "acts": [{**a.__dict__, "notes": [said_in(n, lang) for n in a.notes]} for a in self.acts],
            "counts": self.counts(),
            "findings": findings,
            "lang": lang,
            "acknowledged": [f.to_dict(lang) for f in self.acknowledged],
            "settled_not_shown": {
                "count": len(self.settled),
                "by_kind": _by_kind(self.settled),
                "note": text("lint.report.settled_note", lang),
            },
            "stability": _stability_in(self.stability, lang),
        }


def _details_in(details: dict[str, Any], lang: str) -> dict[str, Any]:
    """The details as data, with the notes kept as messages (`basis_notes`) said in `lang`."""
    if "basis_notes" not in details:
        return details
    return {**details, "basis_notes": [said_in(n, lang) for n in details["basis_notes"]]}


def _stability_in(section: dict[str, Any] | None, lang: str) -> dict[str, Any] | None:
    """The stability section with its note (why the figures are missing) said in `lang`."""
    if not section or "note" not in section:
        return section
    return {**section, "note": said_in(section["note"], lang)}


def said_in(value: Message | str | None, lang: str | None) -> str | None:
    """A sentence kept as a `Message` said in `lang`; a plain string (from a check that still
    writes English, or from the policy data) as it is."""
    if value is None:
        return None
    return value.render(lang) if isinstance(value, Message) else str(value)


def as_data(value: Message | str | None) -> dict[str, Any] | None:
    """A `Message` as {code, params} for machines (None for a plain string or nothing)."""
    return {"code": value.key, "params": value.params()} if isinstance(value, Message) else None


def _by_kind(findings: list[Finding]) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in findings:
        out[f.kind] = out.get(f.kind, 0) + 1
    return dict(sorted(out.items()))
