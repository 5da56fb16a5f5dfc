"""Lint benchmark: the solver's checks against the enumeration they replace, act by act.

`python -m bench.lint_solver` (nice it on a shared machine). For every act under the edition in
force on the date (and the shipped draft of U1300000624), it runs `engine.tools.lint.lint_library`
twice in this one process, once with `method="enumeration"` (lint before the solver) and once
with the solver (the default), alternating which goes first over the repetitions and keeping
the fastest of each, and prints the seconds side by side with their ratio and the findings
each gave by kind. Target (issue 12, item 7): the solver no slower than the enumeration (ratio
≤ 1). The library load and the working-day table (built once per process) are timed apart, as
is the stability section (the same for both; left out here). Nothing asserts; figures are printed.

Environment: EREJE_POLICIES (default policies), EREJE_LINT_AS_OF (default 2025-06-01),
EREJE_LINT_REPEAT (default 2).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

POLICIES = Path(os.environ.get("EREJE_POLICIES", "policies"))
AS_OF = dt.date.fromisoformat(os.environ.get("EREJE_LINT_AS_OF", "2025-06-01"))
REPEAT = int(os.environ.get("EREJE_LINT_REPEAT", "2"))
DRAFT = ("U1300000624", "draft:draft-hypothetical-reserve-terms")


def _run(library: Any, act: str, edition: str | None, method: str) -> tuple[float, dict[str, int]]:
    from engine.tools.lint import lint_library

    editions = {act: edition} if edition else None
    started = time.perf_counter()
    report = lint_library(
        library, [act], as_of=AS_OF, stability=False, show_settled=True, editions=editions, method=method
    )
    seconds = time.perf_counter() - started
    kinds = dict(report.counts()["by_kind"])
    for f in report.acknowledged:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    return seconds, kinds


def main() -> int:
    from engine import load_library
    from engine.tools.selection import select_edition
    from engine.tools.symbolic.problem import workday_table

    started = time.perf_counter()
    library = load_library(POLICIES)
    load = time.perf_counter() - started
    started = time.perf_counter()
    workday_table(library.calendar())
    table = time.perf_counter() - started
    print(f"lint: enumeration (before) vs solver (now), as of {AS_OF}, fastest of {REPEAT} run(s) each")
    print(f"  library load {load:.2f} s, working-day table {table:.2f} s (once per process, not counted)")
    targets: list[tuple[str, str | None]] = [(a, None) for a in sorted(library.acts)]
    if DRAFT[0] in library.acts:
        targets.append((DRAFT[0], select_edition(library, DRAFT[0], DRAFT[1]).id))
    print(f"  {'act (edition)':<58} {'enumeration':>11} {'solver':>8} {'ratio':>6}  findings")
    totals = {"enumeration": 0.0, "solver": 0.0}
    for act, edition in targets:
        best: dict[str, float] = {}
        kinds: dict[str, dict[str, int]] = {}
        for k in range(REPEAT):
            order = ("enumeration", "solver") if k % 2 == 0 else ("solver", "enumeration")
            for method in order:
                seconds, found = _run(library, act, edition, method)
                best[method] = min(best.get(method, seconds), seconds)
                kinds[method] = found
        for method in totals:
            totals[method] += best[method]
        label = act + (f" ({edition})" if edition else "")
        same = "same" if kinds["enumeration"] == kinds["solver"] else "DIFFER"
        print(
            f"  {label:<58} {best['enumeration']:>9.2f} s {best['solver']:>6.2f} s "
            f"{best['solver'] / best['enumeration']:>6.2f}  {same}: "
            + ", ".join(f"{k} {v}" for k, v in sorted(kinds["solver"].items()))
        )
        if same == "DIFFER":
            print(f"    enumeration: {kinds['enumeration']}")
            print(f"    solver:      {kinds['solver']}")
    print(
        f"  {'all of the above':<58} {totals['enumeration']:>9.2f} s {totals['solver']:>6.2f} s "
        f"{totals['solver'] / totals['enumeration']:>6.2f}  (target: ratio ≤ 1)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
