"""Headers every API response carries, errors included.

`X-Content-Type-Options: nosniff`: a JSON answer (which echoes case facts a caller wrote) must
never be sniffed into HTML by a browser. `Cache-Control: no-store`: an answer is a decision
about a person, recorded in the log; no proxy or browser cache may keep a copy of it (nor of a
problem document, nor of /readyz, which changes with every reload). An endpoint that sets
its own `Cache-Control` keeps it: the acts (the law's texts, no one's personal data) are
revalidated by their ETag, the OpenAPI document is public.
"""

from __future__ import annotations

from flask import Flask, Response

API_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def init_app(app: Flask) -> None:
    @app.after_request
    def _api_headers(response: Response) -> Response:
        # One pass over the names instead of `setdefault`: werkzeug's header lookup builds
        # and raises an exception for every name it does not find, i.e. twice per answer.
        present = {name.lower() for name, _ in response.headers}  # (name, value) pairs
        for name, value in API_HEADERS.items():
            if name.lower() not in present:
                response.headers.add(name, value)
        return response
