"""The pages' languages: the choice, the interface strings (gettext catalogues, `engine.i18n`),
the dates.

The language is chosen by a `lang` query parameter (kk, ru, en; any other value is refused with
a page that lists the languages, never replaced), else the `ereje_lang` cookie (set by the
switch in the page header, kept a year), else the browser's Accept-Language, else Kazakh. It
changes the interface strings and which text of a clause is shown first; the law's own texts are
never translated here: a clause is shown in the languages its act has, each marked with its
status (the Kazakh text is authoritative, the others unofficial translations).

Dates, as Kazakh usage writes them (docs/pages.md):
- in headings and prose the long form: "2025 жылғы 23 сәуір" (English: "23 April 2025"), and the
  attributive "2025 жылғы 23 сәуірдегі" before a noun ("…жағдай бойынша", "as of …");
- in tables and lists the numeric form "23.04.2025", as Kazakh acts cite one another
  ("23.04.2025 № 853");
- in form fields the numeric form, the placeholder in the reader's letters (КК.АА.ЖЖЖЖ,
  ДД.ММ.ГГГГ, DD.MM.YYYY); ISO "2025-04-23" is accepted too.
Russian writes "23 апреля 2025 г." in prose, the month in the genitive.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, abort, g, request

from engine import i18n
from engine.i18n import DEFAULT_LANG, LANGS

__all__ = ["DEFAULT_LANG", "LANGS"]
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
# The genitive, as a date is written: "23 апреля 2025 г.".
RU_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
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
    if lang == "ru":
        return f"{d.day} {RU_MONTHS[d.month - 1]} {d.year} г."
    return f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}"


def date_attr(value: Any, lang: str) -> str:
    """The attributive form before a noun: "2025 жылғы 23 сәуірдегі" / "23 апреля 2025 г."."""
    d = _as_date(value)
    if d is None:
        return "" if value is None else str(value)
    if lang == "kk":
        return f"{d.year} жылғы {d.day} {KK_MONTHS_ATTR[d.month - 1]}"
    return date_long(d, lang)


def date_short(value: Any) -> str:
    """"23.04.2025" in every language."""
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


class UnknownPageLanguage(Exception):
    """A `lang` asked in the address that is not an interface language (a 400 page)."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang)
        self.lang = lang


def lang_from_request() -> str:
    asked = request.args.get("lang")
    if asked is not None:
        if asked not in LANGS:
            raise UnknownPageLanguage(asked)
        return asked
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGS:
        return chosen
    best = request.accept_languages.best_match(LANGS)
    return best or DEFAULT_LANG


def current_lang() -> str:
    lang = getattr(g, "lang", None)
    if lang is None:
        try:
            lang = g.lang = lang_from_request()
        except UnknownPageLanguage:
            g.lang = DEFAULT_LANG  # the refusal page itself is shown in Kazakh, listing the others
            raise
    return lang


def translate(key: str, lang: str | None = None, **kwargs: Any) -> str:
    """The interface string `key` in `lang` (default: the request's), formatted with `kwargs`."""
    return i18n.text(key, lang or current_lang(), **kwargs)


def pick(texts: Any, lang: str | None = None, fallback: str | None = None) -> str | None:
    """From a {lang: text} mapping the text in `lang`, else `fallback`'s, else any."""
    if not isinstance(texts, dict):
        return texts if isinstance(texts, str) else None
    lang = lang or current_lang()
    for key in (lang, fallback, *LANGS):
        if key and isinstance(texts.get(key), str) and texts[key]:
            return texts[key]
    return next((v for v in texts.values() if isinstance(v, str) and v), None)


def texts_lang(texts: Any, lang: str) -> str | None:
    """The language `pick` takes its text from (to mark it `lang=` when it is not the page's)."""
    if not isinstance(texts, dict):
        return None
    for key in (lang, *LANGS):
        if isinstance(texts.get(key), str) and texts[key]:
            return key
    return next((k for k, v in texts.items() if isinstance(v, str) and v), None)


def init_app(app: Flask) -> None:
    @app.before_request
    def _choose() -> None:
        try:
            current_lang()
        except UnknownPageLanguage as exc:
            g.unknown_lang = exc.lang
            abort(400)

    @app.context_processor
    def _i18n() -> dict[str, Any]:
        lang = current_lang()
        return {
            "lang": lang,
            "langs": LANGS,
            "t": lambda key, **kw: translate(key, lang, **kw),
            "t_or": lambda key, fallback: i18n.text_or(key, lang, fallback),
            "pick": lambda texts, fallback=None: pick(texts, lang, fallback),
            "pick_lang": lambda texts: texts_lang(texts, lang),
            "date_long": lambda v: date_long(v, lang),
            "date_attr": lambda v: date_attr(v, lang),
            "date_short": date_short,
        }
