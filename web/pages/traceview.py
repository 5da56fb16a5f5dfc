"""The scenario results of an act (`engine.tools.trace`), cached until the policy, the features or the
results file change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web.pages.common import path_setting
from web.pages.model import LRU

_CACHE = LRU(8)


@dataclass
class TraceState:
    trace: Any | None  # engine.tools.trace.Trace
    note: str | None  # why there is none (no results file yet, …)

    def clause(self, cid: str) -> Any | None:
        if self.trace is None:
            return None
        return next((c for c in self.trace.clauses if c.id == cid), None)


def act_trace(snap: Any, act: Any) -> TraceState:
    from engine.tools.trace import ResultsError, build_trace, load_results
    from web.policies import tree_signature

    results = path_setting("EREJE_TRACE_RESULTS")
    features = path_setting("EREJE_FEATURES")
    try:
        st = results.stat()
        stamp: tuple[Any, ...] = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = ()
    key = (snap.version, act.id, str(results), stamp, str(features), tree_signature(features))

    def compute() -> TraceState:
        try:
            data = load_results(results)
        except ResultsError as exc:
            return TraceState(None, str(exc))
        return TraceState(build_trace(act, features, data, results), None)

    return _CACHE.get(key, compute)
