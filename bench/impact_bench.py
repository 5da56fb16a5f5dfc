"""Impact benchmark: 100,000 generated cases × 2 editions × every decision of U1300000624.

`python -m bench.impact_bench` (also run by `python -m bench`). Generates a corpus with
`ereje cases generate` semantics (seed 624, every decision in turn, the edition in force), cached
in the temporary directory under a key of the policies' content, then times `run_impact` (the
code behind `ereje impact`) comparing the edition in force with the shipped HYPOTHETICAL draft,
on every core (one worker process per core, each holding the library once). It also times the
whole command, `ereje impact … --format json`, in a fresh process. Target: under 10 s on the
2-core reference machine. Nothing asserts; the figures are printed.

Environment: EREJE_POLICIES (default policies), EREJE_IMPACT_BENCH_CASES (default 100000).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POLICIES = Path(os.environ.get("EREJE_POLICIES", "policies"))
N = int(os.environ.get("EREJE_IMPACT_BENCH_CASES", "100000"))
ACT = "U1300000624"
SEED = 624
DRAFT = "draft:draft-hypothetical-reserve-terms"
TARGET = 10.0


def corpus_path() -> Path:
    from engine.tools.trace import act_fingerprint

    key = hashlib.sha256(f"{act_fingerprint(POLICIES / ACT)}|{N}|{SEED}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"ereje-impact-bench-{key}.jsonl"


def main() -> int:
    from engine import load_library
    from engine.tools.casegen import corpus_for, write_corpus
    from engine.tools.comparer import Comparer, Side
    from engine.tools.impact import Setup, run_impact
    from engine.tools.selection import select_edition

    cores = os.cpu_count() or 1
    print(f"impact benchmark: {N:,} generated cases × 2 editions × every decision of {ACT}, {cores} core(s)")
    library = load_library(POLICIES)
    act = library.act(ACT)
    old = [e for e in library.editions(ACT) if not e.draft][-1]
    new = select_edition(library, ACT, DRAFT)
    path = corpus_path()
    if not path.is_file():
        started = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        corpus = corpus_for(act, old, None, SEED)
        with tmp.open("w", encoding="utf-8") as fh:
            write_corpus(corpus, N, fh)
        tmp.replace(path)
        print(
            f"  corpus generated in {time.perf_counter() - started:.1f} s "
            f"({', '.join(corpus.decisions)}), cached at {path}"
        )
    else:
        print(f"  corpus: {path} (cached)")
    comparer = Comparer(Side(POLICIES, library, act, old), Side(POLICIES, library, act, new))
    setup = Setup(str(POLICIES), str(POLICIES), ACT, old.id, new.id)
    run_impact(comparer, setup, path, jobs=cores)  # warm: validators compiled, pages touched
    times = []
    report = None
    for _ in range(3):
        started = time.perf_counter()
        report = run_impact(comparer, setup, path, jobs=cores)
        times.append(time.perf_counter() - started)
    assert report is not None
    best = min(times)
    decisions = len(report.result.decisions)
    print(
        f"  run_impact, {cores} worker(s): best {best:.2f} s of 3 "
        f"({N * 2 / best:,.0f} decisions/s; {report.flipped:,} flips in {decisions} decisions, "
        f"{report.result.invalid} invalid)  [target < {TARGET:.0f} s]"
    )
    one = run_impact(comparer, setup, path, jobs=1)
    print(f"  run_impact, 1 process (for comparison): {one.seconds:.2f} s")
    ereje = Path(sys.executable).with_name("ereje")
    if ereje.exists():
        started = time.perf_counter()
        subprocess.run(
            [
                str(ereje),
                "impact",
                "--act",
                ACT,
                "--from",
                old.id,
                "--to",
                DRAFT,
                str(path),
                "--format",
                "json",
                "--policies",
                str(POLICIES),
            ],
            check=True,
            capture_output=True,
        )
        print(
            f"  `ereje impact` end to end (start-up, load, run, JSON): {time.perf_counter() - started:.2f} s"
        )
    return 0 if best < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
