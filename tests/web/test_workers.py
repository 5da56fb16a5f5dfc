"""How the served workers share the load: kept-alive connections recycled, bursts shared,
the preloaded objects out of the collector's reach."""

from __future__ import annotations

import socket
from typing import Any

from web.keepalive import KeepAliveLimit, keepalive_requests


def _app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Connection", "keep-alive")])
    return [b"ok"]


def _headers(app: Any, environ: dict[str, Any]) -> dict[str, str]:
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *exc: Any) -> None:
        seen.update(headers)

    assert app(environ, start_response) == [b"ok"]
    return seen


def test_every_nth_response_on_a_connection_closes_it() -> None:
    app = KeepAliveLimit(_app, 3)
    with socket.socket() as one, socket.socket() as two:
        closes = [_headers(app, {"gunicorn.socket": one})["Connection"] for _ in range(7)]
        assert closes == ["keep-alive", "keep-alive", "close"] * 2 + ["keep-alive"]
        assert _headers(app, {"gunicorn.socket": two})["Connection"] == "keep-alive"


def test_no_socket_or_no_limit_changes_nothing() -> None:
    with socket.socket() as sock:
        unlimited = KeepAliveLimit(_app, 0)
        assert all(_headers(unlimited, {"gunicorn.socket": sock})["Connection"] == "keep-alive"
                   for _ in range(5))
    limited = KeepAliveLimit(_app, 1)
    assert _headers(limited, {})["Connection"] == "keep-alive"


def test_limit_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("EREJE_KEEPALIVE_REQUESTS", "7")
    assert keepalive_requests() == 7
    monkeypatch.setenv("EREJE_KEEPALIVE_REQUESTS", "lots")
    assert keepalive_requests() == 100
    monkeypatch.delenv("EREJE_KEEPALIVE_REQUESTS")
    assert keepalive_requests() == 100


def test_a_worker_holding_its_share_lets_a_sibling_accept_first(monkeypatch) -> None:
    from types import SimpleNamespace

    from gunicorn.workers.gthread import ThreadWorker

    from web import workers

    pauses: list[float] = []
    accepted: list[object] = []
    monkeypatch.setattr(workers.time, "sleep", pauses.append)
    monkeypatch.setattr(ThreadWorker, "accept", lambda self, listener: accepted.append(listener))
    worker = object.__new__(workers.FairThreadWorker)
    worker.cfg = SimpleNamespace(threads=8)
    for held in (0, 7, 8, 20):
        worker.nr_conns = held
        worker.accept("listener")
    assert pauses == [workers.ACCEPT_PAUSE_S] * 2  # at 8 and at 20 connections held, not below
    assert accepted == ["listener"] * 4  # it always accepts in the end: nobody is left waiting


def test_the_master_freezes_what_it_built_before_forking() -> None:
    import gc

    from web.serve import _freeze_before_fork

    kept = [[i] for i in range(100)]  # containers alive across the fork, like the policies
    try:
        _freeze_before_fork(None, None)
        assert gc.get_freeze_count() >= len(kept)
        _freeze_before_fork(None, None)  # again (a reload): unfrozen, collected, frozen anew
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()
