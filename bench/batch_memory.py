"""Peak memory of a worker answering one large batch with `explain=true` (issue 15, item 5).

    python -m bench.batch_memory [--cases 10000] [--bytes 8000000]

Starts `ereje serve` with one worker (SQLite log), posts one batch of `--cases` copies of the
enrollment case, pretty-printed with padding up to `--bytes` bytes, with `explain=true`, reads
the answer, and prints the size of the answer and the worker's peak resident set (`VmHWM`
from /proc) before and after the batch. 127.0.0.1 only; the server is stopped by its id.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.served import Served, request, rss_kib

CASE = json.loads((Path(__file__).parent / "load" / "enrollment_case.json").read_text())


def batch_body(cases: int, size: int) -> bytes:
    one = json.dumps(CASE, indent=2, ensure_ascii=False)
    pad = max(0, size // cases - len(one.encode()) - 2)
    item = one + " " * pad
    return ("[" + ",\n".join([item] * cases) + "]").encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--bytes", type=int, default=8_000_000)
    args = parser.parse_args(argv)
    body = batch_body(args.cases, args.bytes)
    server = Served(workers=1, env={"EREJE_LINT_BUDGET": "2000"})
    try:
        server.wait_ready()
        (worker,) = server.processes()["workers"]
        before = rss_kib(worker, "VmHWM")
        started = time.monotonic()
        status, answer, _ = request(
            "POST", f"{server.base}/v1/decisions/enrollment/batch?as_of=2025-06-01&explain=true",
            body, server.token, timeout=600,
        )
        took = time.monotonic() - started
        peak = rss_kib(worker, "VmHWM")
        decided = json.loads(answer).get("decided") if status == 200 else None
        print(f"batch: {args.cases} cases, {len(body):,} bytes, explain=true -> {status},"
              f" {decided} decided, answer {len(answer):,} bytes in {took:.1f} s")
        print(f"worker peak RSS: {before:,} KiB before, {peak:,} KiB after"
              f" (+{(peak or 0) - (before or 0):,} KiB)")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
