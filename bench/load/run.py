"""Load figures of the decision service (`make bench`), on 127.0.0.1 only, bounded in time.

What it measures, in one run on one machine:
1. wrk at 16 connections against POST /v1/decisions/enrollment (decision log on: SQLite,
   WAL, synchronous=FULL), the same with `view=compact`, and a minimal Flask endpoint served
   the same way (`bench/load/minimal_app.py`, same gunicorn settings), same body and headers,
   each for `--duration` seconds split into alternating rounds (so all see the same
   background load on a shared machine). Reported: requests/s, p50, p99 and their ratio
   (target p99 <= 2 x p50 for the full answer), non-2xx count, the ratios decision/minimal
   (targets >= 0.45 full, >= 0.6 compact), the CPU the server's processes used per request
   (from /proc), the log writer's share apart, and per round how the workers split the load:
   the connections each held mid-round and its share of the workers' CPU.
2. One batch of `--batch` cases (default 10,000) to POST /v1/decisions/enrollment/batch,
   timed end to end from the client (target < 2 s), best and median of `--batch-runs`.

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
from typing import Any

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


LINT_DONE = re.compile(r"lint findings of policy version \w+ ready|lint of policy version \w+ (failed|skipped)")


def wait_for_lint(log: Path, proc: subprocess.Popen, deadline_s: float) -> float:
    """Until the master has linted the policy for /monitoring (seconds waited).

    The master lints each new policy version in the background and then replaces its
    workers by ones forked with the findings. Measured meanwhile, the lint's CPU would be
    counted as the decisions' and the workers would be swapped in the middle of a round."""
    started = time.monotonic()
    while time.monotonic() - started < deadline_s:
        if proc.poll() is not None:
            sys.exit(f"bench: server exited with {proc.returncode} while linting")
        if LINT_DONE.search(log.read_text(errors="replace")):
            time.sleep(2)  # the workers forked with the findings take over
            return time.monotonic() - started
        time.sleep(0.5)
    sys.exit(f"bench: the background lint did not finish within {deadline_s}s")


def server_env(token: str, tmp: Path, **settings: str) -> dict[str, str]:
    """The environment of a bench server: this checkout, one caller with `token`, its SQLite
    log and instance folder in `tmp`, and `settings` (`EREJE_*` variables) on top."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "EREJE_TOKENS": "bench:" + hashlib.sha256(token.encode()).hexdigest(),
        "EREJE_DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "EREJE_INSTANCE_PATH": str(tmp),
        **settings,
    }


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def run_wrk(wrk: str, url: str, body_file: Path, token: str, connections: int, threads: int,
            duration: int) -> dict[str, Any]:
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


def _proc_stat(pid: int) -> tuple[int, float, bytes] | None:
    """(parent pid, CPU seconds, command line) of a process, None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK, cmdline


def workers_of(master: int) -> list[int]:
    """The gunicorn workers of `master`, by pid: its children forked with its own command line
    (not the log writer, nor multiprocessing's resource tracker or a solver child)."""
    own = _proc_stat(master)
    found = []
    for entry in Path("/proc").iterdir() if own and Path("/proc/self/stat").exists() else []:
        if entry.name.isdigit():
            info = _proc_stat(int(entry.name))
            if info and own and info[0] == master and info[2] == own[2]:
                found.append(int(entry.name))
    return sorted(found)


def connections_by_worker(workers: list[int], port: int) -> dict[int, int]:
    """Established connections to `port` each worker holds (its sockets in /proc/net/tcp)."""
    established: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                if parts[3] == "01" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                    established.add(parts[9])
    out = {}
    for pid in workers:
        inodes = set()
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:["):
                        inodes.add(target[8:-1])
        out[pid] = len(inodes & established)
    return out


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
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
        "split_per_round": [r.get("split", "") for r in runs],
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
    env = server_env(token, tmp, EREJE_BATCH_MAX_CASES=str(max(args.batch, 10_000)))
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
             "--log-level", "info"],
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
                          db, tmp / "ereje.log")
    report(args, figures)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def measure(args: argparse.Namespace, wrk: str, token: str, body_file: Path, workers: int,
            threads: int, servers: list[subprocess.Popen], p_dec: int, p_min: int,
            db: Path, dec_log: Path) -> dict:
    """Run the measurements against the two started servers; stop them whatever happens."""
    dec, mini = servers
    try:
        base_dec = f"http://127.0.0.1:{p_dec}"
        base_min = f"http://127.0.0.1:{p_min}"
        wait_until(base_dec + "/readyz", 120, dec)
        waited = wait_for_lint(dec_log, dec, 600)
        print(f"background lint done after {waited:.1f}s", flush=True)
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
        for url in (dec_url, dec_url + "&view=compact", base_min + "/v1/minimal"):
            run_wrk(wrk, url, body_file, token, args.connections, args.wrk_threads, 2)
        # Alternate short runs so both endpoints see the same background load (a shared
        # machine drifts over seconds); each gets `duration` seconds in total.
        slice_s = max(1, args.duration // args.rounds)
        runs: dict[str, list[dict[str, Any]]] = {"minimal": [], "decision": []}

        def measured(name: str, proc: subprocess.Popen, url: str, port: int) -> None:
            """One wrk round, with the CPU the server's processes used meanwhile and how the
            connections and the CPU were split between its workers."""
            import threading

            workers = workers_of(proc.pid)
            held: dict[int, int] = {}
            sampler = threading.Timer(slice_s / 2, lambda: held.update(
                connections_by_worker(workers, port)))
            worker_cpu = {pid: (_proc_stat(pid) or (0, 0.0, b""))[1] for pid in workers}
            before = server_cpu(proc.pid)
            sampler.start()
            result = run_wrk(wrk, url, body_file, token, args.connections, args.wrk_threads,
                             slice_s)
            sampler.join()
            after = server_cpu(proc.pid)
            if before and after:
                result["cpu_s"] = after["total"] - before["total"]
                result["writer_cpu_s"] = after["log_writer"] - before["log_writer"]
            used = {pid: (_proc_stat(pid) or (0, worker_cpu[pid], b""))[1] - worker_cpu[pid]
                    for pid in workers}
            total = sum(used.values()) or 1.0
            result["split"] = "/".join(
                f"{held.get(pid, 0)}c:{used[pid] / total:.0%}" for pid in workers)
            runs[name].append(result)

        runs["compact"] = []
        for _ in range(args.rounds):
            measured("minimal", mini, base_min + "/v1/minimal", p_min)
            measured("decision", dec, dec_url, p_dec)
            measured("compact", dec, dec_url + "&view=compact", p_dec)
        minimal, decision = combine(runs["minimal"]), combine(runs["decision"])
        compact = combine(runs["compact"])

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
        "compact": compact,
        "ratio": decision["rps"] / minimal["rps"] if minimal["rps"] else 0.0,
        "compact_ratio": compact["rps"] / minimal["rps"] if minimal["rps"] else 0.0,
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
    compact = figures["compact"]
    print(f"{'endpoint':<38}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'p99/p50':>8}{'non-2xx':>8}"
          "  req/s per round")
    for name, fig in (("minimal Flask endpoint", minimal),
                      ("POST /v1/decisions/enrollment", decision),
                      ("  same, view=compact", compact)):
        tail = fig["p99_ms"] / fig["p50_ms"] if fig["p50_ms"] else 0.0
        print(f"{name:<38}{fig['rps']:>8.0f}{fig['p50_ms']:>9.2f}{fig['p99_ms']:>9.2f}"
              f"{tail:>8.2f}{fig['non_2xx']:>8}  {fig['rps_per_round']}")
    print("split between the workers per round (connections held mid-round : share of the "
          "workers' CPU):")
    for name, fig in (("minimal", minimal), ("decision", decision), ("compact", compact)):
        print(f"  {name:<10}{'  '.join(fig['split_per_round'])}")
    if decision.get("cpu_us_per_request"):
        print(f"server CPU per request (all its processes, user + system): minimal "
              f"{minimal['cpu_us_per_request']:.0f} us, decision "
              f"{decision['cpu_us_per_request']:.0f} us (log writer "
              f"{decision['writer_cpu_us_per_request']:.0f} us), compact "
              f"{compact['cpu_us_per_request']:.0f} us (log writer "
              f"{compact['writer_cpu_us_per_request']:.0f} us)")
    met = "met" if ratio >= 0.45 else "NOT met"
    print(f"ratio decision/minimal, full answer: {ratio:.2f} (target >= 0.45: {met}; "
          "decision log on)")
    cratio = figures["compact_ratio"]
    met = "met" if cratio >= 0.6 else "NOT met"
    print(f"ratio decision/minimal, view=compact: {cratio:.2f} (target >= 0.60: {met})")
    tail = decision["p99_ms"] / decision["p50_ms"] if decision["p50_ms"] else 0.0
    met = "met" if tail <= 2 else "NOT met"
    print(f"tail of the full answer at {m['connections']} connections: p99/p50 = {tail:.2f} "
          f"(target <= 2: {met})")
    b = figures["batch"]
    met = "met" if b["best_s"] < 2 else "NOT met"
    print(f"batch of {b['cases']} cases: best {b['best_s']:.2f}s, median {b['median_s']:.2f}s "
          f"({b['cases_per_s']:.0f} cases/s; target < 2 s: {met})")
    print(f"decisions in the log after the run: {figures['decisions_logged']}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    sys.exit(main())
