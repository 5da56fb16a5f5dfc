"""At most N requests per kept-alive connection, then `Connection: close` (nginx's
`keepalive_requests`), so the workers share a steady load.

Why: gunicorn's workers share one listening socket and a kept-alive client stays with the
worker that accepted it. When a burst of connections arrives (a client pool starting up),
whichever worker is free at that instant may accept all of them and keep them for as long as
the clients live: bench/load saw one of two workers serve all 16 connections for whole rounds,
at about half the throughput, while the other idled. A connection closed after N requests is
opened again by its client and accepted by whichever worker gets to the socket first, which is
the less busy one (a busy worker's accepting thread waits for the interpreter lock), so the
split evens out within a few hundred requests. Reconnecting on 127.0.0.1 costs a few tens of
microseconds every N requests.

A socket per worker (SO_REUSEPORT) spreads connections too, but a reload then resets the
connections waiting in the old workers' queues: the reload-under-load test sees them fail.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterable
from typing import Any

DEFAULT_REQUESTS = 100


def keepalive_requests() -> int:
    """`EREJE_KEEPALIVE_REQUESTS` (default 100); 0 keeps a connection open for ever."""
    try:
        return max(0, int(os.environ.get("EREJE_KEEPALIVE_REQUESTS", DEFAULT_REQUESTS)))
    except ValueError:
        return DEFAULT_REQUESTS


class KeepAliveLimit:
    """WSGI middleware: the N-th response on a connection says `Connection: close`.

    Counts requests per client socket (gunicorn puts it in `environ["gunicorn.socket"]`);
    under another server there is no socket and nothing changes. A connection is served by
    one thread at a time, so its count needs no lock.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]], limit: int) -> None:
        self.app = app
        self.limit = limit
        self.counts: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        sock = environ.get("gunicorn.socket")
        if sock is None or self.limit <= 0:
            return self.app(environ, start_response)
        try:
            served = self.counts.get(sock, 0) + 1
        except TypeError:  # a socket that cannot be weakly referenced: leave it alone
            return self.app(environ, start_response)
        if served < self.limit:
            self.counts[sock] = served
            return self.app(environ, start_response)
        self.counts.pop(sock, None)

        def closing(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            kept = [(k, v) for k, v in headers if k.lower() != "connection"]
            return start_response(status, [*kept, ("Connection", "close")], *exc)

        return self.app(environ, closing)
