"""The fast lane (`web.fastlane`) answers as Flask's path does, request by request.

Each request is sent to two apps on the same policy, one with the lane and one without
(`EREJE_FAST_LANE=0`); status, headers and body must agree, except the decision's id and time.
Beside that: the lane must actually answer the plain requests (a lane that always fell back
would agree trivially), must hand everything else to Flask, and must never log a decision
twice.
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from webfixtures import AS_OF, AUTH, CASE, REVOKED_TOKEN

from web import fastlane
from web.store import StoreError

ENDPOINT = "/v1/decisions/enrollment"
JSON = "application/json"


def _envelope() -> dict[str, Any]:
    return {"case": CASE, "as_of": AS_OF, "lang": "kk"}


def _invalid() -> dict[str, Any]:
    bad = copy.deepcopy(CASE)
    bad["employee"]["service_years"] = "twelve"
    bad["nomination"]["materials_sent_on"] = "not a date"
    return bad


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


# (name, path, query, headers, body); headers default to a valid token and JSON.
REQUESTS: list[tuple[str, str, str, dict[str, str] | None, bytes]] = [
    ("plain", ENDPOINT, f"as_of={AS_OF}", None, _json(CASE)),
    ("compact", ENDPOINT, f"as_of={AS_OF}&view=compact", None, _json(CASE)),
    ("explained, in Kazakh", ENDPOINT, f"as_of={AS_OF}&explain=true&lang=kk", None, _json(CASE)),
    ("in Russian", ENDPOINT, f"as_of={AS_OF}&lang=ru", None, _json(CASE)),
    ("envelope", ENDPOINT, "", None, _json(_envelope())),
    ("envelope and query agree", ENDPOINT, f"as_of={AS_OF}", None, _json(_envelope())),
    ("charset parameter", ENDPOINT, f"as_of={AS_OF}",
     {**AUTH, "Content-Type": "application/json; charset=utf-8"}, _json(CASE)),
    ("+json type", ENDPOINT, f"as_of={AS_OF}",
     {**AUTH, "Content-Type": "application/vnd.ereje.case+json"}, _json(CASE)),
    ("percent-encoded query", ENDPOINT, "as_of=2025%2D06%2D01&view=%63ompact", None, _json(CASE)),
    # From here on, every request is refused.
    ("envelope and query differ", ENDPOINT, "as_of=2024-01-01", None, _json(_envelope())),
    ("invalid case", ENDPOINT, f"as_of={AS_OF}", None, _json(_invalid())),
    ("invalid case, in Russian", ENDPOINT, f"as_of={AS_OF}&lang=ru", None, _json(_invalid())),
    ("malformed JSON", ENDPOINT, f"as_of={AS_OF}", None, b'{"candidate": '),
    ("not UTF-8", ENDPOINT, f"as_of={AS_OF}", None, b'{"a": "\xff"}'),
    ("too deep", ENDPOINT, f"as_of={AS_OF}", None, b"[" * 200 + b"]" * 200),
    ("empty body", ENDPOINT, f"as_of={AS_OF}", None, b""),
    ("text/plain", ENDPOINT, f"as_of={AS_OF}", {**AUTH, "Content-Type": "text/plain"}, _json(CASE)),
    ("no content type", ENDPOINT, f"as_of={AS_OF}", {**AUTH}, _json(CASE)),
    ("no token", ENDPOINT, f"as_of={AS_OF}", {"Content-Type": JSON}, _json(CASE)),
    ("bad token", ENDPOINT, f"as_of={AS_OF}",
     {"Authorization": "Bearer nope", "Content-Type": JSON}, _json(CASE)),
    ("revoked token", ENDPOINT, f"as_of={AS_OF}",
     {"Authorization": f"Bearer {REVOKED_TOKEN}", "Content-Type": JSON}, _json(CASE)),
    ("basic auth", ENDPOINT, f"as_of={AS_OF}",
     {"Authorization": "Basic dXNlcjpwYXNz", "Content-Type": JSON}, _json(CASE)),
    ("unknown question", "/v1/decisions/nope", f"as_of={AS_OF}", None, _json(CASE)),
    ("trailing slash", ENDPOINT + "/", f"as_of={AS_OF}", None, _json(CASE)),
    ("bad view", ENDPOINT, f"as_of={AS_OF}&view=tiny", None, _json(CASE)),
    ("bad date", ENDPOINT, "as_of=2025-02-30", None, _json(CASE)),
    ("unknown language", ENDPOINT, f"as_of={AS_OF}&lang=fr", None, _json(CASE)),
    ("unknown act", ENDPOINT, f"as_of={AS_OF}&act=X1", None, _json(CASE)),
    ("before the act", ENDPOINT, "as_of=1990-01-01", None, _json(CASE)),
]

PLAIN = 9  # the first PLAIN requests are decided


def _answer(app: Any, path: str, query: str, headers: dict[str, str] | None, body: bytes,
            **kw: Any) -> tuple[int, list[tuple[str, str]], Any]:
    headers = {**AUTH, "Content-Type": JSON} if headers is None else headers
    if "input_stream" not in kw:
        kw["data"] = body
    response = app.test_client().post(path, query_string=query, headers=headers, **kw)
    data = response.get_data()
    try:
        doc: Any = json.loads(data)
    except ValueError:
        doc = data
    return response.status_code, list(response.headers.items()), doc


def _comparable(status: int, headers: list[tuple[str, str]], doc: Any) -> Any:
    """Without what differs by construction: the decision's id and time (and so its length)."""
    if isinstance(doc, dict):
        doc = {k: v for k, v in doc.items() if k not in ("decision_id", "recorded_at")}
    headers = [
        (name, "<id>" if name == "Location" else "<n>" if name == "Content-Length" else value)
        for name, value in headers
    ]
    return status, headers, doc


@pytest.fixture
def apps(make_app: Callable[..., Any]) -> tuple[Any, Any]:
    return make_app(), make_app(EREJE_FAST_LANE=False)


@pytest.fixture
def flask_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every request the lane hands on to Flask, by path."""
    seen: list[str] = []
    real = fastlane.FastLane.__call__

    def spy(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        inner = self.flask_wsgi

        def counted(env: dict[str, Any], sr: Any) -> Any:
            seen.append(env["PATH_INFO"])
            return inner(env, sr)

        self.flask_wsgi = counted
        try:
            return real(self, environ, start_response)
        finally:
            self.flask_wsgi = inner

    monkeypatch.setattr(fastlane.FastLane, "__call__", spy)
    return seen


@pytest.mark.parametrize("name,path,query,headers,body", REQUESTS, ids=[r[0] for r in REQUESTS])
def test_the_lane_answers_as_flask_does(
    apps: tuple[Any, Any], name: str, path: str, query: str, headers: Any, body: bytes
) -> None:
    lane, flask_only = apps
    assert isinstance(lane.wsgi_app.wsgi, fastlane.FastLane)  # BodyLimit → FastLane → …
    assert not isinstance(flask_only.wsgi_app.wsgi, fastlane.FastLane)
    fast = _comparable(*_answer(lane, path, query, headers, body))
    slow = _comparable(*_answer(flask_only, path, query, headers, body))
    assert fast == slow


def test_plain_requests_never_reach_flask(apps: tuple[Any, Any], flask_calls: list[str]) -> None:
    lane, _ = apps
    for name, path, query, headers, body in REQUESTS[:PLAIN]:
        status, _, _ = _answer(lane, path, query, headers, body)
        assert status == 201, name
    assert flask_calls == []


def test_everything_else_reaches_flask(apps: tuple[Any, Any], flask_calls: list[str]) -> None:
    lane, _ = apps
    for name, path, query, headers, body in REQUESTS[PLAIN:]:
        status, _, _ = _answer(lane, path, query, headers, body)
        assert status >= 400, name
    assert len(flask_calls) == len(REQUESTS) - PLAIN
    lane.test_client().get(ENDPOINT)
    lane.test_client().post("/v1/decisions/enrollment/batch", json=[CASE], headers=AUTH)
    assert len(flask_calls) == len(REQUESTS) - PLAIN + 2


def test_a_refused_case_is_not_logged_and_a_decided_one_once(apps: tuple[Any, Any]) -> None:
    lane, _ = apps
    store = lane.extensions["ereje.store"]
    status, _, problem = _answer(lane, ENDPOINT, f"as_of={AS_OF}", None, _json(_invalid()))
    assert status == 422 and problem["type"].endswith("/invalid-case")
    status, _, answer = _answer(lane, ENDPOINT, f"as_of={AS_OF}", None, _json(CASE))
    assert status == 201
    from web.store import DecisionQuery

    logged = store.list_decisions(DecisionQuery(caller="hr-system"))
    assert [r.decision_id for r in logged] == [answer["decision_id"]]


def test_a_log_failure_is_the_same_503(apps: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    answers = []
    for app in apps:
        def fail(records: Any) -> None:
            raise StoreError("disk full")

        monkeypatch.setattr(app.extensions["ereje.store"], "record", fail)
        answers.append(_comparable(*_answer(app, ENDPOINT, f"as_of={AS_OF}&lang=kk", None, _json(CASE))))
    assert answers[0] == answers[1]
    assert answers[0][0] == 503


@pytest.mark.parametrize("sent", [10, 0])
def test_a_body_shorter_than_its_length_is_refused_as_flask_refuses_it(
    apps: tuple[Any, Any], sent: int
) -> None:
    body = _json(CASE)
    answers = []
    for app in apps:
        environ = {"CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": JSON}
        answers.append(_comparable(*_answer(
            app, ENDPOINT, f"as_of={AS_OF}", {**AUTH, "Content-Type": JSON}, b"",
            input_stream=io.BytesIO(body[:sent]), environ_overrides=environ,
        )))
    assert answers[0] == answers[1]
    assert answers[0][0] == 400


def test_chunked_and_oversized_bodies_go_to_flask(apps: tuple[Any, Any], flask_calls: list[str]) -> None:
    body = _json(CASE)
    for app in apps:
        app.config["MAX_CONTENT_LENGTH"] = len(body) - 1
    answers = [_comparable(*_answer(app, ENDPOINT, f"as_of={AS_OF}", None, body)) for app in apps]
    assert answers[0] == answers[1] and answers[0][0] == 413
    chunked = []
    for app in apps:
        response = app.test_client().post(
            ENDPOINT, query_string=f"as_of={AS_OF}", input_stream=io.BytesIO(body),
            headers={**AUTH, "Content-Type": JSON, "Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
        )
        chunked.append((response.status_code, response.get_json()))
    assert chunked[0] == chunked[1] and chunked[0][0] == 413
    assert len(flask_calls) == 2


def test_a_request_the_lane_cannot_read_goes_to_flask(
    apps: tuple[Any, Any], flask_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while the lane looks at a request (here the token registry) is not a 500
    from the lane: Flask answers, as it would have without the lane."""
    lane = apps[0]
    for app in apps:
        app.config["MAX_CONTENT_LENGTH"] = None  # Flask's "no limit"
    status, _, _ = _answer(lane, ENDPOINT, f"as_of={AS_OF}", None, _json(CASE))
    assert status == 201 and flask_calls == []

    def broken(token: str) -> Any:
        raise RuntimeError("registry unreadable")

    answers = []
    for app in apps:
        monkeypatch.setattr(app.extensions["ereje.tokens"], "authenticate", broken)
        answers.append(_comparable(*_answer(app, ENDPOINT, f"as_of={AS_OF}", None, _json(CASE))))
    assert answers[0] == answers[1] and answers[0][0] == 500
    assert flask_calls == [ENDPOINT]
