"""One solver at a time in a process.

z3's Python API builds every term in one shared context, and z3 is not thread-safe on a shared
context: two threads solving at once crash the whole process (a segfault inside libz3). The
service solves in threads — the master's background lint of each policy version, the compare
page's exact diff in a worker's request threads — so every use of the solver runs inside
`solver_session()`, which holds a process-wide lock for its whole duration and, before letting
the next one in, collects the garbage the session left, so that no z3 term is freed by the
cyclic collector in another thread while that thread is solving.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.RLock()


@contextmanager
def solver_session() -> Iterator[None]:
    """Hold the process's one solver for the duration of the block."""
    with _LOCK:
        try:
            yield
        finally:
            gc.collect()
