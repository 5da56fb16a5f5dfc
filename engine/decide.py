"""From what a decision function reports to an explained decision.

The compiled function says which statements fired, which could not be evaluated for want of a
fact, which exceptions applied and which overrides took effect. Here that becomes an outcome:
the first outcome of the decision's precedence list that some statement gave, or the default
when none did. Every clause that gave the chosen outcome is cited (an exclusion on grounds
18.3 and 18.6 cites both); for the default outcome, every clause that was checked is cited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from .citation import LANGS as CITATION_LANGS
from .citation import cite_or_id
from .dsl.codegen import CompiledDecision, StatementRef
from .errors import CaseError, CaseProblem
from .policy import Act, DecisionSpec

# What a compiled decision function returns (engine/dsl/codegen.py): the indexes of the statements
# that fired, could not be decided for want of a fact, were excepted and overrode, and the values
# computed as (statement index, value).
RawResults = tuple[Sequence[int], Sequence[int], Sequence[int], Sequence[int], Sequence[tuple[int, Any]]]
# A fact plan: (JSON pointer, path up to any list) for each fact some statements read.
FactPlan = tuple[tuple[str, tuple[str, ...]], ...]

ROLE_FOR_KIND = {"require": "requirement_not_met", "ground": "ground"}


@dataclass
class Citation:
    clause: str
    role: str  # ground | requirement_not_met | satisfied | not_triggered | exception | override | applied
    text: str | None
    lang: str | None
    language_status: str | None
    amendment: str
    # How a lawyer cites the clause, in the language of the answer: "8-тармақтың 3) тармақшасы".
    cited_as: str = ""
    # What the quoted text is when it is not the official publication (act.yaml languages:
    # "restored_unchecked"); an answer must not pass a restored text off as the official one.
    text_status: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "citation": self.cited_as,
            "role": self.role,
            "text": self.text,
            "lang": self.lang,
            "language_status": self.language_status,
            "text_status": self.text_status,
            "amendment": self.amendment,
        }


@dataclass
class Decision:
    question: str
    act: str
    outcome: str
    outcome_title: str | None
    as_of: dt.date
    clauses: list[Citation]
    values: dict[str, dict[str, Any]]
    facts: list[dict[str, Any]]
    edition: dict[str, Any]
    policy_hash: str
    warnings: list[str] = field(default_factory=list)
    trace: list[dict[str, Any]] | None = None

    @property
    def citations(self) -> list[str]:
        return [c.clause for c in self.clauses]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "question": self.question,
            "act": self.act,
            "outcome": self.outcome,
            "outcome_title": self.outcome_title,
            "citations": self.citations,
            "clauses": [c.to_dict() for c in self.clauses],
            "values": self.values,
            "facts": self.facts,
            "as_of": self.as_of.isoformat(),
            "edition": self.edition,
            "policy_hash": self.policy_hash,
            "warnings": self.warnings,
        }
        if self.trace is not None:
            out["trace"] = self.trace
        return out


_PLAIN = (str, int, float, bool, type(None))


def jsonable(value: Any) -> Any:
    """Case values and computed values as JSON data: dates as ISO text, decimals as numbers."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {k: (v if type(v) in _PLAIN else jsonable(v)) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [v if type(v) in _PLAIN else jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, frozenset | set):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


@dataclass
class Resolution:
    outcome: str
    decisive: list[StatementRef]  # statements whose clauses are cited, in order
    roles: dict[str, str]  # clause -> role
    excepted: list[StatementRef]
    overrides: list[StatementRef]
    values: list[tuple[StatementRef, Any]]
    incomplete: list[StatementRef] = field(default_factory=list)  # could not be evaluated


class QuickResolver:
    """Outcome and cited clause ids without building an explanation: the hot path.

    The answer depends only on which statements fired and which exceptions applied (when no
    override acted and every statement was determined), so it is `resolve`'s answer for that
    combination, remembered: precedence is decided in one place, `resolve`.
    """

    def __init__(self, spec: DecisionSpec, compiled: CompiledDecision, order: dict[str, int]) -> None:
        self.spec = spec
        self.compiled = compiled
        self.order = order
        # (*fired, -1, *excepted) -> answer, for results with no override and no undetermined
        # statement; `Library.outcome` reads it directly on its hot path (a hit costs no call).
        self.memo: dict[tuple[int, ...], tuple[str, tuple[str, ...]]] = {}

    def _answer(self, raw: RawResults) -> tuple[str, tuple[str, ...]]:
        resolution = resolve(self.spec, self.compiled, raw)
        cited = {s.clause for s in (*resolution.decisive, *resolution.excepted, *resolution.overrides)}
        return resolution.outcome, tuple(sorted(cited, key=self.order.__getitem__))

    def __call__(self, raw: RawResults) -> tuple[str, tuple[str, ...]]:
        fired, undetermined, excepted, overrides, _ = raw
        if overrides or undetermined:
            return self._answer(raw)
        key = (*fired, -1, *excepted)  # the answer depends on nothing else: remember it
        known = self.memo.get(key)
        if known is None:
            known = self._answer(raw)
            if len(self.memo) < 4096:
                self.memo[key] = known
        return known


def resolve(spec: DecisionSpec, compiled: CompiledDecision, raw: RawResults, case: Any = None) -> Resolution:
    """Choose the outcome from the statements' results; raise CaseError when facts are lacking.

    A statement that cannot be evaluated for want of a fact refuses the case only if its
    outcome could have won (ranks before the outcome reached). One that could only have added
    a citation to the same outcome leaves the answer standing, with `incomplete` naming it.
    """
    fired, undetermined, excepted, overrides, values = raw
    stmts = compiled.statements
    overridden = {stmts[i].target for i in overrides}
    applied = [stmts[i] for i in fired if stmts[i].kind == "applies" and stmts[i].clause not in overridden]
    live = [i for i in fired if stmts[i].clause not in overridden and stmts[i].kind != "applies"]
    undetermined = [i for i in undetermined if stmts[i].clause not in overridden]
    # Keyed by what a statement names: the statements read here (requires, grounds, exceptions)
    # each name an outcome, so a `None` key is never looked up.
    rank: dict[str | None, int] = {o: k for k, o in enumerate(spec.outcome_ids)}
    outcome = cast(str, min((stmts[i].outcome for i in live), key=rank.__getitem__, default=spec.default))
    blocking = [
        stmts[i]
        for i in undetermined
        if stmts[i].kind == "override"
        or (stmts[i].outcome is not None and rank[stmts[i].outcome] < rank[outcome])
    ]
    if blocking:
        problems = []
        for s in blocking:
            for pointer, message in missing_facts(case, s):
                problems.append(
                    CaseProblem(
                        pointer,
                        f"{message}; clause {s.clause} needs it to decide",
                        kind="missing",
                        clause=s.clause,
                    )
                )
        raise CaseError(
            problems
            or [
                CaseProblem(
                    "", f"clause {s.clause} cannot be decided from the facts given", kind="missing", clause=s.clause
                )
                for s in blocking
            ],
            title="The case lacks facts needed to decide",
        )
    incomplete = [stmts[i] for i in undetermined if stmts[i] not in blocking and stmts[i].outcome == outcome]
    roles: dict[str, str] = {}
    decisive: list[StatementRef] = []
    if outcome != spec.default:
        for i in live:
            if stmts[i].outcome == outcome:
                decisive.append(stmts[i])
                roles.setdefault(stmts[i].clause, ROLE_FOR_KIND[stmts[i].kind])
    else:
        fired_set = set(live)
        for s in stmts:
            if s.kind in ("require", "ground") and s.clause not in overridden and s.index not in fired_set:
                decisive.append(s)
                roles.setdefault(s.clause, "satisfied" if s.kind == "require" else "not_triggered")
        # An enabling clause that applied to the case (`applies when`) is cited as such, not as a
        # check that passed: the answer rests on it.
        for s in applied:
            if s.clause not in roles:
                decisive.append(s)
            roles[s.clause] = "applied"
    # An exception is cited when it changed the answer: the outcome it waived would have won.
    exc = [
        stmts[i]
        for i in excepted
        if stmts[i].clause not in overridden and rank[stmts[i].outcome] < rank[outcome]
    ]
    for s in exc:
        roles[s.clause] = "exception"
    ovr = [stmts[i] for i in overrides]
    for s in ovr:
        roles.setdefault(s.clause, "override")
    vals = [(stmts[i], v) for i, v in values if stmts[i].clause not in overridden]
    return Resolution(outcome, decisive, roles, exc, ovr, vals, incomplete)


def missing_facts(case: Any, statement: StatementRef) -> list[tuple[str, str]]:
    """(pointer, message) for each fact the statement reads that the case lacks.

    A field of a list element is recorded without its list ("*", field): it is looked for in
    the lists the statement reads, so that the refusal points at the element that lacks it
    (/employee/reserve_history/0/grounds), which a caller can act on, rather than at the case.
    """
    out = []
    lists: list[tuple[tuple[str, ...], list[Any]]] = []
    for path in statement.facts:
        if not path or path[0] == "*":
            continue
        value: Any = case
        walked: list[str] = []
        for part in path:
            if part == "*":
                field_name = path[len(walked) + 1] if len(path) > len(walked) + 1 else None
                if (
                    isinstance(value, list)
                    and field_name
                    and any(isinstance(v, dict) and v.get(field_name) is None for v in value)
                ):
                    out.append((_pointer_of(tuple(walked)), f"an element lacks '{field_name}'"))
                break
            if not isinstance(value, dict) or value.get(part) is None:
                out.append((_pointer_of((*walked, part)), "missing from the case"))
                break
            value = value[part]
            walked.append(part)
        else:
            if isinstance(value, list):
                lists.append((path, value))
    for path in statement.facts:
        if len(path) != 2 or path[0] != "*":
            continue
        field_name = path[1]
        # The lists this field can belong to: those with an element that has it, else every list read.
        owners = [(p, v) for p, v in lists if any(isinstance(e, dict) and field_name in e for e in v)] or lists
        if len(owners) != 1:
            continue
        owner, elements = owners[0]
        for index, element in enumerate(elements):
            if isinstance(element, dict) and element.get(field_name) is None:
                pointer = f"{_pointer_of(owner)}/{index}/{field_name.replace('~', '~0').replace('/', '~1')}"
                out.append((pointer, "missing from the case"))
    return out


def _pointer_of(path: tuple[str, ...]) -> str:
    parts = []
    for p in path:
        if p == "*":
            break
        parts.append(p.replace("~", "~0").replace("/", "~1"))
    return "/" + "/".join(parts)


def _fact_plan(statements: Sequence[StatementRef]) -> FactPlan:
    """(pointer, path up to any list) for each fact the statements read."""
    plan: dict[str, tuple[str, ...]] = {}
    for s in statements:
        for path in s.facts:
            if path and path[0] == "*":
                continue  # a field of a list element; its list is reported by its own path
            head = path[: path.index("*")] if "*" in path else path
            plan.setdefault(_pointer_of(path), head)
    return tuple(plan.items())


def facts_used(
    case: dict[str, Any], statements: Sequence[StatementRef], plans: dict[tuple[int, ...], FactPlan] | None = None
) -> list[dict[str, Any]]:
    """The facts the cited statements read, with their values as given in the case.

    `plans` caches the pointers per combination of statements (pass one dict per compiled
    decision): which facts to report depends only on which statements decided.
    """
    if plans is None:
        plan = _fact_plan(statements)
    else:
        key = tuple(s.index for s in statements)
        cached = plans.get(key)
        if cached is None:
            cached = plans[key] = _fact_plan(statements)
        plan = cached
    out: list[dict[str, Any]] = []
    append = out.append
    plain = _PLAIN
    for pointer, path in plan:
        value: Any = case
        for part in path:
            if type(value) is not dict:
                break
            value = value.get(part)
        append({"pointer": pointer, "value": value if type(value) in plain else jsonable(value)})
    return out


def citation(act: Act, version_of: dict[str, Any], clause: str, role: str, lang: str | None) -> Citation:
    version = version_of[clause]
    wanted = lang or act.authoritative_language
    text = version.texts.get(wanted)
    used = wanted
    if text is None:
        used = act.authoritative_language
        text = version.texts.get(used)
    info = act.languages.get(used, {}) if text is not None else {}
    return Citation(
        clause,
        role,
        text,
        used if text is not None else None,
        info.get("status"),
        version.amendment,
        cite_or_id(clause, wanted if wanted in CITATION_LANGS else used),
        info.get("text_status"),
    )
