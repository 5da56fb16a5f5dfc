"""Traceability: which scenarios cover which clause, and whether they show the clause at work.

Two inputs, both produced outside the engine and only read here:

- the `.feature` files: every scenario carries `@clause:<id>` tags (one per clause it covers) and
  its feature or the scenario an `@act:<id>` tag. `read_features` reads them with a small Gherkin
  reader of its own (English keywords; tags, scenarios, rules, examples and doc strings), so the
  engine needs no test library; `tests/test_trace.py` checks it against pytest-bdd's own parser
  on every feature file;
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
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..dsl.printer import written
from ..policy import Act, Clause, ClauseVersion

RESULTS_FORMAT = "ereje-scenario-results/1"
DEFAULT_RESULTS = Path("test-output") / "trace-results.json"
DECIDING_ROLES = frozenset({"ground", "requirement_not_met", "exception", "override", "applied"})
ALL_ROLES = ("ground", "requirement_not_met", "satisfied", "not_triggered", "exception", "override", "applied")

_SCENARIO_KEYWORDS = ("Scenario Outline", "Scenario Template", "Scenario", "Example")
_EXAMPLES_KEYWORDS = ("Examples", "Scenarios")
_KEYWORD_RE = re.compile(
    r"^(?P<kw>Feature|Rule|Background|Scenario Outline|Scenario Template|Scenario|Example|Examples|Scenarios)"
    r"\s*:\s*(?P<name>.*)$"
)
_LANGUAGE_RE = re.compile(r"^#\s*language\s*:\s*(?P<lang>\S+)\s*$")


# ---- reading the feature files ---------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One scenario (or scenario outline) of a feature file, as its tags declare it."""

    feature: str  # display path, e.g. "features/enrollment.feature"
    rel: str  # path inside the features directory, e.g. "enrollment.feature"
    line: int  # line of the Scenario keyword
    name: str
    act: str | None
    clauses: tuple[str, ...]
    tags: tuple[str, ...]  # every tag in effect: feature, rule and scenario
    outline: bool = False
    examples_tags: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.feature}:{self.line}"


@dataclass
class FeatureIndex:
    scenarios: list[Scenario] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # rel path -> sha256 of its content


def _tags_of(tags: list[str], prefix: str) -> list[str]:
    return [t[len(prefix) :] for t in tags if t.startswith(prefix)]


def _read_tags(text: str, where: str, problems: list[str]) -> list[str]:
    tags: list[str] = []
    for token in text.split():
        if token.startswith("#"):
            break  # a comment after the tags
        if not token.startswith("@") or len(token) == 1:
            problems.append(f"{where}: {token!r} on a tag line is not a tag (tags start with @)")
            continue
        tags.append(token[1:])
    return tags


def read_feature(text: str, display: str, rel: str) -> tuple[list[Scenario], list[str]]:
    """The scenarios of one feature file and the problems found in its tags."""
    problems: list[str] = []
    scenarios: list[Scenario] = []
    feature_tags: list[str] = []
    rule_tags: list[str] = []
    pending: list[str] = []
    pending_line = 0
    current: dict[str, Any] | None = None
    docstring: str | None = None
    seen_names: dict[str, int] = {}
    seen_feature = False

    def close() -> None:
        nonlocal current
        if current is None:
            return
        tags = [*feature_tags, *rule_tags, *current["tags"]]
        acts = _tags_of(tags, "act:")
        own_acts = _tags_of(current["tags"], "act:") or _tags_of(rule_tags, "act:") or acts
        where = f"{display}:{current['line']}"
        if len(set(own_acts)) > 1:
            problems.append(f"{where}: scenario names several acts ({', '.join(own_acts)}); tag one")
        clauses = list(dict.fromkeys(_tags_of(tags, "clause:")))
        for clause in clauses:
            if not clause:
                problems.append(f"{where}: empty @clause: tag")
        scenarios.append(
            Scenario(
                feature=display,
                rel=rel,
                line=current["line"],
                name=current["name"],
                act=own_acts[-1] if own_acts else None,
                clauses=tuple(c for c in clauses if c),
                tags=tuple(dict.fromkeys(tags)),
                outline=current["outline"],
                examples_tags=tuple(current["examples_tags"]),
            )
        )
        current = None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if docstring is not None:
            if line == docstring:
                docstring = None
            continue
        if line.startswith('"""') or line.startswith("```"):
            docstring = line[:3]
            continue
        if not line:
            continue
        if line.startswith("#"):
            match = _LANGUAGE_RE.match(line)
            if match and match["lang"] != "en":
                problems.append(
                    f"{display}:{number}: '# language: {match['lang']}': only English keywords are read "
                    "(write the step text in any language)"
                )
            continue
        if line.startswith("@"):
            if not pending:
                pending_line = number
            pending.extend(_read_tags(line, f"{display}:{number}", problems))
            continue
        match = _KEYWORD_RE.match(line)
        if match is None:
            if pending:
                problems.append(f"{display}:{pending_line}: tags followed by {line[:40]!r}, not by a keyword")
                pending = []
            continue
        keyword, name = match["kw"], match["name"].strip()
        tags, pending = pending, []
        if keyword == "Feature":
            if seen_feature:  # Gherkin reads a second "Feature:" line as description text
                pending = tags
                continue
            seen_feature = True
            feature_tags = tags
        elif keyword == "Rule":
            close()
            rule_tags = tags
        elif keyword == "Background":
            close()
            if tags:
                problems.append(f"{display}:{number}: tags on a Background have no effect")
        elif keyword in _SCENARIO_KEYWORDS:
            close()
            if name in seen_names:
                problems.append(
                    f"{display}:{number}: a second scenario named {name!r} (first at line "
                    f"{seen_names[name]}); pytest-bdd runs only one of them, give each its own name"
                )
            else:
                seen_names[name] = number
            current = {
                "line": number,
                "name": name,
                "tags": tags,
                "outline": keyword in ("Scenario Outline", "Scenario Template"),
                "examples_tags": [],
            }
        elif keyword in _EXAMPLES_KEYWORDS:
            if current is None:
                problems.append(f"{display}:{number}: Examples outside a scenario outline")
            else:
                current["examples_tags"].extend(tags)
                for tag in tags:
                    if tag.startswith(("clause:", "act:")):
                        problems.append(
                            f"{display}:{number}: @{tag} on an Examples block; put clause and act tags "
                            "on the Scenario Outline (pytest-bdd does not pass Examples tags through)"
                        )
    close()
    if docstring is not None:
        problems.append(f"{display}: a doc string opened with {docstring} is never closed")
    if pending:
        problems.append(f"{display}:{pending_line}: tags at the end of the file tag nothing")
    return scenarios, problems


def read_features(features_dir: Path) -> FeatureIndex:
    """Every scenario of every `*.feature` file directly in `features_dir`, in file order."""
    index = FeatureIndex()
    if not features_dir.is_dir():
        return index
    for path in sorted(features_dir.glob("*.feature")):
        data = path.read_bytes()
        rel = path.relative_to(features_dir).as_posix()
        display = (features_dir / rel).as_posix()
        index.files[rel] = sha256_hex(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            index.problems.append(f"{display}: not UTF-8 (byte {exc.start})")
            continue
        scenarios, problems = read_feature(text, display, rel)
        index.scenarios.extend(scenarios)
        index.problems.extend(problems)
    return index


def scenario_index(features_dir: Path) -> list[Scenario]:
    """Every scenario under `features_dir` with its act and the clauses its tags cover."""
    return read_features(features_dir).scenarios


# ---- fingerprints ------------------------------------------------------------------------------


def sha256_hex(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


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
                    role = _role_in(d, cid)
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


def _role_in(decision: dict[str, Any], clause: str) -> str | None:
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
                role = _role_in(d, c.id)
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
