"""Property: whatever a caller sends to the decision endpoints, the answer is never a 5xx.

Inputs are the valid case with parts replaced by arbitrary JSON, deleted or added, arbitrary
JSON documents, raw bytes under various content types, and arbitrary query parameters. Every
response is also checked against web/openapi.yaml by the client.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webfixtures import AUTH, CASE, cached_loader, write_tokens_file

from web.app import create_app

SETTINGS = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same inputs on every run: a failure is reproducible in CI
    database=None,
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.dates().map(dt.date.isoformat)
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=15,
)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


CASE_PATHS = [p for p in _paths(CASE) if p]


@st.composite
def mutated_cases(draw: st.DrawFn) -> Any:
    case = copy.deepcopy(CASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(CASE_PATHS))
        parent: Any = case
        try:
            for part in path[:-1]:
                parent = parent[part]
            action = draw(st.sampled_from(["replace", "delete", "add"]))
            if action == "replace":
                parent[path[-1]] = draw(json_values)
            elif action == "delete" and isinstance(parent, dict):
                parent.pop(path[-1], None)
            elif isinstance(parent, dict):
                parent[draw(st.text(max_size=8))] = draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced the path
    return case


queries = st.fixed_dictionaries(
    {},
    optional={
        "as_of": st.dates().map(dt.date.isoformat) | st.text(max_size=12),
        "lang": st.sampled_from(["kk", "en", "ru", "", "KK", "en-US"]) | st.text(max_size=6),
        "explain": st.sampled_from(["true", "false", "1", "0", "yes", "maybe", ""]),
        "act": st.sampled_from(["U1300000624", "", "U0"]) | st.text(max_size=12),
    },
)


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory, shipped_policies: Path) -> Any:
    from spec_client import SpecCheckingClient

    tmp = tmp_path_factory.mktemp("fuzz")
    app = create_app({
        "TESTING": True,
        "EREJE_DATABASE_URL": "sqlite:///" + str(tmp / "log.sqlite3"),
        "EREJE_POLICIES": str(shipped_policies),
        "EREJE_POLICY_LOADER": cached_loader,
        "EREJE_TOKENS_FILE": str(write_tokens_file(tmp)),
        "EREJE_TOKENS": None,
        "INSTANCE_PATH": str(tmp / "instance"),
        "EREJE_BATCH_MAX_CASES": 20,
    })
    app.test_client_class = SpecCheckingClient
    return app.test_client()


def _check(resp: Any) -> None:
    assert resp.status_code < 500, resp.get_data(as_text=True)[:3000]
    assert resp.mimetype in ("application/json", "application/problem+json")


@SETTINGS
@given(case=mutated_cases(), query=queries)
def test_mutated_cases_never_5xx(fuzz_client: Any, case: Any, query: dict[str, str]) -> None:
    resp = fuzz_client.post("/v1/decisions/enrollment", query_string=query, json=case,
                            headers=AUTH)
    _check(resp)


@SETTINGS
@given(body=json_values, query=queries)
def test_arbitrary_json_never_5xx(fuzz_client: Any, body: Any, query: dict[str, str]) -> None:
    resp = fuzz_client.post("/v1/decisions/enrollment", query_string=query,
                            data=json.dumps(body), content_type="application/json", headers=AUTH)
    _check(resp)


@settings(SETTINGS, max_examples=150)
@given(
    raw=st.binary(max_size=300),
    content_type=st.sampled_from(["application/json", "application/x-ndjson", "text/plain",
                                  "application/problem+json", ""]),
    question=st.sampled_from(["enrollment", "enrollment/batch", "x", "enrollment%00"]),
)
def test_raw_bytes_never_5xx(fuzz_client: Any, raw: bytes, content_type: str,
                             question: str) -> None:
    resp = fuzz_client.post(f"/v1/decisions/{question}", data=raw, content_type=content_type,
                            headers=AUTH)
    _check(resp)


@settings(SETTINGS, max_examples=60)
@given(cases=st.lists(mutated_cases() | json_values, max_size=6), query=queries)
def test_batches_never_5xx(fuzz_client: Any, cases: list[Any], query: dict[str, str]) -> None:
    resp = fuzz_client.post("/v1/decisions/enrollment/batch", query_string=query, json=cases,
                            headers=AUTH)
    _check(resp)
