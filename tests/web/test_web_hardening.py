"""The service against an attacker and a heavy caller (issue 15): what each fix holds to.

Each test here failed before its fix: unauthenticated pages too costly to serve, chunked bodies
cut at the limit and decided, world-readable logs, unbounded batch answers, 500s.
"""

from __future__ import annotations

import json
from typing import Any

from webfixtures import AS_OF, AUTH

from web.problems import PROBLEM_BASE

URL = f"/v1/decisions/enrollment?as_of={AS_OF}"
BATCH = f"/v1/decisions/enrollment/batch?as_of={AS_OF}"


def problem(resp: Any, status: int, slug: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_data(as_text=True)[:2000]
    assert resp.mimetype == "application/problem+json"
    body = resp.get_json(force=True)
    assert body["type"] == PROBLEM_BASE + slug
    return body


# -- headers -------------------------------------------------------------------------------
def test_api_answers_are_not_sniffed_nor_stored(client, case) -> None:
    for resp in (
        client.post(URL, json=case, headers=AUTH),
        client.post(URL, json={"employee": 1}, headers=AUTH),  # a problem document
        client.post(URL, json=case),  # 401
        client.get("/readyz"),
        client.get("/v1/decisions/01M8XFVZE53GZ66SBEYMP6JADT", headers=AUTH),
    ):
        assert resp.headers["X-Content-Type-Options"] == "nosniff", resp.status_code
        assert resp.headers["Cache-Control"] == "no-store", resp.status_code
    # The law's texts are no one's data: cached, revalidated by their ETag.
    acts = client.get("/v1/acts", headers=AUTH)
    assert acts.headers["X-Content-Type-Options"] == "nosniff"
    assert acts.headers["Cache-Control"] == "no-cache" and acts.headers["ETag"]


def test_readyz_shows_no_path_to_anyone(client, app) -> None:
    holder = app.extensions["ereje.policies"]
    text = client.get("/readyz").get_data(as_text=True)
    assert str(holder.path) not in text and "directory" not in json.loads(text)["policies"]
    assert str(holder.path) in client.get("/readyz", headers=AUTH).get_data(as_text=True)
