"""GET /openapi.json: the hand-kept `web/openapi.yaml`, served as JSON.

Kept by hand rather than generated so the document is reviewed like code; tests hold it to the
truth (valid OpenAPI 3.1, every route present, real responses matching its schemas).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from flask import Blueprint, Response

from web.jsonio import json_response

bp = Blueprint("openapi", __name__)

SPEC_PATH = Path(__file__).with_name("openapi.yaml")


@functools.cache
def spec() -> dict[str, Any]:
    """The OpenAPI document (parsed once per process)."""
    import yaml

    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


@bp.get("/openapi.json")
def openapi_json() -> Response:
    return json_response(spec(), headers={"Cache-Control": "public, max-age=300"})
