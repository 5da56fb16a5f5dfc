"""The soak: the real server under mixed load for minutes, with reloads and killed workers.

    python -m bench.soak --minutes 10          (nice it on a shared machine)

Starts `ereje serve` (gunicorn, SQLite log through the log writer) on 127.0.0.1 with a copy of
the shipped policies, and for the given time runs, from threads of this process:

- single decisions (`POST /v1/decisions/enrollment`, a varied case, one in five with
  `explain=true`), `--deciders` threads;
- batches of `--batch` cases (JSON arrays and JSON lines, one in four with `explain=true`);
- pages: /monitoring on random dates, /try decisions (logged), /acts, /readyz, and reading a
  decision back (`GET /v1/decisions/<id>`);
- a reload every `--reload-every` seconds (an edit of a comment in act.yaml, then SIGHUP to the
  master as `ereje reload` sends): each one is a new policy version, linted and smoke-checked;
- a `kill -9` of one gunicorn worker every `--kill-every` seconds.

Then it stops the server and reports: the resident set of every process over time (master,
log writer, each worker by pid), the requests and their errors by kind, and the lost
decisions — every decision id answered (single or in a batch) must be in the log, and the log
must hold at least as many /try decisions as the page answered. Connection errors of requests
in flight on a worker when it was killed are counted apart (expected: that worker died).

Every loop is bounded by the deadline and by a count; every request has a timeout; the server
is stopped by its process id. Exit status 1 when a decision was lost or an unexpected error
was seen.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import copy
import datetime as dt
import http.client
import json
import os
import random
import shutil
import signal
import sqlite3
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.served import ROOT, Served, request, rss_kib

CASE = json.loads((Path(__file__).parent / "load" / "enrollment_case.json").read_text())
ACT = "U1300000624"
MAX_REQUESTS_PER_THREAD = 1_000_000
KILL_GRACE_S = 3.0  # a connection error this soon after a kill is that kill's


@dataclass
class Tally:
    """What the load threads saw, shared under a lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: collections.Counter[str] = field(default_factory=collections.Counter)
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    cut_by_kill: collections.Counter[str] = field(default_factory=collections.Counter)
    answered: set[str] = field(default_factory=set)
    try_answered: int = 0
    kills: list[float] = field(default_factory=list)
    reloads: list[tuple[float, str]] = field(default_factory=list)
    examples: dict[str, str] = field(default_factory=dict)

    def request(self, kind: str) -> None:
        with self.lock:
            self.requests[kind] += 1

    def error(self, kind: str, what: str, detail: str = "") -> None:
        now = time.monotonic()
        with self.lock:
            recent_kill = any(0 <= now - k <= KILL_GRACE_S for k in self.kills)
            key = f"{kind}: {what}"
            if recent_kill and what.startswith("connection"):
                self.cut_by_kill[key] += 1
            else:
                self.errors[key] += 1
                self.examples.setdefault(key, detail[:300])


def varied_case(rng: random.Random) -> dict[str, Any]:
    case = copy.deepcopy(CASE)
    case["employee"]["service_years"] = rng.randint(0, 35)
    case["employee"]["military"] = rng.random() < 0.3
    return case


def _call(tally: Tally, kind: str, method: str, url: str, body: bytes | None = None,
          token: str | None = None, content_type: str = "application/json",
          timeout: float = 60) -> tuple[int, bytes] | None:
    tally.request(kind)
    try:
        status, data, _ = request(method, url, body, token, content_type, timeout)
    except (OSError, http.client.HTTPException) as exc:
        tally.error(kind, f"connection ({type(exc).__name__})", str(exc))
        return None
    return status, data


class Load:
    def __init__(self, server: Served, tally: Tally, deadline: float, batch: int,
                 seed: int) -> None:
        self.server = server
        self.tally = tally
        self.deadline = deadline
        self.batch = batch
        self.seed = seed
        self.stop = threading.Event()

    def running(self, n: int) -> bool:
        return not self.stop.is_set() and time.monotonic() < self.deadline and (
            n < MAX_REQUESTS_PER_THREAD
        )

    def decider(self, k: int) -> None:
        rng = random.Random(self.seed * 100 + k)
        n = 0
        while self.running(n):
            n += 1
            explain = "&explain=true" if rng.random() < 0.2 else ""
            url = f"{self.server.base}/v1/decisions/enrollment?as_of=2025-06-01{explain}"
            got = _call(self.tally, "decision", "POST", url,
                        json.dumps(varied_case(rng)).encode(), self.server.token)
            if got is None:
                continue
            status, data = got
            if status == 201:
                with self.tally.lock:
                    self.tally.answered.add(json.loads(data)["decision_id"])
            else:
                self.tally.error("decision", f"HTTP {status}", data.decode(errors="replace"))

    def batcher(self) -> None:
        rng = random.Random(self.seed * 100 + 50)
        n = 0
        while self.running(n):
            n += 1
            cases = [varied_case(rng) for _ in range(self.batch)]
            explain = "&explain=true" if n % 4 == 0 else ""
            url = f"{self.server.base}/v1/decisions/enrollment/batch?as_of=2025-06-01{explain}"
            if n % 2:
                body, ctype = json.dumps(cases).encode(), "application/json"
            else:
                body = "\n".join(json.dumps(c) for c in cases).encode()
                ctype = "application/x-ndjson"
            got = _call(self.tally, "batch", "POST", url, body, self.server.token, ctype, 300)
            if got is None:
                continue
            status, data = got
            if status != 200:
                self.tally.error("batch", f"HTTP {status}", data.decode(errors="replace"))
                continue
            ids = {r["decision"]["decision_id"] for r in json.loads(data)["results"]
                   if r["status"] == 201}
            with self.tally.lock:
                self.tally.answered |= ids

    def pages(self) -> None:
        rng = random.Random(self.seed * 100 + 70)
        n = 0
        base = self.server.base
        while self.running(n):
            n += 1
            pick = n % 5
            if pick == 0:
                day = dt.date(rng.randint(1990, 2035), rng.randint(1, 12), rng.randint(1, 28))
                got = _call(self.tally, "monitoring", "GET",
                            f"{base}/monitoring?as_of={day.isoformat()}")
                ok = (200,)
            elif pick == 1:
                form = urllib.parse.urlencode({
                    "mode": "json", "as_of": "2025-06-01",
                    "case_json": json.dumps(varied_case(rng)),
                }).encode()
                got = _call(self.tally, "try", "POST", f"{base}/try/{ACT}/enrollment", form,
                            content_type="application/x-www-form-urlencoded")
                ok = (200,)
                if got is not None and got[0] == 200:
                    with self.tally.lock:
                        self.tally.try_answered += 1
            elif pick == 2:
                got = _call(self.tally, "acts", "GET", f"{base}/acts")
                ok = (200,)
            elif pick == 3:
                got = _call(self.tally, "readyz", "GET", f"{base}/readyz")
                ok = (200,)
            else:
                with self.tally.lock:
                    known = next(iter(self.tally.answered), None)
                if known is None:
                    continue
                got = _call(self.tally, "read back", "GET", f"{base}/v1/decisions/{known}",
                            token=self.server.token)
                ok = (200,)
            if got is not None and got[0] not in ok:
                self.tally.error(["monitoring", "try", "acts", "readyz", "read back"][pick],
                                 f"HTTP {got[0]}", got[1].decode(errors="replace"))
            time.sleep(0.05)


def reloader(server: Served, tally: Tally, act_yaml: Path, every: float,
             deadline: float, stop: threading.Event) -> None:
    original = act_yaml.read_text()
    n = 0
    while n < 1000 and not stop.wait(every) and time.monotonic() < deadline:
        n += 1
        act_yaml.write_text(original.replace("\nid: ", f"\n# soak reload {n}\nid: ", 1))
        pid = int(server.pidfile.read_text().strip())
        os.kill(pid, signal.SIGHUP)  # what `ereje reload` sends
        with tally.lock:
            tally.reloads.append((time.monotonic(), f"reload {n}"))


def killer(server: Served, tally: Tally, every: float, deadline: float,
           stop: threading.Event, rng: random.Random) -> None:
    n = 0
    while n < 1000 and not stop.wait(every) and time.monotonic() < deadline:
        workers = server.processes()["workers"]
        if not workers:
            continue
        n += 1
        victim = rng.choice(workers)
        with tally.lock:
            tally.kills.append(time.monotonic())
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)


def sampler(server: Served, samples: list[tuple[float, dict[str, int]]], every: float,
            start: float, deadline: float, stop: threading.Event) -> None:
    n = 0
    while n < 100_000 and time.monotonic() < deadline + 1:
        n += 1
        procs = server.processes()
        row: dict[str, int] = {}
        for role, pids in procs.items():
            for pid in pids:
                rss = rss_kib(pid)
                if rss is not None:
                    row[f"{role} {pid}"] = rss
        samples.append((time.monotonic() - start, row))
        if stop.wait(every):
            break


def logged(db: Path) -> tuple[set[str], int, str]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        ids = {r[0] for r in conn.execute("SELECT decision_id FROM decisions")}
        tries = conn.execute(
            "SELECT count(*) FROM decisions WHERE client LIKE '%\"via\":\"/try\"%'"
        ).fetchone()[0]
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    return ids, tries, check


def run(seconds: float, workers: int = 2, deciders: int = 3, batch: int = 200,
        reload_every: float = 60, kill_every: float = 120, sample_every: float = 10,
        seed: int = 15, env: dict[str, str] | None = None, quiet: bool = False,
        keep: bool = True) -> dict[str, Any]:
    """Run the soak; return its figures (see `report`). `keep`: leave the server's folder
    (log, server output) in place for reading; else it is removed."""
    directory = Path(__import__("tempfile").mkdtemp(prefix="ereje-soak-"))
    policies = directory / "policies"
    shutil.copytree(ROOT / "policies", policies)
    server = Served(workers=workers, policies=policies, env=env, directory=directory)
    tally = Tally()
    samples: list[tuple[float, dict[str, int]]] = []
    try:
        ready_started = time.monotonic()
        server.wait_ready(timeout=300)
        ready_after = time.monotonic() - ready_started
        start = time.monotonic()
        deadline = start + seconds
        load = Load(server, tally, deadline, batch, seed)
        stop = load.stop
        threads = [threading.Thread(target=load.decider, args=(k,)) for k in range(deciders)]
        threads += [threading.Thread(target=load.batcher), threading.Thread(target=load.pages)]
        threads += [
            threading.Thread(target=reloader, args=(server, tally, policies / ACT / "act.yaml",
                                                    reload_every, deadline, stop)),
            threading.Thread(target=killer, args=(server, tally, kill_every, deadline, stop,
                                                  random.Random(seed))),
            threading.Thread(target=sampler, args=(server, samples, sample_every, start,
                                                   deadline, stop)),
        ]
        for t in threads:
            t.daemon = True
            t.start()
        while time.monotonic() < deadline and not quiet:
            time.sleep(min(30.0, max(0.1, deadline - time.monotonic())))
            with tally.lock:
                done = sum(tally.requests.values())
                errors = sum(tally.errors.values())
            print(f"soak: {time.monotonic() - start:5.0f} s, {done} requests,"
                  f" {len(tally.answered)} decisions answered, {errors} unexpected errors",
                  flush=True)
        for t in threads:
            t.join(max(1.0, deadline - time.monotonic()) + 330)
        stop.set()
        readyz = json.loads(request("GET", server.base + "/readyz",
                                    token=server.token, timeout=30)[1])
    finally:
        server.stop()
    ids, tries_logged, integrity = logged(server.db)
    lost = tally.answered - ids
    reloads_live = server.log().count(" is live (")
    if not keep:
        shutil.rmtree(directory, ignore_errors=True)
    return {
        "seconds": seconds, "workers": workers, "ready_after_s": ready_after,
        "requests": dict(tally.requests), "errors": dict(tally.errors),
        "error_examples": tally.examples, "cut_by_kill": dict(tally.cut_by_kill),
        "answered": len(tally.answered), "logged": len(ids), "lost": sorted(lost),
        "try_answered": tally.try_answered, "try_logged": tries_logged,
        "kills": len(tally.kills), "reloads": len(tally.reloads),
        "versions_gone_live": reloads_live, "integrity": integrity,
        "last_reload_error": readyz["policies"].get("last_reload_error"),
        "samples": samples, "server_log": str(server.log_path) if keep else None,
    }


def report(result: dict[str, Any]) -> str:
    lines = [
        f"soak: {result['seconds']:.0f} s, {result['workers']} workers (gunicorn gthread),"
        f" SQLite log through the log writer; server ready after {result['ready_after_s']:.1f} s",
        f"reloads sent: {result['reloads']} (policy versions gone live, start included:"
        f" {result['versions_gone_live']}); kill -9 of a worker: {result['kills']}",
        "requests: " + ", ".join(f"{k} {v}" for k, v in sorted(result["requests"].items())),
        f"decisions answered: {result['answered']} (single and in batches); in the log:"
        f" {result['logged']}; lost: {len(result['lost'])}",
        f"/try decisions answered: {result['try_answered']}; logged with via=/try:"
        f" {result['try_logged']}",
        f"log integrity_check: {result['integrity']}",
        "unexpected errors: " + (", ".join(f"{k} ×{v}" for k, v in
                                           sorted(result["errors"].items())) or "none"),
        "requests cut by a kill -9 of their worker: " + (
            ", ".join(f"{k} ×{v}" for k, v in sorted(result["cut_by_kill"].items())) or "none"),
    ]
    if result["server_log"]:
        lines.append(f"server output: {result['server_log']}")
    for key, example in result["error_examples"].items():
        lines.append(f"  e.g. {key}: {example}")
    lines.append("RSS (MiB) per process over time (a killed or retired worker's column ends):")
    samples = result["samples"]
    names = sorted({n for _, row in samples for n in row},
                   key=lambda n: (n.split()[0] != "master", n.split()[0] != "writer",
                                  int(n.split()[1])))
    step = max(1, len(samples) // 12)
    shown = samples[::step] + ([samples[-1]] if samples and (len(samples) - 1) % step else [])
    for name in names:
        values = [row.get(name) for _, row in samples if name in row]
        points = " ".join(
            f"{t:.0f}s:{row[name] / 1024:.0f}" for t, row in shown if name in row
        )
        lines.append(f"  {name:>16}: min {min(values) / 1024:.0f}, max {max(values) / 1024:.0f},"
                     f" last {values[-1] / 1024:.0f}  [{points}]")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--deciders", type=int, default=3)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--reload-every", type=float, default=60)
    parser.add_argument("--kill-every", type=float, default=120)
    parser.add_argument("--sample-every", type=float, default=10)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    result = run(args.minutes * 60, args.workers, args.deciders, args.batch, args.reload_every,
                 args.kill_every, args.sample_every)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))
    return 1 if result["lost"] or result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
