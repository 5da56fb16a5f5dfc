"""One case decided under two editions: the `Side` of each (its library, edition and case schema), and
the `Comparer` that decides a corpus line under both.

Facts one edition's case schema declares and the other's does not (a draft's new fact) are dropped
from the case before it is decided under the edition that does not know them; with
`fill_missing`, the facts a draft adds are generated for the cases that lack them.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import casecodec
from ..casecheck import CaseValidator
from ..edition import Edition, decision_specs
from ..errors import CaseError, EditionError
from ..library import Library
from ..policy import Act
from .casegen import objects_at
from .diff import changed_clause_ids
from .factdiff import schema_facts
from .selection import missing_clauses

# ---- one edition, ready to decide ------------------------------------------------------------


# What a case its edition cannot decide counts as (with the clauses its error names).
REFUSED = "refused"


@dataclass
class Side:
    root: Path
    library: Library
    act: Act
    edition: Edition
    validators: dict[str, CaseValidator] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.edition.id

    def spec(self, question: str) -> Any:
        return decision_specs(self.act, self.edition).get(question)

    def validator(self, question: str) -> CaseValidator:
        v = self.validators.get(question)
        if v is None:
            v = self.validators[question] = CaseValidator(self.spec(question).case_schema)
        return v


def _drop_paths(extra: set[str]) -> list[tuple[str, ...]]:
    """The outermost of the extra fact paths, split into parts ("[]" marks a list)."""
    out = []
    for path in sorted(extra):
        parent = path
        covered = False
        while True:
            cut = max(parent.rfind("."), parent.rfind("[]") if parent.endswith("[]") else -1)
            if cut <= 0:
                break
            parent = parent[:cut]
            if parent in extra:
                covered = True
                break
        if not covered:
            out.append(tuple(p for p in re.split(r"\.|(?=\[\])", path) if p))
    return out


def _without(value: Any, parts: tuple[str, ...]) -> tuple[Any, bool]:
    """`value` without the fact at `parts`; copies only what it changes."""
    if not parts:
        return value, False
    head, rest = parts[0], parts[1:]
    if head == "[]":
        if not isinstance(value, list):
            return value, False
        changed = False
        items = []
        for item in value:
            new, c = _without(item, rest)
            items.append(new)
            changed |= c
        return (items, True) if changed else (value, False)
    if not isinstance(value, dict) or head not in value:
        return value, False
    if not rest:
        return {k: v for k, v in value.items() if k != head}, True
    new, c = _without(value[head], rest)
    if not c:
        return value, False
    out = dict(value)
    out[head] = new
    return out, True


class Comparer:
    """Decides cases under two editions, each seeing only the facts its schema declares."""

    def __init__(self, old: Side, new: Side, fill_seed: int | None = None) -> None:
        self.old = old
        self.new = new
        self.fill_seed = fill_seed  # None: never fill; else fill facts one edition lacks (see `fill`)
        self._fillers: dict[tuple[str, str], Any] = {}
        self._new_facts: dict[tuple[str, str], list[tuple[str, bool]]] = {}
        self._drops: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        self.changed = changed_clause_ids(old.edition, new.edition)
        self.questions_set = set(self.questions())
        self._absence: dict[tuple[str, str], str | None] = {}
        self._same: dict[str, bool] = {}

    def questions(self) -> list[str]:
        return sorted(
            set(decision_specs(self.old.act, self.old.edition))
            | set(decision_specs(self.new.act, self.new.edition))
        )

    def _drop(self, side: Side, other: Side, question: str) -> list[tuple[str, ...]]:
        key = (side.id, question)
        if key not in self._drops:
            mine, theirs = side.spec(question), other.spec(question)
            if mine is None or theirs is None or mine is theirs:
                self._drops[key] = []
            else:
                extra = set(schema_facts(theirs.case_schema)) - set(schema_facts(mine.case_schema))
                self._drops[key] = _drop_paths(extra)
        return self._drops[key]

    def project(self, side: Side, question: str, case: Any) -> Any:
        other = self.new if side is self.old else self.old
        for parts in self._drop(side, other, question):
            case, _ = _without(case, parts)
        return case

    def answer_under_old(self, question: str, case: Any, as_of: str) -> dict[str, Any]:
        """What the old edition answers on a case written for the new one (its outcome, each
        cited clause's role, its values), or why it refuses: what a draft's trace gate compares
        a scenario's answer with (`engine.tools.draftgate.build_draft_trace`)."""
        side = self.old
        try:
            d = side.library.decide(
                question,
                self.project(side, question, case),
                as_of=casecodec.parse_date(as_of),
                act_id=side.act.id,
                edition_id=side.edition.id,
            )
        except (CaseError, EditionError, ValueError) as exc:
            return {"refused": str(exc)}
        return {
            "outcome": d.outcome,
            "roles": {c.clause: c.role for c in d.clauses},
            "values": {name: v["value"] for name, v in d.values.items()},
        }

    # -- filling the facts only one edition declares ------------------------------------------

    def _facts_only(self, side: Side, question: str) -> list[tuple[str, bool]]:
        """(path, required) of the outermost facts `side`'s schema declares and the other's does not."""
        key = (side.id, question)
        if key not in self._new_facts:
            other = self.new if side is self.old else self.old
            mine, theirs = side.spec(question), other.spec(question)
            out: list[tuple[str, bool]] = []
            if mine is not None and theirs is not None and mine is not theirs:
                facts = schema_facts(mine.case_schema)
                extra = set(facts) - set(schema_facts(theirs.case_schema))
                for parts in _drop_paths(extra):
                    path = ".".join(parts).replace(".[]", "[]")
                    out.append((path, bool(facts[path]["required"])))
            self._new_facts[key] = out
        return self._new_facts[key]

    def facts_only(self) -> dict[str, dict[str, list[str]]]:
        """{edition id: {question: fact paths only that edition's schema declares}}, non-empty only."""
        out: dict[str, dict[str, list[str]]] = {}
        for side in (self.old, self.new):
            for question in self.questions():
                paths = [p for p, _ in self._facts_only(side, question)]
                if paths:
                    out.setdefault(side.id, {})[question] = paths
        return out

    def _filler(self, side: Side, question: str) -> Any:
        key = (side.id, question)
        if key not in self._fillers:
            from .casegen import DecisionGenerator, example_cases

            self._fillers[key] = DecisionGenerator(
                side.act, side.edition, side.spec(question), example_cases(side.act)
            )
        return self._fillers[key]

    def fill(self, question: str, case: Any, as_of: dt.date, line: int) -> tuple[Any, list[str]]:
        """`case` with the facts one edition declares and the case lacks drawn as the generator
        draws them (a required fact always, an optional one as often as the generator gives it),
        placed within the act's plausibility bounds; and the paths filled. Deterministic per line."""
        if self.fill_seed is None:
            return case, []
        filled: list[str] = []
        rng: random.Random | None = None
        for side in (self.new, self.old):
            for path, required in self._facts_only(side, question):
                parent_path, _, name = path.rpartition(".")
                parents = [p for p in objects_at(case, parent_path) if name not in p]
                if not parents:
                    continue
                if rng is None:
                    rng = random.Random(f"{self.fill_seed}:{line}")
                    case = copy.deepcopy(case)
                    parents = [p for p in objects_at(case, parent_path) if name not in p]
                generator = self._filler(side, question)
                for parent in parents:
                    if not required and rng.random() >= generator.presence(path):
                        continue
                    for _ in range(20):
                        parent[name] = generator.fill(path, rng, as_of)
                        broken = generator.plausibility.violations(question, case, as_of)
                        if not any(v.startswith(path) for v in broken):
                            break
                    filled.append(path)
        return case, filled

    def _absent(self, side: Side, question: str) -> str | None:
        key = (side.id, question)
        if key not in self._absence:
            if side.spec(question) is None:
                self._absence[key] = f"{side.id} has no decision '{question}'"
            else:
                missing = missing_clauses(side.act, side.edition, question)
                self._absence[key] = f"{side.id} does not encode {', '.join(missing)}" if missing else None
        return self._absence[key]

    def same_schema(self, question: str) -> bool:
        """Both editions read the case with the same schema: a case valid for one is valid for both."""
        if question not in self._same:
            a, b = self.old.spec(question), self.new.spec(question)
            self._same[question] = (
                a is not None and b is not None and (a is b or a.case_schema == b.case_schema)
            )
        return self._same[question]

    def decide(
        self, side: Side, question: str, case: Any, as_of: dt.date, validated: list[Any] | None = None
    ) -> tuple[str, Any]:
        """("ok", (outcome, citations, values)) | ("invalid", message) | ("refused", (message, clauses))
        | ("absent", message) when the edition has no such decision or cannot decide it."""
        absent = self._absent(side, question)
        if absent is not None:
            return "absent", absent
        case = self.project(side, question, case)
        validator = side.validator(question)
        try:
            valid = (validated is not None and validated[0] is case) or validator.is_valid(case)
        except RecursionError:
            return "invalid", f"not a valid '{question}' case: it nests too deeply"
        if not valid:
            try:
                validator.check(case)
            except CaseError as exc:
                first = exc.problems[0] if exc.problems else None
                where = f"{first.pointer or '/'}: {first.message}" if first else exc.title
                return "invalid", f"not a valid '{question}' case under {side.id}: {where}"
        if validated is not None and self.same_schema(question):
            validated[0] = case
        try:
            result = side.library.outcome_values(
                question, case, as_of=as_of, act_id=side.act.id, validate=False, edition_id=side.edition.id
            )
        except CaseError as exc:
            text = "; ".join(f"{p.pointer or '/'}: {p.message}" for p in exc.problems) or exc.title
            clauses = sorted({p.clause for p in exc.problems if p.clause})
            return REFUSED, (f"{exc.title}: {text}", clauses)
        except EditionError as exc:
            return REFUSED, (str(exc), list(exc.missing_clauses))
        return "ok", result
