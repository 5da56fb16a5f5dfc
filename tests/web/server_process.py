"""Start `ereje serve` (gunicorn) as a real subprocess on 127.0.0.1 for the crash and reload
tests, and end it — only by the process ids it started."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from pgcluster import free_port

REPO = Path(__file__).resolve().parents[2]


def http(method: str, url: str, body: Any = None, token: str | None = None,
         timeout: float = 10) -> tuple[int, Any]:
    """(status, parsed JSON body) — raises OSError when the server does not answer."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        exc.close()
        return exc.code, json.loads(raw) if raw else None


class Server:
    def __init__(self, tmp: Path, policies: Path, database_url: str, tokens: str,
                 workers: int = 2, extra: list[str] | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.tmp = tmp
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.pidfile = tmp / f"ereje-{self.port}.pid"
        self.log_path = tmp / f"ereje-{self.port}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "web.commands", "serve", "--port", str(self.port),
             "--workers", str(workers), "--pidfile", str(self.pidfile), *(extra or [])],
            cwd=REPO,
            env={
                **os.environ,
                "PYTHONPATH": str(REPO),
                "EREJE_POLICIES": str(policies),
                "EREJE_DATABASE_URL": database_url,
                "EREJE_TOKENS": tokens,
                "EREJE_TOKENS_FILE": "",
                "EREJE_INSTANCE_PATH": str(tmp),
                # The master lints every edition at start and reload (web.lintcache); a small
                # search budget keeps that to a few seconds of the suite's time.
                "EREJE_LINT_BUDGET": "2000",
                **(env or {}),
            },
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode}:\n{self.log()[-3000:]}")
            try:
                status, body = http("GET", self.base + "/readyz", timeout=2)
                if status == 200:
                    return body
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server not ready in {timeout}s:\n{self.log()[-3000:]}")

    def readyz(self) -> dict[str, Any]:
        return http("GET", self.base + "/readyz", timeout=5)[1]

    def worker_pids(self) -> list[int]:
        """The master's children (gunicorn workers), from /proc."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.proc.pid:
                pids.append(int(entry.name))
        return pids

    def kill9(self) -> list[int]:
        """kill -9 the master and every worker at once (a crash, not a shutdown)."""
        victims = [self.proc.pid, *self.worker_pids()]
        for pid in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(p) for p in victims[1:]):
            time.sleep(0.05)
        self._log.close()
        return victims

    def stop(self) -> None:
        if self.proc.poll() is None:
            workers = self.worker_pids()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                for pid in [self.proc.pid, *workers]:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                self.proc.wait(10)
        if not self._log.closed:
            self._log.close()


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
