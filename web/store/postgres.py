"""The decision log on PostgreSQL (psycopg 3), chosen by `EREJE_DATABASE_URL=postgresql://…`.

Same contract as the SQLite store: a decision is committed before it is answered (PostgreSQL's
default `synchronous_commit=on` makes the commit durable). Migrations take a transaction-level
advisory lock so several workers starting together apply them once. Connections are per process
and thread, reopened once after a broken connection (a database restart should cost one error
per worker, not an outage).
"""

from __future__ import annotations

import datetime as _dt
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from engine import casecodec
from web.store.base import BatchLog, DecisionQuery, DecisionRecord, StoreError, store_json, utcnow
from web.store.migrations import SCHEMA_MIGRATIONS_TABLE, check_not_newer, pending

_COLUMNS = (
    "decision_id, recorded_at, caller, question, act_id, as_of, lang, explain, outcome, edition,"
    " policy_hash, citations, case_sha256, case_body, answer, client, purged_at"
)
_MIGRATION_LOCK = 0x45524A45  # "EREJ": any constant shared by every Ereje process


def _record(row: Any) -> DecisionRecord:
    return DecisionRecord(
        decision_id=row[0], recorded_at=row[1], caller=row[2], question=row[3],
        act_id=row[4], as_of=row[5], lang=row[6], explain=bool(row[7]), outcome=row[8],
        edition=row[9], policy_hash=row[10], citations=row[11], case_sha256=row[12],
        case=row[13], answer=row[14], client=row[15], purged_at=row[16],
    )


class PostgresStore:
    dialect = "postgresql"

    def __init__(self, url: str, connect_timeout: int = 10) -> None:
        try:
            import psycopg
        except ImportError as exc:  # the optional dependency
            raise StoreError(
                "EREJE_DATABASE_URL names PostgreSQL but psycopg is not installed;"
                " install the 'postgres' extra: pip install 'ereje[postgres]'"
            ) from exc
        self._psycopg = psycopg
        self.url = url
        self.connect_timeout = connect_timeout
        self._local = threading.local()
        self._opened: list[tuple[int, Any]] = []  # for close()
        self._opened_lock = threading.Lock()

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid() and not conn.closed:
            return conn
        try:
            # autocommit: every statement runs inside an explicit `conn.transaction()` block,
            # so no connection sits "idle in transaction" between requests.
            conn = self._psycopg.connect(
                self.url,
                connect_timeout=self.connect_timeout,
                application_name="ereje",
                autocommit=True,
            )
        except self._psycopg.Error as exc:
            raise StoreError(f"cannot connect to the decision log: {_short(exc)}") from exc
        # JSON columns read back by the case codec (exact numbers), not as floats.
        from psycopg.types.json import set_json_loads

        set_json_loads(lambda data: casecodec.decode(data, None), conn)
        self._local.conn = conn
        self._local.pid = os.getpid()
        with self._opened_lock:
            self._opened.append((os.getpid(), conn))
        return conn

    def close(self) -> None:
        """Close every connection this process opened (a forked child leaves its parent's)."""
        with self._opened_lock:
            mine = [conn for pid, conn in self._opened if pid == os.getpid()]
            self._opened = [(pid, c) for pid, c in self._opened if pid != os.getpid()]
        for conn in mine:
            conn.close()

    @contextmanager
    def _transaction(self, what: str) -> Iterator[Any]:
        conn = self._conn()
        try:
            with conn.transaction(), conn.cursor() as cur:
                yield cur
        except self._psycopg.Error as exc:
            if conn.closed or conn.broken:
                self._local.conn = None
                with self._opened_lock:
                    self._opened = [(p, c) for p, c in self._opened if c is not conn]
                conn.close()
            raise StoreError(f"cannot {what} the decision log: {_short(exc)}") from exc

    def migrate(self) -> int:
        with self._transaction("migrate") as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            cur.execute(SCHEMA_MIGRATIONS_TABLE["postgresql"])
            cur.execute("SELECT version FROM schema_migrations")
            applied = {r[0] for r in cur.fetchall()}
            check_not_newer(applied)
            for m in pending(applied):
                for sql in m.statements("postgresql"):
                    cur.execute(sql)
                cur.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at)"
                    " VALUES (%s, %s, %s)",
                    (m.version, m.name, utcnow()),
                )
                applied.add(m.version)
        return max(applied, default=0)

    def schema_version(self) -> int:
        with self._transaction("read") as cur:
            cur.execute("SELECT max(version) FROM schema_migrations")
            row = cur.fetchone()
        return int(row[0] or 0)

    def record(self, records: Sequence[DecisionRecord]) -> None:
        if not records:
            return
        rows = [
            (
                r.decision_id, r.recorded_at, r.caller, r.question, r.act_id, r.as_of, r.lang,
                r.explain, r.outcome, store_json(r.edition), r.policy_hash,
                store_json(r.citations), r.case_sha256,
                None if r.case is None else store_json(r.case),
                None if r.answer is None else store_json(r.answer),
                None if r.client is None else store_json(r.client),
                r.purged_at,
            )
            for r in records
        ]
        placeholders = ", ".join(["%s"] * 17)
        with self._transaction("write") as cur:
            cur.executemany(f"INSERT INTO decisions ({_COLUMNS}) VALUES ({placeholders})", rows)

    def batch_log(self) -> BatchLog:
        return BatchLog(self)

    def get(self, decision_id: str) -> DecisionRecord | None:
        with self._transaction("read") as cur:
            cur.execute(f"SELECT {_COLUMNS} FROM decisions WHERE decision_id = %s", (decision_id,))
            row = cur.fetchone()
        return None if row is None else _record(row)

    def list_decisions(self, query: DecisionQuery) -> list[DecisionRecord]:
        where: list[str] = ["caller = %s"]
        args: list[object] = [query.caller]
        if query.since is not None:
            where.append("recorded_at >= %s")
            args.append(query.since)
        if query.until is not None:
            where.append("recorded_at < %s")
            args.append(query.until)
        if query.question is not None:
            where.append("question = %s")
            args.append(query.question)
        if query.after is not None:
            where.append("(recorded_at, decision_id) > (%s, %s)")
            args.extend(query.after)
        sql = (
            f"SELECT {_COLUMNS} FROM decisions WHERE {' AND '.join(where)}"
            " ORDER BY recorded_at, decision_id LIMIT %s"
        )
        with self._transaction("read") as cur:
            cur.execute(sql, (*args, int(query.limit)))
            return [_record(r) for r in cur.fetchall()]

    def ids(self) -> set[str]:
        with self._transaction("read") as cur:
            cur.execute("SELECT decision_id FROM decisions")
            return {r[0] for r in cur.fetchall()}

    def purge(self, older_than: _dt.datetime) -> int:
        with self._transaction("purge") as cur:
            cur.execute(
                "UPDATE decisions SET case_body = NULL, answer = NULL, client = NULL,"
                " purged_at = %s WHERE recorded_at < %s AND purged_at IS NULL",
                (utcnow(), older_than),
            )
            return cur.rowcount

    def ping(self) -> None:
        """A read-write transaction must be possible (not a standby, not read-only)."""
        with self._transaction("check") as cur:
            cur.execute("SELECT current_setting('transaction_read_only')")
            if cur.fetchone()[0] == "on":
                raise StoreError("the decision log's database is read-only")


def _short(exc: Exception) -> str:
    """The first line of a driver error, without the connection string."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
