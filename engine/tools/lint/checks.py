"""The static checks of one decision of one edition, with exact witnesses.

Two modes, chosen per decision:

- *whole*: when the product of the domains of every fact the decision's statements read (see
  `engine.tools.lint.domain`) is within the budget, one enumeration of all of it, traced, gives every
  check at once and the results are complete for that domain;
- *per statement*: otherwise each statement is enumerated over the domain of the facts it reads
  (everything else at a quiet baseline), and each candidate pair of a conflict over the facts of
  both (shared facts jointly, the others independently). A report note says so.

Definitions (docs/monitoring.md gives them with examples):

- conflict: statements s1 and s2 of different clauses with different outcomes (statements never
  give the default outcome), both *live* on one case (fired, not excepted, their clause not
  overridden), and no `override` between the two clauses in this decision; the precedence list
  then gives one outcome and silences the other clause;
- gap (undecidable): a case the schema admits on which the engine refuses to decide because a
  statement that could change the outcome cannot be evaluated (it reads an absent optional fact);
- gap (silent default): a case on which the default outcome is given while no `require` of the
  decision was satisfied (every requirement waived by its exception, or the decision has none):
  the answer rests only on the absence of a ground;
- dead statement: fires for no case of the domain; constant statement: fires for every case of
  the domain where it can be evaluated; dead exception: an `unless` that never holds when looked at;
- constant condition: a boolean sub-expression (outside literals) whose value is the same on every
  evaluation over the domain; the outermost such expression is reported;
- no influence: a cited clause that gives no statement to the decision, only computes values, or
  none of whose statements is ever decisive (live with the winning outcome, or an override that
  takes effect) over the domain.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ...decide import jsonable
from ...dsl import ast
from ...errors import CaseError, EditionError
from ...i18n import N_, Message, say
from ...loader import rule_position
from .analysis import DDATE, Analyser, StatementFacts, definitions_of, used_definitions
from .domain import Domains, index_schema, profile, units_of, walk_schema
from .model import Finding, Witness
from .search import Evaluator, Run, TooLarge, quiet_baseline, relevant_units, search, space

OUTCOME_KINDS = ("require", "ground")


@dataclass
class Observed:
    """What the enumerations saw of one statement."""

    fired: int = 0
    excepted: int = 0
    undetermined: int = 0
    quiet: int = 0  # evaluated, did not fire, not excepted
    first: dict[str, Run | None] = field(
        default_factory=dict
    )  # fired / excepted / undetermined / quiet / decisive / blocking
    complete: bool = False  # its whole domain was enumerated


class DecisionCheck:
    def __init__(self, library: Any, act: Any, compiled_edition: Any, spec: Any, as_of: dt.date, budget: int):
        self.library = library
        self.act = act
        self.ce = compiled_edition
        self.edition = compiled_edition.edition
        self.spec = spec
        self.as_of = as_of
        self.budget = budget
        self.findings: list[Finding] = []
        self.notes: list[Message | str] = []  # said in the reader's language
        self.compiled = compiled_edition.decisions.get(spec.name)
        self.searches = 0

    # ---- helpers -------------------------------------------------------------------------------
    def finding(self, kind: str, severity: str, message: Any, **kw: Any) -> Finding:
        """Record a finding; `message` is said with `say` so that it reads in kk, ru and en."""
        f = Finding(
            kind, severity, self.act.id, message, decision=self.spec.name, edition=self.edition.id, **kw
        )
        self.findings.append(f)
        return f

    def where(self, stmt: Any) -> tuple[str | None, int | None]:
        version = self.edition.versions.get(stmt.clause)
        if version is None:
            return None, None
        line, _ = rule_position(version, stmt.node.span)
        return version.file, line

    def witness(self, run: Run) -> Witness:
        statements = self.compiled.statements
        live = sorted(run.live(statements))
        w = Witness(copy.deepcopy(jsonable(run.case)), run.day)
        w.fired = [{"clause": statements[i].clause, "outcome": statements[i].outcome} for i in live]
        w.answers.append(answer(self.library, self.act.id, self.edition.id, self.spec.name, w.case, run.day))
        return w

    # ---- the whole check -------------------------------------------------------------------------
    def run(self) -> None:
        if self.compiled is None:
            missing = self.ce.missing.get(self.spec.name, [])
            self.notes.append(
                say("lint.note.not_compiled", decision=self.spec.name, edition=self.edition.id,
                    clauses=", ".join(missing))
            )
            return
        statements = self.compiled.statements
        self.defs = definitions_of(self.edition.versions)
        analyser = Analyser(self.defs)
        self.facts: list[StatementFacts] = [analyser.statement(s.node) for s in statements]
        self.root = index_schema(self.spec.case_schema)
        self.units = units_of(self.root)
        working = self.library.calendar() if self.compiled.uses_calendar else None
        self.working = working
        period = (self.edition.start, self.edition.end)
        self.period = period
        self.ev = Evaluator(self.spec, self.compiled, self.root, working)
        whole_prof = profile(self.facts, self.as_of, working)
        self.whole_domains = Domains(self.root, whole_prof, self.as_of, period, working)
        self.baseline = quiet_baseline(
            self.ev, self.units, self.whole_domains, self.as_of, [f.reads for f in self.facts]
        )
        self.observed = [Observed() for _ in statements]
        self.node_values: dict[int, set[Any]] = {}
        self.unsettled: set[int] = set()
        # Statements the compiled source can mark undetermined (`_u.append(i)`).
        self.nullable = set(self.compiled.undeterminable)
        self.pairs = self._candidate_pairs()
        self.pair_runs: dict[tuple[int, int], Run] = {}
        self.pair_status: dict[tuple[int, int], str] = {}
        self.silent: Run | None = None

        reads = set().union(*(f.reads for f in self.facts)) if self.facts else set()
        whole = space(relevant_units(self.units, reads, True), self.whole_domains, self.baseline)
        if whole.size <= self.budget:
            self.mode = "whole"
            interest = None
            search(
                self.ev,
                whole,
                self.as_of,
                lambda r: False,
                self.budget,
                trace=True,
                on_run=lambda r: self._observe(r, range(len(statements)), interest, pairs=True),
                stop=False,
            )
            self.searches += 1
            for o in self.observed:
                o.complete = True
            for p in self.pairs:
                self.pair_status.setdefault(p, "none")
        else:
            self.mode = "statement"
            self.notes.append(
                say("lint.note.by_statement", decision=self.spec.name, size=whole.size, budget=self.budget)
            )
            self._per_statement()
            self._pairs()
        self._report_statements()
        self._report_conditions()
        self._report_conflicts()
        if len(self.spec.outcomes) > 1:
            self._report_influence()
            self._report_silent_default()
        else:
            self.notes.append(say("lint.note.one_outcome", decision=self.spec.name))
        self._report_unused_facts()

    # ---- observing runs ---------------------------------------------------------------------------
    def _observe(self, run: Run, which: Any, interest: set[int] | None, pairs: bool = False) -> None:
        statements = self.compiled.statements
        live = run.live(statements)
        fired, excepted, undetermined = set(run.fired), set(run.excepted), set(run.undetermined)
        for i in which:
            o, s = self.observed[i], statements[i]
            if s.kind == "override":
                if i in run.overrides:
                    o.fired += 1
                    o.first.setdefault("fired", run)
                    o.first.setdefault("decisive", run)
                elif i in undetermined:
                    o.undetermined += 1
                    o.first.setdefault("undetermined", run)
                else:
                    o.quiet += 1
                    o.first.setdefault("quiet", run)
                continue
            if s.kind == "applies":  # gives no outcome: only whether it held is observed
                if i in fired:
                    o.fired += 1
                    o.first.setdefault("fired", run)
                else:
                    o.quiet += 1
                    o.first.setdefault("quiet", run)
                continue
            if s.kind not in OUTCOME_KINDS:
                continue
            if i in fired:
                o.fired += 1
                o.first.setdefault("fired", run)
                if (
                    "decisive" not in o.first
                    and i in live
                    and run.resolution
                    and run.resolution.outcome == s.outcome
                ):
                    o.first["decisive"] = run
            elif i in excepted:
                o.excepted += 1
                o.first.setdefault("excepted", run)
                if (
                    "decisive" not in o.first
                    and run.resolution
                    and run.resolution.roles.get(s.clause) == "exception"
                ):
                    o.first["decisive"] = run
            elif i in undetermined:
                o.undetermined += 1
                o.first.setdefault("undetermined", run)
                if "blocking" not in o.first and run.error is not None and s.clause in blamed_clauses(run.error):
                    o.first["blocking"] = run
            else:
                o.quiet += 1
                o.first.setdefault("quiet", run)
        if run.trace is not None:
            values = self.node_values
            for nid, value in run.trace:
                if interest is not None and nid not in interest:
                    continue
                seen = values.get(nid)
                if seen is None:
                    seen = values[nid] = set()
                elif _OTHER in seen or (True in seen and False in seen):
                    continue  # already not constant, or not a condition
                # Only conditions matter: any other value marks the node as not a condition.
                seen.add(value if value is None or value is True or value is False else _OTHER)
                if _OTHER in seen or (True in seen and False in seen):
                    self.unsettled.discard(nid)
        if pairs and len(live) > 1:
            for p in self.pairs:
                if p[0] in live and p[1] in live:
                    best = self.pair_runs.get(p)
                    if best is None or len(live) < len(best.live(statements)):
                        self.pair_runs[p] = run
                        self.pair_status[p] = "found"
        if (
            pairs
            and self.silent is None
            and run.resolution is not None
            and run.resolution.outcome == self.spec.default
        ):
            requires = [k for k, st in enumerate(statements) if st.kind == "require"]
            satisfied = [
                k for k in requires if k not in fired and k not in excepted and k not in undetermined
            ]
            if not satisfied:
                self.silent = run

    def _statement_nodes(self, i: int) -> set[int]:
        stmt = self.compiled.statements[i]
        nids = {n.nid for n in ast.walk(stmt.node)}
        for name in used_definitions(self.facts[i].definitions, self.defs):
            nids |= {n.nid for n in ast.walk(self.defs[name][0])}
        return nids

    def _per_statement(self) -> None:
        statements = self.compiled.statements
        optional = {n.path for n in walk_schema(self.root) if n.optional}
        for i, s in enumerate(statements):
            if s.kind == "compute":
                continue
            prof = profile([self.facts[i]], self.as_of, self.working)
            domains = Domains(self.root, prof, self.as_of, self.period, self.working)
            sp = space(relevant_units(self.units, self.facts[i].reads, True), domains, self.baseline)
            interest = self._statement_nodes(i)
            self.unsettled = set(interest)
            o = self.observed[i]
            # It can be left undetermined only if the compiler emitted a missing-value branch for
            # it (a condition whose type may be missing) and it reads a fact the case may omit.
            can_block = i in self.nullable and any(
                r[:k] in optional for r in self.facts[i].reads for k in range(1, len(r) + 1)
            )

            def observe(
                run: Run,
                i: int = i,
                o: Observed = o,
                s: Any = s,
                interest: set[int] = interest,
                can_block: bool = can_block,
            ) -> str | None:
                self._observe(run, [i], interest)
                # Stop once nothing left could change a conclusion: every condition has shown
                # both values, the statement has fired and not fired (and its exception has
                # held), it has decided a case, and a blocking case is found or impossible.
                if (
                    not self.unsettled
                    and o.fired
                    and o.quiet
                    and (o.excepted or not s.has_exception)
                    and "decisive" in o.first
                    and ("blocking" in o.first or not can_block)
                ):
                    return "done"
                return None

            try:
                search(
                    self.ev,
                    sp,
                    self.as_of,
                    lambda r: False,
                    self.budget,
                    trace=lambda: bool(self.unsettled),
                    on_run=observe,
                    stop=False,
                )
                self.searches += 1
                o.complete = True
            except TooLarge as exc:
                self.finding(
                    "bound",
                    "info",
                    say("lint.msg.bound", clause=s.clause, decision=self.spec.name, size=exc.size, budget=exc.budget),
                    clause=s.clause,
                    clauses=[s.clause],
                    file=self.where(s)[0],
                    line=self.where(s)[1],
                )
            self.notes.extend(n for n in domains.notes if n not in self.notes)

    # ---- conflicts --------------------------------------------------------------------------------
    def _candidate_pairs(self) -> list[tuple[int, int]]:
        statements = self.compiled.statements
        declared: set[frozenset[str]] = set()
        for s in statements:
            if s.kind == "override" and s.target:
                declared.add(frozenset((s.clause, s.target)))
        out = []
        for i, a in enumerate(statements):
            for j in range(i + 1, len(statements)):
                b = statements[j]
                if a.kind not in OUTCOME_KINDS or b.kind not in OUTCOME_KINDS:
                    continue
                if a.clause == b.clause or a.outcome == b.outcome:
                    continue
                if frozenset((a.clause, b.clause)) in declared:
                    continue
                out.append((i, j))
        return out

    def _pairs(self) -> None:
        statements = self.compiled.statements
        for i, j in self.pairs:
            oi, oj = self.observed[i], self.observed[j]
            if "fired" not in oi.first or "fired" not in oj.first:
                self.pair_status[(i, j)] = "none" if (oi.complete and oj.complete) else "unknown"
                continue
            ui = {u.path for u in relevant_units(self.units, self.facts[i].reads, False)}
            uj = {u.path for u in relevant_units(self.units, self.facts[j].reads, False)}
            if not ui & uj:
                merged = dict(self.baseline)
                for k, o in ((i, oi), (j, oj)):
                    fired_run = _live_run(o, k, statements)
                    if fired_run is None or fired_run.assignment is None:
                        break
                    for path in ui if k == i else uj:
                        merged[path] = fired_run.assignment.get(path, merged.get(path))
                else:
                    run = self._run_assignment(merged, _first_run(oi, "fired").day)
                    if run is not None and i in run.live(statements) and j in run.live(statements):
                        self.pair_runs[(i, j)] = run
                        self.pair_status[(i, j)] = "found"
                        continue
            self.pair_status[(i, j)] = self._joint_pair(i, j)

    def _run_assignment(self, assignment: dict, day: dt.date) -> Run | None:
        from .domain import build_case

        case = build_case(self.root, assignment)
        run = self.ev.run(case, day)
        if run is not None:
            run.assignment = assignment
            run.case = copy.deepcopy(case)
        return run

    def _joint_pair(self, i: int, j: int) -> str:
        """Both statements live on one case: shared facts jointly, each one's own facts apart.

        For every assignment of the facts both read (and the decision date), the first values of
        i's own facts that make i live and the first of j's that make j live are combined and the
        combination is run again; a pair is found only when that run has both live. The cost is
        |shared| x (|own i| + |own j|) evaluations instead of the product of all three.
        """
        statements = self.compiled.statements
        prof = profile([self.facts[i], self.facts[j]], self.as_of, self.working)
        domains = Domains(self.root, prof, self.as_of, self.period, self.working)
        ui = relevant_units(self.units, self.facts[i].reads, False)
        uj = relevant_units(self.units, self.facts[j].reads, False)
        jpaths = {u.path for u in uj}
        shared = [u for u in ui if u.path in jpaths] + relevant_units([], set(), True)
        own_i = [u for u in ui if u.path not in jpaths]
        own_j = [u for u in uj if u.path not in {x.path for x in ui}]
        ss, si, sj = (space(us, domains, self.baseline) for us in (shared, own_i, own_j))
        cost = ss.size * (si.size + sj.size)
        if cost > self.budget:
            self.notes.append(
                say("lint.note.conflict_not_searched", decision=self.spec.name, clause=statements[i].clause,
                    other=statements[j].clause, cost=cost)
            )
            return "unknown"
        self.searches += 1
        for base in ss.assignments():
            day = base.get(DDATE, self.as_of)
            found: dict[int, dict] = {}
            for k, sp in ((i, si), (j, sj)):
                for a in _over(sp, base):
                    run = self._run_assignment(a, day)
                    if run is not None and k in run.live(statements):
                        found[k] = a
                        break
                else:
                    break
            if len(found) < 2:
                continue
            merged = dict(base)
            for u in own_i:
                merged[u.path] = found[i][u.path]
            for u in own_j:
                merged[u.path] = found[j][u.path]
            run = self._run_assignment(merged, day)
            if run is not None and i in run.live(statements) and j in run.live(statements):
                self.pair_runs[(i, j)] = run
                return "found"
        return "none"

    # ---- reporting ----------------------------------------------------------------------------------
    def _report_statements(self) -> None:
        for i, s in enumerate(self.compiled.statements):
            o = self.observed[i]
            if s.kind == "compute" or not o.complete:
                continue
            file, line = self.where(s)
            label = statement_label(s)
            evaluated = o.fired + o.excepted + o.quiet
            if o.fired == 0:
                key = N_("lint.msg.dead_statement")
                if o.excepted and not o.quiet:
                    key = N_("lint.msg.dead_statement_excepted")
                elif evaluated == 0 and o.undetermined:
                    key = N_("lint.msg.dead_statement_unevaluable")
                self.finding(
                    "dead_statement",
                    "warning",
                    say(key, statement=label, clause=s.clause, decision=self.spec.name),
                    clause=s.clause,
                    clauses=[s.clause],
                    file=file,
                    line=line,
                    details={"statement": _source(self, s), "cases": evaluated + o.undetermined},
                )
            elif o.quiet == 0 and o.excepted == 0 and o.fired > 0 and s.kind not in ("override", "applies"):
                self.finding(
                    "constant_statement",
                    "error",
                    say("lint.msg.constant_statement", statement=label, clause=s.clause, decision=self.spec.name,
                        cases=o.fired, outcome=s.outcome),
                    clause=s.clause,
                    clauses=[s.clause],
                    file=file,
                    line=line,
                    witness=self.witness(_first_run(o, "fired")),
                    details={"statement": _source(self, s)},
                )
            elif s.kind == "override" and o.quiet == 0 and o.fired > 0:
                self.finding(
                    "constant_statement",
                    "warning",
                    say("lint.msg.constant_override", target=s.target, clause=s.clause, decision=self.spec.name),
                    clause=s.clause,
                    clauses=[s.clause, s.target],
                    file=file,
                    line=line,
                )
            if s.has_exception and o.fired > 0 and o.excepted == 0:
                self.finding(
                    "dead_exception",
                    "warning",
                    say("lint.msg.dead_exception", clause=s.clause, decision=self.spec.name),
                    clause=s.clause,
                    clauses=[s.clause],
                    file=file,
                    line=line,
                    details={"statement": _source(self, s)},
                )
            blocking = o.first.get("blocking")
            if blocking is not None:
                missing = missing_pointers(blocking.case, self.facts[i].reads, self.root)
                self.finding(
                    "gap_undecidable",
                    "warning",
                    say("lint.msg.gap_undecidable", decision=self.spec.name, clause=s.clause,
                        facts=", ".join(missing) or say("warn.a_fact")),
                    clause=s.clause,
                    clauses=[s.clause],
                    file=file,
                    line=line,
                    witness=self.witness(blocking),
                    details={
                        "missing": missing,
                        "fix": "guard the fact with `is present` / `is missing` in the rule, or make it required "
                        "in the case schema",
                    },
                )

    def _report_conditions(self) -> None:
        runtime = self.library._runtimes[self.act.id]
        nodes: dict[int, ast.Node] = {}
        parents: dict[int, ast.Node] = {}
        def_roots: dict[int, str] = {}
        for def_name, (definition, _) in self.defs.items():
            def_roots[definition.body.nid] = def_name
        for version in self.edition.versions.values():
            if version.program is None:
                continue
            for walked in ast.walk(version.program):
                nodes[walked.nid] = walked
                for child in ast.children(walked):
                    parents[child.nid] = walked
        statement_tops: set[int] = set()
        checked: set[int] = set()
        for i, s in enumerate(self.compiled.statements):
            if s.kind == "compute" or not self.observed[i].complete:
                continue
            checked |= self._statement_nodes(i)
            for child in ast.children(s.node):
                statement_tops.add(child.nid)

        def constant(nid: int) -> bool | None:
            values = {v for v in self.node_values.get(nid, set()) if v is not None}
            if len(values) == 1 and isinstance(next(iter(values)), bool):
                return next(iter(values))
            return None

        reported_defs: set[str] = set()
        for nid in sorted(checked):
            node = nodes.get(nid)
            if node is None or isinstance(node, ast.Literal | ast.Definition) or nid in statement_tops:
                continue
            value = constant(nid)
            if value is None:
                continue
            if isinstance(node, ast.Presence) and self._guaranteed(node.operand):
                continue  # `is present` of a fact the schema requires: constant by the schema, not a defect
            parent = parents.get(nid)
            if (
                parent is not None
                and not isinstance(parent, ast.Definition)
                and constant(parent.nid) is not None
            ):
                continue
            name = _definition_reference(node, self.defs)
            if name is not None:
                body = self.defs[name][0].body.nid
                if constant(body) is not None or name in reported_defs:
                    continue
            if nid in def_roots:
                reported_defs.add(def_roots[nid])
            info = runtime.nodes.get(nid)
            clause = info.clause if info else None
            version = self.edition.versions.get(clause) if clause else None
            line = rule_position(version, node.span)[0] if version else None
            where = (
                say("lint.place.definition", clause=clause, definition=def_roots[nid])
                if nid in def_roots
                else say("lint.place.clause", clause=clause)
            )
            self.finding(
                "constant_condition",
                "warning",
                say(
                    N_("lint.msg.always_true") if value else N_("lint.msg.never_true"),
                    place=where, expression=info.source if info else "?", decision=self.spec.name,
                ),
                clause=clause,
                clauses=[clause] if clause else [],
                file=version.file if version else None,
                line=line,
                details={"expression": info.source if info else None, "value": value},
            )

    def _guaranteed(self, operand: ast.Node) -> bool:
        """A root fact path every case of this decision has (required, inside required objects)."""
        if not isinstance(operand, ast.Path) or operand.parts[0] in self.defs:
            return False
        nodes = {n.path: n for n in walk_schema(self.root)}
        parts = tuple(operand.parts)
        if parts not in nodes:
            return False
        return not any(nodes[parts[:k]].optional for k in range(1, len(parts) + 1) if parts[:k] in nodes)

    def _report_conflicts(self) -> None:
        statements = self.compiled.statements
        rank = {o: k for k, o in enumerate(self.spec.outcome_ids)}
        by_clauses: dict[tuple[str, str], tuple[int, int]] = {}
        for (i, j), status in self.pair_status.items():
            if status != "found":
                continue
            key = (statements[i].clause, statements[j].clause)
            by_clauses.setdefault(key, (i, j))
        for i, j in by_clauses.values():
            run = self.pair_runs[(i, j)]
            a, b = statements[i], statements[j]
            win, lose = (a, b) if rank[a.outcome] < rank[b.outcome] else (b, a)
            file, line = self.where(lose)
            # The decision file lists its outcomes in precedence order: when it ranks the two, the
            # author has said which one applies, and the overlap is the order at work, not a defect.
            settled = (
                say("lint.settled.outcome_order", decision=self.spec.name, order=" > ".join(self.spec.outcome_ids),
                    winner_outcome=win.outcome, silenced_outcome=lose.outcome)
                if rank[win.outcome] < rank[lose.outcome]
                else None
            )
            self.finding(
                "conflict",
                "info" if settled else "warning",
                say("lint.msg.conflict", decision=self.spec.name, winner=win.clause, winner_outcome=win.outcome,
                    silenced=lose.clause, silenced_outcome=lose.outcome),
                settled=settled,
                clause=lose.clause,
                clauses=[win.clause, lose.clause],
                file=file,
                line=line,
                witness=self.witness(run),
                details={
                    "winner": {"clause": win.clause, "outcome": win.outcome},
                    "silenced": {"clause": lose.clause, "outcome": lose.outcome},
                    "fix": f'declare the priority with `override "{lose.clause}" when …` in '
                    f"{win.clause}, or an `unless` exception in {lose.clause}",
                },
            )
        unknown = [p for p, s in self.pair_status.items() if s == "unknown"]
        if unknown:
            self.notes.append(say("lint.note.pairs_not_searched", decision=self.spec.name, count=len(unknown)))

    def _report_influence(self) -> None:
        statements = self.compiled.statements
        for cid in self.spec.clauses:
            version = self.edition.versions.get(cid)
            mine = [k for k, s in enumerate(statements) if s.clause == cid]
            file = version.file if version else None
            line = version.line if version else None
            if not mine:
                kind = version.kind if version else "missing"
                self.finding(
                    "no_influence",
                    "warning" if kind == "rule" else "info",
                    say(
                        N_("lint.msg.cites_declarative") if kind == "declarative" else N_("lint.msg.cites_no_block"),
                        decision=self.spec.name, clause=cid,
                    ),
                    clause=cid,
                    clauses=[cid],
                    file=file,
                    line=line,
                    details={"reason": "no_statement", "clause_kind": kind},
                )
                continue
            deciding = [k for k in mine if statements[k].kind in (*OUTCOME_KINDS, "override")]
            if not deciding:
                computed = [statements[k].name for k in mine if statements[k].kind == "compute"]
                self.finding(
                    "no_influence",
                    "info",
                    say("lint.msg.computes_only", clause=cid, decision=self.spec.name, values=", ".join(computed))
                    if computed
                    else say("lint.msg.applies_only", clause=cid, decision=self.spec.name),
                    clause=cid,
                    clauses=[cid],
                    file=file,
                    line=line,
                    details={"reason": "compute_only"},
                )
                continue
            if any("decisive" in self.observed[k].first for k in deciding):
                continue
            if not all(self.observed[k].complete for k in deciding):
                continue
            found = None
            if self.mode == "statement":
                found = self._influence_search(deciding)
                if found == "unknown":
                    self.notes.append(say("lint.note.influence_over_budget", decision=self.spec.name, clause=cid))
                    continue
            if found is None:
                dead = all(self.observed[k].fired == 0 for k in deciding)
                self.finding(
                    "no_influence",
                    "warning",
                    say(N_("lint.msg.never_fires") if dead else N_("lint.msg.shadowed"), clause=cid,
                        decision=self.spec.name),
                    clause=cid,
                    clauses=[cid],
                    file=file,
                    line=line,
                    details={"reason": "dead" if dead else "shadowed"},
                )

    def _influence_search(self, deciding: list[int]) -> Any:
        statements = self.compiled.statements
        rank = {o: k for k, o in enumerate(self.spec.outcome_ids)}
        for k in deciding:
            s = statements[k]
            if s.kind == "override":
                continue
            better = [
                m
                for m, t in enumerate(statements)
                if t.kind in OUTCOME_KINDS and rank[t.outcome] < rank[s.outcome]
            ]
            facts = [self.facts[k]] + [self.facts[m] for m in better]
            prof = profile(facts, self.as_of, self.working)
            domains = Domains(self.root, prof, self.as_of, self.period, self.working)
            reads = set().union(*(f.reads for f in facts))
            sp = space(relevant_units(self.units, reads, True), domains, self.baseline)

            def decisive(run: Run, k: int = k, s: Any = s) -> bool:
                return (
                    k in run.live(statements)
                    and run.resolution is not None
                    and run.resolution.outcome == s.outcome
                )

            try:
                run = search(self.ev, sp, self.as_of, decisive, self.budget)
            except TooLarge:
                return "unknown"
            self.searches += 1
            if run is not None:
                return run
        return None

    def _report_silent_default(self) -> None:
        statements = self.compiled.statements
        requires = [s for s in statements if s.kind == "require"]
        if (
            self.silent is None
            and self.mode == "statement"
            and requires
            and all(s.has_exception for s in requires)
        ):
            self.silent = self._silent_search()
        if self.silent is None:
            return
        default = self.spec.default
        if not requires:
            msg = say("lint.msg.silent_no_requirement", decision=self.spec.name, default=default)
        else:
            msg = say("lint.msg.silent_waived", decision=self.spec.name, default=default)
        checked = [s.clause for s in statements if s.kind in OUTCOME_KINDS]
        self.finding(
            "gap_silent_default",
            "info",
            msg,
            clauses=list(dict.fromkeys(checked)),
            file=self.spec.file,
            witness=self.witness(self.silent),
        )

    def _silent_search(self) -> Run | None:
        statements = self.compiled.statements
        idx = [k for k, s in enumerate(statements) if s.kind in OUTCOME_KINDS]
        facts = [self.facts[k] for k in idx]
        prof = profile(facts, self.as_of, self.working)
        domains = Domains(self.root, prof, self.as_of, self.period, self.working)
        reads = set().union(*(f.reads for f in facts))
        sp = space(relevant_units(self.units, reads, True), domains, self.baseline)

        def silent(run: Run) -> bool:
            if run.resolution is None or run.resolution.outcome != self.spec.default:
                return False
            fired, exc, und = set(run.fired), set(run.excepted), set(run.undetermined)
            return not any(statements[k].kind == "require" and k not in fired | exc | und for k in idx)

        try:
            return search(self.ev, sp, self.as_of, silent, self.budget)
        except TooLarge:
            self.notes.append(say("lint.note.silent_over_budget", decision=self.spec.name))
            return None

    def _report_unused_facts(self) -> None:
        reads: set[tuple[str, ...]] = set()
        for f in self.facts:
            reads |= f.reads
        edition_path = (
            tuple(self.spec.edition_date.split(".")) if self.spec.edition_date != "decision_date" else None
        )
        positions = decision_positions(self.spec.file, self.library.root)
        for node in walk_schema(self.root):
            if not node.path or node.kind == "object" or (node.path[-1] == "*" and node.kind != "list"):
                continue  # objects hold facts; a scalar list element is its list's fact
            if node.kind == "list" and node.items is not None and node.items.kind == "object":
                continue  # its elements' fields are facts of their own
            if node.path in reads or (node.kind == "list" and (*node.path, "*") in reads):
                continue
            if edition_path and node.path == edition_path:
                continue
            line = positions.get(node.pointer)
            dotted = ".".join(node.path).replace(".*", "[]")
            self.finding(
                "unused_fact",
                "info",
                say("lint.msg.unused_fact", decision=self.spec.name, fact=dotted),
                file=self.spec.file,
                line=line,
                details={"fact": dotted, "required": not node.optional},
            )


def missing_pointers(case: Any, reads: set[tuple[str, ...]], root: Any) -> list[str]:
    """JSON pointers of the facts a statement reads that are absent from the case."""
    from .domain import walk_schema

    optional = {n.path for n in walk_schema(root) if n.optional}
    out: list[str] = []

    def walk(value: Any, path: tuple[str, ...], pointer: str, full: tuple[str, ...]) -> None:
        if not path:
            return
        head, rest = path[0], path[1:]
        if head == "*":
            if isinstance(value, list):
                for k, item in enumerate(value):
                    walk(item, rest, f"{pointer}/{k}", (*full, "*"))
            return
        if not isinstance(value, dict):
            return
        if head not in value:
            if (*full, head) in optional and pointer + "/" + head not in out:
                out.append(f"{pointer}/{head}")
            return
        walk(value[head], rest, f"{pointer}/{head}", (*full, head))

    for path in sorted(reads, key=len):
        walk(case, path, "", ())
    # keep the outermost absent fact of each chain
    return [p for p in out if not any(p != q and p.startswith(q + "/") for q in out)]


def _over(sp: Any, base: dict) -> Any:
    """The assignments of a space's units over another assignment `base`."""
    import itertools

    for combo in itertools.product(*sp.values):
        a = dict(base)
        for unit, value in zip(sp.units, combo, strict=True):
            a[unit.path] = value
        yield a


def _live_run(o: Observed, k: int, statements: list[Any]) -> Run | None:
    run = o.first.get("decisive") or o.first.get("fired")
    if run is None or k not in run.live(statements) or run.assignment is None:
        return None
    return run


# What a statement is called in a finding, by its kind (keys of the `ereje` catalogue).
_LABELS = {
    "require": N_("lint.stmt.require"),
    "ground": N_("lint.stmt.ground"),
    "override": N_("lint.stmt.override"),
    "applies": N_("lint.stmt.applies"),
}
_STATEMENT = N_("lint.stmt.other")


def _first_run(o: Observed, key: str) -> Run:
    """The first run seen with `key`: always kept, except for "decisive", where the solver records
    only that one exists."""
    run = o.first[key]
    assert run is not None, key
    return run


def statement_label(s: Any) -> Message:
    """What a statement is called in a finding ("the requirement", "the override", …), to be said
    in the reader's language."""
    return say(_LABELS.get(s.kind) or _STATEMENT)


def _source(check: DecisionCheck, s: Any) -> str | None:
    info = check.library._runtimes[check.act.id].nodes.get(s.node.nid)
    return info.source if info else None


_OTHER = object()


def _definition_reference(node: ast.Node, defs: dict[str, Any]) -> str | None:
    if isinstance(node, ast.Path) and node.parts[0] in defs and len(node.parts) == 1:
        return node.parts[0]
    if isinstance(node, ast.Call) and node.name in defs:
        return node.name
    return None


def blamed_clauses(error: CaseError) -> set[str]:
    """The clauses a refusal names (as data: `CaseProblem.clause`)."""
    return {p.clause for p in error.problems if p.clause}


_POSITIONS: dict[str, dict[str, int]] = {}


def decision_positions(file: str, root: Any) -> dict[str, int]:
    """JSON pointer -> line inside a decision file (re-read with the engine's safe loader)."""
    if file in _POSITIONS:
        return _POSITIONS[file]
    from pathlib import Path as _P

    from ...yamlsafe import load_policy_yaml

    out: dict[str, int] = {}
    path = _P(file)
    if not path.is_file():
        path = _P(root).parent / file
    if path.is_file():
        doc, _ = load_policy_yaml(path, file)
        if doc is not None:
            out = _PositionMap(doc)
    _POSITIONS[file] = out
    return out


class _PositionMap(dict):
    def __init__(self, doc: Any) -> None:
        super().__init__()
        self.doc = doc

    def get(self, pointer: str, default: Any = None) -> Any:
        pos = self.doc.position(pointer)
        return pos.line if pos else default


def answer(library: Any, act: str, edition: str, question: str, case: Any, day: dt.date) -> dict[str, Any]:
    """What the engine's public `decide` answers on a witness (the exact check of a finding)."""
    try:
        d = library.decide(question, case, as_of=day, act_id=act, edition_id=edition)
    except CaseError as exc:
        return {
            "act": act,
            "edition": edition,
            "question": question,
            "refused": exc.title,
            "problems": [p.to_dict() for p in exc.problems],
        }
    except EditionError as exc:
        return {"act": act, "edition": edition, "question": question, "refused": str(exc), "problems": []}
    return {
        "act": act,
        "edition": d.edition.get("id"),
        "question": question,
        "outcome": d.outcome,
        "citations": [{"clause": c.clause, "role": c.role} for c in d.clauses],
        "warnings": d.warnings,
    }
