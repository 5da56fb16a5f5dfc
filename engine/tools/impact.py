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

Each line is decided under both editions by `engine.tools.comparer.Comparer`. A line
that is not a valid case — not JSON, no question or date, an unknown question, a malformed date,
or a case its schema refuses — is reported with its line number and counted; the run goes on.

The corpus is split in chunks decided by worker processes (all cores by default); each worker
holds the library loaded once (inherited on fork, loaded by its initializer otherwise).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .. import casecodec
from ..decide import jsonable
from ..edition import Edition
from ..errors import EditionError, ErejeError
from ..library import Library, load_library
from .comparer import REFUSED, Comparer, Side

CHUNK = 1000
SAMPLES = 3
INVALID_KEPT = 200


class ImpactError(ErejeError, ValueError):
    """The corpus cannot be read at all (not found, not a file)."""


# ---- aggregation -------------------------------------------------------------------------------


@dataclass
class _Sampled:
    """A count of corpus lines with the smallest line numbers kept as samples, the first of
    them described: shared by outcome groups and value changes, merged across workers."""

    count: int = field(default=0, kw_only=True)
    samples: list[int] = field(default_factory=list, kw_only=True)  # line numbers, smallest first
    first: dict[str, Any] | None = field(default=None, kw_only=True)  # the smallest sample's description

    def add(self, line: int, sample: Callable[[], dict[str, Any]]) -> None:
        self.count += 1
        if len(self.samples) < SAMPLES or line < self.samples[-1]:
            self.samples = sorted([*self.samples, line])[:SAMPLES]
            if self.samples[0] == line:
                self.first = sample()

    def merge(self, other: _Sampled) -> None:
        self.count += other.count
        if other.samples and (not self.samples or other.samples[0] < self.samples[0]):
            self.first = other.first
        self.samples = sorted([*self.samples, *other.samples])[:SAMPLES]


@dataclass
class Group(_Sampled):
    old: str
    new: str
    responsible: tuple[str, ...]


@dataclass
class ValueChange(_Sampled):
    """One computed value that differs between the editions on some cases."""

    name: str


@dataclass
class DecisionImpact:
    """Every case of one decision falls in exactly one of: flipped, values_changed,
    citations_changed, same, decidability_changed, refused_both, invalid (under either edition),
    or not decidable at all (`absent`) -- nothing drops out of the count."""

    decision: str
    cases: int = 0
    same: int = 0  # same outcome, citations and values
    values_changed: int = 0  # same outcome, a computed value differs
    citations_changed: int = 0  # same outcome and values, other citations
    flipped: int = 0  # decided under both, outcome differs
    decidability_changed: int = 0  # decided under one edition only
    refused_both: int = 0
    not_decided: int = 0  # the decision does not exist, or is not encoded, under an edition
    invalid_old: int = 0  # not a valid case under the old edition's schema only
    invalid_new: int = 0  # … under the new edition's only
    invalid_both: int = 0
    invalid_samples: list[tuple[int, str]] = field(default_factory=list)  # (line, why), smallest first
    filled: int = 0  # cases given facts one edition lacks (--fill-missing)
    absent: dict[str, str] = field(default_factory=dict)  # side -> why the decision cannot run there
    transitions: dict[str, int] = field(default_factory=dict)  # "a → b" -> count
    groups: dict[tuple[str, str, tuple[str, ...]], Group] = field(default_factory=dict)
    values: dict[str, ValueChange] = field(default_factory=dict)  # value name -> cases where it differs

    COUNTS = (
        "cases",
        "same",
        "values_changed",
        "citations_changed",
        "flipped",
        "decidability_changed",
        "refused_both",
        "not_decided",
        "invalid_old",
        "invalid_new",
        "invalid_both",
        "filled",
    )

    @property
    def invalid(self) -> int:
        return self.invalid_old + self.invalid_new + self.invalid_both

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

    def add_invalid(self, line: int, why: str) -> None:
        if len(self.invalid_samples) < SAMPLES or line < self.invalid_samples[-1][0]:
            self.invalid_samples = sorted([*self.invalid_samples, (line, why)])[:SAMPLES]

    def merge(self, other: DecisionImpact) -> None:
        for attr in self.COUNTS:
            setattr(self, attr, getattr(self, attr) + getattr(other, attr))
        self.invalid_samples = sorted([*self.invalid_samples, *other.invalid_samples])[:SAMPLES]
        self.absent.update(other.absent)
        for k, v in other.transitions.items():
            self.transitions[k] = self.transitions.get(k, 0) + v
        for key, group in other.groups.items():
            if key in self.groups:
                self.groups[key].merge(group)
            else:
                self.groups[key] = group
        for name, change in other.values.items():
            if name in self.values:
                self.values[name].merge(change)
            else:
                self.values[name] = change

    def sorted_groups(self) -> list[Group]:
        return sorted(self.groups.values(), key=lambda g: (-g.count, g.old, g.new, g.responsible))

    def sorted_values(self) -> list[ValueChange]:
        return sorted(self.values.values(), key=lambda v: (-v.count, v.name))


@dataclass
class Partial:
    lines: int = 0
    invalid: int = 0  # lines that are not a case at all (not JSON, no question, bad date…)
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


def responsible_clauses(
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


_MISSING = object()


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
    d = out.decisions.get(question)
    if d is None:
        d = out.decisions[question] = DecisionImpact(question)
    d.cases += 1
    case, filled = comparer.fill(question, case, as_of, line)
    if filled:
        d.filled += 1
    validated: list[Any] = [None]  # the case object already validated, when both schemas agree
    old_kind, old_result = comparer.decide(comparer.old, question, case, as_of, validated)
    new_kind, new_result = comparer.decide(comparer.new, question, case, as_of, validated)
    if old_kind == "invalid" or new_kind == "invalid":
        if old_kind == new_kind:
            d.invalid_both += 1
            d.add_invalid(line, f"under both editions: {new_result}")
        elif old_kind == "invalid":
            d.invalid_old += 1
            d.add_invalid(line, old_result)
        else:
            d.invalid_new += 1
            d.add_invalid(line, new_result)
        return None
    if old_kind == "absent" or new_kind == "absent":
        d.not_decided += 1
        if old_kind == "absent":
            d.absent[comparer.old.id] = old_result
        if new_kind == "absent":
            d.absent[comparer.new.id] = new_result
        return None
    spec = comparer.new.spec(question) or comparer.old.spec(question)
    default = spec.default if spec is not None else None
    old_out, old_cited, old_values = old_result if old_kind == "ok" else (REFUSED, tuple(old_result[1]), {})
    new_out, new_cited, new_values = new_result if new_kind == "ok" else (REFUSED, tuple(new_result[1]), {})

    def sample() -> dict[str, Any]:
        return {
            "line": line,
            "as_of": as_of_text,
            "case": case,
            "filled": filled,
            "from": {
                "outcome": old_out,
                "citations": list(old_cited),
                "values": jsonable(old_values),
                "refusal": old_result[0] if old_kind == REFUSED else None,
            },
            "to": {
                "outcome": new_out,
                "citations": list(new_cited),
                "values": jsonable(new_values),
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
    values_differ = False
    if old_values or new_values:
        for name in sorted(old_values.keys() | new_values.keys()):
            a, b = old_values.get(name, _MISSING), new_values.get(name, _MISSING)
            if a is _MISSING or b is _MISSING or type(a) is not type(b) or a != b:
                values_differ = True
                change = d.values.get(name)
                if change is None:
                    change = d.values[name] = ValueChange(name)
                change.add(line, _value_sample(line, as_of_text, case, a, b, old_out, new_out))
    if old_out == new_out:
        if values_differ:
            d.values_changed += 1
        elif tuple(old_cited) == tuple(new_cited):
            d.same += 1
        else:
            d.citations_changed += 1
        return None
    d.flipped += 1
    d.add_group(
        old_out, new_out, responsible_clauses(old_out, old_cited, new_out, new_cited, default, order), line, sample
    )
    return None


def _value_sample(
    line: int, as_of: str, case: Any, a: Any, b: Any, old_out: str, new_out: str
) -> Callable[[], dict[str, Any]]:
    def make() -> dict[str, Any]:
        return {
            "line": line,
            "as_of": as_of,
            "case": case,
            "from": None if a is _MISSING else jsonable(a),
            "to": None if b is _MISSING else jsonable(b),
            "outcomes": [old_out, new_out],
        }

    return make


# ---- running: in process or on a pool of workers --------------------------------------------------


@dataclass(frozen=True)
class Setup:
    """What a worker needs to rebuild the comparer: the policy trees, the act, the editions."""

    old_root: str
    new_root: str
    act: str
    old_edition: str
    new_edition: str
    fill_seed: int | None = None


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
    return Comparer(sides[0], sides[1], setup.fill_seed)


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

    fill_seed: int | None = None
    facts_only: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def flipped(self) -> int:
        return sum(d.flipped for d in self.result.decisions.values())

    def totals(self) -> dict[str, int]:
        """Cases across decisions: how many are valid under each edition, and what changed."""
        ds = self.result.decisions.values()
        return {
            "cases": sum(d.cases for d in ds),
            "invalid_under_from": sum(d.invalid_old + d.invalid_both for d in ds),
            "invalid_under_to": sum(d.invalid_new + d.invalid_both for d in ds),
            "invalid_under_either": sum(d.invalid for d in ds),
            "compared": sum(d.cases - d.invalid - d.not_decided for d in ds),
            "not_decided": sum(d.not_decided for d in ds),
            "flipped": self.flipped,
            "values_changed": sum(d.values_changed for d in ds),
            "value_changes": sum(v.count for d in ds for v in d.values.values()),
            "filled": sum(d.filled for d in ds),
        }

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        totals = self.totals()
        return {
            "act": self.act,
            "from": self.old.to_dict(),
            "to": self.new.to_dict(),
            "corpus": self.corpus,
            "jobs": self.jobs,
            "seconds": round(self.seconds, 3),
            "lines": r.lines,
            "valid": r.lines - r.invalid - totals["invalid_under_either"],
            "invalid": r.invalid + totals["invalid_under_either"],
            "malformed_lines": r.invalid,
            "invalid_lines": [{"line": n, "problem": p} for n, p in r.invalid_lines],
            "totals": totals,
            "fill_missing": {"seed": self.fill_seed} if self.fill_seed is not None else None,
            "facts_only": self.facts_only,
            "flipped": self.flipped,
            "changed_clauses": sorted(self.changed_clauses),
            "decisions": [
                {
                    "decision": d.decision,
                    **{k: getattr(d, k) for k in DecisionImpact.COUNTS},
                    "invalid": d.invalid,
                    "invalid_samples": [{"line": n, "problem": p} for n, p in d.invalid_samples],
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
                    "value_changes": [
                        {"value": v.name, "count": v.count, "sample_lines": v.samples, "sample": v.first}
                        for v in d.sorted_values()
                    ],
                }
                for d in sorted(r.decisions.values(), key=lambda d: d.decision)
            ],
        }


def run_impact(
    comparer: Comparer,
    setup: Setup,
    corpus: Path | str | IO[str],
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImpactReport:
    """Decide every line of `corpus` (a file, or a stream the caller opened, e.g. stdin) under both
    editions; `jobs` worker processes (default: all cores)."""
    started = time.perf_counter()
    if not isinstance(corpus, (str, Path)):
        lines = corpus.read().splitlines()
        name = "<stdin>" if corpus is sys.stdin else str(getattr(corpus, "name", "<stream>"))
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
        comparer.fill_seed,
        comparer.facts_only(),
    )
