"""One HTTP request of the service, in process: what `bench.instructions` counts beside the engine.

The load bench (`bench.load`) compares the service's throughput with a minimal Flask endpoint's
under gunicorn, in wall time, on a shared machine. Here the same comparison is counted in
instructions, which do not drift with the machine's load: the service's WSGI app (decision
log on, through a real log writer process as under `ereje serve`) and the minimal app of
`bench/load/minimal_app.py` are called with the same bodies, without gunicorn (whose cost, the
same for both, the load bench includes). The log writer runs in a process of its own and is
not counted, as it runs on the other core under `ereje serve`.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token-for-counting-instructions-only"


def _environ(path: str, query: str, body: bytes) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8080", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": True,
        "wsgi.run_once": False, "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)), "HTTP_AUTHORIZATION": f"Bearer {TOKEN}",
        "HTTP_HOST": "127.0.0.1:8080", "REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "bench",
    }


def _caller(app: Any, path: str, query: str, expect: str) -> Callable[[bytes], bytes]:
    def call(body: bytes) -> bytes:
        statuses: list[str] = []
        out = b"".join(app(_environ(path, query, body), lambda s, h, e=None: statuses.append(s)))
        if not statuses[0].startswith(expect):
            raise RuntimeError(f"{path}?{query} answered {statuses[0]}: {out[:300]!r}")
        return out

    return call


@contextmanager
def request_workloads(as_of: str) -> Iterator[list[tuple[str, Callable[[bytes], Any]]]]:
    """(name, one request per case body) for the minimal endpoint and the decision endpoint,
    with a log writer running meanwhile."""
    from bench.load.minimal_app import create_minimal_app
    from web.app import create_app
    from web.store.writerclient import wait_ready

    with tempfile.TemporaryDirectory(prefix="ereje-bench-req-") as tmp:
        url = f"sqlite:///{tmp}/log.sqlite3"
        sock = Path(tmp) / "w.sock"
        writer = subprocess.Popen(
            [sys.executable, "-m", "web.store.logwriter", "--database-url", url, "--socket", str(sock)],
            cwd=ROOT,
        )
        try:
            wait_ready(sock, writer)
            app = create_app({
                "EREJE_DATABASE_URL": url,
                "EREJE_LOG_WRITER": str(sock),
                "INSTANCE_PATH": tmp,
                "EREJE_TOKENS": "bench:" + hashlib.sha256(TOKEN.encode()).hexdigest(),
            })
            query = f"as_of={as_of}"
            yield [
                ("request: minimal Flask endpoint", _caller(create_minimal_app().wsgi_app, "/v1/minimal", "", "200")),
                ("request: decision, full answer", _caller(app, "/v1/decisions/enrollment", query, "201")),
                ("request: decision, view=compact",
                 _caller(app, "/v1/decisions/enrollment", query + "&view=compact", "201")),
            ]
        finally:
            writer.terminate()
            writer.wait(30)


def bodies(cases: list[Any]) -> list[bytes]:
    return [json.dumps(case).encode() for case in cases]
