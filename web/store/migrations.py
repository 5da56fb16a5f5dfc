"""Versioned schema migrations of the decision log, one entry per version, never edited.

A deployed log outlives the code that wrote it, so the schema only moves forward by appending
a `Migration` here; each backend applies the pending ones in order inside one transaction and
notes them in `schema_migrations`. Statements are listed one by one (SQLite's `executescript`
would commit half-way).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sqlite: tuple[str, ...]
    postgresql: tuple[str, ...]

    def statements(self, dialect: str) -> tuple[str, ...]:
        return self.sqlite if dialect == "sqlite" else self.postgresql


SCHEMA_MIGRATIONS_TABLE = {
    "sqlite": (
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    ),
    "postgresql": (
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    ),
}

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "create the decisions table",
        sqlite=(
            """CREATE TABLE decisions (
                decision_id TEXT PRIMARY KEY,
                recorded_at TEXT NOT NULL,
                caller TEXT NOT NULL,
                question TEXT NOT NULL,
                act_id TEXT,
                as_of TEXT NOT NULL,
                lang TEXT,
                explain INTEGER NOT NULL DEFAULT 0,
                outcome TEXT NOT NULL,
                edition TEXT,
                policy_hash TEXT,
                citations TEXT NOT NULL,
                case_sha256 TEXT NOT NULL,
                case_body TEXT,
                answer TEXT,
                client TEXT,
                purged_at TEXT
            )""",
            "CREATE INDEX decisions_recorded_at ON decisions (recorded_at)",
        ),
        postgresql=(
            # `json`, not `jsonb`: it keeps the text as sent and accepts the \u0000 escape.
            """CREATE TABLE decisions (
                decision_id TEXT PRIMARY KEY,
                recorded_at TIMESTAMPTZ NOT NULL,
                caller TEXT NOT NULL,
                question TEXT NOT NULL,
                act_id TEXT,
                as_of DATE NOT NULL,
                lang TEXT,
                explain BOOLEAN NOT NULL DEFAULT FALSE,
                outcome TEXT NOT NULL,
                edition JSON,
                policy_hash TEXT,
                citations JSON NOT NULL,
                case_sha256 TEXT NOT NULL,
                case_body JSON,
                answer JSON,
                client JSON,
                purged_at TIMESTAMPTZ
            )""",
            "CREATE INDEX decisions_recorded_at ON decisions (recorded_at)",
        ),
    ),
    Migration(
        2,
        "index decisions by caller for audits",
        sqlite=("CREATE INDEX decisions_caller ON decisions (caller, recorded_at)",),
        postgresql=("CREATE INDEX decisions_caller ON decisions (caller, recorded_at)",),
    ),
)

LATEST = MIGRATIONS[-1].version


def pending(applied: set[int]) -> list[Migration]:
    """The migrations not yet applied, in order."""
    return [m for m in MIGRATIONS if m.version not in applied]


def check_not_newer(applied: set[int]) -> None:
    """Refuse a log written by newer code: this code would misread it."""
    from web.store.base import StoreError

    newer = sorted(v for v in applied if v > LATEST)
    if newer:
        raise StoreError(
            f"the decision log has schema version {newer[-1]}, newer than this code's {LATEST};"
            " upgrade Ereje before serving from it"
        )
