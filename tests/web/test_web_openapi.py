"""web/openapi.yaml is a valid OpenAPI 3.1 document and describes exactly the app's routes.

(That real responses match its schemas is checked on every response of the HTTP tests, by
`spec_client.SpecCheckingClient`.)
"""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from web.openapi import spec

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def test_document_is_valid_openapi_31() -> None:
    doc = spec()
    assert doc["openapi"].startswith("3.1")
    validate(doc)


def _routes(app) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        out.setdefault(path, set()).update(m for m in rule.methods if m not in IGNORED_METHODS)
    return out


def test_every_route_is_documented_and_nothing_else(app) -> None:
    doc = spec()
    routes = _routes(app)
    documented = {
        path: {m.upper() for m in item if m in ("get", "post", "put", "patch", "delete")}
        for path, item in doc["paths"].items()
    }
    assert routes == documented


def test_every_operation_documents_its_errors_as_problems() -> None:
    doc = spec()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post"):
                continue
            assert "default" in op["responses"], f"{method} {path} lacks a default (problem)"
            if op.get("security") != [{}]:
                assert "401" in op["responses"], f"{method} {path} lacks 401"


def test_problem_types_match_the_catalogue() -> None:
    from web.problems import KINDS

    documented = set(spec()["components"]["schemas"]["Problem"]["properties"]["type"]["enum"])
    assert documented == {k.uri for k in KINDS.values()}
