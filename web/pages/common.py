"""What every page view shares: the live policy, settings, the date asked, lookups that 404."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from flask import abort, current_app, request

from web.pages.i18n import parse_user_date

# Settings the pages read from the service's configuration (`create_app(test_config)` or the
# environment through the app config), with their defaults.
DEFAULTS: dict[str, Any] = {
    # The features (`@clause:` tags) and the scenario results they write (`ereje trace`).
    # Relative to the working directory, as `ereje trace` reads them (never through where the
    # code is installed).
    "EREJE_FEATURES": "features",
    "EREJE_TRACE_RESULTS": str(Path("test-output") / "trace-results.json"),
    # The most cases one lint search may enumerate (as `ereje lint --budget`).
    "EREJE_LINT_BUDGET": 200_000,
}


def api() -> Any:
    return current_app.extensions["ereje.api"]


def setting(key: str) -> Any:
    """The app's setting (`create_app(test_config)`), else the environment variable, else the default."""
    value = api().config.get(key)
    if value is None:
        value = os.environ.get(key) or None
    return DEFAULTS[key] if value is None else value


def path_setting(key: str) -> Path:
    return Path(str(setting(key)))


def snapshot() -> Any:
    """This request's policy snapshot (the API's live one); 503 page if none is loaded."""
    holder = api().extensions.get("ereje.policies")
    if holder is None or not holder.loaded:
        abort(503)
    return holder.snapshot


def library() -> Any:
    return snapshot().library


def today() -> dt.date:
    from web.params import today as zone_today
    from web.params import zone_of

    return zone_today(zone_of(api().config))


def asked_date(name: str = "as_of") -> tuple[dt.date, str | None]:
    """The date in the query (ISO or DD.MM.YYYY), else today; and the error if it was unreadable."""
    raw = request.values.get(name, "")
    if not raw.strip():
        return today(), None
    day = parse_user_date(raw)
    if day is None:
        return today(), raw
    return day, None


def get_act(lib: Any, act_id: str) -> Any:
    """The loaded act with this id, or a 404 page: the id is only looked up, never used as a path."""
    act = lib.acts.get(act_id)
    if act is None:
        abort(404)
    return act


def get_clause(act: Any, clause_id: str) -> Any:
    clause = act.clauses.get(clause_id)
    if clause is None:
        abort(404)
    return clause
