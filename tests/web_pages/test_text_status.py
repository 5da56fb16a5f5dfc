"""The status of an act's text wherever it is shown: a restored Kazakh text is never called the
official text ("ресми мәтін"), and the act links its official publication on adilet.zan.kz from
its own data (act.yaml `official_pages`), on the pages and in the API."""

from __future__ import annotations

import json
from typing import Any

ACT = "U1300000624"
ADILET = {"kk": "https://adilet.zan.kz/kaz/docs/U1300000624", "ru": "https://adilet.zan.kz/rus/docs/U1300000624"}


def _html(resp: Any) -> str:
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def test_the_kazakh_pages_do_not_call_the_restored_text_official(kk_client: Any) -> None:
    for path in (f"/acts/{ACT}", f"/acts/{ACT}/clauses/rules.8.3"):
        html = _html(kk_client.get(path))
        assert "ресми мәтін<" not in html and ">ресми мәтін" not in html
        assert "OCR-сканнан қалпына келтірілген, ресми жарияланыммен салыстырылмаған" in html


def test_the_english_pages_say_the_text_is_restored_and_unchecked(en_client: Any) -> None:
    html = _html(en_client.get(f"/acts/{ACT}/clauses/rules.8.3"))
    assert "restored from an OCR scan, not checked against the official publication" in html
    assert ">authoritative<" not in html


def test_the_act_page_links_the_official_publication_from_the_act_data(en_client: Any, kk_client: Any) -> None:
    for client in (en_client, kk_client):
        html = _html(client.get(f"/acts/{ACT}"))
        for url in ADILET.values():
            assert f'href="{url}"' in html


def test_an_act_without_a_recorded_official_page_links_none(en_client: Any) -> None:
    html = _html(en_client.get("/acts/KZ-HEALTH-CODE-2020"))
    assert "adilet.zan.kz/kaz/docs" not in html


def test_the_api_act_views_carry_the_text_status_and_the_official_pages() -> None:
    # The /v1/acts views are web.present's (behind the bearer token); read them directly.
    from web import present

    library = _library()
    found = library.act(ACT)
    act = json.loads(json.dumps(present.act_detail(library, found), default=str))
    assert act["official_pages"] == ADILET
    assert act["languages"]["kk"]["text_status"] == "restored_unchecked"
    kk = act["clauses"][0]["versions"][-1]["texts"]["kk"]
    assert kk["status"] == "authoritative" and kk["text_status"] == "restored_unchecked"
    summary = present.act_summary(library, found)
    assert summary["official_pages"] == ADILET
    clause = present.clause(found, found.clauses["rules.8.3"])
    assert clause["official_pages"] == ADILET
    assert clause["versions"][0]["texts"]["kk"]["text_status"] == "restored_unchecked"
    assert "text_status" not in clause["versions"][0]["texts"]["en"]
    assert present.act_summary(library, library.act("KZ-HEALTH-CODE-2020"))["official_pages"] == {}


def _library() -> Any:
    from pathlib import Path

    from engine import load_library

    return load_library(Path(__file__).resolve().parents[2] / "policies")


def test_an_answer_quoting_the_kazakh_text_says_it_is_restored() -> None:
    import datetime as dt

    library = _library()
    case = json.loads((library_root() / "enrollment" / "eligible-nominee.json").read_text())
    decision = library.decide("enrollment", case, as_of=dt.date(2025, 6, 1), act_id=ACT, lang="kk")
    kk = decision.to_dict()["clauses"][0]
    assert kk["lang"] == "kk" and kk["language_status"] == "authoritative"
    assert kk["text_status"] == "restored_unchecked"
    en = library.decide("enrollment", case, as_of=dt.date(2025, 6, 1), act_id=ACT, lang="en").to_dict()
    assert en["clauses"][0]["text_status"] is None


def library_root() -> Any:
    from pathlib import Path

    return Path(__file__).resolve().parents[2] / "policies" / ACT / "examples"
