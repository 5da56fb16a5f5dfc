"""`ereje serve` (gunicorn, SQLite log) as a child process on 127.0.0.1, for the benchmarks
that need the real server: started with its own token, policies and log in a temporary
directory, ended by its own process id only."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method: str, url: str, body: bytes | None = None, token: str | None = None,
            content_type: str = "application/json", timeout: float = 30,
            ) -> tuple[int, bytes, dict[str, str]]:
    """(status, body, headers); raises OSError when the server does not answer."""
    headers = {"Content-Type": content_type} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        data = exc.read()
        headers = dict(exc.headers)
        exc.close()
        return exc.code, data, headers


def rss_kib(pid: int, field: str = "VmRSS") -> int | None:
    """A process's resident set (or `VmHWM`, its peak) in KiB, from /proc; None when gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(entry.name))
    return out


class Served:
    """The server in a temporary directory; `workers()` are gunicorn's, `writer()` the log's."""

    def __init__(self, workers: int = 2, policies: Path | None = None,
                 env: dict[str, str] | None = None, directory: Path | None = None) -> None:
        from web.auth import hash_token

        self.dir = directory or Path(tempfile.mkdtemp(prefix="ereje-bench-"))
        self.token = secrets.token_urlsafe(24)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.db = self.dir / "log.sqlite3"
        self.pidfile = self.dir / "ereje.pid"
        self.log_path = self.dir / "server.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "web.commands", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(workers),
             "--pidfile", str(self.pidfile)],
            cwd=ROOT,
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "EREJE_POLICIES": str(policies or ROOT / "policies"),
                "EREJE_DATABASE_URL": f"sqlite:///{self.db}",
                "EREJE_TOKENS": f"bench:{hash_token(self.token)}",
                "EREJE_TOKENS_FILE": "",
                "EREJE_INSTANCE_PATH": str(self.dir),
                **(env or {}),
            },
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode}: {self.log()[-2000:]}")
            with contextlib.suppress(OSError):
                status, body, _ = request("GET", self.base + "/readyz", timeout=2)
                if status == 200:
                    return json.loads(body)
            time.sleep(0.2)
        raise RuntimeError(f"server not ready in {timeout}s: {self.log()[-2000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def processes(self) -> dict[str, list[int]]:
        kids = children(self.proc.pid)
        writer = [p for p in kids if b"web.store.logwriter" in _cmdline(p)]
        return {"master": [self.proc.pid], "writer": writer,
                "workers": [p for p in kids if p not in writer]}

    def stop(self) -> None:
        if self.proc.poll() is None:
            kids = children(self.proc.pid)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                for pid in [self.proc.pid, *kids]:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                self.proc.wait(10)
        if not self._log.closed:
            self._log.close()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
