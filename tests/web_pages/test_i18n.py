"""The interface strings and the dates, as Kazakh usage writes them."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from engine import i18n
from web.pages.i18n import date_attr, date_long, date_short, parse_user_date


def test_the_kazakh_strings_are_kazakh() -> None:
    kazakh = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)
    kk = i18n.catalogue("kk")._catalog
    assert sum(1 for v in kk.values() if kazakh.search(v)) > len(kk) * 0.6


def test_the_russian_strings_are_russian_and_differ_from_kazakh() -> None:
    russian = re.compile(r"[а-яё]", re.IGNORECASE)
    kazakh_only = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)
    ru = {k: v for k, v in i18n.catalogue("ru")._catalog.items() if k}
    kk = i18n.catalogue("kk")._catalog
    assert sum(1 for v in ru.values() if russian.search(v)) > len(ru) * 0.8
    # Kazakh letters only where Russian text quotes a Kazakh name (the language switch, an order number)
    assert {k for k, v in ru.items() if kazakh_only.search(v)} <= {"lang.kk", "dsm"} | {
        k for k in ru if "ДСМ" in ru[k]
    }
    assert sum(1 for k in ru if ru[k] == kk.get(k)) < 25  # shared words (Мониторинг, Кодекс), not copies


def test_unknown_language_is_refused_not_replaced() -> None:
    with pytest.raises(i18n.UnknownLanguage):
        i18n.text("nav.acts", "de")
    assert i18n.text("nav.acts") == i18n.text("nav.acts", "kk") == "Актілер"
    assert i18n.text("nav.acts", "ru") == "Акты"


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
    assert date_long(day, "ru").endswith(f"{day.year} г.")
    assert date_short(day) == day.strftime("%d.%m.%Y")
    assert date_short("2025-04-23") == "23.04.2025"


def test_reading_dates_typed_in_a_form() -> None:
    assert parse_user_date("23.04.2025") == dt.date(2025, 4, 23)
    assert parse_user_date(" 2025-04-23 ") == dt.date(2025, 4, 23)
    for bad in ("", "31.02.2025", "2025-02-30", "23/04/2025", "2025-4-3", "tomorrow"):
        assert parse_user_date(bad) is None
