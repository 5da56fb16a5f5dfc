"""The decision checks of `engine.tools.lint.checks`, decided by the solver, each with a witness.

The enumeration of `engine.tools.lint.search` can only say "not seen in the cases tried". Here z3
(`engine.tools.symbolic`) is asked, per check, for a case of the decision's case schema (lists of at
most K elements, dates within the working-day calendar and the edition's period) that shows it:

- a statement fires / does not fire / is excepted / decides the outcome / blocks the answer;
- two statements of different clauses and outcomes are both live (an overlap; settled when the
  decision's outcome order ranks the outcomes, which it always does today);
- two clauses compute the same value differently on one case: the later one silently replaces
  the other, which no outcome order settles (an unsettled overlap);
- the default outcome is given with every requirement waived or absent;
- each boolean sub-expression is true / false where the engine evaluates it
  (`engine.tools.lint.recording`).

"No such case" is a proof within the bounds (stated: "proved within lists ≤ K"); "unknown" (the
time budget ran out) is reported as unknown, never as "no finding". One solver serves the whole
decision: every query is an assumption on it, and every model found is kept and tried on the
questions still open, so most questions are answered by a model already in hand.

The solver never has the last word: every finding's witness case is run through the compiled
decision function and decided by the engine, and a finding the engine does not confirm is not
reported as such: it becomes a `solver_disagreement` error (a bug of the encoding).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import z3

from ...dsl import ast
from ...i18n import Message, say
from ..symbolic.dates import ordinal
from ..symbolic.decision import REFUSED, statements_of
from ..symbolic.expressions import conjunction, disjunction, equal
from ..symbolic.problem import DEFAULT_K, EditionView, Problem
from ..symbolic.values import Lst, Scalar, Unsupported
from .analysis import Analyser, definitions_of
from .checks import (
    OUTCOME_KINDS,
    DecisionCheck,
    Observed,
    blamed_clauses,
    statement_label,
)
from .domain import index_schema, units_of
from .recording import RecordingEncoder
from .search import Evaluator, Run

SOLVER_SECONDS = 20.0  # per decision
QUERY_MS = 4_000  # per question


class LintProblem(Problem):
    """A one-edition problem whose encoder records every condition."""

    def __init__(self, decision: str, view: EditionView, calendar: Any, k: int, timeout_ms: int) -> None:
        super().__init__(
            decision, [view], calendar, k=k, timeout_ms=timeout_ms, encoder_class=RecordingEncoder
        )


class Questions:
    """Named formulas, answered by the models in hand or by one query each."""

    def __init__(self, problem: Problem, deadline: float) -> None:
        self.problem = problem
        self.deadline = deadline
        self.models: list[z3.ModelRef] = []
        self.answers: dict[Any, tuple[str, Any]] = {}  # key -> (sat, model) | (unsat, None) | (unknown, why)
        self.queries = 0

    def ask(self, questions: dict[Any, z3.BoolRef]) -> None:
        open_ = {k: q for k, q in questions.items() if k not in self.answers}
        for m in self.models:
            self._try(m, open_)
        for key in list(open_):
            if key not in open_:
                continue
            formula = open_.pop(key)
            if z3.is_false(formula):
                self.answers[key] = ("unsat", None)
                continue
            self.queries += 1
            found = self.problem.solve(formula, deadline=self.deadline)
            if found.status == "sat":
                self.answers[key] = ("sat", found.model)
                self.models.append(found.model)
                self._try(found.model, open_)
            else:
                self.answers[key] = (found.status, found.reason)

    def _try(self, model: z3.ModelRef, open_: dict[Any, z3.BoolRef]) -> None:
        for key, formula in list(open_.items()):
            if z3.is_true(model.eval(formula, model_completion=True)):
                self.answers[key] = ("sat", model)
                del open_[key]

    def status(self, key: Any) -> str:
        return self.answers.get(key, ("unknown", None))[0]

    def small(self, key: Any, formula: z3.BoolRef) -> z3.ModelRef | None:
        """A small, readable case for a question known to have one (the first model otherwise)."""
        found = self.problem.solve(formula, small=True, deadline=self.deadline)
        if found.status == "sat":
            return found.model
        status, model = self.answers.get(key, ("unknown", None))
        return model if status == "sat" else None


class SolverCheck(DecisionCheck):
    """The checks of one decision on z3; `Unsupported` when the encoding cannot represent it."""

    def __init__(
        self,
        library: Any,
        act: Any,
        compiled_edition: Any,
        spec: Any,
        as_of: dt.date,
        budget: int,
        k: int = DEFAULT_K,
        seconds: float = SOLVER_SECONDS,
    ) -> None:
        super().__init__(library, act, compiled_edition, spec, as_of, budget)
        self.k = k
        self.seconds = seconds
        self.unknown: list[str] = []
        self.bounds = f"lists ≤ {k}"  # machine detail of the findings; said in words by `bounds_said`
        self.bounds_said: Message = say("lint.bounds_lists", k=k)

    # ---- setting up -----------------------------------------------------------------------------
    def prepare(self) -> None:
        """Build the encoding; raises `Unsupported` before any finding is made."""
        statements = self.compiled.statements
        self.defs = definitions_of(self.edition.versions)
        analyser = Analyser(self.defs)
        self.facts = [analyser.statement(s.node) for s in statements]
        self.root = index_schema(self.spec.case_schema)
        self.units = units_of(self.root)
        working = self.library.calendar() if self.compiled.uses_calendar else None
        self.ev = Evaluator(self.spec, self.compiled, self.root, working)
        view = EditionView.of(self.act, self.edition, self.spec.name)
        if view is None:
            raise Unsupported(f"no decision '{self.spec.name}' in {self.edition.id}")
        self.problem = LintProblem(self.spec.name, view, self.library.calendar(), self.k, QUERY_MS)
        answer = self.problem.answers[0]
        encoded = statements_of(view.spec, view.edition.versions, self.spec.name)
        if [(s.clause, s.node.nid) for s in encoded] != [(s.clause, s.node.nid) for s in statements] or set(
            answer.reports
        ) != set(range(len(statements))):
            raise Unsupported("the encoding numbers the statements differently from the compiled function")
        self.answer = answer
        self.encoder: RecordingEncoder = self.problem.encoders[0]  # type: ignore[assignment]
        # Cases of this edition: the decision date inside its period (and the calendar's range).
        dd = self.problem.decision_date.value
        first = max(self.edition.start, self.problem.bounds.first) if self.edition.start else None
        last = min(self.edition.end, self.problem.bounds.last) if self.edition.end else None
        if first is not None:
            self.problem.solver.add(dd >= ordinal(first))
        if last is not None:
            self.problem.solver.add(dd <= ordinal(last))
        self.bounds = self.problem.bounds.describe()
        b = self.problem.bounds
        self.bounds_said = say("lint.bounds", k=b.k, first=b.first.isoformat(), last=b.last.isoformat())
        # A witness decided on the date asked reads best: preferred, dropped when it cannot hold.
        prefer = z3.Bool("prefer_as_of")
        self.problem.solver.add(z3.Implies(prefer, dd == ordinal(self.as_of)))
        self.problem.wishes.insert(0, prefer)

    # ---- the whole check ------------------------------------------------------------------------
    def run(self) -> None:
        if self.compiled is None:
            super().run()
            return
        started = time.monotonic()
        questions = Questions(self.problem, started + self.seconds)
        self.q = questions
        # Not vacuous: a proof of "never" means something only if the domain holds a case.
        questions.ask({("some case",): z3.BoolVal(True)})
        status = questions.status(("some case",))
        if status != "sat":
            self.finding(
                "bound",
                "info",
                say("lint.msg.solver_no_case_known", decision=self.spec.name, seconds=f"{self.seconds:g}")
                if status == "unknown"
                else say("lint.msg.solver_no_case", decision=self.spec.name, bounds=self.bounds_said),
                file=self.spec.file,
                details={"bounds": self.bounds, "status": status},
            )
            self._report_unused_facts()
            return
        statements = self.compiled.statements
        rep = self.answer.reports
        rank = {o: k for k, o in enumerate(self.spec.outcome_ids)}
        result = self.answer.result
        gone = self._gone()
        live = {
            i: conjunction(rep[i]["fired"], z3.Not(gone[s.clause]))
            for i, s in enumerate(statements)
            if s.kind in OUTCOME_KINDS
        }
        self.live_terms = live
        ask: dict[Any, z3.BoolRef] = {}
        for i, s in enumerate(statements):
            r = rep[i]
            if s.kind in OUTCOME_KINDS:
                ask[("fired", i)] = r["fired"]
                ask[("quiet", i)] = conjunction(z3.Not(r["fired"]), z3.Not(r["excepted"]), z3.Not(r["undetermined"]))
                if s.has_exception:
                    ask[("excepted", i)] = r["excepted"]
                code = rank[s.outcome]
                ask[("decisive", i)] = disjunction(
                    conjunction(live[i], result == code),
                    conjunction(r["excepted"], z3.Not(gone[s.clause]), result != REFUSED, result > code),
                )
                before = [live[j] for j, t in enumerate(statements) if j in live and rank[t.outcome] <= code]
                if rank[self.spec.default] > code and not z3.is_false(r["undetermined"]):
                    ask[("blocking", i)] = conjunction(
                        result == REFUSED, r["undetermined"], z3.Not(gone[s.clause]), z3.Not(disjunction(*before))
                    )
            elif s.kind == "override":
                ask[("fired", i)] = r["override"]
                ask[("quiet", i)] = conjunction(z3.Not(r["override"]), z3.Not(r["undetermined"]))
                ask[("decisive", i)] = r["override"]
            elif s.kind == "applies":
                ask[("fired", i)] = r["fired"]
                ask[("quiet", i)] = z3.Not(r["fired"])
        for i, j in self._candidate_pairs():
            ask[("pair", i, j)] = conjunction(live[i], live[j])
        self.value_pairs = self._value_pairs()
        for (i, j), formula in self.value_pairs.items():
            ask[("values", i, j)] = formula
        requires = [k for k, s in enumerate(statements) if s.kind == "require"]
        if len(self.spec.outcomes) > 1:
            ask[("silent",)] = conjunction(
                result == rank[self.spec.default],
                *(disjunction(rep[k]["fired"], rep[k]["excepted"], rep[k]["undetermined"]) for k in requires),
            )
        self.conditions = self._conditions()
        for nid, (p, n) in self.conditions.items():
            ask[("true", nid)] = p
            ask[("false", nid)] = n
        self.asked = ask
        questions.ask(ask)
        self.searches = questions.queries
        self._report_statements_solved()
        self._report_conditions_solved()
        self._report_overlaps()
        if len(self.spec.outcomes) > 1:
            self._report_influence_solved()
            self._report_silent_solved()
        else:
            self.notes.append(say("lint.note.one_outcome", decision=self.spec.name))
        self._report_unused_facts()
        seconds = time.monotonic() - started
        unknown = [k for k in ask if questions.status(k) == "unknown"]
        if unknown:
            self.finding(
                "bound",
                "info",
                say("lint.msg.solver_unknown", decision=self.spec.name, count=len(unknown), questions=len(ask),
                    seconds=f"{self.seconds:g}"),
                file=self.spec.file,
                details={"unknown": sorted({str(k[0]) for k in unknown}), "bounds": self.bounds},
            )
            self.notes.append(
                say("lint.note.solver_unknown", decision=self.spec.name, count=len(unknown), bounds=self.bounds_said)
            )
        else:
            self.notes.append(
                say("lint.note.solver_proved", decision=self.spec.name, bounds=self.bounds_said,
                    queries=questions.queries, seconds=round(seconds, 1))
            )

    # ---- witnesses -------------------------------------------------------------------------------
    def _case(self, model: z3.ModelRef | None) -> Run | None:
        if model is None:
            return None
        case, day = self.problem.case_of(model)
        run = self.ev.run(case, day, trace=True)
        if run is not None:
            run.case = case
        return run

    def confirmed(self, key: Any, what: str, check: Callable[..., bool], small: bool = True) -> Run | None:
        """The witness of question `key`, run by the compiled engine and checked by `check`; when
        the engine does not agree, a `solver_disagreement` is reported instead and None returned."""
        model = self.q.small(key, self.asked[key]) if small else self.q.answers[key][1]
        run = self._case(model)
        if run is not None and check(run):
            return run
        self.disagreement(what, model, run)
        return None

    def disagreement(self, what: str, model: z3.ModelRef | None, run: Run | None) -> None:
        case, day = self.problem.case_of(model) if model is not None else ({}, self.as_of)
        problem = (
            "the engine finds the case invalid under the case schema"
            if run is None
            else "the engine's run of the compiled decision does not show it"
        )
        self.finding(
            "solver_disagreement",
            "error",
            f"'{self.spec.name}': the solver's witness that {what} is not confirmed by the engine "
            f"({problem}): a bug of the symbolic encoding, not a finding",
            file=self.spec.file,
            details={"claim": what, "case": case, "as_of": day.isoformat(), "problem": problem},
        )

    def _detail(self, proved: bool) -> dict[str, Any]:
        return {"bounds": self.bounds, "proof": f"proved within {self.bounds}" if proved else "witness"}

    # ---- statements --------------------------------------------------------------------------------
    def _report_statements_solved(self) -> None:
        """What the solver settled of each statement, as the enumeration's observations, so that
        `DecisionCheck._report_statements` words the findings; each witness confirmed first."""
        q = self.q
        statements = self.compiled.statements
        self.observed = []
        self.witnesses: dict[tuple[str, str | None], Run] = {}
        for i, s in enumerate(statements):
            o = Observed()
            self.observed.append(o)
            if s.kind == "compute":
                continue
            st = {k: q.status((k, i)) for k in ("fired", "quiet", "excepted", "blocking")}
            if not s.has_exception:
                st["excepted"] = "unsat"
            o.complete = all(st[k] in ("sat", "unsat") for k in ("fired", "quiet", "excepted"))
            o.fired, o.quiet, o.excepted = (int(st[k] == "sat") for k in ("fired", "quiet", "excepted"))
            o.undetermined = int(not (o.fired or o.quiet or o.excepted))
            label = statement_label(s)
            if o.complete and not o.fired:
                key = ("quiet", i) if o.quiet else ("excepted", i) if o.excepted else None
                quiet_run = self._any_case(
                    key, f"{label} of {s.clause} does not fire", lambda r, i=i: i not in r.fired
                )
                if quiet_run is False:
                    o.complete = False
                elif isinstance(quiet_run, Run):
                    self.witnesses[("dead_statement", s.clause)] = quiet_run
            elif o.complete and not o.excepted and (not o.quiet or s.has_exception):
                # forced (constant), or fires with its exception never holding (dead exception)
                run = self.confirmed(
                    ("fired", i), f"{label} of {s.clause} fires", lambda r, i=i: i in r.fired
                )
                if run is None:
                    o.complete = False
                else:
                    o.first["fired"] = run
                    for kind in ("constant_statement", "dead_exception"):
                        self.witnesses[(kind, s.clause)] = run
            if st["blocking"] == "sat":
                blocking_run = self.confirmed(
                    ("blocking", i),
                    f"{s.clause} leaves the case undecidable",
                    lambda r, s=s: r.error is not None and s.clause in blamed_clauses(r.error),
                )
                if blocking_run is not None:
                    o.first["blocking"] = blocking_run
        self._reported(self._report_statements)

    def _reported(self, report: Callable[[], None]) -> None:
        """Run one of `DecisionCheck`'s reporting steps; give its new findings their witness and
        say what the solver proved."""
        start = len(self.findings)
        report()
        for f in self.findings[start:]:
            proved = f.kind not in ("gap_undecidable", "conflict", "gap_silent_default")
            if f.witness is None:
                run = self.witnesses.get((f.kind, f.clause)) or self.witnesses.get(
                    (f.kind, f.details.get("expression"))
                )
                if run is not None:
                    f.witness = self.witness(run)
            f.details.update(self._detail(proved))

    def _any_case(self, key: Any, what: str, check: Callable[..., bool]) -> Run | bool | None:
        """A case showing the complement of a proved "never": confirmed, None when the domain
        gives none (a statement never evaluated), False when the engine disagrees."""
        model = self.q.answers[key][1] if key is not None else (self.q.models[0] if self.q.models else None)
        if model is None:
            return None
        run = self._case(model)
        if run is not None and check(run):
            return run
        self.disagreement(what, model, run)
        return False

    # ---- conditions --------------------------------------------------------------------------------
    def _conditions(self) -> dict[int, tuple[z3.BoolRef, z3.BoolRef]]:
        """Per condition node of the non-compute statements: (true somewhere, false somewhere)."""
        statements = self.compiled.statements
        records = list(self.encoder.records)
        # An exception is looked at only when its statement would fire or its condition is missing.
        rep = self.answer.reports
        looked: dict[int, z3.BoolRef] = {}
        for i, s in enumerate(statements):
            if s.kind in OUTCOME_KINDS and s.has_exception:
                looked[s.node.exception.nid] = disjunction(
                    rep[i]["fired"], rep[i]["excepted"], rep[i]["undetermined"]
                )
        for nid, start, end in self.encoder.calls:
            if nid in looked:
                for k in range(start, end):
                    n, g, v = records[k]
                    records[k] = (n, conjunction(looked[nid], g), v)
        wanted: set[int] = set()
        tops: set[int] = set()
        for i, s in enumerate(statements):
            if s.kind == "compute":
                continue
            wanted |= self._statement_nodes(i)
            tops |= {c.nid for c in ast.children(s.node)}
        self.statement_tops = tops
        by_node: dict[int, tuple[list[z3.BoolRef], list[z3.BoolRef]]] = {}
        for nid, guard, value in records:
            if nid not in wanted:
                continue
            holds, fails = by_node.setdefault(nid, ([], []))
            holds.append(conjunction(guard, value.present, value.value))
            fails.append(conjunction(guard, value.present, z3.Not(value.value)))
        return {nid: (disjunction(*h), disjunction(*f)) for nid, (h, f) in by_node.items()}

    def _report_conditions_solved(self) -> None:
        """The solver's answers as the values each condition took, so that
        `DecisionCheck._report_conditions` picks and words the constant ones."""
        runtime = self.library._runtimes[self.act.id]
        q = self.q
        self.node_values = {}
        for nid in self.conditions:
            t, f = q.status(("true", nid)), q.status(("false", nid))
            if {t, f} != {"sat", "unsat"}:
                self.node_values[nid] = {True, False}  # varies, or unknown: nothing claimed
                continue
            value = t == "sat"
            info = runtime.nodes.get(nid)
            source = info.source if info else "?"
            run = self.confirmed(
                ("true" if value else "false", nid),
                f"`{source}` is {'true' if value else 'false'} where it is evaluated",
                lambda r, nid=nid, value=value: any(n == nid and v is value for n, v in (r.trace or [])),
            )
            if run is None:
                self.node_values[nid] = {True, False}
                continue
            self.node_values[nid] = {value}
            self.witnesses.setdefault(("constant_condition", source), run)
        self._reported(self._report_conditions)

    # ---- overlaps ------------------------------------------------------------------------------------
    def _gone(self) -> dict[str, z3.BoolRef]:
        """Per clause: an override of it takes effect (its statements then give nothing)."""
        statements = self.compiled.statements
        rep = self.answer.reports
        return {
            s.clause: disjunction(
                *(
                    rep[i]["override"]
                    for i, t in enumerate(statements)
                    if t.kind == "override" and t.target == s.clause
                )
            )
            for s in statements
        }

    def _value_pairs(self) -> dict[tuple[int, int], z3.BoolRef]:
        """Two clauses computing one value, both kept, with different values on one case."""
        statements = self.compiled.statements
        rep = self.answer.reports
        rank = {o: k for k, o in enumerate(self.spec.outcome_ids)}
        result = self.answer.result
        gone = self._gone()

        def kept(i: int) -> z3.BoolRef:
            s = statements[i]
            keep = z3.Not(gone[s.clause])
            if s.only:
                keep = conjunction(keep, disjunction(*(result == rank[o] for o in s.only if o in rank)))
            return conjunction(keep, result != REFUSED)

        out: dict[tuple[int, int], z3.BoolRef] = {}
        computes = [i for i, s in enumerate(statements) if s.kind == "compute"]
        for a, i in enumerate(computes):
            for j in computes[a + 1 :]:
                si, sj = statements[i], statements[j]
                if si.name != sj.name or si.clause == sj.clause:
                    continue
                vi, vj = rep[i]["value"], rep[j]["value"]
                if not isinstance(vi, Scalar | Lst) or not isinstance(vj, Scalar | Lst):
                    continue
                try:
                    same = disjunction(
                        conjunction(z3.Not(vi.present), z3.Not(vj.present)),
                        conjunction(vi.present, vj.present, equal(vi, vj)),
                    )
                except Unsupported:
                    continue
                out[(i, j)] = conjunction(kept(i), kept(j), z3.Not(same))
        return out

    def _report_overlaps(self) -> None:
        statements = self.compiled.statements
        q = self.q
        pairs = [(k[1], k[2]) for k in self.asked if k[0] == "pair" and q.status(k) == "sat"]
        self.pair_runs = {}
        self.pair_status = {}
        by_clauses: dict[tuple[str, str], tuple[int, int]] = {}
        for i, j in pairs:
            by_clauses.setdefault((statements[i].clause, statements[j].clause), (i, j))
        for i, j in by_clauses.values():
            run = self.confirmed(
                ("pair", i, j),
                f"{statements[i].clause} and {statements[j].clause} are both live",
                lambda r, i=i, j=j: {i, j} <= r.live(statements),
            )
            if run is not None:
                self.pair_runs[(i, j)] = run
                self.pair_status[(i, j)] = "found"
        self._report_conflicts()
        for f in self.findings:
            if f.kind == "conflict" and "bounds" not in f.details:
                f.details.update(self._detail(False))
        for (i, j), _ in self.value_pairs.items():
            if q.status(("values", i, j)) != "sat":
                continue
            a, b = statements[i], statements[j]
            run = self.confirmed(
                ("values", i, j),
                f"{a.clause} and {b.clause} both give '{a.name}'",
                lambda r, i=i, j=j: _reported_differently(r, i, j),
            )
            if run is None:
                continue
            file, line = self.where(b)
            self.finding(
                "conflict",
                "warning",
                say("lint.msg.values_differ", decision=self.spec.name, clause=a.clause, other=b.clause,
                    value=a.name),
                clause=b.clause,
                clauses=[a.clause, b.clause],
                file=file,
                line=line,
                witness=self.witness(run),
                details={
                    "value": a.name,
                    "kept": {"clause": b.clause},
                    "replaced": {"clause": a.clause},
                    "fix": f"compute '{a.name}' in one clause, or give the two disjoint conditions "
                    "(`only on`, an `override`)",
                    **self._detail(False),
                },
            )

    # ---- influence and silence -------------------------------------------------------------------------
    def _report_influence_solved(self) -> None:
        """Which statements can decide, as the enumeration's observations, so that
        `DecisionCheck._report_influence` words the findings; each witness confirmed first."""
        statements = self.compiled.statements
        q = self.q
        for k, s in enumerate(statements):
            if s.kind not in (*OUTCOME_KINDS, "override"):
                continue
            status = q.status(("decisive", k))
            if status == "sat":
                self.observed[k].first["decisive"] = None  # the solver's model: only "it can" matters
            elif status != "unsat":
                self.observed[k].complete = False
        for cid in self.spec.clauses:
            deciding = [
                k
                for k, s in enumerate(statements)
                if s.clause == cid and s.kind in (*OUTCOME_KINDS, "override")
            ]
            observed = [self.observed[k] for k in deciding]
            if not deciding or any("decisive" in o.first for o in observed):
                continue
            if not all(o.complete for o in observed):
                self.notes.append(say("lint.note.influence_unknown", decision=self.spec.name, clause=cid))
                continue
            fired = [k for k in deciding if self.observed[k].fired]
            run: Run | bool | None
            if fired:
                k = fired[0]
                run = self.confirmed(
                    ("fired", k),
                    f"{cid} fires and another outcome wins",
                    lambda r, k=k: (
                        k in r.fired
                        and (r.resolution is None or r.resolution.outcome != statements[k].outcome)
                    ),
                )
            else:
                run = self._any_case(
                    None, f"no statement of {cid} fires", lambda r, d=deciding: not set(d) & set(r.fired)
                )
            if not isinstance(run, Run):
                for o in observed:
                    o.complete = False  # not confirmed: no finding
            else:
                self.witnesses[("no_influence", cid)] = run
        self.mode = "whole"  # the enumeration's own influence search is not wanted
        self._reported(self._report_influence)

    def _report_silent_solved(self) -> None:
        statements = self.compiled.statements
        if self.q.status(("silent",)) != "sat":
            return
        requires = [k for k, s in enumerate(statements) if s.kind == "require"]

        def silent(r: Run) -> bool:
            if r.resolution is None or r.resolution.outcome != self.spec.default:
                return False
            done = set(r.fired) | set(r.excepted) | set(r.undetermined)
            return all(k in done for k in requires)

        run = self.confirmed(("silent",), "the default is given by silence", silent)
        if run is None:
            return
        self.silent = run
        self.mode = "whole"  # the enumeration's own silent-default search is not wanted
        self._reported(self._report_silent_default)


def _reported_differently(run: Run, i: int, j: int) -> bool:
    """The engine keeps both statements' values for the answer, and they differ."""
    if run.error is not None or run.resolution is None:
        return False
    outcome = run.resolution.outcome
    kept = {s.index: v for s, v in run.resolution.values if not s.only or outcome in s.only}
    return i in kept and j in kept and kept[i] != kept[j]
