"""The reading pages through Flask's test client: acts, an act, a clause, the language switch,
unknown ids, escaping, and that the pages stay out of the API's way."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # helper modules beside this file

from htmlform import element_ids

ACT = "U1300000624"


def text_of(resp: Any) -> str:
    assert resp.status_code == 200, resp.status_code
    assert resp.mimetype == "text/html"
    return resp.get_data(as_text=True)


# ---- acts ------------------------------------------------------------------------------------------


def test_home_leads_to_the_acts(client: Any) -> None:
    resp = client.get("/")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/acts")


def test_acts_lists_every_loaded_act_with_level_current_edition_and_last_amendment(
    app: Any, en_client: Any
) -> None:
    html = text_of(en_client.get("/acts"))
    library = app.extensions["ereje.policies"].snapshot.library
    assert set(library.acts) == {
        "U1300000624",
        "KZ-HEALTH-CODE-2020",
        "KZ-HEALTH-CONST-1995",
        "KZ-HEALTH-DSM-303-2020",
    }
    for act_id in library.acts:
        assert f'href="/acts/{act_id}"' in html
    assert "Decree of the President" in html and "Order of a minister" in html
    # The decree's current edition and last amendment: No. 853, signed 23.04.2025, in force
    # from 04.05.2025 at the earliest (uncertain).
    row = html[html.index('href="/acts/U1300000624"') :]
    row = row[: row.index("</tr>")]
    assert "№ 853 (U2500000853)" in row
    assert "signed 23.04.2025" in row
    assert "04.05.2025" in row and "date uncertain" in row
    assert "draft:draft-hypothetical-reserve-terms" in row  # the draft under review


def test_acts_in_kazakh(kk_client: Any) -> None:
    html = text_of(kk_client.get("/acts"))
    assert '<html lang="kk">' in html
    assert "<h1>Актілер</h1>" in html
    assert "Президент Жарлығы" in html
    assert "қол қойылған күні: 23.04.2025" in html
    assert "жылғы" in html  # today's date, written the Kazakh way


# ---- an act ----------------------------------------------------------------------------------------


def test_act_shows_structure_texts_side_by_side_and_stable_clause_links(en_client: Any) -> None:
    html = text_of(en_client.get(f"/acts/{ACT}"))
    # chapters of the Rules, in order
    ch1 = html.index("Chapter 1. General provisions")
    ch2 = html.index("Chapter 2. Formation of the Presidential personnel reserve")
    ch3 = html.index("Chapter 3. Exclusion from the Presidential personnel reserve")
    assert ch1 < ch2 < ch3
    # every clause of the act has an anchor and a stable link
    for cid in ("decree.1", "rules.8.1", "rules.10.1.part1", "rules.18.3", "rules.20"):
        assert f'id="c-{cid}"' in html
        assert f'href="/acts/{ACT}/clauses/{cid}"' in html
    # groups (paragraphs split into parts) are headings without text of their own
    assert 'id="c-rules.10.1"' in html
    # both languages, each marked: the Kazakh text as restored and unchecked (not passed off as the
    # official publication), English an unofficial translation
    block = html[html.index('id="c-rules.18.3"') :]
    block = block[: block.index("</article>")]
    assert 'lang="kk">3) оған қызметіне толық сәйкес келмейтіні' in block
    assert 'lang="en">3) has had a disciplinary sanction' in block
    assert "not checked against the official publication" in block and "unofficial translation" in block
    # the chosen language (English) is shown first
    assert block.index('lang="en">3)') < block.index('lang="kk">3)')
    # its rule, readable, and the decisions it feeds
    assert "For the decision" in block and "Exclusion from the Presidential personnel reserve" in block
    assert "exclusion_sanction_imposed" in block
    # its scenarios (from test-output/trace-results.json when present)


def test_uncertain_readings_are_marked(en_client: Any) -> None:
    html = text_of(en_client.get(f"/acts/{ACT}"))
    block = html[html.index('id="c-rules.8.3"') :]
    block = block[: block.index("</article>")]
    assert block.count('<mark class="uncertain"') == 3  # in the Kazakh text and in the two translations
    assert "[?]" not in re.sub(r"<mark[^>]*>\[\?\]</mark>", "", block)


def test_act_as_of_a_date_shows_the_edition_in_force_then(en_client: Any) -> None:
    html = text_of(en_client.get(f"/acts/{ACT}?as_of=2024-01-15"))
    assert "As of 15 January 2024, the edition in force:" in html
    assert "U2300000290" in html
    # decree.3 has its 2013 text; the Rules' clauses are not encoded for 2024
    block = html[html.index('id="c-decree.3"') :]
    assert "Not part of this edition." not in block[: block.index("</article>")]
    rules = html[html.index('id="c-rules.18.3"') :]
    assert "Not part of this edition." in rules[: rules.index("</article>")]


def test_act_as_of_a_date_before_the_first_edition_says_so(en_client: Any, kk_client: Any) -> None:
    html = text_of(en_client.get(f"/acts/{ACT}?as_of=2013-08-27"))
    assert "On 27 August 2013 no encoded edition of this act is in force" in html
    assert "the first encoded edition applies from 28 August 2013" in html
    kk = text_of(kk_client.get(f"/acts/{ACT}?as_of=27.08.2013"))
    assert "2013 жылғы 27 тамыздағы жағдай бойынша" in kk
    assert "2013 жылғы 28 тамыз" in kk


def test_act_as_of_an_unreadable_date_says_so(en_client: Any) -> None:
    html = text_of(en_client.get(f"/acts/{ACT}?as_of=31.02.2025"))
    assert "Not a date" in html
    assert 'value="31.02.2025"' in html


def test_act_in_a_draft_edition_is_marked_as_a_draft(en_client: Any) -> None:
    html = text_of(en_client.get(f"/acts/{ACT}?edition=draft:draft-hypothetical-reserve-terms"))
    assert "Shown: a DRAFT, not law" in html
    assert "[HYPOTHETICAL TEXT — NOT LAW] 14." in html


def test_paraphrase_only_act(en_client: Any, kk_client: Any) -> None:
    # The article's English paraphrase and its Russian rendering; no official text.
    html = text_of(kk_client.get("/acts/KZ-HEALTH-CODE-2020"))
    assert 'class="texts cols-2"' in html
    assert "cols-3" not in html
    assert "Not checked against the official text." not in html  # it is in Kazakh here
    assert "Ресми мәтінмен салыстырылып тексерілмеген." in html


# ---- a clause --------------------------------------------------------------------------------------


def test_clause_page_text_rule_versions_scenarios(make_app: Any, results_file: Any) -> None:
    results = results_file()
    app = make_app(EREJE_TRACE_RESULTS=str(results))
    en_client = app.test_client()
    en_client.set_cookie("ereje_lang", "en")
    html = text_of(en_client.get(f"/acts/{ACT}/clauses/rules.18.3"))
    assert "/acts/U1300000624/clauses/rules.18.3</code>" in html  # its stable address
    assert "3) оған қызметіне толық сәйкес келмейтіні" in html
    assert "Uncertain and reconstructed readings (1)" in html
    assert "атқаратын лауазымынан төмендету" in html  # the alternative reading
    # the rule in words and as written
    assert '<span class="kw">When</span>' in html
    assert "<strong class=\"outcome\">" in html
    assert "define exclusion_sanction_imposed" in html
    assert 'href="/try/U1300000624/exclusion"' in html and 'href="/try/U1300000624/appointment"' in html
    # versions over time: the No. 853 wording, in force from 04.05.2025 (uncertain)
    versions = html[html.index('id="versions-h"') :]
    assert "№ 853" in versions and "04.05.2025 – now" in versions and "new wording" in versions
    # the scenarios that cover it, as engine.tools.trace reads them
    from engine.tools.trace import build_trace, load_results
    from web.pages.common import DEFAULTS

    act = app.extensions["ereje.policies"].snapshot.library.act(ACT)
    trace = build_trace(act, Path(DEFAULTS["EREJE_FEATURES"]), load_results(results), results)
    clause = next(c for c in trace.clauses if c.id == "rules.18.3")
    assert clause.scenarios, "rules.18.3 is tagged by scenarios of features/exclusion.feature"
    from markupsafe import escape

    for cs in clause.scenarios:
        assert str(escape(cs.scenario.name)) in html
        assert f"{cs.scenario.rel}:{cs.scenario.line}" in html
    assert html.count('<span class="badge result-passed">passed</span>') == len(clause.scenarios)


def test_clause_with_several_versions_lists_them_with_their_amending_acts(en_client: Any) -> None:
    html = text_of(en_client.get(f"/acts/{ACT}/clauses/decree.2"))
    versions = html[html.index('id="versions-h"') :]
    assert "№ 624" in versions and "№ 290" in versions
    assert "lost force" in versions
    assert "The text of this version is not in our sources." in versions
    # the draft's version of 14.part1 is listed after the one in force, marked as a draft
    html = text_of(en_client.get(f"/acts/{ACT}/clauses/rules.14.part1"))
    versions = html[html.index('id="versions-h"') :]
    assert versions.index("U2500000853") < versions.index("draft-hypothetical-reserve-terms")
    assert "never in force (draft)" in versions


def test_clause_as_of_a_date_before_its_first_version(en_client: Any) -> None:
    html = text_of(en_client.get(f"/acts/{ACT}/clauses/rules.18.3?as_of=2024-06-01"))
    assert "This clause is not part of the edition shown." in html


def test_clause_links_keep_the_date(en_client: Any) -> None:
    html = text_of(en_client.get(f"/acts/{ACT}?as_of=2025-06-01"))
    assert f'href="/acts/{ACT}/clauses/rules.18.3?as_of=2025-06-01"' in html


# ---- unknown ids: 404 pages, the id only ever looked up ---------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/acts/U0000000000",
        "/acts/u1300000624",
        f"/acts/{ACT}/clauses/rules.99",
        f"/acts/{ACT}/clauses/act.yaml",
        f"/acts/{ACT}/clauses/..",
        f"/try/{ACT}/no_such_decision",
        "/try/U0000000000/enrollment",
        "/compare?act=U0000000000",
        "/trace?act=../../etc",
        "/monitoring?act=nope",
    ],
)
def test_unknown_ids_are_404_pages(client: Any, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    assert "Not found" in resp.get_data(as_text=True) or "Табылмады" in resp.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    ["/acts/..%2Fpolicies/clauses/rules.1", f"/acts/{ACT}/clauses/..%2F..%2Fact.yaml", f"/acts/{ACT}/clauses/%2Fetc%2Fpasswd"],
)
def test_paths_with_slashes_in_an_id_are_not_found(client: Any, url: str) -> None:
    assert client.get(url).status_code == 404


def test_a_group_address_leads_to_its_place_in_the_act(client: Any) -> None:
    resp = client.get(f"/acts/{ACT}/clauses/rules.10.1")  # a paragraph split into parts
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/acts/{ACT}#c-rules.10.1")


def test_api_paths_stay_the_api(client: Any, app: Any) -> None:
    resp = client.get("/v1/decisions/01ARZ3NDEKTSV4RRFFQ69G5FAV")  # no token: the API's 401, not a page
    assert resp.status_code == 401 and resp.mimetype == "application/problem+json"
    resp = client.get("/no/such/page")
    assert resp.mimetype == "application/problem+json"  # not a page: the API's own 404
    # the API's URL map (its documented contract) has no page route
    assert not any(r.rule.startswith(("/acts", "/try", "/compare", "/trace", "/monitoring"))
                   for r in app.url_map.iter_rules())


def test_a_page_asked_with_another_method_is_a_405_page(client: Any) -> None:
    resp = client.post("/acts")
    assert resp.status_code == 405 and resp.mimetype == "text/html"


# ---- escaping ------------------------------------------------------------------------------------


def test_clause_texts_and_notes_are_escaped(make_app: Any, policy_copy: Path) -> None:
    path = policy_copy / ACT / "clauses" / "rules-ch1.yaml"
    text = path.read_text(encoding="utf-8")
    original = "            2. The Presidential personnel reserve is the list of employees"
    assert text.count(original) == 1
    evil = '<script>alert("x")</script> & <b>bold</b> [?]'
    text = text.replace(original, f"            {evil} 2. The Presidential personnel reserve is the list of employees")
    reason = '        reason: "definition of the Presidential personnel reserve"\n'
    assert text.count(reason) == 1
    text = text.replace(reason, reason + '        notes: "<img src=x onerror=alert(1)>"\n')
    path.write_text(text, encoding="utf-8")
    client = make_app(EREJE_POLICIES=str(policy_copy)).test_client()
    client.set_cookie("ereje_lang", "en")
    for url in (f"/acts/{ACT}", f"/acts/{ACT}/clauses/rules.2"):
        html = text_of(client.get(url))
        assert "<script>alert" not in html and "<b>bold</b>" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
        assert '<mark class="uncertain"' in html
    html = text_of(client.get(f"/acts/{ACT}/clauses/rules.2"))
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# ---- language switch -------------------------------------------------------------------------------


def test_language_switch_sets_a_cookie_and_goes_back(client: Any) -> None:
    resp = client.post("/lang", data={"lang": "kk", "next": f"/acts/{ACT}?as_of=2025-06-01"})
    assert resp.status_code == 303
    assert resp.headers["Location"] == f"/acts/{ACT}?as_of=2025-06-01"
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith("ereje_lang=kk") and "Max-Age=31536000" in cookie and "HttpOnly" in cookie
    html = text_of(client.get(f"/acts/{ACT}?as_of=2025-06-01"))
    assert '<html lang="kk">' in html
    assert "2025 жылғы 1 маусымдағы жағдай бойынша қолданыстағы редакция:" in html
    client.post("/lang", data={"lang": "en", "next": "/acts"})
    assert '<html lang="en">' in text_of(client.get("/acts"))


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil", "javascript:x", ""])
def test_language_switch_never_leaves_the_site(client: Any, target: str) -> None:
    resp = client.post("/lang", data={"lang": "en", "next": target})
    assert resp.headers["Location"] == "/acts"


def test_an_unknown_language_is_refused_with_a_page_that_lists_the_languages(client: Any) -> None:
    resp = client.post("/lang", data={"lang": "fr", "next": "/acts"})
    assert resp.status_code == 400 and "Set-Cookie" not in resp.headers
    html = resp.get_data(as_text=True)
    assert "fr" in html and "Русский" in html and "English" in html and "Қазақша" in html
    resp = client.get("/acts?lang=xx")
    assert resp.status_code == 400 and "xx" in resp.get_data(as_text=True)
    # a stale cookie is no request: the browser's languages decide
    client.set_cookie("ereje_lang", "fr")
    html = client.get("/acts", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_russian_pages_and_the_lang_parameter(client: Any) -> None:
    resp = client.post("/lang", data={"lang": "ru", "next": "/acts"})
    assert resp.status_code == 303 and resp.headers["Set-Cookie"].startswith("ereje_lang=ru")
    html = text_of(client.get(f"/acts/{ACT}?as_of=2025-06-01"))
    assert '<html lang="ru">' in html and "По состоянию на 1 июня 2025 г. действует редакция:" in html
    assert '<html lang="en">' in text_of(client.get("/acts?lang=en"))


def test_default_language_follows_the_browser_then_kazakh(client: Any) -> None:
    assert '<html lang="en">' in client.get("/acts", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="kk">' in client.get("/acts", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="kk">' in client.get("/acts").get_data(as_text=True)


# ---- frame: local assets only, security headers, keyboard -------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/acts", f"/acts/{ACT}", f"/acts/{ACT}/clauses/rules.1", "/try", f"/try/{ACT}/enrollment", "/trace"],
)
def test_every_asset_is_local_and_headers_are_strict(client: Any, url: str) -> None:
    resp = client.get(url)
    html = text_of(resp)
    for attr, value in re.findall(r'\b(src|href|action)="([^"]*)"', html):
        if attr == "href" and value.startswith("https://adilet.zan.kz/"):
            continue  # the act's official publication: a link the reader follows, not an asset
        assert value.startswith(("/", "#", "data:")), f"{attr}={value} is not local"
    assert "<style" not in html and " style=" not in html and "<script>" not in html
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    ids = element_ids(html)
    assert "main" in ids  # the skip link's target
    assert 'href="#main"' in html


def test_static_assets_are_served(client: Any) -> None:
    with client.get("/static/pages.css") as css:
        assert css.status_code == 200 and css.mimetype == "text/css"
        body = css.get_data(as_text=True)
    assert ":focus-visible" in body and "@media (max-width: 700px)" in body
    assert "url(" not in body and "@import" not in body  # no fonts or images from anywhere
    with client.get("/static/pages.js") as js:
        assert js.status_code == 200
    with client.get("/static/../web/__init__.py") as resp:
        assert resp.status_code == 404
