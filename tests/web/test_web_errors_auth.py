"""Steps that need no engine: problem+json for every error class, JSON limits, bearer tokens.

A tiny app assembled from the same `init_app` functions as the real one, so these tests pin
the behaviour of `web.problems`, `web.bodies`, `web.jsonio` and `web.auth` on their own.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from flask import Flask, g, request

from web import auth, bodies, config, jsonio, problems
from web.auth import TokenConfigError, hash_token, parse_tokens_env, parse_tokens_file
from web.problems import PROBLEM_BASE, Problem, say

TOKEN = "s3cret-token"


def mini_app(**cfg: object) -> Flask:
    app = Flask("mini")
    config.init_app(app, {"EREJE_TOKENS": f"hr-system:{hash_token(TOKEN)}", **cfg})
    problems.init_app(app)
    auth.init_app(app)

    @app.post("/echo")
    def echo():
        return jsonio.json_response(bodies.read_json(request, app.config["EREJE_MAX_JSON_DEPTH"]))

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals /etc/passwd")

    @app.get("/teapot")
    def teapot():
        raise Problem("invalid-case", say("problem.detail.case_invalid", count=1),
                      errors=[{"pointer": "/a", "message": "m"}], x=1)

    @app.get("/engine/<kind>")
    def engine_error(kind: str):
        from engine import errors as ee

        raise {
            "case": ee.CaseError(
                [ee.CaseProblem("/employee/age", "must be ≥ 18", kind="minimum", params=(("limit", 18),))]
            ),
            "act": ee.UnknownAct("X", ["U1300000624"]),
            "question": ee.UnknownQuestion("nope", ["enrollment"]),
            "edition": ee.EditionError("no edition before 2013-08-28"),
            "calendar": ee.CalendarError("2200 is outside the calendar"),
            "limit": ee.EvaluationLimit("date past 9999"),
            "policy": ee.PolicyError([ee.PolicyIssue(file="a.yaml", message="boom")]),
            "other": type("FutureError", (ee.ErejeError,), {})("a new kind of refusal"),
        }[kind]

    @app.get("/private")
    @auth.require_token
    def private():
        return {"caller": g.caller}

    @app.get("/read")
    @auth.read_access
    def read():
        return {"ok": True}

    return app


@pytest.fixture
def client():
    return mini_app().test_client()


def assert_problem(resp, status: int, slug: str) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/problem+json"
    body = resp.get_json(force=True)
    assert body["type"] == PROBLEM_BASE + slug
    assert body["status"] == status
    assert body["title"] and isinstance(body["detail"], str)
    assert "Traceback" not in resp.get_data(as_text=True)
    return body


# -- problems ----------------------------------------------------------------------------
def test_unknown_route_is_a_404_problem(client) -> None:
    assert_problem(client.get("/nowhere"), 404, "not-found")


def test_wrong_method_is_a_405_problem_with_allow(client) -> None:
    resp = client.get("/echo")
    assert_problem(resp, 405, "method-not-allowed")
    assert "POST" in resp.headers["Allow"]


def test_wrong_content_type_is_415(client) -> None:
    body = assert_problem(
        client.post("/echo", data="a=1", content_type="application/x-www-form-urlencoded"),
        415, "unsupported-media-type",
    )
    assert "application/json" in body["accepted"]
    assert_problem(client.post("/echo", data="{}"), 415, "unsupported-media-type")


def test_problem_json_suffix_types_are_json(client) -> None:
    resp = client.post("/echo", data="{}", content_type="application/vnd.ereje+json")
    assert resp.status_code == 200


@pytest.mark.parametrize(
    "raw, phrase",
    [
        (b"{", "line 1, column 2"),
        (b'{"a": NaN}', "NaN"),
        (b'{"a": Infinity}', "Infinity"),
        (b"\xff\xfe", "not UTF-8"),
        (b"", "line 1, column 1"),
    ],
)
def test_bad_json_is_a_400_problem(client, raw: bytes, phrase: str) -> None:
    body = assert_problem(
        client.post("/echo?lang=en", data=raw, content_type="application/json"), 400, "malformed-json"
    )
    assert phrase in body["detail"]


def test_depth_limit(client) -> None:
    ok = "[" * 64 + "]" * 64
    assert client.post("/echo", data=ok, content_type="application/json").status_code == 200
    deep = "[" * 65 + "]" * 65
    body = assert_problem(
        client.post("/echo", data=deep, content_type="application/json"), 400, "json-too-deep"
    )
    assert body["max_depth"] == 64
    # Far past Python's recursion limit: still a 400, not a 500.
    abyss = '{"a":' * 100_000 + "1" + "}" * 100_000
    assert_problem(
        client.post("/echo", data=abyss, content_type="application/json"), 400, "json-too-deep"
    )


def test_size_limit_is_413() -> None:
    c = mini_app(MAX_CONTENT_LENGTH=100).test_client()
    resp = c.post("/echo", data=json.dumps({"a": "x" * 200}), content_type="application/json")
    assert_problem(resp, 413, "payload-too-large")


def test_unexpected_error_is_a_bare_500_and_logged(client, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="ereje.web"):
        resp = client.get("/boom")
    body = assert_problem(resp, 500, "internal-error")
    assert "secret internals" not in resp.get_data(as_text=True)
    assert "RuntimeError" not in json.dumps(body)
    assert any("secret internals" in (r.exc_text or "") for r in caplog.records)


def test_problem_carries_errors_and_extensions(client) -> None:
    body = assert_problem(client.get("/teapot"), 422, "invalid-case")
    assert body["errors"] == [{"pointer": "/a", "message": "m"}]
    assert body["x"] == 1


@pytest.mark.parametrize(
    "kind, status, slug",
    [
        ("case", 422, "invalid-case"),
        ("act", 404, "unknown-act"),
        ("question", 404, "unknown-question"),
        ("edition", 422, "edition-not-in-force"),
        ("calendar", 422, "calendar-out-of-range"),
        ("limit", 422, "evaluation-limit"),
        ("policy", 503, "policy-unavailable"),
        ("other", 422, "decision-refused"),
    ],
)
def test_engine_errors_map_to_problems(client, kind: str, status: int, slug: str) -> None:
    body = assert_problem(client.get(f"/engine/{kind}"), status, slug)
    if kind == "case":
        assert body["errors"] == [
            {"pointer": "/employee/age", "kind": "minimum", "message": "«age»: кемінде 18 болуы тиіс."}
        ]
    if kind in ("act", "question"):
        assert body["known"]


def test_unknown_problem_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not a problem kind"):
        Problem("no-such-kind", say("problem.detail.internal"))


def test_a_detail_is_a_catalogue_message() -> None:
    with pytest.raises(TypeError, match="catalogue message"):
        Problem("internal-error", "an English sentence")


def test_lone_surrogates_are_refused_and_pairs_kept(client) -> None:
    body = assert_problem(
        client.post("/echo?lang=en", data='{"a": ["\\ud800"]}', content_type="application/json"),
        400, "malformed-json",
    )
    assert "surrogate" in body["detail"]
    resp = client.post("/echo", data='{"\\ud83d\\ude00": 1}', content_type="application/json")
    assert resp.get_json() == {"😀": 1}
    # A backslash followed by "ud800" is not an escape: kept as text.
    resp = client.post("/echo", data='{"a": "\\\\ud800"}', content_type="application/json")
    assert resp.get_json() == {"a": "\\ud800"}


# -- auth --------------------------------------------------------------------------------
def test_valid_token_names_the_caller(client) -> None:
    resp = client.get("/private", headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 200 and resp.get_json() == {"caller": "hr-system"}
    resp = client.get("/private", headers={"Authorization": f"bearer   {TOKEN} "})
    assert resp.status_code == 200


@pytest.mark.parametrize(
    "header, error",
    [
        (None, None),
        ("Bearer", "invalid_request"),
        ("Basic dXNlcjpwYXNz", "invalid_request"),
        ("Bearer wrong", "invalid_token"),
        (f"Bearer {hash_token(TOKEN)}", "invalid_token"),  # the hash is not the token
    ],
)
def test_missing_or_wrong_token_is_401(client, header: str | None, error: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    resp = client.get("/private", headers=headers)
    assert_problem(resp, 401, "unauthorized")
    challenge = resp.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="ereje"')
    assert (f'error="{error}"' in challenge) if error else ("error=" not in challenge)


def test_revoked_token_is_401(tmp_path: Path) -> None:
    f = tmp_path / "tokens.yaml"
    f.write_text(
        f"- caller: old-system\n  token_sha256: {hash_token('old')}\n  revoked: true\n"
        f"- caller: new-system\n  token_sha256: {hash_token('new').upper()}\n"
    )
    c = mini_app(EREJE_TOKENS_FILE=str(f), EREJE_TOKENS=None).test_client()
    body = assert_problem(
        c.get("/private?lang=ru", headers={"Authorization": "Bearer old"}), 401, "unauthorized"
    )
    assert body["detail"] == "Токен отозван."
    assert c.get("/private", headers={"Authorization": "Bearer new"}).get_json() == {
        "caller": "new-system"
    }


def test_read_access_is_public_unless_configured() -> None:
    assert mini_app().test_client().get("/read").status_code == 200  # public by default
    assert mini_app(EREJE_PUBLIC_READ=False).test_client().get("/read").status_code == 401


def test_no_tokens_configured_refuses_everyone() -> None:
    c = mini_app(EREJE_TOKENS=None).test_client()
    assert_problem(c.get("/private", headers={"Authorization": "Bearer x"}), 401, "unauthorized")


def test_tokens_file_json_and_mapping_forms(tmp_path: Path) -> None:
    f = tmp_path / "tokens.json"
    f.write_text(json.dumps({"tokens": [{"caller": "a", "token_sha256": hash_token("t")}]}))
    assert [e.caller for e in parse_tokens_file(f)] == ["a"]


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("- caller: a\n  token_sha256: plain-token\n", "64 hex digits"),
        ("- caller: 'has space'\n  token_sha256: " + "a" * 64 + "\n", "caller"),
        ("- caller: a\n  token_sha256: " + "a" * 64 + "\n  revoked: 'yes'\n", "revoked"),
        ("- caller: a\n  token: x\n", "unknown key"),
        ("caller: a\n", "expected a list"),
        ("[unclosed\n", "not valid YAML"),
    ],
)
def test_bad_tokens_file_is_refused_with_the_entry(tmp_path: Path, text: str, phrase: str) -> None:
    f = tmp_path / "tokens.yaml"
    f.write_text(text)
    with pytest.raises(TokenConfigError, match=phrase):
        parse_tokens_file(f)


def test_tokens_env() -> None:
    digest = hash_token("t")
    entries = parse_tokens_env(f"a:{digest}, b:{digest},")
    assert [e.caller for e in entries] == ["a", "b"]
    with pytest.raises(TokenConfigError, match="caller:sha256hex"):
        parse_tokens_env("just-a-token")


def test_reload_keeps_old_tokens_on_a_broken_file(tmp_path: Path) -> None:
    f = tmp_path / "tokens.yaml"
    f.write_text(f"- caller: a\n  token_sha256: {hash_token('t')}\n")
    reg = auth.TokenRegistry(str(f), None)
    f.write_text("- caller: a\n  token_sha256: nope\n")
    reg.reload()
    assert reg.authenticate("t").caller == "a"
    f.write_text(f"- caller: b\n  token_sha256: {hash_token('u')}\n")
    reg.reload()
    assert reg.authenticate("t") is None and reg.authenticate("u").caller == "b"


def test_bad_setting_is_named() -> None:
    with pytest.raises(config.ConfigError, match="EREJE_MAX_JSON_DEPTH"):
        config.load({"EREJE_MAX_JSON_DEPTH": "-3"})
    with pytest.raises(config.ConfigError, match="EREJE_PUBLIC_READ"):
        config.load({"EREJE_PUBLIC_READ": "maybe"})
