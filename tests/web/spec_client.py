"""A Flask test client that holds every response to `web/openapi.yaml`.

Each response of the HTTP tests is matched to its route, and its status, content type and body
are checked against the documented response (JSON Schema 2020-12 with the format checker).
So the document cannot drift from the code: an undocumented status, a field of the wrong type,
a missing required field fails the test that produced it.
"""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from werkzeug.exceptions import MethodNotAllowed, NotFound

from web.openapi import spec

_validators: dict[str, Draft202012Validator] = {}


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def validator_for(pointer: str) -> Draft202012Validator:
    """A validator for the schema at `pointer` inside the document (refs resolve within it)."""
    if pointer not in _validators:
        root = dict(spec())
        root["$ref"] = pointer
        _validators[pointer] = Draft202012Validator(
            root, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
    return _validators[pointer]


def _resolve(obj: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Follow a `$ref` to components/responses; return the object and its path."""
    ref = obj.get("$ref")
    if not ref:
        return obj, []
    parts = ref.lstrip("#/").split("/")
    node: Any = spec()
    for p in parts:
        node = node[p.replace("~1", "/").replace("~0", "~")]
    return node, parts


def check_response(path_template: str | None, method: str, resp: Any) -> None:
    """Assert `resp` is documented for (path, method) and matches its schema."""
    doc = spec()
    body_text = resp.get_data(as_text=True)
    if path_template is None:  # no route: the generic problem
        assert resp.status_code in (404, 405), resp.status_code
        schema_ptr = _pointer("components", "schemas", "Problem")
        assert resp.mimetype == "application/problem+json"
        validator_for(schema_ptr).validate(json.loads(body_text))
        return
    op = doc["paths"][path_template].get(method.lower())
    assert op is not None, f"{method} {path_template} is not documented"
    status = str(resp.status_code)
    responses = op["responses"]
    key = status if status in responses else "default"
    assert key in responses, f"{method} {path_template} → {status} is not documented"
    response, base = _resolve(responses[key])
    if not base:
        base = ["paths", path_template, method.lower(), "responses", key]
    content = response.get("content")
    if not content:
        return
    assert resp.mimetype in content, (
        f"{method} {path_template} → {status}: {resp.mimetype} not in {list(content)}"
    )
    schema_ptr = _pointer(*base, "content", resp.mimetype, "schema")
    if resp.mimetype == "application/x-ndjson":  # JSON lines: the schema is each line's
        documents = [json.loads(line) for line in body_text.splitlines() if line.strip()]
    else:
        documents = [json.loads(body_text)]
    errors = sorted(
        (e for d in documents for e in validator_for(schema_ptr).iter_errors(d)), key=lambda e: e.path
    )
    assert not errors, (
        f"{method} {path_template} → {status} does not match {schema_ptr}:\n"
        + "\n".join(f"  {list(e.absolute_path)}: {e.message[:300]}" for e in errors[:5])
    )


def route_of(app: Any, path: str, method: str) -> str | None:
    """The OpenAPI path template of the route serving (path, method), or None."""
    adapter = app.url_map.bind("localhost")
    try:
        rule, _ = adapter.match(path.split("?", 1)[0], method=method, return_rule=True)
    except (NotFound, MethodNotAllowed):
        return None
    return rule.rule.replace("<", "{").replace(">", "}")


class SpecCheckingClient(FlaskClient):
    def open(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        resp = super().open(*args, **kwargs)
        req = resp.request
        template = route_of(self.application, req.path, req.method)
        check_response(template, req.method, resp)
        return resp
