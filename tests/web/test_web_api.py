"""Every endpoint and every error class over HTTP (Flask test client, real engine, shipped
policies). The client checks each response against web/openapi.yaml as well."""

from __future__ import annotations

import json
from typing import Any

import pytest
from webfixtures import AS_OF, AUTH, CASE, OTHER_TOKEN, REVOKED_TOKEN

from web.ids import is_id, new_id
from web.problems import PROBLEM_BASE
from web.store import case_digest, get_store

ACT = "U1300000624"
URL = f"/v1/decisions/enrollment?as_of={AS_OF}"


def problem(resp: Any, status: int, slug: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_data(as_text=True)[:2000]
    assert resp.mimetype == "application/problem+json"
    body = resp.get_json(force=True)
    assert body["type"] == PROBLEM_BASE + slug
    assert "Traceback" not in resp.get_data(as_text=True)
    return body


def logged(app: Any) -> set[str]:
    return get_store(app).ids()


def outcomes(app: Any) -> set[str]:
    from web.policies import get_holder

    spec = get_holder(app).snapshot.library.acts[ACT].decisions["enrollment"]
    return set(spec.outcome_ids)


# -- acts ----------------------------------------------------------------------------------
def test_list_acts(client) -> None:
    resp = client.get("/v1/acts", headers=AUTH)
    assert resp.status_code == 200
    body = resp.get_json()
    assert ACT in [a["act"] for a in body["acts"]]
    assert resp.headers["ETag"].startswith('"') and "policy_version" not in body


def test_act_has_clauses_texts_editions_and_case_schemas(client) -> None:
    body = client.get(f"/v1/acts/{ACT}", headers=AUTH).get_json()
    assert body["languages"]["kk"]["status"] == "authoritative"
    assert body["languages"]["en"]["status"] == "unofficial"
    assert "enrollment" in body["decisions"]
    assert body["decisions"]["enrollment"]["case_schema"]["type"] == "object"
    assert {e["amendment"] for e in body["editions"]} >= {"U2500000853"}
    assert all(e["policy_hash"] for e in body["editions"])
    texts = next(c for c in body["clauses"] if c["clause"] == "rules.8.1")["versions"][0]["texts"]
    assert texts["kk"]["status"] == "authoritative" and texts["en"]["status"] == "unofficial"
    # The Russian working translation: unofficial, the official text named on adilet.
    assert texts["ru"]["status"] == "unofficial" and texts["ru"]["text"].startswith("1) соответствующих")
    assert "adilet.zan.kz/rus/docs/U1300000624" in body["languages"]["ru"]["note"]


def test_clause(client) -> None:
    resp = client.get(f"/v1/acts/{ACT}/clauses/rules.8.1", headers=AUTH)
    body = resp.get_json()
    assert body["citation"] == f"{ACT}:rules.8.1"
    assert body["versions"][0]["texts"]["kk"]["text"]


def test_unknown_act_and_clause(client) -> None:
    body = problem(client.get("/v1/acts/U0000000000", headers=AUTH), 404, "unknown-act")
    assert ACT in body["known"]
    body = problem(
        client.get(f"/v1/acts/{ACT}/clauses/rules.8.l", headers=AUTH), 404, "unknown-clause"
    )
    assert "rules.8.1" in body["did_you_mean"]


def test_policy_reading_is_public_unless_configured(make_app) -> None:
    from spec_client import SpecCheckingClient

    private = make_app(EREJE_PUBLIC_READ=False)
    private.test_client_class = SpecCheckingClient
    problem(private.test_client().get("/v1/acts"), 401, "unauthorized")
    public = make_app()  # the default: public, as the pages
    public.test_client_class = SpecCheckingClient
    c = public.test_client()
    assert c.get("/v1/acts").status_code == 200
    assert c.get(f"/v1/acts/{ACT}/clauses/rules.8.1").status_code == 200
    # Public reading does not open the decision endpoints.
    problem(c.post(URL, json={}), 401, "unauthorized")


# -- one decision --------------------------------------------------------------------------
def test_decide_answers_and_logs_before_answering(client, app, case) -> None:
    resp = client.post(URL, json=case, headers=AUTH)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert is_id(body["decision_id"])
    assert resp.headers["Location"] == f"/v1/decisions/{body['decision_id']}"
    assert body["outcome"] in outcomes(app)
    assert body["as_of"] == AS_OF and body["act"] == ACT and body["question"] == "enrollment"
    assert body["policy_hash"].startswith("sha256:")
    assert body["edition"]["act"] == ACT
    assert body["citations"] and all(c.startswith("rules.") for c in body["citations"])
    assert body["case_sha256"] == case_digest(case)
    assert "trace" not in body
    record = get_store(app).get(body["decision_id"])
    assert record.caller == "hr-system"
    assert record.case == case
    # Logged compactly (no column duplicates, no statute texts) and rebuilt exactly on reading.
    assert "decision_id" not in record.answer
    assert all("text" not in c for c in record.answer["clauses"])
    from web.answers import full_answer
    from web.policies import get_holder

    assert full_answer(record, get_holder(app).snapshot.library.acts) == body
    assert record.outcome == body["outcome"] and record.policy_hash == body["policy_hash"]


def test_explain_and_lang(client, case) -> None:
    body = client.post(URL + "&explain=true&lang=en", json=case, headers=AUTH).get_json()
    assert body["trace"]
    assert body["lang"] == "en"
    assert body["clauses"][0]["lang"] == "en"
    assert body["clauses"][0]["language_status"] == "unofficial"


def test_envelope_carries_the_parameters(client, case) -> None:
    resp = client.post(
        "/v1/decisions/enrollment",
        json={"case": case, "as_of": AS_OF, "act": ACT, "explain": True},
        headers=AUTH,
    )
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["as_of"] == AS_OF and body["trace"]
    # Same value both ways is fine; different values are refused.
    ok = client.post(URL, json={"case": case, "as_of": AS_OF}, headers=AUTH)
    assert ok.status_code == 201
    body = problem(
        client.post(URL, json={"case": case, "as_of": "2025-01-01"}, headers=AUTH),
        400, "invalid-parameter",
    )
    assert body["parameter"] == "as_of"


def test_as_of_defaults_to_today(client, case) -> None:
    resp = client.post("/v1/decisions/enrollment", json=case, headers=AUTH)
    assert resp.status_code in (201, 422)  # 422 only if no edition covers today


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("as_of=2025-13-01", "as_of"),
        ("as_of=2025-02-30", "as_of"),
        ("as_of=2025-6-1", "as_of"),
        ("as_of=tomorrow", "as_of"),
        ("as_of=", "as_of"),
        ("explain=perhaps", "explain"),
        ("lang=xx", "lang"),
        ("lang=EN!", "lang"),
    ],
)
def test_invalid_parameters_are_400(client, case, query: str, parameter: str) -> None:
    body = problem(
        client.post(f"/v1/decisions/enrollment?{query}", json=case, headers=AUTH),
        400, "invalid-parameter",
    )
    assert body["parameter"] == parameter


def test_unknown_question_and_act_are_404(client, case) -> None:
    body = problem(
        client.post(f"/v1/decisions/enrolment?as_of={AS_OF}", json=case, headers=AUTH),
        404, "unknown-question",
    )
    assert "enrollment" in body["known"]
    problem(client.post(URL + "&act=U0000000000", json=case, headers=AUTH), 404, "unknown-act")


def test_invalid_case_is_422_with_pointers(client, app, case) -> None:
    case["employee"]["service_years"] = -1
    del case["nomination"]
    before = logged(app)
    body = problem(client.post(URL, json=case, headers=AUTH), 422, "invalid-case")
    pointers = {e["pointer"] for e in body["errors"]}
    assert "/employee/service_years" in pointers
    assert any(p in ("", "/", "/nomination") for p in pointers)
    assert logged(app) == before


def test_case_that_is_not_an_object_is_422(client) -> None:
    for body in ("[]", '"text"', "3", "null"):
        problem(client.post(URL, data=body, content_type="application/json", headers=AUTH),
                422, "invalid-case")


def test_date_before_any_edition_is_422(client, case) -> None:
    problem(
        client.post("/v1/decisions/enrollment?as_of=1990-01-01", json=case, headers=AUTH),
        422, "edition-not-in-force",
    )


def test_body_errors(client, app, case) -> None:
    before = logged(app)
    problem(client.post(URL, data="{", content_type="application/json", headers=AUTH),
            400, "malformed-json")
    problem(client.post(URL, data=json.dumps(case), content_type="text/plain", headers=AUTH),
            415, "unsupported-media-type")
    problem(client.post(URL, data=json.dumps(case), headers=AUTH), 415, "unsupported-media-type")
    deep = "[" * 100 + "]" * 100
    problem(client.post(URL, data=deep, content_type="application/json", headers=AUTH),
            400, "json-too-deep")
    assert logged(app) == before


def test_size_limit(make_app, case) -> None:
    app = make_app(MAX_CONTENT_LENGTH=2000)
    c = app.test_client()
    case["target_position"]["title"] = "x" * 3000
    problem(c.post(URL, json=case, headers=AUTH), 413, "payload-too-large")


@pytest.mark.parametrize(
    "headers, error",
    [
        ({}, None),
        ({"Authorization": "Bearer nope"}, "invalid_token"),
        ({"Authorization": f"Bearer {REVOKED_TOKEN}"}, "invalid_token"),
        ({"Authorization": "Token abc"}, "invalid_request"),
    ],
)
def test_no_wrong_or_revoked_token_is_401_and_nothing_logged(
    client, app, case, headers: dict, error: str | None
) -> None:
    before = logged(app)
    resp = client.post(URL, json=case, headers=headers)
    problem(resp, 401, "unauthorized")
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert (f'error="{error}"' in resp.headers["WWW-Authenticate"]) if error else True
    assert logged(app) == before
    problem(client.post(URL.replace("?", "/batch?"), json=[case], headers=headers),
            401, "unauthorized")
    problem(client.get(f"/v1/decisions/{new_id()}", headers=headers), 401, "unauthorized")
    assert logged(app) == before


def test_wrong_method_and_unknown_route(client) -> None:
    resp = client.get("/v1/decisions/enrollment/batch", headers=AUTH)
    problem(resp, 405, "method-not-allowed")
    assert "POST" in resp.headers["Allow"]
    problem(client.delete("/v1/acts", headers=AUTH), 405, "method-not-allowed")
    problem(client.get("/v2/anything"), 404, "not-found")


def test_store_failure_is_503_and_no_answer(app, client, case) -> None:
    from pgcluster import free_port

    from web.store import open_store

    app.extensions["ereje.store"] = open_store(
        f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"
    )
    body = problem(client.post(URL, json=case, headers=AUTH), 503, "store-unavailable")
    assert "decision_id" not in body
    body = problem(client.get("/readyz"), 503, "not-ready")
    assert body["store"]["writable"] is False


# -- batch ---------------------------------------------------------------------------------
BATCH = f"/v1/decisions/enrollment/batch?as_of={AS_OF}"


def test_batch_json_array_answers_each_case_in_order(client, app, case) -> None:
    bad = json.loads(json.dumps(case))
    bad["employee"]["service_years"] = "many"
    envelope = {"case": case, "as_of": "1990-01-01"}
    resp = client.post(BATCH, json=[case, bad, case, envelope, [1] * 3], headers=AUTH)
    assert resp.status_code == 200
    body = resp.get_json()
    assert (body["count"], body["decided"], body["refused"]) == (5, 2, 3)
    statuses = [r["status"] for r in body["results"]]
    assert statuses == [201, 422, 201, 422, 422]
    assert [r["index"] for r in body["results"]] == list(range(5))
    assert body["results"][1]["problem"]["errors"][0]["pointer"] == "/employee/service_years"
    assert body["results"][3]["problem"]["type"].endswith("/edition-not-in-force")
    ids = {r["decision"]["decision_id"] for r in body["results"] if r["status"] == 201}
    assert len(ids) == 2 and ids <= logged(app)


def test_batch_json_lines_with_a_broken_line(client, app, case) -> None:
    lines = "\n".join([json.dumps(case), "{not json", "", json.dumps(case)]) + "\n"
    resp = client.post(BATCH, data=lines, content_type="application/x-ndjson", headers=AUTH)
    body = resp.get_json()
    assert [r["status"] for r in body["results"]] == [201, 400, 201]
    assert body["results"][1]["problem"]["type"].endswith("/malformed-json")


def test_batch_limits(make_app, case) -> None:
    app = make_app(EREJE_BATCH_MAX_CASES=3, EREJE_BATCH_MAX_BYTES=20_000)
    c = app.test_client()
    body = problem(c.post(BATCH, json=[case] * 4, headers=AUTH), 413, "batch-too-large")
    assert body["max_cases"] == 3
    lines = "\n".join(json.dumps(case) for _ in range(4))
    problem(c.post(BATCH, data=lines, content_type="application/x-ndjson", headers=AUTH),
            413, "batch-too-large")
    case["target_position"]["title"] = "x" * 25_000
    problem(c.post(BATCH, json=[case], headers=AUTH), 413, "payload-too-large")
    # The batch's byte limit, not the single-case one, applies to batches.
    small = make_app(MAX_CONTENT_LENGTH=1000).test_client()
    three = json.loads(json.dumps([CASE] * 3))
    assert len(json.dumps(three)) > 1000
    assert small.post(BATCH, json=three, headers=AUTH).status_code == 200


def test_batch_errors(client, case) -> None:
    problem(client.post(BATCH, json={"not": "a list"}, headers=AUTH), 400, "malformed-request")
    problem(client.post(BATCH, data="[", content_type="application/json", headers=AUTH),
            400, "malformed-json")
    problem(client.post(BATCH, data="x", content_type="text/csv", headers=AUTH),
            415, "unsupported-media-type")
    problem(client.post(BATCH.replace("enrollment", "nope"), json=[case], headers=AUTH),
            404, "unknown-question")
    problem(client.post(BATCH.replace(AS_OF, "2025-02-31"), json=[case], headers=AUTH),
            400, "invalid-parameter")
    deep = [case, {"case": [[[[[[[[1]]]]]]]]}]
    body = client.post(BATCH, json=deep, headers=AUTH).get_json()
    assert body["results"][1]["status"] == 422


# -- reading back --------------------------------------------------------------------------
def test_get_decision_rechecks_it(client, case) -> None:
    answer = client.post(URL, json=case, headers=AUTH).get_json()
    resp = client.get(f"/v1/decisions/{answer['decision_id']}", headers=AUTH)
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["answer"] == answer and body["case"] == case
    assert body["caller"] == "hr-system" and body["purged_at"] is None
    assert body["recheck"]["status"] == "same"
    assert body["recheck"]["outcome"] == answer["outcome"]


def test_decisions_are_private_to_their_caller(client, case) -> None:
    answer = client.post(URL, json=case, headers=AUTH).get_json()
    other = {"Authorization": f"Bearer {OTHER_TOKEN}"}
    problem(client.get(f"/v1/decisions/{answer['decision_id']}", headers=other),
            404, "unknown-decision")


def test_unknown_and_malformed_decision_ids(client) -> None:
    problem(client.get(f"/v1/decisions/{new_id()}", headers=AUTH), 404, "unknown-decision")
    problem(client.get("/v1/decisions/../../etc", headers=AUTH), 404, "not-found")
    problem(client.get("/v1/decisions/not-an-id", headers=AUTH), 404, "unknown-decision")


def test_purged_decision_keeps_the_audit_trail(client, app, case) -> None:
    import datetime as dt

    from web.store import utcnow

    answer = client.post(URL, json=case, headers=AUTH).get_json()
    assert get_store(app).purge(utcnow() + dt.timedelta(seconds=1)) >= 1
    body = client.get(f"/v1/decisions/{answer['decision_id']}", headers=AUTH).get_json()
    assert body["case"] is None and body["answer"] is None and body["purged_at"]
    assert body["outcome"] == answer["outcome"]
    assert body["policy_hash"] == answer["policy_hash"]
    assert body["case_sha256"] == answer["case_sha256"]
    assert body["recheck"]["status"] == "case_purged"


def test_recheck_after_the_policy_changed(client, app, case, tmp_path) -> None:
    """Editing the edition a decision used makes its hash unavailable after the superseded
    versions are gone; while this process still holds them, the re-check uses them."""
    import shutil

    from web.policies import PolicyHolder, get_holder

    answer = client.post(URL, json=case, headers=AUTH).get_json()
    copy = tmp_path / "policies"
    shutil.copytree(get_holder(app).path, copy)
    edited = next((copy / ACT / "clauses").glob("rules-ch2.yaml"))
    text = edited.read_text()
    assert "service_years >=" in text
    edited.write_text(text.replace("service_years >=", "service_years + 0 >="))
    # A holder that never saw the original: the recorded hash is not loadable here.
    from webfixtures import cached_loader

    fresh = PolicyHolder(copy, cached_loader, keep=0)
    assert fresh.reload()
    app.extensions["ereje.policies"] = fresh
    body = client.get(f"/v1/decisions/{answer['decision_id']}", headers=AUTH).get_json()
    assert body["recheck"]["status"] == "policy_unavailable"
    assert body["recheck"]["current"]["outcome"] == answer["outcome"]
    assert body["recheck"]["current"]["policy_hash"] != answer["policy_hash"]
    # The same holder reloading from the original keeps the edited one as history: same.
    holder = PolicyHolder(copy, cached_loader, keep=2)
    edited.write_text(text)
    holder.reload()
    edited.write_text(text.replace("service_years >=", "service_years + 0 >="))
    holder.reload()
    app.extensions["ereje.policies"] = holder
    body = client.get(f"/v1/decisions/{answer['decision_id']}", headers=AUTH).get_json()
    assert body["recheck"]["status"] == "same"


def test_the_service_on_postgresql(make_app, pg_cluster, case) -> None:
    """The same service with EREJE_DATABASE_URL=postgresql://… (a real server)."""
    from spec_client import SpecCheckingClient

    app = make_app(EREJE_DATABASE_URL=pg_cluster.create_database("ereje_http"))
    app.test_client_class = SpecCheckingClient
    c = app.test_client()
    answer = c.post(URL, json=case, headers=AUTH).get_json()
    body = c.get(f"/v1/decisions/{answer['decision_id']}", headers=AUTH).get_json()
    assert body["answer"] == answer and body["recheck"]["status"] == "same"
    batch = c.post(BATCH, json=[case, case], headers=AUTH).get_json()
    assert batch["decided"] == 2
    ready = c.get("/readyz").get_json()
    assert ready["store"] == {"backend": "postgresql", "writable": True, "schema_version": 2}


# -- operations ----------------------------------------------------------------------------
def test_healthz_and_readyz(client, app) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    body = client.get("/readyz").get_json()
    assert body["status"] == "ready"
    assert body["policies"]["version"] and body["policies"]["last_reload_error"] is None
    assert body["policies"]["acts"][ACT]["policy_hash"].startswith("sha256:")
    assert body["store"] == {"backend": "sqlite", "writable": True, "schema_version": 2}


def test_readyz_reports_a_refused_reload(client, app, tmp_path) -> None:
    import shutil

    from webfixtures import cached_loader

    from web.policies import PolicyHolder

    copy = tmp_path / "policies"
    shutil.copytree(app.extensions["ereje.policies"].path, copy)
    holder = PolicyHolder(copy, cached_loader)
    holder.reload()
    app.extensions["ereje.policies"] = holder
    live = holder.snapshot.version
    (copy / ACT / "act.yaml").write_text("id: [unclosed\n")
    assert holder.reload() is False
    # Anyone learns that the reload was refused, not where the tree is nor why.
    body = client.get("/readyz").get_json()
    assert body["status"] == "ready" and body["policies"]["version"] == live
    error = body["policies"]["last_reload_error"]
    assert error["version"] and "act.yaml" not in json.dumps(error)
    assert str(copy) not in json.dumps(body) and "directory" not in body["policies"]
    # A caller with a token reads the drafters' details.
    body = client.get("/readyz", headers=AUTH).get_json()
    assert "act.yaml" in json.dumps(body["policies"]["last_reload_error"])
    assert body["policies"]["directory"] == str(copy)


def test_no_policy_at_all_is_503(make_app, tmp_path, case) -> None:
    from spec_client import SpecCheckingClient

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "X").mkdir()
    (empty / "X" / "act.yaml").write_text("not: an act\n")
    app = make_app(EREJE_POLICIES=str(empty))
    app.test_client_class = SpecCheckingClient
    c = app.test_client()
    problem(c.post(URL, json=case, headers=AUTH), 503, "policy-unavailable")
    problem(c.get("/v1/acts", headers=AUTH), 503, "policy-unavailable")
    body = problem(c.get("/readyz"), 503, "not-ready")
    assert body["policies"]["loaded"] is False and body["policies"]["last_reload_error"]


def test_openapi_json_is_served(client) -> None:
    body = client.get("/openapi.json").get_json()
    assert body["openapi"].startswith("3.1")
