"""The static-check findings behind /monitoring: computed once per policy version, per edition.

A lint run costs seconds (a witness search over every decision), so it cannot be what a page
request pays: eight callers asking for eight new dates kept both cores busy and starved the
decisions. The findings depend on the date only through which editions are in force, so the
dates are cut into spans at every edition's first day (`edition_spans`), and each span is
linted once, on its first day, per policy version. A requested date then only selects its
span: any date, 9999-12-31 included, costs a lookup.

Who lints: under `ereje serve` the master, in a background thread, after a start or a reload
has put the version live (`web.serve.BackgroundLint`); the workers never do
(`EREJE_LINT_IN_BACKGROUND`): until the findings are ready /monitoring shows none, then the
master has its workers replaced by ones forked with the findings. In a single process (`flask
run`, tests) the first page that asks lints, once.

How: on the solver, as `ereje lint` does (one set of findings, whoever asks), and so never in
this process: the run is a job of `web.solving`, in a spawned child that loads the live version's
files itself (z3 in a threaded process crashes it). A run that fails (deadline, a crash) is kept as
that failure, so /monitoring says why it has no findings instead of starting another run of
LINT_TIMEOUT seconds on every request; one refused because the files changed since the version
went live is not kept (undoing the edit makes the version linted again).

Reports are kept per (policy version, budget) for the last few versions, so a reload back to a
version already linted (or a test app on the same tree) does not lint again.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.edition import in_force_index
from web import solving

DEFAULT_BUDGET = 200_000
MIN_BUDGET = 100
LINT_TIMEOUT = 900.0  # seconds for every span of a version: today ~15 s; a loaded machine, minutes
_KEEP = 4


def budget_of(config: Mapping[str, Any]) -> int:
    """`EREJE_LINT_BUDGET` from the app's settings (or the environment), at least MIN_BUDGET."""
    raw = config.get("EREJE_LINT_BUDGET")
    if raw is None:
        raw = os.environ.get("EREJE_LINT_BUDGET") or DEFAULT_BUDGET
    try:
        return max(MIN_BUDGET, int(raw))
    except (TypeError, ValueError):
        return DEFAULT_BUDGET


def edition_spans(library: Any) -> list[dt.date]:
    """The first day of every edition in force of any act, sorted: between two of them no act
    changes edition."""
    return sorted(
        {e.start for act_id in library.acts for e in library.editions(act_id) if not e.draft}
    )


@dataclass(frozen=True)
class LintSpans:
    """One lint report per span of dates; `on(day)` picks the span's report."""

    starts: tuple[dt.date, ...]
    reports: tuple[Any, ...]  # reports[0]: before the first edition; reports[i+1]: from starts[i]

    def on(self, day: dt.date) -> Any:
        k = in_force_index(self.starts, day)  # the one definition of "in force on a date"
        return self.reports[0 if k is None else k + 1]


def compute(snapshot: Any, budget: int, timeout: float | None = None) -> LintSpans:
    """Lint every span of the snapshot's version, in a solver child (`web.solving`); raises
    `solving.SolverJobError` when that child brings back no report."""
    starts = edition_spans(snapshot.library)
    days = [starts[0] - dt.timedelta(days=1)] if starts else [dt.date(2000, 1, 1)]
    days += starts
    root = Path(str(snapshot.library.root))
    seconds = LINT_TIMEOUT if timeout is None else timeout
    reports = solving.run(lint_days, root, snapshot.version, (days, budget), timeout=seconds)
    return LintSpans(tuple(starts), tuple(reports))


def lint_days(library: Any, days: list[dt.date], budget: int) -> list[Any]:
    """The job run in the solver child: one report per day, on the solver, as `ereje lint`."""
    from engine.tools import lint

    return [
        lint.lint_library(library, None, as_of=day, budget=budget, stability=False, method="solver")
        for day in days
    ]


# A version's spans, or the failure of its run (kept too: see the module's docstring).
_cache: OrderedDict[tuple[str, int], LintSpans | solving.SolverJobError] = OrderedDict()
_cache_lock = threading.Lock()
_compute_lock = threading.Lock()  # one lint run at a time: a second asker waits for the first


def _fresh_locks() -> None:
    """A worker forked while the master's lint thread held a lock must not inherit it held."""
    global _cache_lock, _compute_lock
    _cache_lock = threading.Lock()
    _compute_lock = threading.Lock()


os.register_at_fork(after_in_child=_fresh_locks)


def cached(snapshot: Any, budget: int) -> tuple[bool, LintSpans | None]:
    """(whether this snapshot has been linted, its spans: None if that run failed), never
    computing, never raising (the master's reload hook asks)."""
    entry = _entry(snapshot, budget)
    if entry is None:
        return False, None
    return True, None if isinstance(entry, solving.SolverJobError) else entry


def _entry(snapshot: Any, budget: int) -> LintSpans | solving.SolverJobError | None:
    """What the cache holds for this snapshot and budget (None: not linted yet)."""
    with _cache_lock:
        return _cache.get((snapshot.version, budget))


def _kept(entry: LintSpans | solving.SolverJobError) -> LintSpans:
    if isinstance(entry, solving.SolverJobError):
        raise entry
    return entry


def for_page(snapshot: Any, config: Mapping[str, Any]) -> LintSpans | None:
    """The spans a page may show now: computed here in a single process, only taken from the
    cache under `ereje serve` (None while the master is still linting). Raises
    `solving.SolverJobError` if the run for this version failed."""
    budget = budget_of(config)
    if config.get("EREJE_LINT_IN_BACKGROUND"):
        entry = _entry(snapshot, budget)
        return None if entry is None else _kept(entry)
    return spans_for(snapshot, budget)


def spans_for(
    snapshot: Any, budget: int, wanted: Callable[[], bool] | None = None
) -> LintSpans | None:
    """The lint spans of this policy snapshot, computed on first use and then kept (a failed
    run too: its `solving.SolverJobError` is raised again to every later asker; but not a run
    refused because the files on disk are no longer this version, which an edit undone makes
    true again).

    `wanted`, asked once this call's turn to lint has come: False skips the work (the master's
    thread for a version a newer reload has replaced meanwhile) and returns None."""
    key = (snapshot.version, budget)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _kept(_cache[key])
    with _compute_lock:
        with _cache_lock:
            if key in _cache:
                return _kept(_cache[key])
        if wanted is not None and not wanted():
            return None
        entry: LintSpans | solving.SolverJobError
        try:
            entry = compute(snapshot, budget)
        except solving.SolverJobError as exc:
            if exc.reason == "changed":
                raise  # about the files on disk, not the version: a later run may find them back
            entry = exc
        with _cache_lock:
            _cache[key] = entry
            while len(_cache) > _KEEP:
                _cache.popitem(last=False)
    return _kept(entry)
