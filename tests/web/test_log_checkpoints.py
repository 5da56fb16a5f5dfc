"""Checkpoints of the SQLite log beside the log writer's commits (web.store.checkpoints)."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.test_web_store import make_record
from web.store import StoreError
from web.store.checkpoints import Checkpointer
from web.store.logwriter import serve
from web.store.sqlite import SQLiteStore
from web.store.writerclient import WriterClient, wait_ready


class _Writer:
    """A log writer serving in a thread, as `ereje serve` runs it in a process."""

    def __init__(self, backend: SQLiteStore, checkpoint_rows: int) -> None:
        self.backend = backend
        self.dir = Path(tempfile.mkdtemp(prefix="ew-"))  # AF_UNIX paths are short
        self.sock = self.dir / "w.sock"
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=serve, args=(backend, self.sock, self.stop),
            kwargs={"checkpoint_rows": checkpoint_rows}, daemon=True,
        )
        self.thread.start()
        wait_ready(self.sock, None)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "log.sqlite3")
    store.migrate()
    yield store
    store.close()


def _send(sock: Path, rows: int, threads: int) -> None:
    """`rows` decisions of ~5 KB each (case and answer, as served), one per commit."""
    client = WriterClient(sock)
    answer = {"outcome": "eligible", "explanation": "ә" * 1700}
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for _ in range(n):
                client.commit(SQLiteStore._rows([make_record(answer=answer)]))
        except BaseException as exc:
            errors.append(exc)
        finally:
            client.close()  # this thread's connection

    pool = [threading.Thread(target=work, args=(rows // threads,)) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors


def _count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM decisions").fetchone()[0]


def test_the_wal_starts_over_while_commits_go_on(backend: SQLiteStore) -> None:
    # 2,000 rows write ~40 MB of frames. The WAL file keeps its longest stretch, so its size
    # says whether it was ever started over: SQLite's own checkpoints let it reach its
    # 1,000-frame threshold (~4 MB), background passes without the writer's catch-up never
    # let it start over at all.
    writer = _Writer(backend, checkpoint_rows=10)
    try:
        _send(writer.sock, rows=2000, threads=4)
        wal = os.path.getsize(f"{backend.path}-wal")
    finally:
        writer.close()
    assert wal < 3_000_000, f"the WAL grew to {wal} bytes"
    assert _count(backend.path) == 2000


def test_a_commit_never_checkpoints_once_the_writer_took_them_over(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "log.sqlite3")
    store.migrate()
    assert store._conn().execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    store.defer_checkpoints()
    assert store._conn().execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    store.close()  # a reconnection keeps it off
    assert store._conn().execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    store.close()
    other = SQLiteStore(tmp_path / "log.sqlite3")  # another process's connection keeps SQLite's
    assert other._conn().execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    other.close()


def test_a_failing_checkpoint_leaves_the_commits_alone(
    backend: SQLiteStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise StoreError("cannot checkpoint the decision log: disk I/O error")

    monkeypatch.setattr(backend, "checkpoint", broken)
    writer = _Writer(backend, checkpoint_rows=5)
    try:
        with caplog.at_level(logging.WARNING, logger="ereje.web"):
            _send(writer.sock, rows=60, threads=2)
    finally:
        writer.close()
    assert _count(backend.path) == 60
    assert "checkpoint failed: cannot checkpoint the decision log" in caplog.text


class _SlowStore:
    """A store whose checkpoint waits until the test lets it finish."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.calls = 0

    def checkpoint(self) -> None:
        self.calls += 1
        self.entered.set()
        assert self.release.wait(10)


def _caught_up(checkpointer: Checkpointer) -> bool:
    for _ in range(1000):
        if checkpointer.catch_up_due():
            return True
        time.sleep(0.01)
    return False


def test_one_pass_at_a_time_and_one_catch_up_after_each() -> None:
    store: Any = _SlowStore()
    checkpointer = Checkpointer(store)
    try:
        assert checkpointer.catch_up_due() is False
        assert checkpointer.start() is True
        assert store.entered.wait(10)
        assert checkpointer.start() is False  # running
        assert checkpointer.catch_up_due() is False
        store.release.set()
        assert checkpointer.start() is False  # running or done: its catch-up comes first
        assert _caught_up(checkpointer), "the finished pass never asked for its catch-up"
        assert checkpointer.catch_up_due() is False  # once
        store.entered.clear()
        assert checkpointer.start() is True
        assert store.entered.wait(10)
        assert _caught_up(checkpointer)
        assert store.calls == 2
    finally:
        store.release.set()
        checkpointer.stop()
    assert checkpointer.start() is False  # stopped
