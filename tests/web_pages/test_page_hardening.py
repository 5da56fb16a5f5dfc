"""The pages against an attacker (issue 15): no input reaches a 500, and the costly pages have
a bounded cost and can be closed to callers without a token."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ACT = "U1300000624"
CASE = json.loads(
    (Path(__file__).resolve().parents[1] / "web" / "data" / "enrollment_eligible.json").read_text()
)


def test_language_switch_with_a_newline_in_next_goes_home(client: Any) -> None:
    for target in ("/acts\n", "/acts\r\n", "/acts\nSet-Cookie: x=1"):
        resp = client.post("/lang", data={"lang": "en", "next": target})
        assert resp.status_code == 303, target
        assert resp.headers["Location"] == "/acts"
    assert client.post("/lang", data={"lang": "en", "next": "/try"}).headers["Location"] == "/try"


def test_try_json_with_a_lone_surrogate_is_a_form_error(en_client: Any) -> None:
    text = json.dumps(CASE).replace("Deputy head of department", "\\ud800")
    resp = en_client.post(
        f"/try/{ACT}/enrollment", data={"mode": "json", "case_json": text, "as_of": "2025-06-01"}
    )
    assert resp.status_code == 200
    assert "lone UTF-16 surrogate" in resp.get_data(as_text=True)
