"""The app factory: `create_app()` reads as the list of what the service is made of.

The engine, the store drivers and the blueprints are imported when an app is built, so
`ereje --help` and the engine's CLI stay fast."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the service.

    `test_config` overrides any setting of `web.config.SETTINGS` by its key; `INSTANCE_PATH`
    (or the `EREJE_INSTANCE_PATH` variable) moves the instance folder holding the default
    SQLite log.
    """
    from web import (
        api_acts,
        api_decision_list,
        api_decisions,
        auth,
        bodylimit,
        config,
        fastlane,
        headers,
        health,
        openapi,
        policies,
        problems,
        store,
    )
    from web.pages import site

    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "EREJE_INSTANCE_PATH"
    )
    # No static folder: the API serves JSON only, and every route must be in openapi.yaml.
    app = Flask(__name__, instance_path=instance_path or None, static_folder=None)
    config.init_app(app, test_config)
    problems.init_app(app)
    headers.init_app(app)  # nosniff, no-store on every API answer
    store.init_app(app)
    auth.init_app(app)
    policies.init_app(app)
    app.register_blueprint(api_acts.bp)
    app.register_blueprint(api_decisions.bp)
    app.register_blueprint(api_decision_list.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(openapi.bp)
    site.init_app(app)  # HTML pages for people, beside the API (web/pages/site.py)
    auth.guard_pages(app.extensions["ereje.pages"], app)  # EREJE_PROTECTED_PAGES
    fastlane.init_app(app)  # a plain decision request skips Flask's per-request work
    # Outermost: a chunked body over its limit is refused before anything reads it.
    app.wsgi_app = bodylimit.BodyLimit(app.wsgi_app, app.config)  # type: ignore[method-assign]
    return app
