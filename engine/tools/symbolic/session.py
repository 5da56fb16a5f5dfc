"""One solver at a time in a process.

z3's Python API builds every term in one shared context, and z3 is not thread-safe on a shared
context: two threads solving at once crash the whole process (a segfault inside libz3). So every
use of the solver runs inside `solver_session()`, which holds a process-wide lock for its whole
duration and, before letting the next one in, collects the garbage the session left, so that no z3
term is freed by the cyclic collector in another thread while that thread is solving.

That is enough for a program whose other threads do not allocate while it solves (the CLI, the
tests); it does not make z3 safe in a threaded server, where any thread's allocation can trigger
the collector while another solves. The service therefore never solves in its own processes: each solver job runs in
a spawned child of its own (`web/solving.py`).

A fork waits for the session too: a child forked mid-solve would inherit z3's half-updated state
and a lock no thread of its own will ever release. The wait is bounded by one decision's solver
budget."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.RLock()


def _before_fork() -> None:
    _LOCK.acquire()


def _after_fork_in_parent() -> None:
    _LOCK.release()


def _after_fork_in_child() -> None:
    global _LOCK
    _LOCK = threading.RLock()  # the parent's is held by the thread that forked, not here


os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent, after_in_child=_after_fork_in_child)


@contextmanager
def solver_session() -> Iterator[None]:
    """Hold the process's one solver for the duration of the block."""
    with _LOCK:
        try:
            yield
        finally:
            gc.collect()
