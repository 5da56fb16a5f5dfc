"""gunicorn's threaded worker, taking its share of a burst of new connections and no more.

Why: the workers share one listening socket and each wakes when a connection arrives; the
first to run accepts, goes back to its poller and, the socket still readable, accepts again.
On a busy machine the other worker may not be scheduled for milliseconds, and by then the
first has taken the whole burst: bench/load saw one of two workers hold all 16 of wrk's
connections (and, kept alive, every request on them) in a third of the rounds, the other idle,
at half the throughput. Here a worker that already holds a connection per thread waits a
moment before it accepts another, so a sibling with idle threads takes it first; if none does,
it accepts anyway (EAGAIN when a sibling did). A lone worker, or one below its share, never
waits. Connections kept alive are also recycled (`web.keepalive`), so a worker restarted after
a crash gets its share back.
"""

from __future__ import annotations

import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

ACCEPT_PAUSE_S = 0.002


class FairThreadWorker(ThreadWorker):
    def accept(self, listener: Any) -> None:
        if self.nr_conns >= self.cfg.threads:
            time.sleep(ACCEPT_PAUSE_S)  # a sibling with an idle thread takes it meanwhile
        super().accept(listener)
