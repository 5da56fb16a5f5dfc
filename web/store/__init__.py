"""The decision log: every decision is written here, durably, before its answer is sent.

A caller that stored our answer must be able to come back years later and find the same
decision, with the policy hash and edition that produced it. So `record()` returns only once
the row is committed to stable storage (SQLite: WAL with `synchronous=FULL`; PostgreSQL: a
committed transaction), and the request fails with 503 if it cannot be.

Personal data (the case body, the caller's client details, the full answer which echoes case
facts) is kept for a retention period; `purge()` then redacts it and keeps what an audit needs:
outcome, citations, edition, policy hash, and the SHA-256 of the case, so a caller who still
holds the case can prove which decision it was.
"""

from __future__ import annotations

from flask import Flask, current_app

from web.store.base import (
    BatchLog,
    DecisionQuery,
    DecisionRecord,
    DecisionStore,
    StoreError,
    case_digest,
    store_json,
    utcnow,
)

# The store's vocabulary lives in `web.store.base`, so that the backends (imported here only
# when a store is opened) never import this package back.
__all__ = [
    "BatchLog", "DecisionQuery", "DecisionRecord", "DecisionStore", "StoreError",
    "case_digest", "get_store", "init_app", "open_store", "store_json", "utcnow",
]


def open_store(url: str, log_writer: str | None = None) -> DecisionStore:
    """The backend named by `url`: `sqlite:///path` or `postgresql://…`.

    `log_writer`: the socket of a log writer process (SQLite under `ereje serve`).
    """
    if url.startswith("sqlite:///"):
        from pathlib import Path

        from web.store.sqlite import SQLiteStore

        return SQLiteStore.from_url(url, Path(log_writer) if log_writer else None)
    if url.startswith(("postgresql://", "postgres://")):
        from web.store.postgres import PostgresStore

        return PostgresStore(url)
    scheme = url.split(":", 1)[0] if ":" in url else url
    raise StoreError(
        f"unsupported database URL scheme {scheme!r}; use sqlite:///<path> or postgresql://…"
    )


def init_app(app: Flask) -> None:
    """Open the configured store and bring its schema up to date before serving."""
    store = open_store(app.config["EREJE_DATABASE_URL"], app.config.get("EREJE_LOG_WRITER"))
    store.migrate()
    app.extensions["ereje.store"] = store


def get_store(app: Flask | None = None) -> DecisionStore:
    return (app or current_app).extensions["ereje.store"]
