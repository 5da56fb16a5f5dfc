"""The trace gate of a draft: its scenarios run against the draft's edition, and a clause the draft
changes needs a scenario that shows the new rule at work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..policy import Act, ClauseVersion
from .features import read_features
from .trace import Evidence, role_in

# ---- the gate of a draft ---------------------------------------------------------------------------


@dataclass
class DraftClause:
    id: str
    change: str  # new_wording | insertion | lost_force | … (the draft version's `change`)
    rule_changed: bool  # False when only the text changed (the rule is the one in force)
    evidence: Evidence | None = None
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "change": self.change,
            "rule_changed": self.rule_changed,
            "evidence": self.evidence.to_dict() if self.evidence else None,
            "gate": "failing" if self.problems else "ok",
            "problems": self.problems,
        }


@dataclass
class DraftTrace:
    act: str
    edition: str
    base: str
    clauses: list[DraftClause]
    problems: list[str]

    @property
    def failures(self) -> list[str]:
        return [*self.problems, *(f"{c.id}: {p}" for c in self.clauses for p in c.problems)]

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        return {
            "act": self.act,
            "edition": self.edition,
            "base": self.base,
            "ok": self.ok,
            "clauses": [c.to_dict() for c in self.clauses],
            "failures": self.failures,
        }


def build_draft_trace(
    act: Act,
    draft: Any,
    base: Any,
    draft_hash: str,
    features_dir: Path,
    results: dict[str, Any],
    under_base: Callable[[str, Any, str], dict[str, Any]],
) -> DraftTrace:
    """The gate of a draft edition: every clause version the draft brings whose rule differs from
    the edition it amends (`base`) needs a passing scenario that tags the clause and, decided under
    the draft's edition itself (tag @draft:<id>, or a step naming the edition), shows the *new*
    rule at work: the clause is cited (in any role) or gives a value under the draft, and the same
    case decided under `base` (`under_base(question, case, as_of)` -> {"outcome", "roles",
    "values"} or {"refused"}) gives another outcome, another role to the clause, or another value
    of it. (A longer maximum term shows itself where the clause is satisfied under the draft and
    not met under the act: there is no case it decides that the act decides otherwise.) A scenario
    whose answer the rule in force gives too shows nothing about the draft. Scenarios run against
    the edition in force prove nothing either; a run made before the draft last changed (another
    policy hash) is stale."""
    index = read_features(features_dir)
    problems = list(index.problems)
    by_key = {(s.rel, s.line): s for s in index.scenarios if s.act == act.id}
    clauses: list[DraftClause] = []
    for cid, version in draft.versions.items():
        if version.amendment != draft.amendment.id:
            continue
        before = base.versions.get(cid)
        rule_changed = before is None or _rule_of(before) != _rule_of(version)
        clauses.append(DraftClause(cid, version.change, rule_changed))
    stale = False
    for entry in results.get("scenarios", []):
        if not isinstance(entry, dict) or entry.get("result") != "passed":
            continue
        line = entry.get("line")
        scenario = by_key.get((str(entry.get("feature")), line if isinstance(line, int) else 0))
        if scenario is None or index.files.get(scenario.rel) != entry.get("feature_sha256"):
            continue
        for d in entry.get("decisions", []):
            if d.get("edition") != draft.id:
                continue
            if d.get("policy_hash") != draft_hash:
                stale = True
                continue
            for c in clauses:
                if c.evidence is not None or c.id not in scenario.clauses:
                    continue
                role = role_in(d, c.id)
                if role is None or role == "not cited":
                    continue
                if "case" not in d:
                    continue  # recorded by an older run: no case to decide again
                then = under_base(str(d.get("question")), d["case"], str(d.get("as_of")))
                if _differs(d, then, c.id, role):
                    c.evidence = Evidence(
                        scenario.feature, scenario.line, scenario.name, d.get("question"), role
                    )
    for c in clauses:
        if c.rule_changed and c.evidence is None:
            c.problems.append(
                f"no passing scenario tagged @clause:{c.id} shows the draft's new rule at work under {draft.id} "
                f"(deciding where the rule in force decides otherwise; tag it @draft:{draft.amendment.id}, "
                "docs/editions.md)"
            )
    if stale:
        problems.append(
            f"some scenario results under {draft.id} were made before the draft last changed: run the features again"
        )
    return DraftTrace(act.id, draft.id, base.id, clauses, problems)


def _differs(now: dict[str, Any], then: dict[str, Any], clause: str, role: str) -> bool:
    """Whether the base edition answers the recorded draft decision otherwise where `clause` is
    concerned: refused, another outcome, another role, or (for a value it computes) another value."""
    if then.get("refused"):
        return True
    if then.get("outcome") != now.get("outcome"):
        return True
    if role != "computed" and then.get("roles", {}).get(clause, "not cited") != role:
        return True
    mine = [name for name, cid in (now.get("values") or {}).items() if cid == clause]
    values = now.get("outcome_values") or {}
    return any(values.get(name) != (then.get("values") or {}).get(name) for name in mine)


def _rule_of(version: ClauseVersion) -> str | None:
    """The rule as the parser read it (comments and layout aside), to tell a text-only change."""
    from ..dsl.printer import unparse

    if version.program is None:
        return None
    return "\n".join(
        [unparse(d) for d in version.program.definitions]
        + [
            f"for {b.decision}: " + "; ".join(unparse(s) for s in b.statements)
            for b in version.program.blocks
        ]
    )


def render_draft_text(trace: DraftTrace) -> str:
    out = [f"{trace.act}: the gate of the DRAFT {trace.edition} (amends {trace.base})", ""]
    for c in trace.clauses:
        state = "ok" if not c.problems else "FAILING"
        what = "rule changed" if c.rule_changed else "text only: the rule in force is unchanged"
        out.append(f"{c.id}  {c.change}, {what}  {state}")
        if c.evidence:
            out.append(
                f"    shown at work: {c.evidence.feature}:{c.evidence.line} ({c.evidence.role})  {c.evidence.name}"
            )
        for p in c.problems:
            out.append(f"    ✗ {p}")
    out.append("")
    if trace.failures:
        out.append(f"draft gate FAILED: {len(trace.failures)} problem(s)")
        out.extend(f"  - {f}" for f in trace.failures)
    else:
        out.append(
            "draft gate ok: every clause the draft changes has a scenario showing its rule under the draft"
        )
    return "\n".join(out)
