"""The pages app, built beside the API (what this package is: `web/pages/__init__.py`)."""


from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask, Response
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

WEB_DIR = Path(__file__).resolve().parent.parent

# Response headers of every page: everything is served from this origin (no CDN, no fonts
# from the internet), no inline script or style.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


# Every path under this prefix belongs to the API (no page route starts with it; a test checks).
API_PREFIX = "/v1/"


class PageDispatcher:
    """WSGI middleware: page routes to the pages app, every other path to the API."""

    def __init__(self, api_wsgi: Callable[..., Iterable[bytes]], pages: Flask) -> None:
        self.api_wsgi = api_wsgi
        self.pages = pages

    def is_page(self, environ: dict[str, Any]) -> bool:
        adapter = self.pages.url_map.bind_to_environ(environ)
        try:
            adapter.match()
        except (NotFound, MethodNotAllowed, RequestRedirect) as exc:
            # A page path asked with another method is still the pages' to answer (405 page).
            return isinstance(exc, MethodNotAllowed | RequestRedirect)
        return True

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        # The API's paths are never pages: decisions skip matching against the pages' map.
        if environ.get("PATH_INFO", "").startswith(API_PREFIX):
            return self.api_wsgi(environ, start_response)
        if self.is_page(environ):
            return self.pages(environ, start_response)
        return self.api_wsgi(environ, start_response)


def create_pages_app(api: Flask) -> Flask:
    """The pages app bound to `api` (its settings, its policy holder)."""
    from web.pages import i18n, views

    app = Flask(
        "web.pages",
        root_path=str(WEB_DIR),
        template_folder="templates",
        static_folder="static",
        static_url_path="/static",
    )
    app.config.update(
        TESTING=bool(api.config.get("TESTING")),
        MAX_CONTENT_LENGTH=int(api.config.get("MAX_CONTENT_LENGTH") or 1024 * 1024),
        # A form holds one field per fact; generous, but bounded.
        MAX_FORM_PARTS=5000,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    app.extensions["ereje.api"] = api
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from jinja2 import StrictUndefined

    app.jinja_env.undefined = StrictUndefined
    # Clause headings in the law's own citation form ("8-тармақтың 3) тармақшасы").
    from engine.citation import cite_or_id

    app.jinja_env.globals["cite"] = cite_or_id
    i18n.init_app(app)
    views.init_app(app)

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.add("Vary", "Cookie")
        return response

    return app


def init_app(api: Flask) -> None:
    """Serve the pages from `api`'s process: call once, after the policies are set up."""
    pages = create_pages_app(api)
    api.extensions["ereje.pages"] = pages
    api.wsgi_app = PageDispatcher(api.wsgi_app, pages)  # type: ignore[method-assign]
