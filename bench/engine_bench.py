"""Engine benchmark: compiled rules vs a hand-written function on one generated corpus.

Prints decisions/second for `enrollment` (engine fast path, engine with tracing, the
hand-written yardstick), their ratios, case validation on its own, and the time to load,
check and compile every policy. Ratios are taken in one run on one machine; nothing asserts.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.corpus import enrollment_corpus
from bench.handwritten import enrollment as handwritten

POLICIES = Path(os.environ.get("EREJE_POLICIES", "policies"))
AS_OF = dt.date(2025, 9, 1)
N = int(os.environ.get("EREJE_BENCH_CASES", "100000"))
ROUNDS = 3


def best_of(fn: Callable[[], Any], rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def load_times() -> list[float]:
    """Load+check+compile in fresh interpreters: the parser and schemas are built each time."""
    import subprocess

    code = (
        "import time,pathlib;t=time.perf_counter();from engine import load_library;"
        f"load_library(pathlib.Path({str(POLICIES)!r}));print(time.perf_counter()-t)"
    )
    out = []
    for _ in range(5):
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        out.append(float(result.stdout.strip()))
    return out


def main() -> int:
    from engine import load_library

    print(f"engine benchmark: {N:,} generated enrollment cases (seed 624), as of {AS_OF}, best of {ROUNDS}")
    loads = load_times()
    print(
        f"  start-up: import + load+check+compile in a fresh process: "
        f"median {statistics.median(loads) * 1000:.0f} ms, min {min(loads) * 1000:.0f} ms"
    )
    library = load_library(POLICIES)  # warm: imports done, grammar tables cached
    warm = []
    for _ in range(5):
        t = time.perf_counter()
        load_library(POLICIES)
        warm.append(time.perf_counter() - t)
    print(
        f"  load+check+compile all policies, imports done (what a reload costs): "
        f"median {statistics.median(warm) * 1000:.0f} ms  [target < 300 ms]"
    )

    cases = enrollment_corpus(N)
    decide = library.outcome
    mismatches = 0
    for case in cases:
        if decide("enrollment", case, as_of=AS_OF, validate=False) != handwritten(case, AS_OF):
            mismatches += 1
    print(f"  agreement with the hand-written function: {N - mismatches:,}/{N:,} cases")
    if mismatches:
        print(
            "  the engine and the yardstick disagree: figures below compare different rules", file=sys.stderr
        )

    def run_hand() -> None:
        for case in cases:
            handwritten(case, AS_OF)

    def run_engine() -> None:
        for case in cases:
            decide("enrollment", case, as_of=AS_OF, validate=False)

    runtime = library._runtimes["U1300000624"]
    compiled_edition = library.edition_on("U1300000624", AS_OF)
    assert compiled_edition is not None, "the corpus's date lies in an edition of the act"
    compiled = compiled_edition.decisions["enrollment"]
    quick = runtime.quick[(compiled_edition.edition.id, "enrollment")]

    def run_traced() -> None:
        for case in cases:
            trace: list = []

            def record(nid: int, value: Any, trace: list = trace) -> Any:
                trace.append((nid, value))
                return value

            quick(compiled.traced(case, AS_OF, None, record))

    def run_explained() -> None:
        for case in cases:
            library.decide("enrollment", case, as_of=AS_OF, explain=True)

    def run_full() -> None:
        for case in cases:
            library.decide("enrollment", case, as_of=AS_OF)

    validator = runtime.validator(None, "enrollment")

    def run_validate() -> None:
        for case in cases:
            validator.check(case)

    hand = best_of(run_hand)
    engine = best_of(run_engine)
    traced = best_of(run_traced)
    explained = best_of(run_explained, 1)
    full = best_of(run_full, 1)
    valid = best_of(run_validate, 1)

    def rate(seconds: float) -> str:
        return f"{N / seconds:>10,.0f} decisions/s  ({seconds / N * 1e6:6.1f} µs each)"

    print(f"  hand-written function              {rate(hand)}")
    print(f"  compiled engine (outcome+citations){rate(engine)}  ratio {engine / hand:.2f}×  [target ≤ 2×]")
    print(f"  compiled engine, tracing conditions{rate(traced)}  ratio {traced / hand:.2f}×  [target ≤ 5×]")
    print(
        f"  full decide(explain=True)          {rate(explained)}  ratio {explained / hand:.2f}×"
        "  (validation + trace + texts, facts, warnings)"
    )
    print(
        f"  full decide() without tracing      {rate(full)}  ratio {full / hand:.2f}×"
        "  (validation + texts, facts, warnings)"
    )
    print(
        f"  case validation alone              {N / valid:>10,.0f} cases/s      ({valid / N * 1e6:6.1f} µs each)"
    )
    return 0 if not mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
