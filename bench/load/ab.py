"""Two settings of the decision service compared under the same load, in alternating rounds.

`python -m bench.load.ab "EREJE_LOG_COMMIT_DELAY_MS=1" "EREJE_LOG_COMMIT_DELAY_MS=3"` starts
two servers (`ereje serve`, SQLite log through the log writer), each with its own settings
(`NAME=value` environment variables and `ereje serve` options such as `--threads 4`), and
sends wrk at 16 connections to POST /v1/decisions/enrollment, alternating between them round
by round so both see the same background load. A shared machine drifts by ±20% over seconds:
only a difference larger than the spread of the rounds means something, which is why the
rounds are printed.

Printed per setting: mean requests/s and each round's, median p50 and p99, and the CPU the
server's processes used per request. Not part of `make bench`: a tool for trying a setting.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.load.run import (
    AS_OF,
    CASE,
    ROOT,
    ensure_wrk,
    free_port,
    run_wrk,
    server_cpu,
    server_env,
    stop,
    wait_for_lint,
    wait_until,
)


def _setting(spec: str) -> tuple[dict[str, str], list[str]]:
    """(environment, `ereje serve` options) of one setting written as on a command line."""
    words = shlex.split(spec)
    env = dict(w.split("=", 1) for w in words if "=" in w and not w.startswith("-"))
    options = [w for w in words if not ("=" in w and not w.startswith("-"))]
    return env, options


def _start(spec: str, token: str, tmp: Path) -> tuple[subprocess.Popen, int, Path]:
    env, options = _setting(spec)
    port = free_port()
    log = tmp / "server.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "web.commands", "serve", "--port", str(port),
             "--log-level", "info", *options],
            cwd=ROOT, env=server_env(token, tmp, **env), stdout=subprocess.DEVNULL, stderr=out,
        )
    return proc, port, log


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("settings", nargs=2, help='e.g. "EREJE_LOG_COMMIT_DELAY_MS=0" "--threads 4"')
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=3, help="length of one round")
    parser.add_argument("--query", default="", help='added to the query, e.g. "&view=compact"')
    args = parser.parse_args(argv)

    wrk = ensure_wrk()
    token = secrets.token_urlsafe(24)
    tmps = [Path(tempfile.mkdtemp(prefix="ereje-ab-")) for _ in args.settings]
    body_file = tmps[0] / "case.json"
    body_file.write_text(json.dumps(CASE))
    servers = [_start(spec, token, tmp) for spec, tmp in zip(args.settings, tmps, strict=True)]
    runs: dict[str, list[dict[str, Any]]] = {spec: [] for spec in args.settings}
    cpu = {spec: 0.0 for spec in args.settings}
    try:
        for proc, port, log in servers:
            wait_until(f"http://127.0.0.1:{port}/readyz", 120, proc)
            wait_for_lint(log, proc, 600)
        urls = [f"http://127.0.0.1:{port}/v1/decisions/enrollment?as_of={AS_OF}{args.query}"
                for _, port, _ in servers]
        for url in urls:  # warm up
            run_wrk(wrk, url, body_file, token, 16, 2, 2)
        order = list(zip(args.settings, servers, urls, strict=True))
        for r in range(args.rounds):
            for spec, (proc, _, _), url in order if r % 2 == 0 else order[::-1]:
                before = server_cpu(proc.pid)
                result = run_wrk(wrk, url, body_file, token, 16, 2, args.seconds)
                after = server_cpu(proc.pid)
                if before and after:
                    cpu[spec] += after["total"] - before["total"]
                runs[spec].append(result)
    finally:
        for proc, _, _ in servers:
            stop(proc)
        for tmp in tmps:
            shutil.rmtree(tmp, ignore_errors=True)
    for spec, results in runs.items():
        rps = [r["rps"] for r in results]
        p50 = sorted(r["p50_ms"] for r in results)[len(results) // 2]
        p99 = sorted(r["p99_ms"] for r in results)[len(results) // 2]
        n = sum(r["requests"] for r in results)
        per_request = f"{cpu[spec] / n * 1e6:.0f} us" if n and cpu[spec] else "n/a"
        print(f"{spec!r}: {sum(rps) / len(rps):.0f} req/s (rounds {[round(x) for x in rps]}),"
              f" p50 {p50} ms, p99 {p99} ms, server CPU {per_request} per request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
