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


SMALL_ACT = Path(__file__).resolve().parents[1] / "fixtures" / "enrollment"


def test_monitoring_lints_each_edition_once_whatever_the_dates_asked(
    make_app: Any, monkeypatch: Any
) -> None:
    """Lint runs per policy version and edition span, never per requested date."""
    from web import lintcache, solving

    runs: list[Any] = []
    real = solving.run

    def counted(job: Any, root: Any, version: Any, args: Any = (), **kwargs: Any) -> Any:
        if job is lintcache.lint_days:
            runs.extend(args[0])  # the days linted, in the solver child
        return real(job, root, version, args, **kwargs)

    monkeypatch.setattr(solving, "run", counted)
    # The small enrollment act (two editions): what is counted is how often a span is linted,
    # not what lint finds, and a budget no other test uses makes a fresh cache entry.
    app = make_app(EREJE_LINT_BUDGET=2_000, EREJE_POLICIES=str(SMALL_ACT))
    client = app.test_client()
    client.set_cookie("ereje_lang", "en")
    spans = lintcache.edition_spans(app.extensions["ereje.policies"].snapshot.library)
    for day in ("2025-06-01", "2024-01-01", "1999-12-31", "2031-02-03", "01.06.2025"):
        assert client.get("/monitoring", query_string={"as_of": day}).status_code == 200
    assert len(runs) == len(spans) + 1
    assert set(runs[1:]) == set(spans)
    # The date selects the editions in force on it.
    html = client.get("/monitoring", query_string={"as_of": "2025-06-01"}).get_data(as_text=True)
    assert "U1300000624@U2500000853" in html


def test_monitoring_far_dates_are_a_defined_answer(en_client: Any) -> None:
    for day in ("9999-12-31", "0001-01-01", "31.12.9999"):
        resp = en_client.get("/monitoring", query_string={"as_of": day})
        assert resp.status_code == 200, day
        assert day in resp.get_data(as_text=True)  # shown back as a date not understood


def test_monitoring_and_try_can_be_put_behind_a_token(make_app: Any, tmp_path: Path) -> None:
    import base64

    from web.auth import hash_token

    app = make_app(EREJE_PROTECTED_PAGES="monitoring,try",
                   EREJE_TOKENS=f"reviewer:{hash_token('page-token')}")
    client = app.test_client()
    for url in ("/monitoring", "/try", f"/try/{ACT}/enrollment"):
        resp = client.get(url)
        assert resp.status_code == 401, url
        assert resp.headers["WWW-Authenticate"].startswith('Basic realm="ereje"')
        bad = base64.b64encode(b"x:wrong").decode()
        assert client.get(url, headers={"Authorization": f"Basic {bad}"}).status_code == 401
    assert client.get("/acts").status_code == 200  # not protected
    basic = {"Authorization": "Basic " + base64.b64encode(b"anyone:page-token").decode()}
    bearer = {"Authorization": "Bearer page-token"}
    assert client.get("/try", headers=basic).status_code == 200
    assert client.get("/monitoring", headers=bearer).status_code == 200
    # A decision tried by a known caller is logged under that caller.
    store = app.extensions["ereje.store"]
    resp = client.post(
        f"/try/{ACT}/enrollment", headers=basic,
        data={"mode": "json", "case_json": json.dumps(CASE), "as_of": "2025-06-01"},
    )
    assert resp.status_code == 200
    (decision_id,) = store.ids()
    assert store.get(decision_id).caller == "reviewer"


def test_an_unknown_page_group_is_refused_at_start() -> None:
    import pytest

    from web.config import ConfigError, load

    with pytest.raises(ConfigError, match="unknown page group"):
        load({"EREJE_PROTECTED_PAGES": "monitoring,tyr"})
    assert load({"EREJE_PROTECTED_PAGES": "all"})["EREJE_PROTECTED_PAGES"] == "all"
