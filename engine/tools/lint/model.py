"""Findings and the monitoring report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

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
    "bound": "a search that did not run over the whole domain, and why",
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
    kind: str
    severity: str
    act: str
    message: str
    clause: str | None = None
    decision: str | None = None
    file: str | None = None
    line: int | None = None
    clauses: list[str] = field(default_factory=list)  # every clause involved (citations)
    witness: Witness | None = None
    details: dict[str, Any] = field(default_factory=dict)
    edition: str | None = None
    settled: str | None = None  # why the finding needs no action (the declared outcome order), if so
    acknowledged: Any = None  # the policy.Acknowledgement that accepts it, if any

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

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "severity": self.severity,
            "act": self.act,
            "edition": self.edition,
            "decision": self.decision,
            "clause": self.clause,
            "clauses": self.clauses,
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "details": self.details,
            "witness": self.witness.to_dict() if self.witness else None,
            "settled": self.settled,
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
    notes: list[str] = field(default_factory=list)


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

    def to_dict(self) -> dict[str, Any]:
        findings = []
        for f in self.findings:
            d = f.to_dict()
            counts = (self.stability or {}).get("clause_changes", {}).get(f.act)
            d["clause_changes"] = counts.get(f.clause, 0) if counts is not None and f.clause else None
            findings.append(d)
        return {
            "format": "ereje-lint/1",
            "as_of": self.as_of.isoformat(),
            "budget": self.budget,
            "acts": [a.__dict__ for a in self.acts],
            "counts": self.counts(),
            "findings": findings,
            "acknowledged": [f.to_dict() for f in self.acknowledged],
            "settled_not_shown": {
                "count": len(self.settled),
                "by_kind": _by_kind(self.settled),
                "note": "findings the declared outcome order settles; --show-settled lists them",
            },
            "stability": self.stability,
        }


def _by_kind(findings: list[Finding]) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in findings:
        out[f.kind] = out.get(f.kind, 0) + 1
    return dict(sorted(out.items()))
