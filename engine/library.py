"""The loaded library of acts: checked and compiled once, then asked many questions.

`load_library` reads every act under a policies directory, checks it completely and compiles
one decision function per (edition, decision). `Library.decide` validates a case, picks the
edition in force, runs the compiled function and explains the result. Nothing is parsed or
compiled per case.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .casecheck import CaseValidator
from .casecodec import parse_date
from .decide import (
    Citation,
    Decision,
    FactPlan,
    QuickResolver,
    RawResults,
    citation,
    facts_used,
    jsonable,
    missing_facts,
    resolve,
)
from .dsl import ast
from .dsl.codegen import CompiledDecision, StatementRef, compile_decision
from .dsl.compiler import Definitions
from .dsl.printer import written
from .edition import (
    Edition,
    content_hash,
    decision_specs,
    draft_editions,
    editions_of,
    history_issues,
    in_force_index,
    legacy_hashes,
)
from .errors import (
    CalendarError,
    CaseError,
    CaseProblem,
    EditionError,
    EvaluationLimit,
    PolicyError,
    PolicyIssue,
    UnknownAct,
    UnknownQuestion,
)
from .i18n import pick
from .i18n import text as translate
from .loader import load_act, rule_position
from .policy import Act, ClauseVersion, DecisionSpec

if TYPE_CHECKING:  # imported where first needed: building the calendar loads holidays' data
    from .calendar import WorkingCalendar

MAX_ACTS = 200
DRAFT_PREFIX = "draft:"  # how every tool names a draft edition: draft:<draft id>


@dataclass
class NodeInfo:
    clause: str
    source: str
    line: int | None


@dataclass
class CompiledEdition:
    edition: Edition
    policy_hash: str
    decisions: dict[str, CompiledDecision]
    missing: dict[str, list[str]]  # decision -> clauses it needs that this edition lacks
    # Hashes the same edition was recorded under before later translations were added
    # (engine.edition.legacy_hashes): a stored decision carrying one still re-checks here.
    legacy_hashes: tuple[str, ...] = ()

    def has_hash(self, policy_hash: str) -> bool:
        return policy_hash == self.policy_hash or policy_hash in self.legacy_hashes

    @functools.cached_property
    def edition_dict(self) -> dict[str, Any]:
        """The edition as decisions report it, built once (callers get a copy)."""
        return self.edition.to_dict()


@dataclass
class ActRuntime:
    act: Act
    editions: list[CompiledEdition]
    validators: dict[tuple[str | None, str], CaseValidator]  # (draft edition id or None, decision)
    nodes: dict[int, NodeInfo] = field(default_factory=dict)

    def validator(self, draft: Edition | None, question: str) -> CaseValidator:
        if draft is not None and (draft.id, question) in self.validators:
            return self.validators[(draft.id, question)]
        return self.validators[(None, question)]

    def pinned(self, edition_id: str | None, policy_hash: str | None) -> CompiledEdition:
        """The edition named by id, `<act>@<id>`, `draft:<id>` (drafts only), or content hash."""
        draft = (
            edition_id[len(DRAFT_PREFIX) :] if edition_id and edition_id.startswith(DRAFT_PREFIX) else None
        )
        for c in self.editions:
            if draft is not None:
                if c.edition.draft and draft in (c.edition.amendment.id, c.edition.id):
                    return c
            elif (edition_id is not None and c.edition.id in (edition_id, f"{self.act.id}@{edition_id}")) or (
                policy_hash is not None and c.has_hash(policy_hash)
            ):
                return c
        known = ", ".join(
            c.edition.id
            + (f" (select with {DRAFT_PREFIX}{c.edition.amendment.id})" if c.edition.draft else "")
            for c in self.editions
        )
        if policy_hash is not None:
            raise EditionError(f"no loaded edition of {self.act.id} has policy hash {policy_hash}")
        raise EditionError(f"unknown edition {edition_id!r} of {self.act.id}; editions: {known}")

    def __post_init__(self) -> None:
        self.order = {cid: k for k, cid in enumerate(self.act.clauses)}
        self.in_force = [c for c in self.editions if not c.edition.draft]
        self.in_force_starts = tuple(c.edition.start for c in self.in_force)
        self.citations: dict[tuple[str, str, str, str | None], Citation] = {}  # built once each
        self.fact_plans: dict[tuple[str, str], dict[tuple[int, ...], FactPlan]] = {}
        self.explained: dict[_ExplainedKey, _Explained] = {}  # see Library._explain
        self.edition_notes: dict[tuple[str, dt.date, str | None], tuple[str, ...]] = {}  # see _prepare
        self.quick: dict[tuple[str, str], QuickResolver] = {}
        for compiled_edition in self.editions:
            for name, compiled in compiled_edition.decisions.items():
                specs = decision_specs(self.act, compiled_edition.edition)
                self.quick[(compiled_edition.edition.id, name)] = QuickResolver(
                    specs[name], compiled, self.order
                )


@dataclass(frozen=True)
class _Explained:
    """What `Library._explain` works out from the statements' results (see there)."""

    outcome: str
    outcome_title: str | None
    clauses: tuple[Citation, ...]
    statements: tuple[StatementRef, ...]
    overridden: frozenset[str]
    warnings: tuple[str, ...]


# What an explanation is remembered by (Library._explain): edition, question, language and the
# statements that fired, were excepted and overrode.
_ExplainedKey = tuple[str, str, str | None, tuple[int, ...], tuple[int, ...], tuple[int, ...]]


class _CalendarRecorder:
    """Per-decision wrapper: adds working days and remembers the spans, for the notes."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self.spans: list[tuple[dt.date, dt.date]] = []

    def __call__(self, start: dt.date, n: int) -> dt.date:
        end = self.calendar.add_working_days(start, n)
        self.spans.append((start, end))
        return end


@dataclass
class _Route:
    validator: CaseValidator
    starts: tuple[dt.date, ...]  # of the editions in force, in force order
    editions: list[tuple[CompiledDecision | None, QuickResolver | None]]  # in the same order
    # decision date -> (decision function, its resolver) of the edition in force then, for a
    # decision that uses no calendar (None: take the general path); remembered per date, as a
    # batch or an impact run asks about one date many times.
    by_day: dict[dt.date, tuple[Callable[..., tuple[Any, ...]], QuickResolver] | None] = field(default_factory=dict)

    def on(self, day: dt.date) -> tuple[Callable[..., tuple[Any, ...]], QuickResolver] | None:
        k = in_force_index(self.starts, day)
        chosen = self.editions[k] if k is not None else None
        found = None
        if chosen is not None and chosen[0] is not None and chosen[1] is not None and not chosen[0].uses_calendar:
            found = (chosen[0].plain, chosen[1])
        if len(self.by_day) < 4096:
            self.by_day[day] = found
        return found


class Library:
    """Every act loaded, checked and compiled; the engine's public entry point."""

    def __init__(
        self,
        root: Path,
        runtimes: dict[str, ActRuntime],
        warnings: list[PolicyIssue],
        calendar_factory: Callable[[], WorkingCalendar],
    ) -> None:
        self.root = root
        self._runtimes = runtimes
        self.warnings = warnings
        self._calendar_factory = calendar_factory
        self._calendar: WorkingCalendar | None = None
        self._questions = self.questions()
        self._routes: dict[tuple[str, str | None], _Route] = {}

    # ---- reading ---------------------------------------------------------------------

    @property
    def acts(self) -> dict[str, Act]:
        return {k: r.act for k, r in self._runtimes.items()}

    def act(self, act_id: str) -> Act:
        return self._runtime(act_id).act

    def editions(self, act_id: str) -> list[Edition]:
        return [c.edition for c in self._runtime(act_id).editions]

    def compiled_editions(self, act_id: str) -> list[CompiledEdition]:
        """The editions with their policy hashes."""
        return list(self._runtime(act_id).editions)

    def edition_on(self, act_id: str, day: dt.date) -> CompiledEdition | None:
        runtime = self._runtime(act_id)
        k = in_force_index(runtime.in_force_starts, day)
        return None if k is None else runtime.in_force[k]

    def compiled_edition(self, act_id: str, edition_id: str) -> CompiledEdition:
        """The compiled edition named by id, `draft:<id>` or amending act id (EditionError if none)."""
        runtime = self._runtime(act_id)
        for c in runtime.editions:
            if not c.edition.draft and edition_id == c.edition.amendment.id:
                return c
        return runtime.pinned(edition_id, None)

    def policy_hashes(self) -> dict[str, tuple[str, str]]:
        """Every loadable policy hash -> (act id, edition id); the current hash of each edition,
        and the older forms it is still recognised by (`CompiledEdition.legacy_hashes`)."""
        out: dict[str, tuple[str, str]] = {}
        for r in self._runtimes.values():
            for c in r.editions:
                for h in c.legacy_hashes:
                    out.setdefault(h, (r.act.id, c.edition.id))
                out[c.policy_hash] = (r.act.id, c.edition.id)
        return out

    def questions(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for runtime in self._runtimes.values():
            for name in runtime.act.decisions:
                out.setdefault(name, []).append(runtime.act.id)
        return out

    def calendar(self) -> WorkingCalendar:
        if self._calendar is None:
            self._calendar = self._calendar_factory()
        return self._calendar

    # ---- deciding ----------------------------------------------------------------------

    def decide(
        self,
        question: str,
        case: Any,
        *,
        as_of: dt.date,
        act_id: str | None = None,
        lang: str | None = None,
        explain: bool = False,
        policy_hash: str | None = None,
        edition_id: str | None = None,
    ) -> Decision:
        """Decide `question` for `case` on `as_of`, under the edition in force then.

        `edition_id` names an edition to use whatever the date (a draft, for review);
        `policy_hash` pins the edition with that content hash (to re-check a stored decision).
        Either is an error if no loaded edition matches.
        """
        runtime, compiled_edition, spec, compiled, warnings = self._prepare(
            question, case, as_of, act_id, policy_hash, edition_id, validate=True, lang=lang
        )
        recorder = _CalendarRecorder(self.calendar()) if compiled.uses_calendar else None
        trace: list[tuple[int, Any]] | None = [] if explain else None
        raw = self._run(compiled, case, as_of, recorder, trace)
        edition = compiled_edition.edition
        explained = self._explain(runtime, edition, spec, compiled, raw, case, lang, question)
        warnings.extend(explained.warnings)
        stmts = compiled.statements
        values = {
            name: {"value": jsonable(v), "clause": stmts[i].clause}
            for i, v in raw[4]
            if (name := stmts[i].name) is not None  # values come from compute statements, all named
            and stmts[i].clause not in explained.overridden
            and (not stmts[i].only or explained.outcome in stmts[i].only)
        }
        if recorder is not None and recorder.spans:
            start = min(s for s, _ in recorder.spans)
            end = max(e for _, e in recorder.spans)
            warnings.extend(note.text(lang) for note in self.calendar().notes(start, end))
        if edition.draft:
            warnings.insert(0, translate("warn.draft", lang, amendment=edition.amendment.id))
        return Decision(
            question=question,
            act=runtime.act.id,
            outcome=explained.outcome,
            outcome_title=explained.outcome_title,
            as_of=as_of,
            clauses=list(explained.clauses),
            values=values,
            facts=facts_used(
                case,
                explained.statements,
                runtime.fact_plans.setdefault((edition.id, question), {}),
            ),
            edition=dict(compiled_edition.edition_dict),
            policy_hash=compiled_edition.policy_hash,
            warnings=warnings,
            trace=self._trace(runtime, trace) if trace is not None else None,
        )

    @staticmethod
    def _explain(
        runtime: ActRuntime,
        edition: Edition,
        spec: DecisionSpec,
        compiled: CompiledDecision,
        raw: RawResults,
        case: Any,
        lang: str | None,
        question: str,
    ) -> _Explained:
        """Outcome, cited clauses with their texts, and the statements whose facts are shown.

        None of it depends on the case beyond which statements fired, were excepted or
        overrode: for a case with every statement determined it is remembered per such
        combination (and language), so a repeated combination costs one lookup. A case with
        an undetermined statement is resolved in full (it may lack a fact, or warn).
        """
        fired, undetermined, excepted, overrides, _ = raw
        key = None
        if not undetermined:
            key = (edition.id, question, lang, tuple(fired), tuple(excepted), tuple(overrides))
            known = runtime.explained.get(key)
            if known is not None:
                return known
        resolution = resolve(spec, compiled, raw, case)
        warnings = []
        for s in resolution.incomplete:
            missing = ", ".join(p for p, _ in missing_facts(case, s)) or translate("warn.a_fact", lang)
            warnings.append(translate("warn.incomplete", lang, clause=s.clause, missing=missing))
        statements = [*resolution.decisive, *resolution.excepted, *resolution.overrides]
        cited: list[str] = []
        for s in statements:
            if s.clause not in cited:
                cited.append(s.clause)
        cited.sort(key=runtime.order.__getitem__)
        clauses = []
        for c in cited:
            citation_key = (edition.id, c, resolution.roles[c], lang)
            found = runtime.citations.get(citation_key)
            if found is None:
                found = runtime.citations[citation_key] = citation(
                    runtime.act, edition.versions, c, resolution.roles[c], lang
                )
            clauses.append(found)
        # In the answer's language only (Kazakh by default): never another language's title.
        outcome_title = next((pick(o.titles, lang) for o in spec.outcomes if o.id == resolution.outcome), None)
        explained = _Explained(
            outcome=resolution.outcome,
            outcome_title=outcome_title,
            clauses=tuple(clauses),
            statements=tuple(statements),
            overridden=frozenset(t for i in overrides if (t := compiled.statements[i].target) is not None),
            warnings=tuple(warnings),
        )
        if key is not None and len(runtime.explained) < 4096:
            runtime.explained[key] = explained
        return explained

    def outcome(
        self,
        question: str,
        case: Any,
        *,
        as_of: dt.date,
        act_id: str | None = None,
        validate: bool = True,
        edition_id: str | None = None,
    ) -> tuple[str, tuple[str, ...]]:
        """The outcome and cited clause ids only: the hot path for batches and impact runs.

        Same validation, edition choice and resolution as `decide`, without building the
        explanation (texts, facts, warnings).
        """
        if edition_id is None:
            route = self._routes.get((question, act_id)) or self._route(question, act_id)
            if route is not None:  # the decision date selects the edition: no per-call search
                if validate:
                    route.validator.check(case)
                try:
                    found = route.by_day[as_of]
                except KeyError:
                    found = route.on(as_of)
                if found is not None:
                    # `_run` and the resolver's call written out: on this path the frames
                    # between the caller and the decision function cost a third of a decision.
                    plain, quick = found
                    try:
                        raw = plain(case, as_of, None, None)
                    except (EvaluationLimit, ArithmeticError, OverflowError) as exc:
                        raise _evaluation_error(exc) from None
                    if raw[1] or raw[3]:  # undetermined or overriding statements
                        return quick(raw)
                    known = quick.memo.get((*raw[0], -1, *raw[2]))
                    return quick(raw) if known is None else known
                k = in_force_index(route.starts, as_of)
                fn, quick_resolve = route.editions[k] if k is not None else (None, None)
                if fn is not None and quick_resolve is not None:
                    recorder = _CalendarRecorder(self.calendar()) if fn.uses_calendar else None
                    return quick_resolve(self._run(fn, case, as_of, recorder, None))
        runtime, compiled_edition, _, compiled, _ = self._prepare(
            question, case, as_of, act_id, None, edition_id, validate=validate, explainable=False
        )
        recorder = _CalendarRecorder(self.calendar()) if compiled.uses_calendar else None
        quick = runtime.quick[(compiled_edition.edition.id, question)]
        return quick(self._run(compiled, case, as_of, recorder, None))

    def outcome_values(
        self,
        question: str,
        case: Any,
        *,
        as_of: dt.date,
        edition_id: str,
        act_id: str | None = None,
        validate: bool = True,
    ) -> tuple[str, tuple[str, ...], dict[str, Any]]:
        """Outcome, cited clause ids and the computed values (name -> value, as computed) under a
        pinned edition: what an impact run compares, without building the explanation.

        Values of a clause that an override set aside are left out, as `decide` leaves them out.
        """
        runtime, compiled_edition, _, compiled, _ = self._prepare(
            question, case, as_of, act_id, None, edition_id, validate=validate, explainable=False
        )
        recorder = _CalendarRecorder(self.calendar()) if compiled.uses_calendar else None
        raw = self._run(compiled, case, as_of, recorder, None)
        outcome, cited = runtime.quick[(compiled_edition.edition.id, question)](raw)
        stmts = compiled.statements
        if not raw[4]:
            return outcome, cited, {}
        overridden = {stmts[i].target for i in raw[3]}
        values = {
            name: v
            for i, v in raw[4]
            if (name := stmts[i].name) is not None and stmts[i].clause not in overridden
        }
        return outcome, cited, values

    def _route(self, question: str, act_id: str | None) -> _Route | None:
        """What `outcome` needs for a question whose edition the decision date selects."""
        runtime, spec = self._locate(question, act_id)
        if spec.edition_date != "decision_date":
            return None
        editions = []
        for compiled_edition in runtime.in_force:
            compiled = compiled_edition.decisions.get(question)
            quick = runtime.quick.get((compiled_edition.edition.id, question))
            editions.append((compiled, quick))
        route = _Route(runtime.validator(None, question), runtime.in_force_starts, editions)
        self._routes[(question, act_id)] = route
        return route

    def _prepare(
        self,
        question: str,
        case: Any,
        as_of: dt.date,
        act_id: str | None,
        policy_hash: str | None,
        edition_id: str | None,
        validate: bool,
        explainable: bool = True,
        lang: str | None = None,
    ) -> tuple[ActRuntime, CompiledEdition, DecisionSpec, CompiledDecision, list[str]]:
        """Locate the decision, choose the edition, validate the case against its schema."""
        runtime, spec = self._locate(question, act_id)
        validated = False
        if edition_id is not None or policy_hash is not None:
            compiled_edition, day = runtime.pinned(edition_id, policy_hash), as_of
        else:
            if validate and spec.edition_date != "decision_date":
                runtime.validator(None, question).check(case)  # the selecting date must be valid
                validated = True
            compiled_edition, day = self._edition_for(runtime, spec, case, as_of)
        warnings: list[str] = []
        if explainable:
            # The same for every case decided on one day in one language: worded once.
            said = runtime.edition_notes.get((compiled_edition.edition.id, day, lang))
            if said is None:
                said = tuple(self._edition_warnings(runtime, compiled_edition.edition, day, lang))
                if len(runtime.edition_notes) < 4096:
                    runtime.edition_notes[(compiled_edition.edition.id, day, lang)] = said
            warnings = list(said)
        edition = compiled_edition.edition
        spec = decision_specs(runtime.act, edition).get(question, spec)
        if validate and not (validated and not edition.draft):
            runtime.validator(edition if edition.draft else None, question).check(case)
        compiled = compiled_edition.decisions.get(question)
        if compiled is None:
            missing = compiled_edition.missing.get(question, [])
            raise EditionError(
                f"the edition {edition.id} in force on {as_of.isoformat()} does not "
                f"encode clause(s) {', '.join(missing)} that '{question}' needs",
                missing,
            )
        return runtime, compiled_edition, spec, compiled, warnings

    @staticmethod
    def _run(
        compiled: CompiledDecision,
        case: Any,
        as_of: dt.date,
        recorder: Any,
        trace: list[tuple[int, Any]] | None,
    ) -> RawResults:
        raw: RawResults
        try:
            if trace is None:
                raw = compiled.plain(case, as_of, recorder, None)
                return raw

            def record(nid: int, value: Any) -> Any:
                trace.append((nid, value))
                return value

            raw = compiled.traced(case, as_of, recorder, record)
            return raw
        except CalendarError as exc:
            raise CaseError(
                [CaseProblem("", str(exc), kind="calendar")], title="A date lies outside the working-day calendar"
            ) from None
        except (EvaluationLimit, ArithmeticError, OverflowError) as exc:
            raise _evaluation_error(exc) from None

    def _trace(self, runtime: ActRuntime, trace: list[tuple[int, Any]]) -> list[dict[str, Any]]:
        out = []
        for nid, value in trace:
            info = runtime.nodes.get(nid)
            out.append(
                {
                    "clause": info.clause if info else None,
                    "line": info.line if info else None,
                    "expression": info.source if info else None,
                    "value": jsonable(value),
                }
            )
        return out

    def _locate(self, question: str, act_id: str | None) -> tuple[ActRuntime, DecisionSpec]:
        if act_id is not None:
            runtime = self._runtime(act_id)
            spec = runtime.act.decisions.get(question)
            if spec is None:
                known = sorted(runtime.act.decisions)
                raise UnknownQuestion(question, known, _close(question, known))
            return runtime, spec
        owners = self._questions.get(question, [])
        if not owners:
            known = sorted(self.questions())
            raise UnknownQuestion(question, known, _close(question, known))
        if len(owners) > 1:
            raise UnknownQuestion(
                question,
                sorted(self.questions()),
                f"several acts answer it ({', '.join(owners)}): name the act",
            )
        runtime = self._runtimes[owners[0]]
        return runtime, runtime.act.decisions[question]

    def _runtime(self, act_id: str) -> ActRuntime:
        runtime = self._runtimes.get(act_id)
        if runtime is None:
            known = sorted(self._runtimes)
            raise UnknownAct(act_id, known, _close(act_id, known))
        return runtime

    def _edition_for(
        self, runtime: ActRuntime, spec: DecisionSpec, case: Any, as_of: dt.date
    ) -> tuple[CompiledEdition, dt.date]:
        """The edition in force on the date that selects it (the decision date, or a fact)."""
        day, source = as_of, "the decision date"
        if spec.edition_date != "decision_date":
            value: Any = case
            for part in spec.edition_date.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                raise CaseError(
                    [
                        CaseProblem(
                            "/" + spec.edition_date.replace(".", "/"),
                            "selects the edition in force and is missing",
                            kind="missing",
                        )
                    ],
                    title="The case lacks the date that selects the edition",
                )
            day, source = _selecting_day(value), spec.edition_date
        k = in_force_index(runtime.in_force_starts, day)
        if k is None:
            first = runtime.in_force[0].edition.start.isoformat() if runtime.in_force else "none"
            raise EditionError(
                f"{source} {day.isoformat()} is before the first encoded edition of {runtime.act.id} "
                f"(from {first}); clauses {', '.join(spec.clauses)} are not encoded for that date",
                list(spec.clauses),
            )
        return runtime.in_force[k], day

    @staticmethod
    def _edition_warnings(runtime: ActRuntime, edition: Edition, day: dt.date, lang: str | None) -> list[str]:
        """Say so (in `lang`) when the edition's entry into force is not a known date."""
        if edition.draft or edition.entry.certain:
            return []
        previous = [c.edition for c in runtime.in_force if c.edition.start < edition.start]
        before = (
            translate("warn.before_edition", lang, edition=previous[-1].id)
            if previous
            else translate("warn.before_unencoded", lang)
        )
        return [
            translate(
                "warn.uncertain_entry",
                lang,
                edition=edition.id,
                amendment=edition.amendment.id,
                start=edition.start.isoformat(),
                explanation=edition.entry.text(lang),
                day=day.isoformat(),
                before=before,
            )
        ]



def _evaluation_error(exc: Exception) -> CaseError:
    """A decision function's arithmetic error as the case's fault (a 422, never a 500)."""
    return CaseError(
        [CaseProblem("", str(exc), kind="evaluation-limit")], title="A date computed from the case is out of range"
    )


def _selecting_day(value: Any) -> dt.date:
    """The day a selecting fact stands for: a date, or a calendar quarter's first day.

    A decision about a quarter (its deadlines, a package sent for it) is governed by the wording
    in force when the quarter begins; the case gives the quarter as {calendar_year, number}
    (docs/policy-format.md, `edition_date`). The case schema has already validated the value.
    """
    if isinstance(value, dict):
        return dt.date(int(value["calendar_year"]), 3 * (int(value["number"]) - 1) + 1, 1)
    return parse_date(value)


def _close(name: str, known: list[str]) -> str | None:
    close = difflib.get_close_matches(name, known, n=3)
    return ("did you mean " + " or ".join(close) + "?") if close else None


# ---- loading, checking, compiling ----------------------------------------------------------


def _calendar_factory() -> WorkingCalendar:
    from .calendar import WorkingCalendar  # holidays' data loads on the first working-day rule

    return WorkingCalendar()


def check_library(
    root: Path, calendar_factory: Callable[[], WorkingCalendar] = _calendar_factory
) -> tuple[Library | None, list[PolicyIssue]]:
    """Load, check and compile every act under `root`; return the library and every issue."""
    issues: list[PolicyIssue] = []
    runtimes: dict[str, ActRuntime] = {}
    if not root.is_dir():
        return None, [PolicyIssue(file=str(root), message="policies directory not found", code="io")]
    if (root / "act.yaml").is_file():
        # One act's folder (`ereje check policies/U1300000624`): that act alone, its files named
        # from the policies directory as in a whole-tree check.
        directories, root = [root], root.parent
    else:
        directories = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if len(directories) > MAX_ACTS:
        return None, [PolicyIssue(file=str(root), message=f"more than {MAX_ACTS} acts", code="size")]
    for directory in directories:
        act, act_issues = load_act(directory, root)
        issues.extend(act_issues)
        if act is None:
            continue
        # Type-check what did load even when another file of the act is broken: one syntax
        # error must not hide the type errors of every other clause.
        runtime, compile_issues = compile_act(act)
        issues.extend(compile_issues)
        if runtime is not None and not any(i.severity == "error" for i in act_issues):
            runtimes[act.id] = runtime
    if any(i.severity == "error" for i in issues):
        return None, issues
    return Library(root, runtimes, issues, calendar_factory), issues


def load_library(root: Path, calendar_factory: Callable[[], Any] = _calendar_factory) -> Library:
    """The library, or `PolicyError` listing every problem."""
    library, issues = check_library(root, calendar_factory)
    if library is None:
        raise PolicyError(issues)
    return library


def compile_act(act: Act) -> tuple[ActRuntime | None, list[PolicyIssue]]:
    """Check the act's rules against its decisions and compile every (edition, decision)."""
    issues: list[PolicyIssue] = []
    nodes: dict[int, NodeInfo] = {}
    counter = 0
    for clause in act.clauses.values():
        for version in clause.versions:
            if version.program is None:
                continue
            for node in ast.walk(version.program):
                node.nid = counter
                line, _ = rule_position(version, node.span) if node is not version.program else (None, None)
                nodes[counter] = NodeInfo(clause.id, written(version.rule_text or "", node.span), line)
                counter += 1
    issues.extend(_structural_checks(act))
    in_force = editions_of(act)
    editions = in_force + draft_editions(act, in_force)
    for severity, file, line, clause_id, message in history_issues(act):
        issues.append(
            PolicyIssue(
                file=file, line=line, clause=clause_id, message=message, severity=severity, code="history"
            )
        )
    calendar_version = _calendar_version(Path(__file__).with_name("data") / "kz-calendar.yaml")
    compiled_editions: list[CompiledEdition] = []
    seen: set[tuple[str, int | None, int | None, str]] = set()
    for edition in editions:
        definitions, def_issues = _definitions(act, edition)
        issues.extend(i for i in def_issues if _first(seen, i))
        decisions: dict[str, CompiledDecision] = {}
        missing: dict[str, list[str]] = {}
        for name, spec in decision_specs(act, edition).items():
            lacking = [
                c for c in spec.clauses if c not in edition.versions or not edition.versions[c].text_known
            ]
            if lacking:
                missing[name] = lacking
                if all(c not in edition.versions for c in spec.clauses):
                    continue  # an edition that encodes none of it: nothing to check
            blocks: list[tuple[str, ast.Block]] = []
            for cid in spec.clauses:
                encoded = edition.versions.get(cid)
                if encoded is None or encoded.program is None:
                    continue
                blocks.extend((cid, b) for b in encoded.program.blocks if b.decision == name)
            compiled, problems = compile_decision(
                name, set(spec.outcome_ids) - {spec.default}, spec.root, definitions, blocks, spec.default
            )
            for cid, problem in problems:
                definer = (
                    edition.versions.get(cid)
                    if problem.origin is None
                    else _definer(definitions, problem.origin, edition)
                )
                version = definer or edition.versions[cid]
                line, column = rule_position(version, problem.span)
                message = problem.message
                if problem.origin:
                    message += f" (inside definition {problem.origin}, used by {cid} for '{name}')"
                issue = PolicyIssue(
                    file=version.file,
                    line=line,
                    column=column,
                    clause=version.clause,
                    message=message,
                    expected=problem.expected,
                    hint=problem.hint,
                    code="type",
                )
                if _first(seen, issue):
                    issues.append(issue)
            if compiled is not None and not lacking:  # checked either way; usable only if whole
                decisions[name] = compiled
        extra = {"calendar": calendar_version}
        compiled_editions.append(
            CompiledEdition(
                edition,
                content_hash(act, edition, extra),
                decisions,
                missing,
                legacy_hashes(act, edition, extra),
            )
        )
    if any(i.severity == "error" for i in issues):
        return None, issues
    validators: dict[tuple[str | None, str], CaseValidator] = {
        (None, name): CaseValidator(spec.case_schema) for name, spec in act.decisions.items()
    }
    for compiled_edition in compiled_editions:
        edition = compiled_edition.edition
        for name, spec in decision_specs(act, edition).items():
            if edition.draft and spec is not act.decisions.get(name):
                validators[(edition.id, name)] = CaseValidator(spec.case_schema)
    return ActRuntime(act, compiled_editions, validators, nodes), issues


def _calendar_version(path: Path) -> str:
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.exists() else "none"
    return f"holidays {version('holidays')} + {path.name} sha256:{digest}"


def _first(seen: set[tuple[str, int | None, int | None, str]], issue: PolicyIssue) -> bool:
    key = (issue.file, issue.line, issue.column, issue.message)
    if key in seen:
        return False
    seen.add(key)
    return True


def _definer(definitions: Definitions, origin: str, edition: Edition) -> ClauseVersion | None:
    name = origin.split(" ", 1)[0]
    entry = definitions.by_name.get(name)
    return edition.versions.get(entry[1]) if entry else None


def _definition_issue(
    version: ClauseVersion, node: ast.Node, message: str, hint: str | None = None
) -> PolicyIssue:
    line, column = rule_position(version, node.span)
    return PolicyIssue(
        file=version.file,
        line=line,
        column=column,
        clause=version.clause,
        message=message,
        hint=hint,
        code="definition",
    )


def _definitions(act: Act, edition: Edition) -> tuple[Definitions, list[PolicyIssue]]:
    issues: list[PolicyIssue] = []
    by_name: dict[str, tuple[ast.Definition, str]] = {}
    for cid, version in edition.versions.items():
        if version.program is None:
            continue
        for definition in version.program.definitions:
            if definition.name in by_name:
                issues.append(
                    _definition_issue(
                        version,
                        definition,
                        f"'{definition.name}' is already defined by clause {by_name[definition.name][1]}",
                        hint="a defined term has one definition per edition; rename one",
                    )
                )
                continue
            if len(set(definition.params)) != len(definition.params):
                issues.append(
                    _definition_issue(version, definition, f"'{definition.name}' repeats a parameter name")
                )
            by_name[definition.name] = (definition, cid)
    # Cycles among definitions, found statically so an unused cycle is reported too.
    graph = {name: ast.references(d.body, set(by_name)) for name, (d, _) in by_name.items()}
    reported: set[frozenset[str]] = set()
    for start in graph:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start and frozenset(path) not in reported:
                    reported.add(frozenset(path))
                    d, cid = by_name[start]
                    issues.append(
                        _definition_issue(
                            edition.versions[cid],
                            d,
                            "definitions refer to each other in a cycle: " + " → ".join([*path, start]),
                            hint="a definition may use others only if none of them leads back to it",
                        )
                    )
                elif nxt != start and nxt not in path:
                    stack.append((nxt, [*path, nxt]))
    return Definitions(by_name), issues


def _structural_checks(act: Act) -> list[PolicyIssue]:
    """Cross-references the type checker does not see: blocks, decisions, overrides."""
    issues: list[PolicyIssue] = []
    # decision -> clause -> clause it overrides -> where (version, statement)
    overrides: dict[str, dict[str, dict[str, tuple[ClauseVersion, ast.Node]]]] = {}

    def report(version: ClauseVersion, node: ast.Node, code: str, message: str, **extra: Any) -> None:
        line, column = rule_position(version, node.span)
        issues.append(
            PolicyIssue(
                file=version.file,
                line=line,
                column=column,
                clause=version.clause,
                code=code,
                message=message,
                **extra,
            )
        )

    for clause in act.clauses.values():
        for version in clause.versions:
            if version.program is None:
                continue
            # A draft's version is checked against the decisions as the draft redefines them.
            decisions = {**act.decisions, **act.draft_decisions.get(version.amendment, {})}
            seen_blocks: set[str] = set()
            for block in version.program.blocks:
                if block.decision in seen_blocks:
                    report(
                        version,
                        block,
                        "decision",
                        f"a second 'for {block.decision}:' block in the same rule",
                        hint="merge the statements into one block per decision",
                    )
                seen_blocks.add(block.decision)
                spec = decisions.get(block.decision)
                if spec is None:
                    if block.decision not in act.unvalidated:
                        report(
                            version,
                            block,
                            "decision",
                            f"'for {block.decision}:' names no decision of this act",
                            expected=", ".join(sorted(decisions)) or "a decision file in decisions/",
                            hint=_close(block.decision, sorted(decisions)),
                        )
                    continue
                if clause.id not in spec.clauses:
                    report(
                        version,
                        block,
                        "decision",
                        f"clause {clause.id} contributes to '{block.decision}', but {spec.file} does not list it",
                        hint=f"add {clause.id} to the clauses of {spec.file}, or remove this block",
                    )
                for stmt in block.statements:
                    if not isinstance(stmt, ast.Override) or stmt.clause in act.unvalidated:
                        continue
                    if stmt.clause not in act.clauses:
                        report(
                            version,
                            stmt,
                            "override",
                            f"override names clause {stmt.clause!r}, which does not exist",
                            hint=_close(stmt.clause, list(act.clauses)),
                        )
                    elif stmt.clause not in spec.clauses:
                        report(
                            version,
                            stmt,
                            "override",
                            f"override names {stmt.clause}, which '{block.decision}' does not use",
                        )
                    elif stmt.clause == clause.id:
                        report(
                            version,
                            stmt,
                            "override",
                            "a clause cannot override itself; use 'unless' for an exception",
                        )
                    overrides.setdefault(block.decision, {}).setdefault(clause.id, {})[stmt.clause] = (
                        version,
                        stmt,
                    )
    for decision, graph in sorted(overrides.items()):
        for cycle in _cycles(graph):
            version, stmt = graph[cycle[0]][cycle[1]]
            path = " → ".join([*cycle, cycle[0]])
            message = (
                f"clauses {cycle[0]} and {cycle[1]} override each other in '{decision}'"
                if len(cycle) == 2
                else f"overrides in '{decision}' form a cycle: {path}"
            )
            report(
                version,
                stmt,
                "override",
                message,
                hint="priority must be one-way: on a case where every clause of the cycle applies, each is "
                "set aside by the next and none decides; remove one override of the cycle",
            )
    return issues


def _cycles(graph: dict[str, dict[str, Any]]) -> list[list[str]]:
    """Every elementary cycle of a small directed graph once, each starting at its least node."""
    found: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    for start in sorted(graph):
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph.get(node, {})):
                if nxt == start:
                    key = tuple(path)
                    if key not in seen:
                        seen.add(key)
                        found.append(path)
                elif nxt > start and nxt not in path:
                    stack.append((nxt, [*path, nxt]))
    return found
