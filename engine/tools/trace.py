"""Traceability: which scenarios cover which clause, and whether they show the clause at work.

Two inputs, both produced outside the engine and only read here:

- the `.feature` files: every scenario carries `@clause:<id>` tags (one per clause it covers) and
  its feature or the scenario an `@act:<id>` tag, read by `engine.tools.features`;
- the results file the features' conftest writes (`test-output/trace-results.json`): for every
  scenario run, its result and the decisions made in it, with the role of every cited clause.

`build_trace` joins them with the act's clauses. A rule clause passes the gate when a passing
scenario that covers it shows it *deciding* (cited as ground, requirement_not_met, exception or
override; for a clause that only computes values, giving its value) and another shows it *not
deciding* (its decision asked, and the clause cited with another role or not cited at all). Results are ignored when the feature file or the act's
policy files changed after the run (`stale`), so an old green run cannot vouch for new text.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..dsl.printer import written
from ..policy import Act, Clause, ClauseVersion
from .features import Scenario, read_features

RESULTS_FORMAT = "ereje-scenario-results/1"
DEFAULT_RESULTS = Path("test-output") / "trace-results.json"
DECIDING_ROLES = frozenset({"ground", "requirement_not_met", "exception", "override", "applied"})
ALL_ROLES = ("ground", "requirement_not_met", "satisfied", "not_triggered", "exception", "override", "applied")


# ---- fingerprints ------------------------------------------------------------------------------



def act_fingerprint(act_directory: Path) -> str:
    """A hash of every file of an act's policy directory (clauses, decisions, examples…)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in act_directory.rglob("*") if p.is_file()):
        rel = path.relative_to(act_directory).as_posix()
        if "__pycache__" in rel or rel.startswith("drafts/"):
            continue  # a draft is not law: editing it does not make the act's results stale
        digest.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return "sha256:" + digest.hexdigest()


# ---- the results file -------------------------------------------------------------------------


class ResultsError(Exception):
    """The results file is missing or unreadable."""


def load_results(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ResultsError(
            f"no scenario results at {path}: run `make test` (or `pytest features`) first, "
            "the features write them"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{path} is not a results file ({exc}); run `make test` again") from None
    if not isinstance(data, dict) or data.get("format") != RESULTS_FORMAT:
        raise ResultsError(
            f"{path} is not in the format {RESULTS_FORMAT}; run `make test` again to rewrite it"
        )
    return data


# ---- the trace --------------------------------------------------------------------------------


@dataclass
class Evidence:
    feature: str
    line: int
    name: str
    question: str | None
    role: str  # the clause's role in that decision, "computed", or "not cited"

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "line": self.line,
            "name": self.name,
            "question": self.question,
            "role": self.role,
        }


@dataclass
class CoveringScenario:
    scenario: Scenario
    result: str  # passed | failed | error | skipped | not run | stale
    runs: int
    roles: list[str]  # the clause's roles in the decisions of the passing runs

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.scenario.feature,
            "line": self.scenario.line,
            "name": self.scenario.name,
            "result": self.result,
            "runs": self.runs,
            "roles": self.roles,
        }


@dataclass
class ClauseTrace:
    id: str
    kind: str
    reason: str | None
    decisions: list[str]
    rule: str | None
    statements: list[str]
    scenarios: list[CoveringScenario] = field(default_factory=list)
    decides: Evidence | None = None
    does_not_decide: Evidence | None = None
    needs_not_deciding: bool = True
    gate: str = "n/a"  # ok | failing | n/a (declarative)
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "reason": self.reason,
            "decisions": self.decisions,
            "rule": self.rule,
            "statements": self.statements,
            "scenarios": [s.to_dict() for s in self.scenarios],
            "decides": self.decides.to_dict() if self.decides else None,
            "does_not_decide": self.does_not_decide.to_dict() if self.does_not_decide else None,
            "needs_not_deciding": self.needs_not_deciding,
            "gate": self.gate,
            "problems": self.problems,
        }


@dataclass
class Trace:
    act: str
    results_path: str
    results_written: str | None
    clauses: list[ClauseTrace]
    scenarios: list[Scenario]
    results: dict[tuple[str, int], str]  # (rel, line) -> aggregated result
    problems: list[str]  # gate failures that are not about one clause

    @property
    def failures(self) -> list[str]:
        out = list(self.problems)
        for c in self.clauses:
            out.extend(f"{c.id}: {p}" for p in c.problems)
        return out

    @property
    def ok(self) -> bool:
        return not self.failures

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for s in self.scenarios:
            r = self.results.get((s.rel, s.line), "not run")
            counts[r] = counts.get(r, 0) + 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        rule = [c for c in self.clauses if c.kind == "rule"]
        return {
            "act": self.act,
            "ok": self.ok,
            "results": {"path": self.results_path, "written": self.results_written},
            "summary": {
                "clauses": len(self.clauses),
                "rule_clauses": len(rule),
                "rule_clauses_ok": sum(1 for c in rule if c.gate == "ok"),
                "declarative_clauses": len(self.clauses) - len(rule),
                "scenarios": len(self.scenarios),
                "scenario_results": self.counts(),
            },
            "clauses": [c.to_dict() for c in self.clauses],
            "scenarios": [
                {
                    "feature": s.feature,
                    "line": s.line,
                    "name": s.name,
                    "clauses": list(s.clauses),
                    "result": self.results.get((s.rel, s.line), "not run"),
                }
                for s in self.scenarios
            ],
            "failures": self.failures,
        }


def _clause_shape(
    clause: Clause, version: ClauseVersion
) -> tuple[str, str | None, str | None, list[str], list[str], set[str], bool]:
    """kind, reason, rule text, decisions fed, statement summaries, decisions, statement kinds."""
    decisions: list[str] = []
    statements: list[str] = []
    kinds: set[str] = set()
    if version.program is not None:
        for block in version.program.blocks:
            if block.decision not in decisions:
                decisions.append(block.decision)
            for stmt in block.statements:
                kinds.add(type(stmt).__name__)
                statements.append(f"{block.decision}: {written(version.rule_text or '', stmt.span, strip_comments=True)}")
    has_definitions = bool(version.program and version.program.definitions)
    return version.kind, version.reason, version.rule_text, decisions, statements, kinds, has_definitions


def _aggregate(entries: list[dict[str, Any]]) -> str:
    results = [e.get("result", "error") for e in entries]
    if not results:
        return "not run"
    for worst in ("stale", "error", "failed"):
        if worst in results:
            return worst
    if all(r == "passed" for r in results):
        return "passed"
    if "passed" in results:
        return "partly skipped"
    return "skipped"


def build_trace(
    act: Act,
    features_dir: Path,
    results: dict[str, Any],
    results_path: Path,
) -> Trace:
    """Join an act's clauses, the scenarios that tag them, and the last results of those scenarios."""
    index = read_features(features_dir)
    fingerprint = act_fingerprint(Path(act.directory))
    problems: list[str] = list(index.problems)
    scenarios = [s for s in index.scenarios if s.act == act.id]
    for s in index.scenarios:
        if s.act is None:
            problems.append(f"{s.where}: scenario {s.name!r} has no @act: tag (on it or on its feature)")
    for s in scenarios:
        for cid in s.clauses:
            if cid not in act.clauses:
                problems.append(
                    f"{s.where}: scenario {s.name!r} tags @clause:{cid}, which {act.id} does not have"
                    + _suggest(cid, list(act.clauses))
                )

    # Runs of each scenario, keyed by feature file and line; runs of changed files are stale.
    runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for entry in results.get("scenarios", []):
        if not isinstance(entry, dict):
            continue
        line = entry.get("line")
        key = (str(entry.get("feature")), line if isinstance(line, int) else 0)
        current_file = index.files.get(key[0])
        if current_file is None:
            continue  # the feature file is gone
        entry = dict(entry)
        if entry.get("feature_sha256") != current_file or entry.get("policies") != fingerprint:
            entry["result"] = "stale"
        runs.setdefault(key, []).append(entry)
    aggregated = {(s.rel, s.line): _aggregate(runs.get((s.rel, s.line), [])) for s in scenarios}
    stale = sorted({s.feature for s in scenarios if aggregated[(s.rel, s.line)] == "stale"})
    if stale:
        problems.append(
            "results are stale (a feature file or the act's policy files changed after the run) for "
            + ", ".join(stale)
            + ": run `make test` again"
        )

    by_clause: dict[str, list[Scenario]] = {}
    for s in scenarios:
        for cid in s.clauses:
            by_clause.setdefault(cid, []).append(s)

    clauses: list[ClauseTrace] = []
    for cid, clause in act.clauses.items():
        if _draft_only(act, clause):
            continue  # a draft's new clause is not law: `ereje trace --edition draft:<id>` gates it
        current = act.current_version(cid)
        kind, reason, rule_text, decisions, statements, kinds, has_definitions = _clause_shape(
            clause, current
        )
        trace = ClauseTrace(cid, kind, reason, decisions, rule_text, statements)
        compute_only = bool(kinds) and kinds <= {"Compute"}
        trace.needs_not_deciding = kind == "rule" and bool(kinds) and not compute_only
        for s in by_clause.get(cid, []):
            key = (s.rel, s.line)
            passing = [r for r in runs.get(key, []) if r.get("result") == "passed"]
            roles: list[str] = []
            for run in passing:
                for d in run.get("decisions", []):
                    if d.get("draft"):
                        continue  # decided under a draft: it shows the draft's rule, not the act's
                    role = role_in(d, cid)
                    question = d.get("question")
                    deciding = role in DECIDING_ROLES or (compute_only and role == "computed")
                    if deciding and role is not None:
                        if trace.decides is None:
                            trace.decides = Evidence(s.feature, s.line, s.name, question, role)
                    elif role is not None and question in decisions and trace.does_not_decide is None:
                        trace.does_not_decide = Evidence(s.feature, s.line, s.name, question, role)
                    if role is not None and role not in roles:
                        roles.append(role)
            trace.scenarios.append(CoveringScenario(s, aggregated[key], len(runs.get(key, [])), roles))
            if aggregated[key] in ("failed", "error"):
                trace.problems.append(f"scenario {s.where} ({s.name!r}) {aggregated[key]} in the last run")
        if kind == "rule":
            if current.program is None:
                trace.problems.append("kind is rule but it has no `rule:` yet")
            elif not kinds:
                if has_definitions and not any(r.result == "passed" for r in trace.scenarios):
                    trace.problems.append("defines terms only, and no passing scenario covers it")
            else:
                if trace.decides is None:
                    what = "gives its value" if compute_only else "decides the outcome"
                    trace.problems.append(f"no passing scenario where it {what}")
                if trace.needs_not_deciding and trace.does_not_decide is None:
                    trace.problems.append(
                        "no passing scenario where it is asked and does not decide "
                        f"({' or '.join(decisions)} with it satisfied, not triggered or not cited)"
                    )
            trace.gate = "failing" if trace.problems else "ok"
        clauses.append(trace)
    return Trace(
        act=act.id,
        results_path=str(results_path),
        results_written=results.get("written"),
        clauses=clauses,
        scenarios=scenarios,
        results=aggregated,
        problems=problems,
    )


def _draft_only(act: Act, clause: Clause) -> bool:
    """Every version of the clause belongs to a draft amendment."""
    return all(
        (a := act.amendments.get(v.amendment)) is not None and a.status == "draft" for v in clause.versions
    )


def role_in(decision: dict[str, Any], clause: str) -> str | None:
    """The clause's role in a recorded decision: a citation role, "computed", "not cited", or None
    when the decision was refused (no answer to learn from)."""
    if decision.get("refused"):
        return None
    for c in decision.get("citations", []):
        if c.get("clause") == clause:
            return str(c.get("role"))
    if clause in (decision.get("values") or {}).values():
        return "computed"
    return "not cited"


def _suggest(name: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, known, n=2)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


# ---- rendering ----------------------------------------------------------------------------------


def _short(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(trace: Trace) -> str:
    out: list[str] = []
    written = f", written {trace.results_written}" if trace.results_written else ""
    out.append(f"{trace.act}: clauses, their scenarios and the last results ({trace.results_path}{written})")
    out.append("")
    for c in trace.clauses:
        head = f"{c.id}  {c.kind}"
        if c.decisions:
            head += f"  [{', '.join(c.decisions)}]"
        if c.kind != "rule":
            head += f"  ({c.reason})" if c.reason else ""
            if c.scenarios:
                head += f"  scenarios: {len(c.scenarios)}"
            out.append(head)
            continue
        head += "  " + ("ok" if c.gate == "ok" else "FAILING")
        out.append(head)
        for statement in c.statements or ["(no rule written)"]:
            out.append(f"    rule: {_short(statement)}")
        for s in c.scenarios:
            roles = f"  [{', '.join(s.roles)}]" if s.roles else ""
            out.append(f"    {s.result:<7} {s.scenario.where}  {_short(s.scenario.name, 70)}{roles}")
        if not c.scenarios:
            out.append("    no scenario tags this clause")
        if c.decides:
            out.append(f"    decides:          {c.decides.feature}:{c.decides.line} ({c.decides.role})")
        if c.does_not_decide:
            out.append(
                f"    does not decide:  {c.does_not_decide.feature}:{c.does_not_decide.line} "
                f"({c.does_not_decide.role})"
            )
        elif not c.needs_not_deciding and c.statements:
            out.append("    does not decide:  n/a (computes a value whenever asked)")
        for p in c.problems:
            out.append(f"    ✗ {p}")
    out.append("")
    data = trace.to_dict()["summary"]
    results = ", ".join(f"{n} {k}" for k, n in sorted(data["scenario_results"].items())) or "none"
    out.append(
        f"{data['rule_clauses_ok']}/{data['rule_clauses']} rule clauses traced; "
        f"{data['declarative_clauses']} declarative; {data['scenarios']} scenarios ({results})"
    )
    failures = trace.failures
    if failures:
        out.append(f"trace FAILED: {len(failures)} problem(s)")
        out.extend(f"  - {f}" for f in failures)
    else:
        out.append(
            "trace ok: every rule clause has a passing scenario where it decides and one where it does not"
        )
    return "\n".join(out)
