"""Every page fits its screen, in every interface language, and is photographed for a reviewer.

For each page, in kk, ru and en, at 375, 768 and 1280 px wide: the document is no wider than the
viewport (`document.documentElement.scrollWidth`; wide tables scroll inside their own box, which
the keyboard can reach). At 375 and 1280 px a full-page screenshot is kept as a test artefact in
test-output/screenshots/layout/<lang>-<width>-<page>.png (gitignored).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS

ACT = "U1300000624"
REPO = Path(__file__).resolve().parents[2]
LANGS = ("kk", "ru", "en")
WIDTHS = (375, 768, 1280)
SHOT_WIDTHS = (375, 1280)


def _tried_case() -> str:
    """A permalink of a shipped example: the try page with its answer shown."""
    import datetime as dt

    from web.pages.tryit import permalink

    case = json.loads((REPO / "policies" / ACT / "examples" / "enrollment" / "eligible-nominee.json").read_text())
    token = permalink(case, dt.date(2025, 6, 1), "")
    assert token is not None
    return f"/try/{ACT}/enrollment?c={token}"


PAGES = {
    "acts": "/acts",
    "act": f"/acts/{ACT}",
    "act-health-code": "/acts/KZ-HEALTH-CODE-2020",
    "clause": f"/acts/{ACT}/clauses/rules.18.3",
    "try-index": "/try",
    "try-form": f"/try/{ACT}/enrollment?example=enrollment/eligible-nominee.json",
    "try-result": _tried_case(),
    "compare": "/compare",
    "trace": f"/trace?act={ACT}",
    "monitoring": "/monitoring?as_of=01.06.2025",
    "not-found": "/acts/NO-SUCH-ACT",
}


def _invalid_case() -> str:
    """A permalink of an invalid case with an unreadable date: every error shown at once."""
    import datetime as dt

    from web.pages.tryit import permalink

    token = permalink({"employee": {"reserve": {"enrolled_on": "31.02.2025"}}, "appointment": {}},
                      dt.date(2025, 6, 1), "")
    assert token is not None
    return f"/try/{ACT}/appointment?c={token}"


PAGES["try-errors"] = _invalid_case()  # placed after the result, before compare, in the run order


@pytest.fixture(scope="module")
def lang_pages(browser: Any, server: str) -> Iterator[dict[str, Any]]:
    """One page per interface language, its cookie set as the language switch sets it."""
    pages = {}
    for lang in LANGS:
        ctx = browser.context(f"layout-{lang}")
        ctx.clear_cookies()
        ctx.add_cookies([{"name": "ereje_lang", "value": lang, "url": server}])
        page = ctx.new_page()
        page.set_default_timeout(120_000)
        pages[lang] = page
    yield pages
    for page in pages.values():
        page.close()


def _overflowing(page: Any) -> list[str]:
    """The widest elements that stick out of the viewport (for the failure message)."""
    return page.evaluate(
        """() => {
          const w = document.documentElement.clientWidth, out = [];
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > w + 1 && r.width > 0) {
              let p = el.parentElement, clipped = false;
              while (p) { const s = getComputedStyle(p);
                if (s.overflowX !== 'visible') { clipped = true; break; } p = p.parentElement; }
              if (!clipped) out.push(el.tagName.toLowerCase() + '.' + el.className + ' → ' + Math.round(r.right));
            }
          }
          return out.slice(0, 8);
        }"""
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_fits_at_every_width(lang_pages: dict[str, Any], server: str, lang: str, name: str) -> None:
    page = lang_pages[lang]
    path = PAGES[name]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(server + path)
        assert response is not None
        assert response.status == (404 if name == "not-found" else 200), (path, response.status)
        assert page.locator("html").get_attribute("lang") == lang
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} ({lang}) is {scroll}px wide at {width}px: {_overflowing(page)}"
        if width in SHOT_WIDTHS:
            folder = SCREENSHOTS / "layout"
            folder.mkdir(parents=True, exist_ok=True)
            shot = folder / f"{lang}-{width}-{name}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 1000


@pytest.mark.parametrize("lang", LANGS)
def test_the_try_page_in_each_language_shows_every_error_in_its_date_format(
    lang_pages: dict[str, Any], server: str, lang: str
) -> None:
    page = lang_pages[lang]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + PAGES["try-errors"])
    errors = page.locator("#errors li")
    assert errors.count() >= 3  # the bad date, the missing position, the missing appointment position
    expected = {"kk": "КК.АА.ЖЖЖЖ", "ru": "ДД.ММ.ГГГГ", "en": "DD.MM.YYYY"}[lang]
    assert expected in page.locator("#fld-employee-reserve-enrolled_on-e").inner_text()
    assert page.locator("#fld-employee-reserve-enrolled_on").get_attribute("placeholder") == expected


def test_a_wide_table_scrolls_in_its_own_box_reachable_by_keyboard(lang_pages: dict[str, Any], server: str) -> None:
    page = lang_pages["kk"]
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(server + PAGES["trace"])
    box = page.locator(".matrix-wrap")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the matrix is wider than a phone
    box.focus()
    assert box.evaluate("el => document.activeElement === el && getComputedStyle(el).outlineStyle !== 'none'")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.matrix-wrap').scrollLeft > 0", timeout=10_000)


@pytest.mark.parametrize("name", ["try-result", "try-errors", "compare", "trace", "monitoring"])
def test_the_keyboard_reaches_every_control_and_shows_where_it_is(
    lang_pages: dict[str, Any], server: str, name: str
) -> None:
    """Tabbing through the page: every stop is a control, a link or a scroll box, with a visible
    outline; the controls of the content are among the stops (nothing is mouse-only)."""
    page = lang_pages["ru"]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + PAGES[name])
    seen: list[str] = []
    for _ in range(60):
        page.keyboard.press("Tab")
        stop = page.evaluate(
            """() => { const el = document.activeElement; const s = getComputedStyle(el);
                return [el.tagName, el.id || el.getAttribute('href') || el.name || el.className,
                        s.outlineStyle, s.outlineWidth, el.matches(':focus-visible')]; }"""
        )
        tag, ident, style, width, visible = stop
        if tag == "BODY":
            break
        assert tag in ("A", "BUTTON", "INPUT", "SELECT", "TEXTAREA", "SUMMARY", "DIV", "MAIN"), stop
        assert visible and style != "none" and width != "0px", f"no visible focus on {stop}"
        seen.append(f"{tag}:{ident}")
    assert len(seen) > 10
    if name == "try-result":
        assert "A:permalink" in seen
    if name == "trace":
        assert any(s.startswith("DIV:") for s in seen)  # the matrix's scroll box is a stop
