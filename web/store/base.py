"""What every decision store is and holds: the record, the query, the protocol, the store's error."""


from __future__ import annotations

import datetime as _dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from web.jsonio import canonical_bytes, dumps_text


class StoreError(Exception):
    """The log cannot be read or written (database down, disk full, schema too new)."""


@dataclass(frozen=True)
class DecisionRecord:
    """One decision as logged; the personal fields are `None` once purged."""

    decision_id: str
    recorded_at: _dt.datetime
    caller: str
    question: str
    act_id: str | None
    as_of: _dt.date
    lang: str | None
    explain: bool
    outcome: str
    edition: Any
    policy_hash: str | None
    citations: list[Any]
    case_sha256: str
    case: Any = None
    answer: dict[str, Any] | None = None
    client: dict[str, Any] | None = None
    purged_at: _dt.datetime | None = None


@dataclass(frozen=True)
class DecisionQuery:
    """One page of a caller's own decisions, oldest first (GET /v1/decisions).

    `since`/`until`: recorded at or after / strictly before (UTC). `after`: the (recorded_at,
    decision_id) of the last decision of the previous page (keyset paging: a page costs the
    same however deep, and decisions logged meanwhile neither repeat nor vanish).
    """

    caller: str
    since: _dt.datetime | None = None
    until: _dt.datetime | None = None
    question: str | None = None
    after: tuple[_dt.datetime, str] | None = None
    limit: int = 100


def store_json(value: Any) -> str:
    """JSON text as stored: compact UTF-8, the same encoder as the answers."""
    return dumps_text(value)


def case_digest(case: Any) -> str:
    """SHA-256 of the case's canonical JSON (sorted keys, compact, ASCII-escaped)."""
    return hashlib.sha256(canonical_bytes(case)).hexdigest()


def utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


class BatchLog:
    """The records of one batch request, handed to the store as the batch is decided.

    This generic form stores them `CHUNK` at a time, each chunk in one transaction, so a
    batch never holds more than a chunk of records (with their answers) in memory. A store
    that can commit while the batch goes on (SQLite through its log writer) returns its own
    kind from `batch_log()`. Either way every record is durable when `close()` returns, and
    an error before that means the batch must not be answered; the log may then hold some of
    its decisions, never answered, as after a crash.
    """

    CHUNK = 64  # records hold their answers' objects (a trace is tens of KB): keep few
    # …and never more than about this many bytes of encoded answers, whatever one answer's size
    # (an explained answer is several times a plain one, and its objects several times that).
    CHUNK_BYTES = 256 * 1024

    def __init__(self, store: DecisionStore) -> None:
        self._store = store
        self._records: list[DecisionRecord] = []
        self._bytes = 0

    def add(self, record: DecisionRecord, size: int = 0) -> None:
        """`size`: the encoded answer's length, the measure of what the record holds."""
        self._records.append(record)
        self._bytes += size
        if len(self._records) >= self.CHUNK or self._bytes >= self.CHUNK_BYTES:
            records, self._records, self._bytes = self._records, [], 0
            self._store.record(records)

    def close(self) -> None:
        """Return once every added record is durable; raise `StoreError` otherwise."""
        records, self._records, self._bytes = self._records, [], 0
        self._store.record(records)

    def abandon(self) -> None:
        """The batch failed before its end: store nothing more."""
        self._records, self._bytes = [], 0


class DecisionStore(Protocol):
    """What the service needs from a decision log backend."""

    dialect: str

    def migrate(self) -> int:
        """Apply pending migrations; return the schema version now in force."""

    def record(self, records: Sequence[DecisionRecord]) -> None:
        """Store the records in one transaction, durable when this returns."""

    def batch_log(self) -> BatchLog:
        """Where a batch request puts its records as it decides them."""

    def get(self, decision_id: str) -> DecisionRecord | None:
        """The record with this id, or `None`."""

    def list_decisions(self, query: DecisionQuery) -> list[DecisionRecord]:
        """A page of one caller's decisions in (recorded_at, decision_id) order."""

    def purge(self, older_than: _dt.datetime) -> int:
        """Redact personal data of decisions recorded before `older_than`; return the count."""

    def ping(self) -> None:
        """Raise `StoreError` unless the log can be written now."""

    def schema_version(self) -> int:
        """The highest migration applied."""

    def close(self) -> None:
        """Release this process's connections."""
