"""Impact of a change of edition on a corpus of cases: which outcomes flip, and why.

`ereje impact --from A --to B CORPUS` decides every case of a JSON-lines corpus (one
{"question", "as_of", "case"} object per line, as `ereje cases generate` writes) under both
editions, pinned by id (so a draft, or an edition not in force on the case's date, can be
compared), and reports per decision how many outcomes flip, grouped by the transition and the
clauses responsible, with sample lines.

The clauses responsible for a flip are the citation difference: when one side gives the
decision's default outcome (which cites every clause checked), the clauses cited by the other
side; otherwise the clauses cited by one side and not the other. A case one edition cannot
decide (missing facts) counts as the outcome "refused", with the clauses its error names.

Facts one edition's case schema declares and the other's does not (a draft's new fact) are
dropped from the case before it is decided under the edition that does not know them. A line
that is not a valid case — not JSON, no question or date, an unknown question, a malformed date,
or a case its schema refuses — is reported with its line number and counted; the run goes on.

The corpus is split in chunks decided by worker processes (all cores by default); each worker
holds the library loaded once (inherited on fork, loaded by its initializer otherwise).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import casecodec
from .casecheck import CaseValidator
from .diff import changed_clause_ids, missing_clauses, schema_facts
from .edition import Edition, decision_specs
from .errors import CaseError, EditionError, ErejeError
from .library import Library, load_library
from .policy import Act

CHUNK = 1000
SAMPLES = 3
INVALID_KEPT = 200
REFUSED = "refused"


class ImpactError(ErejeError, ValueError):
    """The corpus cannot be read at all (not found, not a file)."""


# ---- one edition, ready to decide ------------------------------------------------------------


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

    def __init__(self, old: Side, new: Side) -> None:
        self.old = old
        self.new = new
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
        """("ok", (outcome, citations)) | ("invalid", message) | ("refused", (message, clauses))
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
            result = side.library.outcome(
                question, case, as_of=as_of, act_id=side.act.id, validate=False, edition_id=side.edition.id
            )
        except CaseError as exc:
            text = "; ".join(f"{p.pointer or '/'}: {p.message}" for p in exc.problems) or exc.title
            clauses = sorted({p.clause for p in exc.problems if p.clause})
            return REFUSED, (f"{exc.title}: {text}", clauses)
        except EditionError as exc:
            return REFUSED, (str(exc), list(exc.missing_clauses))
        return "ok", result


# ---- aggregation -------------------------------------------------------------------------------


@dataclass
class Group:
    old: str
    new: str
    responsible: tuple[str, ...]
    count: int = 0
    samples: list[int] = field(default_factory=list)  # line numbers, smallest first
    first: dict[str, Any] | None = None  # the smallest sample line: as_of, case, citations

    def add(self, line: int, sample: Callable[[], dict[str, Any]]) -> None:
        self.count += 1
        if len(self.samples) < SAMPLES or line < self.samples[-1]:
            self.samples = sorted([*self.samples, line])[:SAMPLES]
            if self.samples[0] == line:
                self.first = sample()

    def merge(self, other: Group) -> None:
        self.count += other.count
        if other.samples and (not self.samples or other.samples[0] < self.samples[0]):
            self.first = other.first
        self.samples = sorted([*self.samples, *other.samples])[:SAMPLES]


@dataclass
class DecisionImpact:
    decision: str
    cases: int = 0
    same: int = 0  # same outcome and citations
    citations_changed: int = 0  # same outcome, other citations
    flipped: int = 0  # decided under both, outcome differs
    decidability_changed: int = 0  # decided under one edition only
    refused_both: int = 0
    absent: dict[str, str] = field(default_factory=dict)  # side -> why the decision cannot run there
    transitions: dict[str, int] = field(default_factory=dict)  # "a → b" -> count
    groups: dict[tuple[str, str, tuple[str, ...]], Group] = field(default_factory=dict)

    def add_group(
        self,
        old: str,
        new: str,
        responsible: tuple[str, ...],
        line: int,
        sample: Callable[[], dict[str, Any]],
    ) -> None:
        key = (old, new, responsible)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = Group(old, new, responsible)
        group.add(line, sample)
        name = f"{old} → {new}"
        self.transitions[name] = self.transitions.get(name, 0) + 1

    def merge(self, other: DecisionImpact) -> None:
        for attr in ("cases", "same", "citations_changed", "flipped", "decidability_changed", "refused_both"):
            setattr(self, attr, getattr(self, attr) + getattr(other, attr))
        self.absent.update(other.absent)
        for k, v in other.transitions.items():
            self.transitions[k] = self.transitions.get(k, 0) + v
        for key, group in other.groups.items():
            if key in self.groups:
                self.groups[key].merge(group)
            else:
                self.groups[key] = group

    def sorted_groups(self) -> list[Group]:
        return sorted(self.groups.values(), key=lambda g: (-g.count, g.old, g.new, g.responsible))


@dataclass
class Partial:
    lines: int = 0
    invalid: int = 0
    invalid_lines: list[tuple[int, str]] = field(default_factory=list)
    decisions: dict[str, DecisionImpact] = field(default_factory=dict)

    def merge(self, other: Partial) -> None:
        self.lines += other.lines
        self.invalid += other.invalid
        self.invalid_lines = sorted([*self.invalid_lines, *other.invalid_lines])[:INVALID_KEPT]
        for name, d in other.decisions.items():
            if name in self.decisions:
                self.decisions[name].merge(d)
            else:
                self.decisions[name] = d


def _responsible(
    old: str,
    old_cited: tuple[str, ...],
    new: str,
    new_cited: tuple[str, ...],
    default: str | None,
    order: dict[str, int],
) -> tuple[str, ...]:
    if old == new or (old != default and new != default):
        chosen = set(old_cited) ^ set(new_cited) or set(old_cited) | set(new_cited)
    elif old == default:
        chosen = set(new_cited)
    else:
        chosen = set(old_cited)
    return tuple(sorted(chosen, key=lambda c: (order.get(c, 10**6), c)))


def process_lines(comparer: Comparer, start: int, lines: list[str]) -> Partial:
    """Decide the lines numbered start, start+1, … under both editions."""
    out = Partial()
    order = {cid: k for k, cid in enumerate(comparer.new.act.clauses)}
    for offset, text in enumerate(lines):
        line = start + offset
        if not text.strip():
            continue
        out.lines += 1
        problem = _one(comparer, line, text, out, order)
        if problem is not None:
            out.invalid += 1
            if len(out.invalid_lines) < INVALID_KEPT:
                out.invalid_lines.append((line, problem))
    return out


def _parse(text: str) -> Any:
    """A corpus line as the engine reads a case (exact decimals), without the per-case depth walk:
    a line nested too deeply fails with RecursionError, reported as not valid JSON."""
    if len(text) > casecodec.MAX_CASE_BYTES:
        raise ValueError(f"the line is over {casecodec.MAX_CASE_BYTES:,} bytes")
    try:
        return casecodec.decode(text, casecodec.MAX_BODY_DEPTH)
    except casecodec.CaseDecodeError as exc:
        raise ValueError(exc.detail) from None


def _one(comparer: Comparer, line: int, text: str, out: Partial, order: dict[str, int]) -> str | None:
    try:
        data = _parse(text)
    except (ValueError, RecursionError) as exc:
        return f"not valid JSON: {exc if not isinstance(exc, RecursionError) else 'nested too deeply'}"
    if not isinstance(data, dict):
        return 'a corpus line is a JSON object {"question", "as_of", "case"}'
    missing = [k for k in ("question", "as_of", "case") if k not in data]
    if missing:
        return f'missing {", ".join(missing)} (a line is {{"question", "as_of", "case"}})'
    question, as_of_text, case = data["question"], data["as_of"], data["case"]
    if not isinstance(question, str) or question not in comparer.questions_set:
        return f"unknown question {question!r}; questions: {', '.join(comparer.questions())}"
    try:
        if not isinstance(as_of_text, str) or len(as_of_text) != 10:
            raise ValueError
        as_of = dt.date.fromisoformat(as_of_text)
    except ValueError:
        return f"as_of {as_of_text!r} is not a valid date (write YYYY-MM-DD, a day that exists)"
    if not isinstance(case, dict):
        return "the case is not a JSON object"
    validated: list[Any] = [None]  # the case object already validated, when both schemas agree
    old_kind, old_result = comparer.decide(comparer.old, question, case, as_of, validated)
    new_kind, new_result = comparer.decide(comparer.new, question, case, as_of, validated)
    if old_kind == "invalid" or new_kind == "invalid":
        return old_result if old_kind == "invalid" else new_result
    d = out.decisions.get(question)
    if d is None:
        d = out.decisions[question] = DecisionImpact(question)
    d.cases += 1
    if old_kind == "absent" or new_kind == "absent":
        if old_kind == "absent":
            d.absent[comparer.old.id] = old_result
        if new_kind == "absent":
            d.absent[comparer.new.id] = new_result
        return None
    spec = comparer.new.spec(question) or comparer.old.spec(question)
    default = spec.default if spec is not None else None
    old_out, old_cited = old_result if old_kind == "ok" else (REFUSED, tuple(old_result[1]))
    new_out, new_cited = new_result if new_kind == "ok" else (REFUSED, tuple(new_result[1]))

    def sample() -> dict[str, Any]:
        return {
            "line": line,
            "as_of": as_of_text,
            "case": case,
            "from": {
                "outcome": old_out,
                "citations": list(old_cited),
                "refusal": old_result[0] if old_kind == REFUSED else None,
            },
            "to": {
                "outcome": new_out,
                "citations": list(new_cited),
                "refusal": new_result[0] if new_kind == REFUSED else None,
            },
        }

    if old_kind == REFUSED and new_kind == REFUSED:
        d.refused_both += 1
        return None
    if old_kind == REFUSED or new_kind == REFUSED:
        d.decidability_changed += 1
        responsible = tuple(sorted(set(old_cited) | set(new_cited), key=lambda c: (order.get(c, 10**6), c)))
        d.add_group(old_out, new_out, responsible, line, sample)
        return None
    if old_out == new_out:
        if tuple(old_cited) == tuple(new_cited):
            d.same += 1
        else:
            d.citations_changed += 1
        return None
    d.flipped += 1
    d.add_group(
        old_out, new_out, _responsible(old_out, old_cited, new_out, new_cited, default, order), line, sample
    )
    return None


# ---- running: in process or on a pool of workers --------------------------------------------------


@dataclass(frozen=True)
class Setup:
    """What a worker needs to rebuild the comparer: the policy trees, the act, the editions."""

    old_root: str
    new_root: str
    act: str
    old_edition: str
    new_edition: str


_WORKER: dict[str, Any] = {}


def build_comparer(setup: Setup, libraries: dict[str, Library] | None = None) -> Comparer:
    libraries = dict(libraries or {})
    for root in {setup.old_root, setup.new_root}:
        if root not in libraries:
            libraries[root] = load_library(Path(root))
    sides = []
    for root, eid in ((setup.old_root, setup.old_edition), (setup.new_root, setup.new_edition)):
        library = libraries[root]
        edition = next((e for e in library.editions(setup.act) if e.id == eid), None)
        if edition is None:
            raise EditionError(f"no edition {eid} of {setup.act} under {root}")
        sides.append(Side(Path(root), library, library.act(setup.act), edition))
    return Comparer(sides[0], sides[1])


def _init_worker(setup: Setup) -> None:
    if _WORKER.get("setup") != setup:  # not inherited from the parent (spawn): load once here
        _WORKER["comparer"] = build_comparer(setup)
        _WORKER["setup"] = setup


def _work(chunk: tuple[int, list[str]]) -> Partial:
    start, lines = chunk
    return process_lines(_WORKER["comparer"], start, lines)


def _chunks(lines: Iterable[str], size: int = CHUNK) -> Iterator[tuple[int, list[str]]]:
    batch: list[str] = []
    start = 1
    for k, text in enumerate(lines, start=1):
        if not batch:
            start = k
        batch.append(text)
        if len(batch) >= size:
            yield start, batch
            batch = []
    if batch:
        yield start, batch


def _context() -> Any:
    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return mp.get_context("fork")
    return mp.get_context("spawn")


@dataclass
class ImpactReport:
    act: str
    old: Edition
    new: Edition
    corpus: str
    jobs: int
    seconds: float
    result: Partial
    changed_clauses: set[str]

    @property
    def flipped(self) -> int:
        return sum(d.flipped for d in self.result.decisions.values())

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "act": self.act,
            "from": self.old.to_dict(),
            "to": self.new.to_dict(),
            "corpus": self.corpus,
            "jobs": self.jobs,
            "seconds": round(self.seconds, 3),
            "lines": r.lines,
            "valid": r.lines - r.invalid,
            "invalid": r.invalid,
            "invalid_lines": [{"line": n, "problem": p} for n, p in r.invalid_lines],
            "flipped": self.flipped,
            "changed_clauses": sorted(self.changed_clauses),
            "decisions": [
                {
                    "decision": d.decision,
                    "cases": d.cases,
                    "same": d.same,
                    "citations_changed": d.citations_changed,
                    "flipped": d.flipped,
                    "decidability_changed": d.decidability_changed,
                    "refused_both": d.refused_both,
                    "not_decidable": d.absent,
                    "transitions": dict(sorted(d.transitions.items())),
                    "groups": [
                        {
                            "from": g.old,
                            "to": g.new,
                            "responsible": list(g.responsible),
                            "changed_clauses": [c for c in g.responsible if c in self.changed_clauses],
                            "count": g.count,
                            "sample_lines": g.samples,
                            "sample": g.first,
                        }
                        for g in d.sorted_groups()
                    ],
                }
                for d in sorted(r.decisions.values(), key=lambda d: d.decision)
            ],
        }


def run_impact(
    comparer: Comparer,
    setup: Setup,
    corpus: Path | str,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImpactReport:
    """Decide every line of `corpus` under both editions; `jobs` worker processes (default: all cores)."""
    started = time.perf_counter()
    if str(corpus) == "-":
        lines = sys.stdin.read().splitlines()
        name = "<stdin>"
    else:
        path = Path(corpus)
        if not path.is_file():
            raise ImpactError(f"corpus not found: {corpus}")
        with path.open(encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
        name = str(corpus)
    total = len(lines)
    jobs = max(1, jobs or os.cpu_count() or 1)
    result = Partial()
    done = 0
    chunks = list(_chunks(lines))
    if jobs == 1 or len(chunks) <= 1:
        for chunk in chunks:
            result.merge(process_lines(comparer, *chunk))
            done += len(chunk[1])
            if progress:
                progress(done, total)
    else:
        _WORKER["setup"] = setup
        _WORKER["comparer"] = comparer
        ctx = _context()
        with ctx.Pool(processes=jobs, initializer=_init_worker, initargs=(setup,)) as pool:
            for part, chunk in zip(pool.imap(_work, chunks), chunks, strict=True):
                result.merge(part)
                done += len(chunk[1])
                if progress:
                    progress(done, total)
    return ImpactReport(
        comparer.new.act.id,
        comparer.old.edition,
        comparer.new.edition,
        name,
        jobs,
        time.perf_counter() - started,
        result,
        comparer.changed,
    )


def terminal_progress(stream: Any = None) -> Callable[[int, int], None] | None:
    """A progress line on stderr, only when it is a terminal."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.2:
            return
        last[0] = now
        stream.write(f"\r  impact: {done:,}/{total:,} lines")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return report


def render_text(report: ImpactReport) -> str:
    r = report.result
    out = [
        f"{report.act}: impact of {report.old.id} → {report.new.id} on {report.corpus}",
        f"  {r.lines:,} lines: {r.lines - r.invalid:,} valid cases, {r.invalid:,} invalid; "
        f"{report.flipped:,} outcomes flip ({report.seconds:.2f} s, {report.jobs} process(es))",
    ]
    if report.new.draft or report.old.draft:
        out.append("  note: a DRAFT edition is compared: not law, for review only")
    out.append("  (* marks a clause whose version differs between the two editions)")
    for d in sorted(r.decisions.values(), key=lambda d: d.decision):
        out.append("")
        out.append(
            f"{d.decision}: {d.cases:,} cases, {d.flipped:,} flip, {d.citations_changed:,} same outcome on other "
            f"grounds, {d.decidability_changed:,} decided under one edition only, {d.same:,} unchanged"
            + (f", {d.refused_both:,} undecidable under both" if d.refused_both else "")
        )
        for side, why in d.absent.items():
            out.append(f"  not decidable under {side}: {why}")
        for g in d.sorted_groups():
            clauses = (
                ", ".join(c + ("*" if c in report.changed_clauses else "") for c in g.responsible) or "—"
            )
            lines = ", ".join(str(n) for n in g.samples)
            out.append(f"  {g.count:>7,}  {g.old} → {g.new}  [{clauses}]  e.g. line(s) {lines}")
    if r.invalid_lines:
        out.append("")
        out.append(
            f"invalid lines ({r.invalid:,}"
            + (f", first {len(r.invalid_lines)} shown" if r.invalid > len(r.invalid_lines) else "")
            + "):"
        )
        for n, problem in r.invalid_lines:
            out.append(f"  line {n}: {problem}")
    return "\n".join(out)
