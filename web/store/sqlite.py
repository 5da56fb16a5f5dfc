"""The embedded decision log: one SQLite file in WAL mode with `synchronous=FULL`.

WAL lets the readers (GET /v1/decisions/…, /readyz) run beside the writer; `synchronous=FULL`
syncs the WAL on every commit, so a decision whose answer was sent survives `kill -9` and a
power cut. Gunicorn forks workers after the app is built, so connections are opened lazily per
process (and per thread) — a SQLite connection must never cross a fork.

Writers queue on an `flock` of `<log>.lock` before `BEGIN IMMEDIATE`. SQLite alone would make
a writer that finds the log locked sleep and retry (1, 2, 5 … 100 ms), which under a few
gunicorn workers turns a 0.3 ms commit into tens of milliseconds of waiting; the kernel lock
wakes the next writer the moment the previous one commits. The kernel drops the lock of a
killed process, so `kill -9` cannot leave it held.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from engine import casecodec
from web.jsonio import dumps
from web.store.base import BatchLog, DecisionQuery, DecisionRecord, StoreError, utcnow
from web.store.groupcommit import GroupCommitter
from web.store.migrations import SCHEMA_MIGRATIONS_TABLE, check_not_newer, pending
from web.store.writerclient import WriterClient, WriterError, WriterPipeline

_COLUMNS = (
    "decision_id, recorded_at, caller, question, act_id, as_of, lang, explain, outcome, edition,"
    " policy_hash, citations, case_sha256, case_body, answer, client, purged_at"
)

# The JSON columns (edition, citations, case_body, answer, client) arrive as UTF-8 bytes, as the
# encoder wrote them: decoding them to `str` in the worker, only for `marshal` to encode them
# again on the way to the log writer, cost a worker two passes over every row. SQLite's CAST
# stores them as TEXT, exactly as a `str` would be stored.
_JSON_COLUMNS = frozenset({9, 11, 13, 14, 15})
_INSERT = "INSERT INTO decisions ({}) VALUES ({})".format(
    _COLUMNS, ", ".join("CAST(? AS TEXT)" if k in _JSON_COLUMNS else "?" for k in range(17))
)


def _ts(value: _dt.datetime) -> str:
    """Fixed-width UTC timestamps, so text order is time order (the purge compares them):
    `%Y-%m-%dT%H:%M:%S.%fZ`, written by `isoformat` (a third of `strftime`'s cost)."""
    return value.astimezone(_dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _parse_ts(text: str | None) -> _dt.datetime | None:
    if text is None:
        return None
    return _dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=_dt.UTC)


def _load(text: str | None) -> Any:
    """A stored JSON column read back by the case codec: a stored case means what it meant."""
    return None if text is None else casecodec.decode(text, None)


def _record(row: Sequence[Any]) -> DecisionRecord:
    return DecisionRecord(
        decision_id=row[0],
        recorded_at=_parse_ts(row[1]),  # type: ignore[arg-type]
        caller=row[2],
        question=row[3],
        act_id=row[4],
        as_of=_dt.date.fromisoformat(row[5]),
        lang=row[6],
        explain=bool(row[7]),
        outcome=row[8],
        edition=_load(row[9]),
        policy_hash=row[10],
        citations=_load(row[11]),
        case_sha256=row[12],
        case=_load(row[13]),
        answer=_load(row[14]),
        client=_load(row[15]),
        purged_at=_parse_ts(row[16]),
    )


LOG_FILE_MODE = 0o600
_SUFFIXES = ("", "-wal", "-shm", "-journal", ".lock")


def private_files(path: Path) -> None:
    """The log and its companions readable by the service's user alone (0600).

    The log holds cases: personal data. SQLite creates `-wal` and `-shm` with the mode of the
    database file, so the file is created 0600 here before SQLite opens it (`O_CREAT` with a
    mode, no process-wide umask to race other threads); files an older version left
    world-readable are narrowed. A directory created for the log is 0700.
    """
    if not path.parent.is_dir():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, LOG_FILE_MODE)
    os.close(fd)
    for suffix in _SUFFIXES:
        name = f"{path}{suffix}"
        try:
            if os.stat(name).st_mode & 0o777 != LOG_FILE_MODE:
                os.chmod(name, LOG_FILE_MODE)
        except FileNotFoundError:
            continue
        except PermissionError:  # not ours to change: say so rather than serve it open
            raise OSError(f"{name} is readable by others and cannot be made private") from None


class SQLiteStore:
    dialect = "sqlite"

    def __init__(
        self, path: Path, busy_timeout_ms: int = 30_000, writer_socket: Path | None = None
    ) -> None:
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        # Decisions go to the log writer process when `ereje serve` runs one
        # (web.store.logwriter), else through this process's group committer.
        self._writer = WriterClient(writer_socket) if writer_socket else None
        self._committer = GroupCommitter(self.insert_rows)
        self._opened: list[tuple[int, sqlite3.Connection, int]] = []  # for close()
        self._opened_lock = threading.Lock()
        self._generation = 0  # bumped by close(): threads then reconnect
        self._deferred_checkpoints = False  # see defer_checkpoints()

    @classmethod
    def from_url(cls, url: str, writer_socket: Path | None = None) -> SQLiteStore:
        """`sqlite:///relative/path` or `sqlite:////absolute/path` (SQLAlchemy's convention)."""
        raw = url[len("sqlite:///"):]
        if not raw or raw.startswith(":memory:"):
            raise StoreError(
                "an in-memory SQLite log would lose every decision; give a file path,"
                " e.g. sqlite:////var/lib/ereje/ereje.sqlite3"
            )
        return cls(Path(raw), writer_socket=writer_socket)

    # -- connections ---------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if (
            conn is not None
            and self._local.pid == os.getpid()
            and self._local.generation == self._generation
        ):
            return conn
        try:
            private_files(self.path)
            # One open file per thread: flock then excludes threads of one process too.
            lock = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise StoreError(f"cannot open the decision log {self.path}: {exc}") from exc
        # Switching to WAL does not wait on SQLite's busy handler: done under the same file
        # lock writers take, so workers opening the log together do not fail with "locked".
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            conn = sqlite3.connect(
                self.path,
                isolation_level=None,
                timeout=self.busy_timeout_ms / 1000,
                check_same_thread=False,  # used by one thread only; close() may come from another
            )
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{self.path}: cannot switch the log to WAL mode (got {mode})")
            conn.execute("PRAGMA synchronous=FULL")
            if self._deferred_checkpoints:
                conn.execute("PRAGMA wal_autocheckpoint=0")
        except sqlite3.Error as exc:
            os.close(lock)
            raise StoreError(f"cannot open the decision log {self.path}: {exc}") from exc
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(lock, fcntl.LOCK_UN)
        self._local.conn = conn
        self._local.lock = lock
        self._local.pid = os.getpid()
        self._local.generation = self._generation
        with self._opened_lock:
            self._opened.append((os.getpid(), conn, lock))
        return conn

    def close(self) -> None:
        """Close every connection this process opened (a forked child leaves its parent's)."""
        with self._opened_lock:
            mine = [item for item in self._opened if item[0] == os.getpid()]
            self._opened = [item for item in self._opened if item[0] != os.getpid()]
            self._generation += 1
        for _, conn, lock in mine:
            conn.close()
            os.close(lock)
        if self._writer is not None:
            self._writer.close()

    @contextmanager
    def _transaction(self, what: str) -> Iterator[sqlite3.Connection]:
        """`BEGIN IMMEDIATE` … `COMMIT`: take the write lock up front so writers queue on the
        busy timeout instead of failing half-way with SQLITE_BUSY."""
        conn = self._conn()
        lock = self._local.lock
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StoreError(f"cannot {what} the decision log {self.path}: {exc}") from exc
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)

    # -- schema --------------------------------------------------------------------------
    def migrate(self) -> int:
        # One process migrates; the others wait on the lock and then find nothing pending.
        with self._transaction("migrate") as conn:
            conn.execute(SCHEMA_MIGRATIONS_TABLE["sqlite"])
            applied = {r[0] for r in conn.execute("SELECT version FROM schema_migrations")}
            check_not_newer(applied)
            for m in pending(applied):
                for sql in m.statements("sqlite"):
                    conn.execute(sql)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (m.version, m.name, _ts(utcnow())),
                )
                applied.add(m.version)
        return max(applied, default=0)

    def schema_version(self) -> int:
        try:
            row = self._conn().execute("SELECT max(version) FROM schema_migrations").fetchone()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the decision log {self.path}: {exc}") from exc
        return int(row[0] or 0)

    # -- decisions -----------------------------------------------------------------------
    @staticmethod
    def _rows(records: Sequence[DecisionRecord]) -> list[tuple[Any, ...]]:
        return [
            (
                r.decision_id, _ts(r.recorded_at), r.caller, r.question, r.act_id,
                r.as_of.isoformat(), r.lang, int(r.explain), r.outcome, dumps(r.edition),
                r.policy_hash, dumps(r.citations), r.case_sha256,
                None if r.case is None else dumps(r.case),
                None if r.answer is None else dumps(r.answer),
                None if r.client is None else dumps(r.client),
                None if r.purged_at is None else _ts(r.purged_at),
            )
            for r in records
        ]

    def batch_log(self) -> BatchLog:
        """Through the log writer, a batch's records go out in chunks while it is decided,
        so the writer commits on the other core meanwhile; otherwise one transaction."""
        if self._writer is None:
            return BatchLog(self)
        return _PipelinedBatchLog(self, self._writer.pipeline())

    def record(self, records: Sequence[DecisionRecord]) -> None:
        if not records:
            return
        rows = self._rows(records)
        if self._writer is not None:
            try:
                self._writer.commit(rows)
            except WriterError as exc:
                raise StoreError(str(exc)) from None
        else:
            self._committer.commit(rows)

    def defer_checkpoints(self) -> None:
        """No checkpoint inside this store's commits from now on: its owner calls `checkpoint`
        (the log writer, see web.store.checkpoints). Other processes' connections keep
        SQLite's own."""
        self._deferred_checkpoints = True
        self._conn().execute("PRAGMA wal_autocheckpoint=0")

    def checkpoint(self) -> None:
        """Copy the WAL's committed pages into the log file (PASSIVE: waits for nobody)."""
        try:
            self._conn().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot checkpoint the decision log {self.path}: {exc}") from exc

    def insert_rows(self, rows: list[Any]) -> None:
        """One transaction inserting `rows` (the group committer's and the log writer's)."""
        with self._transaction("write") as conn:
            conn.executemany(_INSERT, rows)

    def get(self, decision_id: str) -> DecisionRecord | None:
        try:
            row = self._conn().execute(
                f"SELECT {_COLUMNS} FROM decisions WHERE decision_id = ?", (decision_id,)
            ).fetchone()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the decision log {self.path}: {exc}") from exc
        return None if row is None else _record(row)

    def list_decisions(self, query: DecisionQuery) -> list[DecisionRecord]:
        where, args = ["caller = ?"], [query.caller]
        if query.since is not None:
            where.append("recorded_at >= ?")
            args.append(_ts(query.since))
        if query.until is not None:
            where.append("recorded_at < ?")
            args.append(_ts(query.until))
        if query.question is not None:
            where.append("question = ?")
            args.append(query.question)
        if query.after is not None:
            at, last_id = _ts(query.after[0]), query.after[1]
            where.append("(recorded_at > ? OR (recorded_at = ? AND decision_id > ?))")
            args.extend([at, at, last_id])
        sql = (
            f"SELECT {_COLUMNS} FROM decisions WHERE {' AND '.join(where)}"
            " ORDER BY recorded_at, decision_id LIMIT ?"
        )
        try:
            rows = self._conn().execute(sql, (*args, int(query.limit))).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the decision log {self.path}: {exc}") from exc
        return [_record(r) for r in rows]

    def ids(self) -> set[str]:
        """Every decision id (for tests and the crash check)."""
        try:
            return {r[0] for r in self._conn().execute("SELECT decision_id FROM decisions")}
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the decision log {self.path}: {exc}") from exc

    def purge(self, older_than: _dt.datetime) -> int:
        with self._transaction("purge") as conn:
            cur = conn.execute(
                "UPDATE decisions SET case_body = NULL, answer = NULL, client = NULL,"
                " purged_at = ? WHERE recorded_at < ? AND purged_at IS NULL",
                (_ts(utcnow()), _ts(older_than)),
            )
            return cur.rowcount

    def ping(self) -> None:
        """Take the write lock and let it go: proves the file is writable and not locked up
        (through the log writer when there is one: it must be alive too)."""
        if self._writer is not None:
            try:
                self._writer.commit([])
            except WriterError as exc:
                raise StoreError(str(exc)) from None
            return
        with self._transaction("write"):
            pass


class _PipelinedBatchLog(BatchLog):
    """A batch's records sent to the log writer `CHUNK` at a time, replies read at the end.

    A record is rendered to its row (JSON text) as it is added, so a chunk waiting to be sent
    holds text, not the answer's objects."""

    CHUNK = 256
    CHUNK_BYTES = 1 << 20  # rows are text: a chunk holds at most ~1 MiB of it

    def __init__(self, store: SQLiteStore, pipeline: WriterPipeline) -> None:
        super().__init__(store)
        self._pipeline = pipeline
        self._rows: list[tuple[Any, ...]] = []

    def add(self, record: DecisionRecord, size: int = 0) -> None:
        rows = SQLiteStore._rows([record])
        self._rows.extend(rows)
        for row in rows:  # the case and the answer: nearly all of a row's bytes
            self._bytes += len(row[13] or b"") + len(row[14] or b"")
        if len(self._rows) >= self.CHUNK or self._bytes >= self.CHUNK_BYTES:
            self._flush()

    def _flush(self) -> None:
        rows, self._rows, self._bytes = self._rows, [], 0
        try:
            self._pipeline.send(rows)
        except WriterError as exc:
            raise StoreError(str(exc)) from None

    def close(self) -> None:
        if self._rows:
            self._flush()
        try:
            self._pipeline.finish()
        except WriterError as exc:
            raise StoreError(str(exc)) from None

    def abandon(self) -> None:
        self._rows, self._bytes = [], 0
        self._pipeline.abandon()
