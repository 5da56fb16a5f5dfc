"""Instructions per enrollment case, counted by callgrind (`make bench`).

Wall time on a shared machine drifts with everyone else's load; an instruction count does not.
One Python process, run under `valgrind --tool=callgrind`, sets everything up, runs each
workload once over the corpus to warm its caches, then runs each again between two calls of
`os.getloadavg()`, which nothing else here calls: callgrind is told to dump its counters when
that C function is entered (`--dump-before=getloadavg`), so each workload's pass lands in a
file of its own. A pass of a no-op function over the same cases is taken off every figure
(the loop and the call, ~1% of the smallest workload). The same run counts one request of the
service beside one of the minimal Flask endpoint, in process (`bench.requests_inprocess`): the
load bench's decision/minimal ratio without the machine's noise and without gunicorn.

Skipped, with a message, when valgrind is not installed (`apt-get install -y valgrind`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
POLICIES = Path(os.environ.get("EREJE_POLICIES", ROOT / "policies"))
AS_OF = dt.date(2025, 9, 1)
CASES = int(os.environ.get("EREJE_BENCH_CALLGRIND_CASES", "300"))
TARGETS = {"compiled decision": 2.0, "valid-case check (engine)": 4.0}


def workloads() -> list[tuple[str, Callable[[Any], Any]]]:
    """(name, one call per case), in the order they are counted."""
    from bench.handwritten import enrollment as handwritten
    from engine import load_library

    library = load_library(POLICIES)
    validator = library._runtimes["U1300000624"].validator(None, "enrollment")
    schema = library.acts["U1300000624"].decisions["enrollment"].case_schema
    from jsonschema import Draft202012Validator

    from engine.casecheck import FORMATS

    reference = Draft202012Validator(schema, format_checker=FORMATS).is_valid
    edition = library.edition_on("U1300000624", AS_OF)
    assert edition is not None, "the corpus's date lies in an edition of the act"
    plain = edition.decisions["enrollment"].plain
    found: list[tuple[str, Callable[[Any], Any]]] = [
        ("no-op (loop and call)", lambda case: None),
        ("hand-written decision", lambda case: handwritten(case, AS_OF)),
        ("compiled decision", lambda case: library.outcome("enrollment", case, as_of=AS_OF, validate=False)),
        ("  of which the compiled function", lambda case: plain(case, AS_OF, None, None)),
        ("valid-case check (engine)", validator.check),
        ("valid-case check (jsonschema)", reference),
    ]
    try:
        import fastjsonschema

        from engine.casecheck import _date_format

        fast = fastjsonschema.compile(schema, formats={"date": _date_format})
        found.append(("valid-case check (fastjsonschema, before)", fast))
    except ImportError:
        pass
    try:
        import jsonschema_rs

        rust = jsonschema_rs.Draft202012Validator(schema, validate_formats=True).is_valid
        found.append(("valid-case check (jsonschema-rs)", rust))
    except ImportError:
        pass
    found.append(("decide(): check + decision + answer", lambda case: library.decide("enrollment", case, as_of=AS_OF)))
    return found


def worker() -> None:
    """Under callgrind: print the workload names, one per counted pass, in order."""
    from bench.corpus import enrollment_corpus
    from bench.requests_inprocess import bodies, request_workloads

    cases = enrollment_corpus(CASES)
    with request_workloads(AS_OF.isoformat()) as requests:
        chosen = workloads()
        inputs = [cases] * len(chosen) + [bodies(cases)] * len(requests)
        chosen += requests
        for (_, fn), given in zip(chosen, inputs, strict=True):  # warm: imports, caches
            for case in given:
                fn(case)
        mark = os.getloadavg
        for (_, fn), given in zip(chosen, inputs, strict=True):
            mark()
            for case in given:
                fn(case)
        mark()
    for name, _ in chosen:
        print(name)


def count() -> dict[str, float] | str:
    """name -> instructions per case, or why there are none."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return "valgrind is not installed (apt-get install -y valgrind); instruction counts skipped"
    with tempfile.TemporaryDirectory(prefix="ereje-callgrind-") as tmp:
        out = Path(tmp) / "cg.out"
        env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT)}
        run = subprocess.run(
            [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}", "--dump-before=getloadavg",
             sys.executable, "-m", "bench.instructions", "--worker"],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=1800,
        )
        if run.returncode != 0:
            return f"callgrind run failed ({run.returncode}): {run.stderr[-500:]}"
        names = run.stdout.split("\n")[: -1]
        totals = {}
        for dump in Path(tmp).glob("cg.out.*"):
            found = re.search(r"^totals: (\d+)", dump.read_text(errors="replace"), re.M)
            totals[int(dump.suffix[1:])] = int(found.group(1)) if found else 0
        # dump 1 is the set-up; dump k+1 is workload k's pass
        passes = [totals[i + 2] for i in range(len(names)) if i + 2 in totals]
        if len(passes) < len(names):
            return f"callgrind wrote {len(totals)} dumps for {len(names)} workloads"
    loop = passes[0] / CASES
    return {name: p / CASES - loop for name, p in zip(names[1:], passes[1:], strict=True)}


def main() -> int:
    print(f"instructions per enrollment case (callgrind, {CASES} generated cases, the no-op loop taken off)")
    figures = count()
    if isinstance(figures, str):
        print(f"  skipped: {figures}")
        return 0
    hand = figures["hand-written decision"]
    for name, n in figures.items():
        target = TARGETS.get(name)
        note = f"  [target ≤ {target:g}×: {'met' if n / hand <= target else 'NOT met'}]" if target else ""
        if name.startswith("request: "):
            continue
        print(f"  {name:<40}{n:>12,.0f}  {n / hand:6.2f}× hand-written{note}")
    minimal = figures.get("request: minimal Flask endpoint")
    if minimal:
        print("one request in process (no gunicorn; the log writer, another process, not counted):")
        for name, n in figures.items():
            if name.startswith("request: "):
                print(f"  {name[9:]:<40}{n:>12,.0f}  minimal/this {minimal / n:5.2f}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        worker()
    else:
        sys.exit(main())
