"""The service's settings: one table, read from `EREJE_*` environment variables.

Everything an operator may change is listed here with its default, so the README, `--help`
and the tests agree on one source. `create_app(test_config)` overrides any entry by its
config key (the same name as the variable, except `MAX_CONTENT_LENGTH`, Flask's own key).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from engine import casecodec
from web.params import DEFAULT_ZONE


def _bool(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"{text!r} is not a boolean; use 1/0, true/false, yes/no or on/off")


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError(f"{text!r} must be a positive integer")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise ValueError(f"{text!r} must be a positive number")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise ValueError(f"{text!r} must be zero or a positive number")
    return value


def _page_groups(text: str) -> str:
    from web.auth import parse_protected_pages

    parse_protected_pages(text)  # refuses an unknown group at start, not at the first request
    return text


def _default_policies() -> str:
    """`policies/` in the working directory (as the CLI's default): never found through where
    the code is installed, which for a wheel is site-packages."""
    return str(Path.cwd() / "policies")


@dataclass(frozen=True)
class Setting:
    env: str
    key: str
    default: Callable[[], Any]
    parse: Callable[[str], Any]
    help: str


SETTINGS = [
    Setting("EREJE_DATABASE_URL", "EREJE_DATABASE_URL", lambda: None, str,
            "decision log: sqlite:///<path> (default <instance>/ereje.sqlite3) or postgresql://…"),
    Setting("EREJE_POLICIES", "EREJE_POLICIES", _default_policies, str,
            "directory of acts loaded by the engine (default: the shipped policies/)"),
    Setting("EREJE_TOKENS_FILE", "EREJE_TOKENS_FILE", lambda: None, str,
            "YAML/JSON list of {caller, token_sha256, revoked?}"),
    Setting("EREJE_TOKENS", "EREJE_TOKENS", lambda: None, str,
            "comma-separated caller:sha256hex pairs (added to the file's tokens)"),
    Setting("EREJE_PUBLIC_READ", "EREJE_PUBLIC_READ", lambda: True, _bool,
            "0: the /v1/acts endpoints need a token (by default they are public, as the pages)"),
    Setting("EREJE_MAX_CONTENT_LENGTH", "MAX_CONTENT_LENGTH", lambda: 1024 * 1024, _positive_int,
            "largest request body in bytes for a single decision"),
    Setting("EREJE_MAX_JSON_DEPTH", "EREJE_MAX_JSON_DEPTH", lambda: casecodec.MAX_BODY_DEPTH, _positive_int,
            "deepest JSON nesting accepted"),
    Setting("EREJE_BATCH_MAX_CASES", "EREJE_BATCH_MAX_CASES", lambda: 10_000, _positive_int,
            "most cases in one batch"),
    Setting("EREJE_BATCH_MAX_BYTES", "EREJE_BATCH_MAX_BYTES", lambda: 32 * 1024 * 1024,
            _positive_int, "largest batch body in bytes"),
    Setting("EREJE_RETENTION_DAYS", "EREJE_RETENTION_DAYS", lambda: 1825, _positive_int,
            "days a decision keeps its case and caller details before `ereje purge` redacts them"),
    Setting("EREJE_TIMEZONE", "EREJE_TIMEZONE", lambda: DEFAULT_ZONE, str,
            "zone whose calendar date is the default as_of"),
    Setting("EREJE_WATCH", "EREJE_WATCH", lambda: False, _bool,
            "1: poll the policies directory and reload on change (development)"),
    Setting("EREJE_WATCH_INTERVAL", "EREJE_WATCH_INTERVAL", lambda: 1.0, _positive_float,
            "seconds between polls of the watcher"),
    Setting("EREJE_HISTORY", "EREJE_HISTORY", lambda: 4, _positive_int,
            "superseded policy versions kept in memory for re-checking stored decisions"),
    Setting("EREJE_LOG_COMMIT_DELAY_MS", "EREJE_LOG_COMMIT_DELAY_MS", lambda: 1.0,
            _non_negative_float,
            "ms a SQLite log commit may wait for other busy workers' decisions (0: never)"),
    Setting("EREJE_LINT_BUDGET", "EREJE_LINT_BUDGET", lambda: 200_000, _positive_int,
            "most cases one lint search may enumerate for /monitoring (as `ereje lint --budget`)"),
    Setting("EREJE_PROTECTED_PAGES", "EREJE_PROTECTED_PAGES", lambda: "", _page_groups,
            "pages that need a token (HTTP Basic, the token as password): monitoring,try,…|all"),
    Setting("EREJE_BATCH_CONCURRENCY", "EREJE_BATCH_CONCURRENCY", lambda: 2, _positive_int,
            "batches one caller may have in progress at once, across all workers (then 429)"),
    Setting("EREJE_FAST_LANE", "EREJE_FAST_LANE", lambda: True, _bool,
            "0: every decision request takes Flask's full path (web/fastlane.py; same answers)"),
    Setting("EREJE_LOG_WRITER", "EREJE_LOG_WRITER", lambda: None, str,
            "socket of the SQLite log writer process (set by `ereje serve`, not by hand)"),
]


class ConfigError(ValueError):
    """An `EREJE_*` variable has a value the service cannot use."""


def load(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting from `environ` (default: the process environment), parsed."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for s in SETTINGS:
        raw = environ.get(s.env)
        if raw is None or raw == "":
            values[s.key] = s.default()
            continue
        try:
            values[s.key] = s.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{s.env}={raw!r}: {exc}") from None
    return values


def init_app(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    app.config.update(load())
    if test_config:
        app.config.update(test_config)
    if not app.config.get("EREJE_DATABASE_URL"):
        app.config["EREJE_DATABASE_URL"] = "sqlite:///" + str(
            Path(app.instance_path) / "ereje.sqlite3"
        )
