"""`view=compact` beside the full answer: single, batch and read-back, one log for both."""

from __future__ import annotations

from typing import Any

from webfixtures import AS_OF, AUTH

from web.answers import COMPACT_MEMBERS
from web.problems import PROBLEM_BASE
from web.store import get_store

URL = f"/v1/decisions/enrollment?as_of={AS_OF}"
BATCH = f"/v1/decisions/enrollment/batch?as_of={AS_OF}"


def test_compact_answer_is_the_full_answer_cut_down(client, case) -> None:
    full = client.post(URL, json=case, headers=AUTH).get_json()
    resp = client.post(URL + "&view=compact", json=case, headers=AUTH)
    assert resp.status_code == 201
    compact = resp.get_json()
    assert list(compact) == list(COMPACT_MEMBERS)
    assert resp.headers["Location"] == f"/v1/decisions/{compact['decision_id']}"
    for member in ("outcome", "citations", "values", "edition", "policy_hash", "warnings"):
        assert compact[member] == full[member]
    assert "clauses" not in compact and "facts" not in compact


def test_view_full_is_the_default(client, case) -> None:
    default = client.post(URL, json=case, headers=AUTH).get_json()
    full = client.post(URL + "&view=full", json=case, headers=AUTH).get_json()
    assert set(default) == set(full) and "clauses" in full


def test_the_log_keeps_the_full_answer_of_a_compact_request(client, app, case) -> None:
    compact = client.post(URL + "&view=compact", json=case, headers=AUTH).get_json()
    record = get_store(app).get(compact["decision_id"])
    assert record.answer["clauses"] and "facts" in record.answer
    read = f"/v1/decisions/{compact['decision_id']}"
    full_back = client.get(read, headers=AUTH).get_json()["answer"]
    assert full_back["clauses"][0]["text"]
    assert {k: full_back[k] for k in COMPACT_MEMBERS} == compact
    compact_back = client.get(read + "?view=compact", headers=AUTH).get_json()
    assert compact_back["answer"] == compact
    assert compact_back["recheck"]["status"] == "same"


def test_compact_batch(client, app, case) -> None:
    bad = {"employee": {}}
    body = client.post(BATCH + "&view=compact", json=[case, bad], headers=AUTH).get_json()
    assert [r["status"] for r in body["results"]] == [201, 422]
    decision = body["results"][0]["decision"]
    assert list(decision) == list(COMPACT_MEMBERS)
    assert decision["decision_id"] in get_store(app).ids()


def test_unknown_view_is_400_before_anything_is_decided(client, app, case) -> None:
    before = get_store(app).ids()
    for url in (URL + "&view=short", BATCH + "&view=short"):
        resp = client.post(url, json=[case] if "batch" in url else case, headers=AUTH)
        assert resp.status_code == 400
        body: dict[str, Any] = resp.get_json(force=True)
        assert body["type"] == PROBLEM_BASE + "invalid-parameter" and body["parameter"] == "view"
    assert get_store(app).ids() == before
