"""The interface strings and the dates, as Kazakh usage writes them."""

from __future__ import annotations

import datetime as dt
import re
import string

import pytest

from web.pages.i18n import date_attr, date_long, date_short, parse_user_date
from web.pages.strings import EN, KK, STRINGS


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    assert set(KK) == set(EN)
    for key in EN:
        fields = {f for _, f, _, _ in string.Formatter().parse(EN[key]) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(KK[key]) if f}, key
        assert KK[key].strip() and EN[key].strip(), key


def test_every_key_used_by_the_templates_exists() -> None:
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "web" / "templates"
    used = set()
    for path in templates.glob("*.html"):
        used |= set(re.findall(r"\bt\(\s*[\"']([a-z0-9_.]+)[\"']\s*[,)]", path.read_text(encoding="utf-8")))
    # keys made from a prefix and a value: the values the pages can give them
    used |= {"nav.acts", "nav.try", "nav.compare", "nav.trace", "nav.monitoring"}
    used |= {"kind.rule", "kind.declarative", "lang.kk", "lang.en", "sev.error", "sev.warning", "sev.info"}
    missing = {k for k in used if k not in STRINGS["en"]}
    assert not missing


def test_the_kazakh_strings_are_kazakh() -> None:
    kazakh = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)
    assert sum(1 for v in KK.values() if kazakh.search(v)) > len(KK) * 0.6


@pytest.mark.parametrize(
    "day,kk_long,kk_attr,en_long",
    [
        (dt.date(2025, 4, 23), "2025 жылғы 23 сәуір", "2025 жылғы 23 сәуірдегі", "23 April 2025"),
        (dt.date(2013, 8, 28), "2013 жылғы 28 тамыз", "2013 жылғы 28 тамыздағы", "28 August 2013"),
        (dt.date(2025, 9, 1), "2025 жылғы 1 қыркүйек", "2025 жылғы 1 қыркүйектегі", "1 September 2025"),
        (dt.date(2024, 7, 9), "2024 жылғы 9 шілде", "2024 жылғы 9 шілдедегі", "9 July 2024"),
    ],
)
def test_dates(day: dt.date, kk_long: str, kk_attr: str, en_long: str) -> None:
    assert date_long(day, "kk") == kk_long
    assert date_attr(day, "kk") == kk_attr
    assert date_long(day, "en") == en_long
    assert date_short(day) == day.strftime("%d.%m.%Y")
    assert date_short("2025-04-23") == "23.04.2025"


def test_reading_dates_typed_in_a_form() -> None:
    assert parse_user_date("23.04.2025") == dt.date(2025, 4, 23)
    assert parse_user_date(" 2025-04-23 ") == dt.date(2025, 4, 23)
    for bad in ("", "31.02.2025", "2025-02-30", "23/04/2025", "2025-4-3", "tomorrow"):
        assert parse_user_date(bad) is None
