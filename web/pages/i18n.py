"""The pages' languages: the UI strings (data in `web.pages.strings`), the choice, the dates.

The language is chosen by the `ereje_lang` cookie (set by the switch in the page header, kept a
year), else by the browser's Accept-Language, else Kazakh. It changes the interface strings and
which text of a clause is shown first; the law's own texts are never translated here: a clause
is shown in the languages its act has, each marked with its status (the Kazakh text is
authoritative, the English one an unofficial translation).

Dates, as Kazakh usage writes them (docs/pages.md):
- in headings and prose the long form: "2025 жылғы 23 сәуір" (English: "23 April 2025"), and the
  attributive "2025 жылғы 23 сәуірдегі" before a noun ("…жағдай бойынша", "as of …");
- in tables and lists the numeric form "23.04.2025", as Kazakh acts cite one another
  ("23.04.2025 № 853");
- in form fields ISO "2025-04-23" (the value of the browser's date picker); a typed
  "23.04.2025" is accepted too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, g, request

from web.pages.strings import STRINGS

LANGS = ("kk", "en")
DEFAULT_LANG = "kk"
COOKIE = "ereje_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

KK_MONTHS = (
    "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
    "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан",
)
# The month with the locative-attributive suffix (-дағы/-дегі/-тағы/-тегі by vowel harmony and
# the final sound), as in "2013 жылғы 28 тамыздағы № 624 Жарлығы".
KK_MONTHS_ATTR = (
    "қаңтардағы", "ақпандағы", "наурыздағы", "сәуірдегі", "мамырдағы", "маусымдағы",
    "шілдедегі", "тамыздағы", "қыркүйектегі", "қазандағы", "қарашадағы", "желтоқсандағы",
)
EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def date_long(value: Any, lang: str) -> str:
    """"2025 жылғы 23 сәуір" / "23 April 2025"; anything that is not a date as it is."""
    d = _as_date(value)
    if d is None:
        return "" if value is None else str(value)
    if lang == "kk":
        return f"{d.year} жылғы {d.day} {KK_MONTHS[d.month - 1]}"
    return f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}"


def date_attr(value: Any, lang: str) -> str:
    """The attributive form before a noun: "2025 жылғы 23 сәуірдегі" / "23 April 2025"."""
    d = _as_date(value)
    if d is None:
        return "" if value is None else str(value)
    if lang == "kk":
        return f"{d.year} жылғы {d.day} {KK_MONTHS_ATTR[d.month - 1]}"
    return date_long(d, lang)


def date_short(value: Any) -> str:
    """"23.04.2025" in both languages."""
    d = _as_date(value)
    if d is None:
        return "" if value is None else str(value)
    return f"{d.day:02d}.{d.month:02d}.{d.year:04d}"


def parse_user_date(text: str | None) -> dt.date | None:
    """A date typed or picked in a form: ISO YYYY-MM-DD or DD.MM.YYYY; None if not a date."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return dt.date.fromisoformat(text)
        if len(text) == 10 and text[2] == "." and text[5] == ".":
            return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))
    except ValueError:
        return None
    return None


def lang_from_request() -> str:
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGS:
        return chosen
    best = request.accept_languages.best_match(LANGS)
    return best or DEFAULT_LANG


def current_lang() -> str:
    lang = getattr(g, "lang", None)
    if lang is None:
        lang = g.lang = lang_from_request()
    return lang


def translate(key: str, lang: str | None = None, **kwargs: Any) -> str:
    """The string `key` in `lang` (default: the request's), formatted with `kwargs`."""
    text = STRINGS[lang or current_lang()][key]
    return text.format(**kwargs) if kwargs else text


def pick(texts: Any, lang: str | None = None, fallback: str | None = None) -> str | None:
    """From a {lang: text} mapping the text in `lang`, else `fallback`'s, else any."""
    if not isinstance(texts, dict):
        return texts if isinstance(texts, str) else None
    lang = lang or current_lang()
    for key in (lang, fallback, *LANGS):
        if key and isinstance(texts.get(key), str) and texts[key]:
            return texts[key]
    return next((v for v in texts.values() if isinstance(v, str) and v), None)


def init_app(app: Flask) -> None:
    @app.context_processor
    def _i18n() -> dict[str, Any]:
        lang = current_lang()
        return {
            "lang": lang,
            "langs": LANGS,
            "t": lambda key, **kw: translate(key, lang, **kw),
            "t_or": lambda key, fallback: STRINGS[lang].get(key, fallback),
            "pick": lambda texts, fallback=None: pick(texts, lang, fallback),
            "date_long": lambda v: date_long(v, lang),
            "date_attr": lambda v: date_attr(v, lang),
            "date_short": date_short,
        }
