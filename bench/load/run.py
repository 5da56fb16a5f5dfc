"""Load figures of the decision service (`make bench`), on 127.0.0.1 only, bounded in time.

What it measures, in one run on one machine:
1. wrk at 16 connections against POST /v1/decisions/enrollment (decision log on: SQLite,
   WAL, synchronous=FULL) and against a minimal Flask endpoint served the same way
   (`bench/load/minimal_app.py`, same gunicorn settings), same body and headers, each for
   `--duration` seconds split into alternating rounds (so both see the same background load
   on a shared machine). Reported: requests/s, p50, p99, non-2xx count, and the ratio
   decision/minimal (target ≥ 0.6), and the CPU the server's processes used per request
   (from /proc), the log writer's share apart: where the ratio comes from.
2. One batch of `--batch` cases (default 10,000) to POST /v1/decisions/enrollment/batch,
   timed end to end from the client (target < 3 s), best and median of `--batch-runs`.

It prints figures and never fails on a missed target (timings vary by machine); it exits
non-zero only when it cannot measure (no wrk, a server that does not start, a request that
errors). wrk comes from Debian's packages: installed with apt-get when missing and root.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CASE = json.loads((HERE / "enrollment_case.json").read_text())
AS_OF = "2025-06-01"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("bench: wrk is missing; install it with: sudo apt-get install -y wrk")
    print("bench: installing wrk from Debian's packages …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=300)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, timeout=300)
    return shutil.which("wrk") or sys.exit("bench: wrk still missing after apt-get")


def request(url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
            timeout: float = 60) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, headers=headers or {},
                                 method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_until(url: str, deadline_s: float, proc: subprocess.Popen, **kw: object) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"bench: server exited with {proc.returncode} before answering {url}")
        try:
            status, _ = request(url, timeout=2, **kw)  # type: ignore[arg-type]
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"bench: {url} did not answer within {deadline_s}s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def run_wrk(wrk: str, url: str, body_file: Path, token: str, connections: int, threads: int,
            duration: int) -> dict[str, float]:
    env = {**os.environ, "EREJE_BENCH_BODY": str(body_file), "EREJE_BENCH_TOKEN": token}
    cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
           "-s", str(HERE / "post.lua"), url]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=duration + 60,
                         check=True).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        sys.exit(f"bench: unexpected wrk output:\n{out}")
    fields = dict(kv.split("=") for kv in line.split()[1:])
    n = int(fields["requests"])
    seconds = int(fields["duration_us"]) / 1e6
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": n,
        "rps": n / seconds,
        "p50_ms": int(fields["p50_us"]) / 1000,
        "p99_ms": int(fields["p99_us"]) / 1000,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(fields[k]) for k in fields if k.startswith("errors_")
                             and k != "errors_status"),
    }


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def server_cpu(root: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by `root` and its descendants, and by the
    log writer among them (from /proc: Linux only; empty elsewhere)."""
    stats: dict[int, tuple[int, float, bool]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else []:
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        ppid, cpu = int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK
        stats[int(entry.name)] = (ppid, cpu, b"web.store.logwriter" in cmdline)
    if root not in stats:
        return {}
    family, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, _, _) in stats.items():
            if ppid == parent and pid not in family:
                family.add(pid)
                frontier.append(pid)
    return {
        "total": sum(stats[p][1] for p in family),
        "log_writer": sum(stats[p][1] for p in family if stats[p][2]),
    }


def combine(runs: list[dict[str, float]]) -> dict[str, float]:
    """Several wrk runs as one: requests/s over all, median p50 and p99, summed errors."""
    seconds = sum(r["requests"] / r["rps"] for r in runs if r["rps"])
    requests = sum(r["requests"] for r in runs)
    cpu = sum(r.get("cpu_s", 0.0) for r in runs)
    writer = sum(r.get("writer_cpu_s", 0.0) for r in runs)
    return {
        "cpu_us_per_request": cpu / requests * 1e6 if requests else 0.0,
        "writer_cpu_us_per_request": writer / requests * 1e6 if requests else 0.0,
        "requests": requests,
        "rps": requests / seconds if seconds else 0.0,
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p99_ms": statistics.median(r["p99_ms"] for r in runs),
        "non_2xx": sum(r["non_2xx"] for r in runs),
        "socket_errors": sum(r["socket_errors"] for r in runs),
        "rps_per_round": [round(r["rps"]) for r in runs],
    }


def batch_cases(n: int) -> list[dict]:
    """n distinct, valid cases (varying service years and dates), so nothing is cached."""
    cases = []
    for i in range(n):
        c = copy.deepcopy(CASE)
        c["employee"]["service_years"] = 1 + (i % 30)
        c["employee"]["attestation"]["date"] = f"2025-0{1 + i % 5}-1{i % 10}"
        cases.append(c)
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10,
                        help="seconds of load per endpoint (split into --rounds)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="alternating minimal/decision runs the duration is split into")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: serve's)")
    parser.add_argument("--threads", type=int, default=0,
                        help="threads per worker (default: serve's)")
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--batch-runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    wrk = ensure_wrk()
    sys.path.insert(0, str(ROOT))
    from web.serve import default_threads, default_workers

    workers = args.workers or default_workers()
    threads = args.threads or default_threads()
    tmp = Path(tempfile.mkdtemp(prefix="ereje-bench-"))
    token = secrets.token_urlsafe(24)
    db = tmp / "bench.sqlite3"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "EREJE_TOKENS": "bench:" + hashlib.sha256(token.encode()).hexdigest(),
        "EREJE_DATABASE_URL": f"sqlite:///{db}",
        "EREJE_INSTANCE_PATH": str(tmp),
        "EREJE_BATCH_MAX_CASES": str(max(args.batch, 10_000)),
    }
    body_file = tmp / "case.json"
    body_file.write_text(json.dumps(CASE))
    p_dec, p_min = free_port(), free_port()
    py = sys.executable
    servers = []
    with contextlib.ExitStack() as files:
        dec_log = files.enter_context(open(tmp / "ereje.log", "w"))
        min_log = files.enter_context(open(tmp / "minimal.log", "w"))
        dec = subprocess.Popen(
            [py, "-m", "web.commands", "serve", "--port", str(p_dec), "--workers", str(workers),
             "--threads", str(threads), "--pidfile", str(tmp / "ereje.pid"),
             "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=dec_log,
        )
        servers.append(dec)
        mini = subprocess.Popen(
            [py, str(HERE / "minimal_app.py"), "--port", str(p_min), "--workers", str(workers),
             "--threads", str(threads)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=min_log,
        )
        servers.append(mini)
        figures = measure(args, wrk, token, body_file, workers, threads, servers, p_dec, p_min,
                          db)
    report(args, figures)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def measure(args: argparse.Namespace, wrk: str, token: str, body_file: Path, workers: int,
            threads: int, servers: list[subprocess.Popen], p_dec: int, p_min: int,
            db: Path) -> dict:
    """Run the measurements against the two started servers; stop them whatever happens."""
    dec, mini = servers
    try:
        base_dec = f"http://127.0.0.1:{p_dec}"
        base_min = f"http://127.0.0.1:{p_min}"
        wait_until(base_dec + "/readyz", 120, dec)
        wait_until(base_min + "/v1/minimal", 60, mini, body=b"{}",
                   headers={"Content-Type": "application/json"})

        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        dec_url = f"{base_dec}/v1/decisions/enrollment?as_of={AS_OF}"
        status, raw = request(dec_url, body_file.read_bytes(), auth)
        if status != 201:
            print(raw.decode(errors="replace")[:2000], file=sys.stderr)
            sys.exit(f"bench: the sample decision was answered {status}, not 201")
        print(f"sample decision: outcome={json.loads(raw)['outcome']}", flush=True)

        # Warm up both (imports, page cache, SQLite file growth), then measure.
        for url in (dec_url, base_min + "/v1/minimal"):
            run_wrk(wrk, url, body_file, token, args.connections, args.wrk_threads, 2)
        # Alternate short runs so both endpoints see the same background load (a shared
        # machine drifts over seconds); each gets `duration` seconds in total.
        slice_s = max(1, args.duration // args.rounds)
        runs: dict[str, list[dict[str, float]]] = {"minimal": [], "decision": []}

        def measured(name: str, proc: subprocess.Popen, url: str) -> None:
            """One wrk round, with the CPU the server's processes used meanwhile."""
            before = server_cpu(proc.pid)
            result = run_wrk(wrk, url, body_file, token, args.connections, args.wrk_threads,
                             slice_s)
            after = server_cpu(proc.pid)
            if before and after:
                result["cpu_s"] = after["total"] - before["total"]
                result["writer_cpu_s"] = after["log_writer"] - before["log_writer"]
            runs[name].append(result)

        for _ in range(args.rounds):
            measured("minimal", mini, base_min + "/v1/minimal")
            measured("decision", dec, dec_url)
        minimal, decision = combine(runs["minimal"]), combine(runs["decision"])

        cases = json.dumps(batch_cases(args.batch)).encode()
        timings = []
        for _ in range(args.batch_runs):
            t0 = time.perf_counter()
            status, raw = request(f"{base_dec}/v1/decisions/enrollment/batch?as_of={AS_OF}",
                                  cases, auth, timeout=120)
            timings.append(time.perf_counter() - t0)
            result = json.loads(raw)
            if status != 200 or result.get("decided") != args.batch:
                sys.exit(f"bench: batch answered {status}, decided {result.get('decided')}")
        with contextlib.closing(sqlite3.connect(db)) as conn:
            logged = conn.execute("SELECT count(*) FROM decisions").fetchone()[0]
    finally:
        for proc in servers:
            stop(proc)
    return {
        "machine": {"cores": os.cpu_count(), "workers": workers, "threads": threads,
                    "connections": args.connections, "duration_s": args.duration},
        "minimal": minimal,
        "decision": decision,
        "ratio": decision["rps"] / minimal["rps"] if minimal["rps"] else 0.0,
        "batch": {"cases": args.batch, "best_s": min(timings),
                  "median_s": statistics.median(timings), "runs": timings,
                  "cases_per_s": args.batch / min(timings)},
        "decisions_logged": logged,
    }


def report(args: argparse.Namespace, figures: dict) -> None:
    minimal, decision, ratio = figures["minimal"], figures["decision"], figures["ratio"]
    m = figures["machine"]
    print()
    print(f"load on 127.0.0.1, {m['cores']} cores, {m['workers']} gunicorn workers x "
          f"{m['threads']} threads, "
          f"{m['connections']} connections, {m['duration_s']}s each")
    print(f"{'endpoint':<34}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>10}"
          "  req/s per round")
    for name, fig in (("minimal Flask endpoint", minimal),
                      ("POST /v1/decisions/enrollment", decision)):
        print(f"{name:<34}{fig['rps']:>10.0f}{fig['p50_ms']:>10.2f}{fig['p99_ms']:>10.2f}"
              f"{fig['non_2xx']:>10}  {fig['rps_per_round']}")
    if decision.get("cpu_us_per_request"):
        print(f"server CPU per request (all its processes, user + system): minimal "
              f"{minimal['cpu_us_per_request']:.0f} us, decision "
              f"{decision['cpu_us_per_request']:.0f} us, of which the log writer "
              f"{decision['writer_cpu_us_per_request']:.0f} us")
    met = "met" if ratio >= 0.6 else "NOT met"
    print(f"ratio decision/minimal: {ratio:.2f} (target >= 0.60: {met}; decision log on)")
    b = figures["batch"]
    met = "met" if b["best_s"] < 3 else "NOT met"
    print(f"batch of {b['cases']} cases: best {b['best_s']:.2f}s, median {b['median_s']:.2f}s "
          f"({b['cases_per_s']:.0f} cases/s; target < 3 s: {met})")
    print(f"decisions in the log after the run: {figures['decisions_logged']}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    sys.exit(main())
