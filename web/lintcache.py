"""The static-check findings behind /monitoring: computed once per policy version, per edition.

A lint run costs seconds (a witness search over every decision), so it cannot be what a page
request pays: eight callers asking for eight new dates kept both cores busy and starved the
decisions. The findings depend on the date only through which editions are in force, so the
dates are cut into spans at every edition's first day (`edition_spans`), and each span is
linted once, on its first day, when the policy version is loaded (under `ereje serve` in the
master at start and at every reload, before the workers are forked; in a single process on the
first page that asks). A requested date then only selects its span: any date, 9999-12-31
included, costs a lookup.

Reports are kept per (policy version, budget) for the last few versions, so a reload back to a
version already linted (or a test app on the same tree) does not lint again.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_BUDGET = 200_000
MIN_BUDGET = 100
_KEEP = 4


def budget_of(config: Mapping[str, Any]) -> int:
    """`EREJE_LINT_BUDGET` from the app's settings (or the environment), at least MIN_BUDGET."""
    import os

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
        return self.reports[bisect.bisect_right(self.starts, day)]


def compute(library: Any, budget: int) -> LintSpans | None:
    """Lint every span (None when the lint module is not part of this engine)."""
    try:
        from engine import lint
    except ImportError:
        return None
    starts = edition_spans(library)
    days = [starts[0] - dt.timedelta(days=1)] if starts else [dt.date(2000, 1, 1)]
    days += starts
    reports = tuple(
        lint.lint_library(library, None, as_of=day, budget=budget, stability=False)
        for day in days
    )
    return LintSpans(tuple(starts), reports)


_cache: OrderedDict[tuple[str, int], LintSpans | None] = OrderedDict()
_cache_lock = threading.Lock()
_compute_lock = threading.Lock()  # one lint run at a time: a second asker waits for the first


def spans_for(snapshot: Any, budget: int) -> LintSpans | None:
    """The lint spans of this policy snapshot, computed on first use and then kept."""
    key = (snapshot.version, budget)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    with _compute_lock:
        with _cache_lock:
            if key in _cache:
                return _cache[key]
        spans = compute(snapshot.library, budget)
        with _cache_lock:
            _cache[key] = spans
            while len(_cache) > _KEEP:
                _cache.popitem(last=False)
    return spans


def warm(app: Any) -> None:
    """Lint the live policy now (the master, at start and after each reload)."""
    holder = app.extensions["ereje.policies"]
    if holder.loaded:
        spans_for(holder.snapshot, budget_of(app.config))
