"""Checkpoints of the SQLite log taken beside the log writer's commits, not inside them.

In WAL mode a commit only appends to `<log>-wal`; a checkpoint copies the committed pages back
into the log file and lets the WAL start over. SQLite runs one inside whichever commit takes
the WAL past 1,000 frames, and that commit's senders wait for it: with 16 connections deciding,
the slowest commits took up to ~100 ms, every decision in them waiting, against at most ~10 ms
with no checkpoint inside a commit.

So the log writer turns that off on its connection (`SQLiteStore.defer_checkpoints`) and asks
this thread, with a connection of its own, for a PASSIVE checkpoint every `CHECKPOINT_ROWS`
rows. sqlite3 lets go of the GIL while SQLite copies and syncs, so the writer goes on
gathering and committing meanwhile. A checkpoint never blocks a commit and a commit never
blocks a checkpoint; durability is untouched, since each commit is still synced to the WAL
before its senders are told, and a checkpoint only moves pages that are committed already.

One catch: SQLite starts the WAL over only when every frame in it has been copied, and the
frames committed while this thread copied are not. So once a background pass is done, the
writer copies that short remainder itself, right after the next commit's replies
(`catch_up_due`), and the commit after that starts the WAL from its beginning. The WAL then
stays within a few `CHECKPOINT_ROWS` of rows instead of growing for as long as the load lasts.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger("ereje.web")

# About the rows SQLite's own threshold of 1,000 WAL frames held: a decision's row, ~5 KB with
# its case and answer, writes four to five frames with its share of the index pages.
CHECKPOINT_ROWS = 200


def checkpoint(store: Any) -> None:
    """One PASSIVE checkpoint; a failure is logged, not raised."""
    try:
        store.checkpoint()
    except Exception as exc:  # the commits go on; the WAL only grows until the next pass
        log.warning("log writer: checkpoint failed: %s", exc)


class Checkpointer:
    """A thread that checkpoints the log when asked; one pass at a time."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._running = False
        self._finished = False  # a background pass ended and its catch-up is still due
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="ereje-checkpoint", daemon=True)
        self._thread.start()

    def start(self) -> bool:
        """Begin a background pass; False when one is running or its catch-up is pending."""
        with self._lock:
            if self._running or self._finished or self._stopping:
                return False
            self._running = True
        self._wake.set()
        return True

    def catch_up_due(self) -> bool:
        """True once after each finished pass: the caller should copy the rest itself now."""
        with self._lock:
            due, self._finished = self._finished, False
        return due

    def stop(self, timeout: float = 30.0) -> None:
        """Let a running pass finish and end the thread (before the store is closed)."""
        with self._lock:
            self._stopping = True
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                if self._stopping:
                    return
            checkpoint(self._store)
            with self._lock:
                self._running = False
                self._finished = True
