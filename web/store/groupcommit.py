"""Group commit: the threads of one process share each transaction (and its fsync).

With threaded workers, many requests finish deciding at once and each would take the log's
write lock and pay its own fsync in turn. Here they hand their rows to one writer thread and
wait; the writer commits everything pending in one transaction and wakes them all. A request
still returns only after its rows are durable — the guarantee is unchanged, the fsyncs are
shared. With one request at a time the batch is simply that request's rows.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any

Rows = Sequence[Any]


class _Slot:
    __slots__ = ("done", "error", "rows")

    def __init__(self, rows: Rows) -> None:
        self.rows = rows
        self.done = threading.Event()
        self.error: BaseException | None = None


class GroupCommitter:
    """Hands rows to a per-process writer thread that commits them in shared transactions."""

    def __init__(self, write: Callable[[list[Any]], None], max_rows: int = 20_000) -> None:
        self._write = write
        self._max_rows = max_rows
        self._queue: queue.SimpleQueue[_Slot] = queue.SimpleQueue()
        self._pid = -1
        self._start_lock = threading.Lock()

    def _ensure_thread(self) -> None:
        """Start the writer in this process (again after a fork: threads do not survive it)."""
        if self._pid == os.getpid():
            return
        with self._start_lock:
            if self._pid != os.getpid():
                self._queue = queue.SimpleQueue()
                threading.Thread(target=self._run, name="ereje-log-writer", daemon=True).start()
                self._pid = os.getpid()

    def commit(self, rows: Rows) -> None:
        """Return once `rows` are committed; raise what the commit raised."""
        self._ensure_thread()
        slot = _Slot(rows)
        self._queue.put(slot)
        slot.done.wait()
        if slot.error is not None:
            raise slot.error

    def _run(self) -> None:
        q = self._queue
        while True:
            slots = [q.get()]
            count = len(slots[0].rows)
            while count < self._max_rows:
                try:
                    slot = q.get_nowait()
                except queue.Empty:
                    break
                slots.append(slot)
                count += len(slot.rows)
            rows = [row for s in slots for row in s.rows]
            error: BaseException | None = None
            try:
                self._write(rows)
            except BaseException as exc:  # handed to every waiting request
                error = exc
            for s in slots:
                s.error = error
                s.done.set()
