"""GET /v1/decisions (a caller's own, paged by cursor) and the JSON-lines export; public /v1/acts;
old policy hashes still re-check. Store queries on every backend; HTTP against the spec."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_web_store import make_record
from webfixtures import AS_OF, AUTH, CASE, OTHER_TOKEN, POLICIES

from web.store import DecisionQuery, get_store

URL = f"/v1/decisions/enrollment?as_of={AS_OF}"
OTHER = {"Authorization": f"Bearer {OTHER_TOKEN}"}
T0 = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)


# ---- the store query, on SQLite, SQLite through the log writer, and PostgreSQL ------------------


def test_store_lists_one_callers_decisions_in_order_with_keyset_paging(store) -> None:
    mine = [make_record(recorded_at=T0 + dt.timedelta(minutes=i)) for i in range(5)]
    same_moment = make_record(recorded_at=T0 + dt.timedelta(minutes=2))  # ties broken by id
    other = make_record(caller="audit", recorded_at=T0)
    submission = make_record(recorded_at=T0 + dt.timedelta(minutes=9), question="submission")
    store.record([*reversed(mine), same_moment, other, submission])
    expected = sorted([*mine, same_moment, submission], key=lambda r: (r.recorded_at, r.decision_id))

    listed = store.list_decisions(DecisionQuery(caller="hr-system", limit=100))
    assert [r.decision_id for r in listed] == [r.decision_id for r in expected]
    assert listed[0].case == mine[0].case  # whole records

    seen, after = [], None
    while True:
        page = store.list_decisions(DecisionQuery(caller="hr-system", after=after, limit=3))
        seen += [r.decision_id for r in page]
        if len(page) < 3:
            break
        after = (page[-1].recorded_at, page[-1].decision_id)
    assert seen == [r.decision_id for r in expected]

    window = DecisionQuery(
        caller="hr-system", since=T0 + dt.timedelta(minutes=1), until=T0 + dt.timedelta(minutes=3)
    )
    assert {r.decision_id for r in store.list_decisions(window)} == {
        mine[1].decision_id, mine[2].decision_id, same_moment.decision_id
    }
    only = store.list_decisions(DecisionQuery(caller="hr-system", question="submission"))
    assert [r.decision_id for r in only] == [submission.decision_id]
    assert store.list_decisions(DecisionQuery(caller="nobody")) == []


# ---- over HTTP --------------------------------------------------------------------------------


def _decide(client: Any, n: int, headers: dict[str, str] = AUTH) -> list[str]:
    ids = []
    for _ in range(n):
        resp = client.post(URL, json=CASE, headers=headers)
        assert resp.status_code == 201, resp.get_data(as_text=True)
        ids.append(resp.get_json()["decision_id"])
    return ids


def test_listing_shows_only_the_callers_own_decisions(client: Any) -> None:
    mine = _decide(client, 3)
    theirs = _decide(client, 2, OTHER)
    body = client.get("/v1/decisions", headers=AUTH).get_json()
    assert [d["decision_id"] for d in body["decisions"]] == mine
    assert body["next_cursor"] is None
    first = body["decisions"][0]
    assert first["outcome"] == "eligible" and first["policy_hash"].startswith("sha256:")
    assert first["href"] == f"/v1/decisions/{mine[0]}" and first["purged"] is False
    assert "case" not in first and "answer" not in first
    other = client.get("/v1/decisions", headers=OTHER).get_json()
    assert [d["decision_id"] for d in other["decisions"]] == theirs


def test_cursor_paging_walks_every_decision_once(client: Any) -> None:
    ids = _decide(client, 5)
    seen, url, pages = [], "/v1/decisions?limit=2", 0
    while url:
        resp = client.get(url, headers=AUTH)
        body = resp.get_json()
        seen += [d["decision_id"] for d in body["decisions"]]
        pages += 1
        if body["next_cursor"]:
            assert resp.headers["Link"].endswith('; rel="next"')
            url = resp.headers["Link"][1 : resp.headers["Link"].index(">")]
            assert "limit=2" in url
        else:
            assert "Link" not in resp.headers
            url = None
    assert seen == ids and pages == 3


def test_filters_by_question_and_recorded_date(client: Any) -> None:
    ids = _decide(client, 2)
    today = dt.datetime.now(dt.UTC).date()
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()

    def listed(query: str) -> list[str]:
        resp = client.get(f"/v1/decisions?{query}", headers=AUTH)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return [d["decision_id"] for d in resp.get_json()["decisions"]]

    assert listed(f"from={today.isoformat()}&to={today.isoformat()}") == ids  # `to` is the whole day
    assert listed(f"to={yesterday}") == []
    assert listed(f"from={tomorrow}") == []
    assert listed("question=enrollment") == ids
    assert listed("question=submission") == []
    assert listed("from=2000-01-01T00:00:00Z") == ids


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=ten", "limit"),
        ("from=2025-13-01", "from"),
        ("from=2025-06-01T10:00:00", "from"),  # a time without a zone
        ("from=2025-06-02&to=2025-06-01", "to"),
        ("question=Not-A-Name", "question"),
        ("cursor=not-a-cursor", "cursor"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client: Any, query: str, parameter: str) -> None:
    resp = client.get(f"/v1/decisions?{query}", headers=AUTH)
    assert resp.status_code == 400 and resp.mimetype == "application/problem+json"
    assert resp.get_json()["parameter"] == parameter


def test_listing_and_export_need_a_token(client: Any) -> None:
    for url in ("/v1/decisions", "/v1/decisions/export"):
        resp = client.get(url)
        assert resp.status_code == 401 and resp.mimetype == "application/problem+json"


def test_export_streams_json_lines_of_the_stored_decisions(client: Any, app: Any, monkeypatch) -> None:
    import web.api_decision_list as listing

    ids = _decide(client, 5)
    _decide(client, 1, OTHER)
    monkeypatch.setattr(listing, "EXPORT_CHUNK", 2)  # five decisions: three reads of the log
    store = get_store(app)
    reads = []
    real = store.list_decisions
    monkeypatch.setattr(store, "list_decisions", lambda q: reads.append(q.limit) or real(q))

    resp = client.get("/v1/decisions/export", headers=AUTH)
    assert resp.status_code == 200 and resp.mimetype == "application/x-ndjson"
    lines = [json.loads(line) for line in resp.get_data(as_text=True).splitlines()]
    assert [d["decision_id"] for d in lines] == ids
    assert reads == [2, 2, 2]
    assert all(d["caller"] == "hr-system" and d["case"] == CASE for d in lines)
    assert lines[0]["answer"]["clauses"][0]["citation"]  # the answer as sent, texts restored

    # Streamed: the first line leaves after one read of the log, before the rest is read.
    reads.clear()
    from flask.testing import FlaskClient

    raw = FlaskClient(app).get("/v1/decisions/export", headers=AUTH, buffered=False)
    chunks = iter(raw.response)
    assert json.loads(next(chunks))["decision_id"] == ids[0] and reads == [2]
    assert len(list(chunks)) == 4 and reads == [2, 2, 2]
    raw.close()

    negotiated = client.get("/v1/decisions", headers={**AUTH, "Accept": "application/x-ndjson"})
    assert negotiated.mimetype == "application/x-ndjson"
    assert [json.loads(x)["decision_id"] for x in negotiated.get_data(as_text=True).splitlines()] == ids


# ---- reading the law needs no token -----------------------------------------------------------


def test_acts_are_public_by_default_and_decisions_are_not(client: Any) -> None:
    assert client.get("/v1/acts").status_code == 200
    clause = client.get("/v1/acts/U1300000624/clauses/rules.8.3")
    assert clause.status_code == 200
    assert clause.get_json()["cited_as"] == {
        "kk": "8-тармақтың 3) тармақшасы", "ru": "подпункт 3) пункта 8", "en": "paragraph 8, subparagraph 3)"
    }
    assert client.post(URL, json=CASE).status_code == 401


# ---- one policy hash: a decision logged before the Russian texts still re-checks -----------------


def _without_russian(tmp_path: Path) -> Path:
    root = tmp_path / "policies-before-ru"
    shutil.copytree(POLICIES, root)
    for path in root.rglob("*.yaml"):
        lines = path.read_text(encoding="utf-8").split("\n")
        kept, skip = [], False
        for line in lines:
            stripped = line.strip()
            if stripped == "ru: |-":
                skip = True
                continue
            if skip:
                skip = False
                continue
            kept.append(line)
        path.write_text("\n".join(kept), encoding="utf-8")
    return root


def test_a_hash_recorded_before_the_russian_texts_still_rechecks(client: Any, app: Any, tmp_path: Path) -> None:
    from engine import load_library

    before = load_library(_without_russian(tmp_path))
    old_hash = before.decide("enrollment", CASE, as_of=dt.date(2025, 6, 1)).policy_hash
    decision_id = _decide(client, 1)[0]
    stored = get_store(app).get(decision_id)
    assert stored is not None and stored.policy_hash != old_hash  # the texts are part of the hash
    from dataclasses import replace

    from web.ids import new_id

    legacy = replace(stored, decision_id=new_id(), policy_hash=old_hash)
    get_store(app).record([legacy])
    body = client.get(f"/v1/decisions/{legacy.decision_id}", headers=AUTH).get_json()
    assert body["recheck"]["status"] == "same"
    assert body["recheck"]["policy_hash"] == old_hash
