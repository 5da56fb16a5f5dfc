"""`ereje serve` for real: gunicorn on 127.0.0.1, killed under load, reloaded under load.

Bounded: every loop has a deadline, every request a timeout, every server is stopped by its
process id in a `finally`.
"""

from __future__ import annotations

import http.client as http_client
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from server_process import Server, http
from test_web_hardening import breaks_deciding
from webfixtures import AS_OF, CASE, REPO, TOKEN

from web.auth import hash_token
from web.store import open_store

TOKENS = f"hr-system:{hash_token(TOKEN)}"
ACT = "U1300000624"
DECIDE = f"/v1/decisions/enrollment?as_of={AS_OF}"


def _store_unavailable(body: object) -> bool:
    return isinstance(body, dict) and str(body.get("type", "")).endswith("/store-unavailable")


class Load:
    """Bounded concurrent load: `threads` clients posting decisions until stopped."""

    def __init__(self, base: Callable[[], str], threads: int = 4, seconds: float = 60) -> None:
        self.base = base
        self.answered: list[str] = []
        self.failures: list[str] = []
        self.hashes: set[str] = set()
        self.stopped = threading.Event()
        self.crashed = threading.Event()
        self.deadline = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def __enter__(self) -> Load:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        for t in self._threads:
            t.join(30)

    def _run(self) -> None:
        while not self.stopped.is_set() and time.monotonic() < self.deadline:
            try:
                status, body = http("POST", self.base() + DECIDE, CASE, TOKEN, timeout=15)
            except (OSError, http_client.HTTPException, ValueError) as exc:
                # Refused, reset, or cut mid-answer: expected only once the server is killed.
                if not self.crashed.is_set():
                    with self._lock:
                        self.failures.append(f"{type(exc).__name__}: {exc}")
                continue
            with self._lock:
                if status == 201:
                    self.answered.append(body["decision_id"])
                    self.hashes.add(body["policy_hash"])
                elif self.crashed.is_set() and status == 503 and _store_unavailable(body):
                    # A worker that outlived the killed server and its log writer refuses
                    # honestly: nothing decided, nothing answered, so nothing can be lost.
                    continue
                else:
                    self.failures.append(f"{status}: {body}")

    def wait_for(self, n: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.answered) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.answered) >= n, f"only {len(self.answered)} answers; {self.failures[:3]}"


def wait_until(predicate: Callable[[], Any], timeout: float = 30, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def reload(server: Server) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "web.commands", "reload", "--pidfile", str(server.pidfile)],
        cwd=REPO, capture_output=True, text=True, timeout=30, check=False,
    )
    assert out.returncode == 0, out.stderr


def test_kill_9_under_load_loses_no_answered_decision(tmp_path: Path, shipped_policies) -> None:
    db = "sqlite:///" + str(tmp_path / "log.sqlite3")
    server = Server(tmp_path, shipped_policies, db, TOKENS, workers=3)
    restarted: Server | None = None
    try:
        server.wait_ready()
        current = {"base": server.base}
        with Load(lambda: current["base"], threads=8, seconds=60) as load:
            load.wait_for(60)
            load.crashed.set()  # connection errors from here on are expected
            server.kill9()
            answered = list(load.answered)
            load.stopped.set()
        assert not load.failures, load.failures[:5]
        restarted = Server(tmp_path, shipped_policies, db, TOKENS, workers=2)
        restarted.wait_ready()
        store = open_store(db)
        missing = set(answered) - store.ids()
        store.close()
        assert not missing, f"{len(missing)} answered decisions lost after kill -9"
        for decision_id in answered[-20:]:
            status, body = http("GET", f"{restarted.base}/v1/decisions/{decision_id}", None, TOKEN)
            assert status == 200 and body["recheck"]["status"] == "same"
        with sqlite3.connect(tmp_path / "log.sqlite3") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        server.stop()
        if restarted is not None:
            restarted.stop()


def test_a_killed_log_writer_is_restarted_and_nothing_answered_is_lost(
    tmp_path: Path, shipped_policies
) -> None:
    """While the writer is down decisions are refused (503), never answered unlogged."""
    import os
    import signal

    db = "sqlite:///" + str(tmp_path / "log.sqlite3")
    server = Server(tmp_path, shipped_policies, db, TOKENS, workers=2)
    try:
        server.wait_ready()
        writer = [
            pid for pid in server.worker_pids()
            if b"web.store.logwriter" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        assert len(writer) == 1
        with Load(lambda: server.base, threads=4, seconds=60) as load:
            load.wait_for(20)
            os.kill(writer[0], signal.SIGKILL)
            n = len(load.answered)
            load.wait_for(n + 20)  # the watchdog brought a new writer up
        unexpected = [f for f in load.failures if not f.startswith("503:")]
        assert not unexpected, unexpected[:3]
        store = open_store(db)
        assert set(load.answered) <= store.ids()
        store.close()
    finally:
        server.stop()


def test_a_batch_is_logged_in_chunks_while_decided(tmp_path: Path, shipped_policies) -> None:
    """Served with the log writer, a batch of several chunks answers every case, and every
    decision it answered is in the log, with its own case."""
    import copy

    db = "sqlite:///" + str(tmp_path / "log.sqlite3")
    server = Server(tmp_path, shipped_policies, db, TOKENS, workers=2)
    try:
        server.wait_ready()
        cases = []
        for i in range(700):
            case = copy.deepcopy(CASE)
            case["employee"]["service_years"] = 1 + i % 30
            cases.append(case)
        cases[5] = {"employee": "not a case"}  # refused on its own, the rest go on
        status, body = http(
            "POST", f"{server.base}/v1/decisions/enrollment/batch?as_of={AS_OF}", cases, TOKEN,
            timeout=120,
        )
        assert status == 200, body
        assert (body["count"], body["decided"], body["refused"]) == (700, 699, 1)
        assert [r["index"] for r in body["results"]] == list(range(700))
        ids = [r["decision"]["decision_id"] for r in body["results"] if r["status"] == 201]
        store = open_store(db)
        try:
            assert set(ids) <= store.ids()
            got = store.get(ids[-1])
            assert got is not None and got.case == cases[-1]
        finally:
            store.close()
        status, again = http("POST", server.base + DECIDE, CASE, TOKEN)
        assert status == 201, again  # the worker's connection to the writer still works
    finally:
        server.stop()


def test_reload_under_load_never_fails_a_request(tmp_path: Path, shipped_policies) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(shipped_policies, policies)
    act_yaml = policies / ACT / "act.yaml"
    original = act_yaml.read_text()
    db = "sqlite:///" + str(tmp_path / "log.sqlite3")
    server = Server(tmp_path, policies, db, TOKENS, workers=2)
    try:
        v0 = server.wait_ready()["policies"]["version"]
        with Load(lambda: server.base, threads=4, seconds=90) as load:
            load.wait_for(20)
            # 1. A good edit goes live.
            act_yaml.write_text(original.replace("\nid: ", "\n# revised\nid: ", 1))
            reload(server)
            v1 = wait_until(
                lambda: (r := server.readyz())["policies"]["version"] != v0
                and r["policies"]["version"],
                what="the edited policy to go live",
            )
            n = len(load.answered)
            load.wait_for(n + 20)
            # 2. A broken edit never does: the old version keeps answering, /readyz says why.
            clauses = next((policies / ACT / "clauses").glob("*.yaml"))
            good_clauses = clauses.read_text()
            clauses.write_text(good_clauses + "\n  - id: [broken\n")
            reload(server)
            err = wait_until(
                lambda: server.readyz()["policies"]["last_reload_error"],
                what="the refused reload on /readyz",
            )
            assert clauses.name not in str(err)  # the details only to a caller with a token
            # With a token, the details (each worker learns of the refusal as it is told; poll).
            wait_until(
                lambda: clauses.name
                in str(http("GET", server.base + "/readyz", None, TOKEN)[1]["policies"]["last_reload_error"]),
                what="the refused reload's details on /readyz with a token",
            )
            assert server.readyz()["policies"]["version"] == v1
            n = len(load.answered)
            load.wait_for(n + 20)
            # 3. Repaired: the error clears, the version is the good one.
            clauses.write_text(good_clauses)
            reload(server)
            wait_until(
                lambda: server.readyz()["policies"]["last_reload_error"] is None,
                what="the error to clear",
            )
            assert server.readyz()["policies"]["version"] == v1
            n = len(load.answered)
            load.wait_for(n + 10)
            # 4. An edit that loads but does not decide is refused like one that does not load.
            breaks_deciding(policies)
            reload(server)
            err = wait_until(
                lambda: http("GET", server.base + "/readyz", None, TOKEN)[1]["policies"][
                    "last_reload_error"],
                what="the refused smoke check on /readyz",
            )
            assert "smoke decision(s) failed" in err["message"]
            assert server.readyz()["status"] == "ready"
            assert server.readyz()["policies"]["version"] == v1
            n = len(load.answered)
            load.wait_for(n + 10)
        assert not load.failures, load.failures[:5]
        assert len(load.hashes) == 1  # comments and titles do not change the rules' hash
        assert "policy reload refused" in server.log()
    finally:
        server.stop()


def test_watch_reloads_on_file_change(tmp_path: Path, shipped_policies) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(shipped_policies, policies)
    db = "sqlite:///" + str(tmp_path / "log.sqlite3")
    server = Server(tmp_path, policies, db, TOKENS, workers=2, extra=["--watch"],
                    env={"EREJE_WATCH_INTERVAL": "0.2"})
    try:
        v0 = server.wait_ready()["policies"]["version"]
        act_yaml = policies / ACT / "act.yaml"
        act_yaml.write_text(act_yaml.read_text() + "\n# touched\n")
        wait_until(lambda: server.readyz()["policies"]["version"] != v0, what="the watcher")
    finally:
        server.stop()


def test_serve_refuses_to_start_on_broken_policies(tmp_path: Path) -> None:
    broken = tmp_path / "policies" / "X"
    broken.mkdir(parents=True)
    (broken / "act.yaml").write_text("id: [\n")
    out = subprocess.run(
        [sys.executable, "-m", "web.commands", "serve", "--port", "0",
         "--policies", str(tmp_path / "policies"), "--pidfile", str(tmp_path / "p.pid")],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO),
             "EREJE_INSTANCE_PATH": str(tmp_path)},
    )
    assert out.returncode == 2
    assert "cannot be loaded, not starting" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("content, phrase", [(None, "no pidfile"), ("abc", "does not hold"),
                                             ("999999999", "not running")])
def test_reload_command_errors(tmp_path: Path, content: str | None, phrase: str) -> None:
    pidfile = tmp_path / "x.pid"
    if content is not None:
        pidfile.write_text(content)
    out = subprocess.run(
        [sys.executable, "-m", "web.commands", "reload", "--pidfile", str(pidfile)],
        cwd=REPO, capture_output=True, text=True, timeout=30, check=False,
    )
    assert out.returncode == 1 and phrase in out.stderr


def test_purge_command(tmp_path: Path) -> None:
    import datetime as dt

    from test_web_store import make_record

    from web.store import utcnow

    url = "sqlite:///" + str(tmp_path / "log.sqlite3")
    store = open_store(url)
    store.migrate()
    old = make_record(recorded_at=utcnow() - dt.timedelta(days=40))
    new = make_record()
    store.record([old, new])
    out = subprocess.run(
        [sys.executable, "-m", "web.commands", "purge", "--older-than", "30",
         "--database-url", url],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "purged personal data of 1 decision(s)" in out.stdout
    assert store.get(old.decision_id).case is None
    assert store.get(new.decision_id).case is not None
    store.close()


@pytest.mark.parametrize(
    ("threads", "timeout", "expected"),
    [(1, 30, 75), (1, 120, 120), (8, 30, 30), (8, 5, 5)],
)
def test_a_sync_worker_outlives_the_longest_request(
    threads: int, timeout: int, expected: int
) -> None:
    from web.pages.compare import EXACT_TIMEOUT
    from web.serve import ServeOptions, gunicorn_settings

    settings = gunicorn_settings(ServeOptions(threads=threads, timeout=timeout))
    assert settings["timeout"] == expected
    assert settings["worker_class"] == ("sync" if threads == 1 else "web.workers.FairThreadWorker")
    if threads == 1:  # gunicorn kills a sync worker mid-request: never inside an exact diff
        assert settings["timeout"] > EXACT_TIMEOUT


def test_commands_are_part_of_the_ereje_script() -> None:
    """`ereje` (engine.cli) is the engine's CLI with the service's commands added."""
    out = subprocess.run(
        [sys.executable, "-c", "import sys, engine.cli; sys.exit(engine.cli.main(sys.argv[1:]))",
         "token", "hash"],
        cwd=REPO, input="t\n", capture_output=True, text=True, timeout=30, check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == hash_token("t")
    out = subprocess.run(
        [sys.executable, "-c", "import sys, engine.cli; sys.exit(engine.cli.main(sys.argv[1:]))",
         "--help"],
        cwd=REPO, capture_output=True, text=True, timeout=30, check=False,
    )
    for command in ("check", "decide", "serve", "reload", "purge", "token"):
        assert command in out.stdout


def test_token_commands() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "web.commands", "token", "hash", "--caller", "hr"],
        cwd=REPO, input="s3cret\n", capture_output=True, text=True, timeout=30, check=True,
    )
    assert out.stdout.strip() == f"hr:{hash_token('s3cret')}"
    out = subprocess.run(
        [sys.executable, "-m", "web.commands", "token", "new", "--caller", "hr"],
        cwd=REPO, capture_output=True, text=True, timeout=30, check=True,
    )
    token = out.stdout.split("stored anywhere): ", 1)[1].split()[0]
    assert f"hr:{hash_token(token)}" in out.stdout


def _raw(server: Server, data: bytes, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes to the server; (status, headers, body) of its answer."""
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            raw = b"".join(chunks)
            head, sep, body = raw.partition(b"\r\n\r\n")
            if sep:
                headers = dict(
                    line.decode("latin-1").split(": ", 1) for line in head.split(b"\r\n")[1:]
                )
                length = int(headers.get("Content-Length", "-1"))
                if 0 <= length <= len(body):
                    return int(head.split()[1]), headers, body[:length]
    raise AssertionError(f"no whole answer: {b''.join(chunks)[:300]!r}")


def test_gunicorn_refusals_and_chunked_bodies_are_problems(tmp_path: Path, shipped_policies) -> None:
    """What gunicorn's parser refuses (414, 431) is a problem document like the app's errors;
    a chunked body over the limit is 413 and nothing of it is decided."""
    import json

    db = "sqlite:///" + str(tmp_path / "log.sqlite3")
    server = Server(tmp_path, shipped_policies, db, TOKENS, workers=1)
    try:
        server.wait_ready()
        long_line = b"GET /v1/acts?q=" + b"x" * 9000 + b" HTTP/1.1\r\nHost: t\r\n\r\n"
        big_header = b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + b"y" * 9000 + b"\r\n\r\n"
        many = b"".join(b"X-H%d: 1\r\n" % i for i in range(150))
        many_headers = b"GET /healthz HTTP/1.1\r\nHost: t\r\n" + many + b"\r\n"
        for data, status, slug in ((long_line, 414, "uri-too-long"),
                                   (big_header, 431, "header-fields-too-large"),
                                   (many_headers, 431, "header-fields-too-large")):
            got, headers, body = _raw(server, data)
            assert got == status, (got, body[:200])
            assert headers["Content-Type"] == "application/problem+json"
            assert headers["X-Content-Type-Options"] == "nosniff"
            problem = json.loads(body)
            assert problem["type"].endswith("/" + slug) and problem["status"] == status

        case = json.dumps(CASE).encode()
        limit = 1024 * 1024
        for tail, status in ((b"garbage", 413), (b"", 201)):
            payload = case + b" " * (limit - len(case)) + tail
            chunks = b"".join(
                b"%x\r\n%s\r\n" % (len(payload[i:i + 65536]), payload[i:i + 65536])
                for i in range(0, len(payload), 65536)
            )
            request = (
                f"POST {DECIDE} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {TOKEN}\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                "Connection: close\r\n\r\n"
            ).encode() + chunks + b"0\r\n\r\n"
            got, headers, body = _raw(server, request)
            assert got == status, (got, body[:300])
            if status == 413:
                assert json.loads(body)["type"].endswith("/payload-too-large")
        store = open_store(db)
        try:
            assert len(store.ids()) == 1  # only the body within the limit was decided
        finally:
            store.close()

        # The master lints in the background, then has its workers replaced by ones that hold
        # the findings: /monitoring shows them without any worker linting.
        def monitoring() -> str:
            with urllib.request.urlopen(server.base + "/monitoring?as_of=2025-06-01",
                                        timeout=10) as resp:
                return resp.read().decode()

        wait_until(lambda: "U1300000624@U2500000853" in monitoring(), timeout=120,
                   what="the lint findings on /monitoring")
        assert "lint findings of policy version" in server.log()
    finally:
        server.stop()


def test_a_short_soak_loses_nothing() -> None:
    """`python -m bench.soak` for seconds instead of minutes: mixed load, reloads and kill -9
    of workers; every answered decision is in the log, no unexpected error."""
    from bench import soak

    result = soak.run(16, workers=2, deciders=2, batch=50, reload_every=6, kill_every=7,
                      sample_every=4, env={"EREJE_LINT_BUDGET": "2000"}, quiet=True,
                      keep=False)
    assert result["kills"] >= 1 and result["reloads"] >= 1, soak.report(result)
    assert result["answered"] > 0 and not result["lost"], soak.report(result)
    assert not result["errors"], soak.report(result)
    assert result["try_logged"] >= result["try_answered"] > 0
    assert result["integrity"] == "ok"
