"""Calendar arithmetic with the semantics the clause language documents (docs/dsl.md).

Adding months or years keeps the day of the month and, where the target month is shorter,
lands on its last day: 31 January + 1 month = 28 (or 29) February; 29 February + 1 year =
28 February. This is the usual rule for periods counted in months or years: the period ends on
the corresponding day of the last month, or on that month's last day if it has no such day.
"""

from __future__ import annotations

import calendar as _cal
import datetime as _dt

from .errors import EvaluationLimit


def add_months(day: _dt.date, months: int) -> _dt.date:
    """`day` moved by a whole number of months, clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise EvaluationLimit(f"{day.isoformat()} moved by {months} months leaves the calendar")
    last = _cal.monthrange(year, month + 1)[1]
    return _dt.date(year, month + 1, min(day.day, last))


def add_days(day: _dt.date, days: int) -> _dt.date:
    try:
        return day + _dt.timedelta(days=days)
    except OverflowError:
        raise EvaluationLimit(f"{day.isoformat()} moved by {days} days leaves the calendar") from None


def start_of_month(day: _dt.date) -> _dt.date:
    return day.replace(day=1)


def end_of_month(day: _dt.date) -> _dt.date:
    return day.replace(day=_cal.monthrange(day.year, day.month)[1])


def quarter_of(day: _dt.date) -> int:
    return (day.month - 1) // 3 + 1


def start_of_quarter(day: _dt.date) -> _dt.date:
    return _dt.date(day.year, 3 * (quarter_of(day) - 1) + 1, 1)


def end_of_quarter(day: _dt.date) -> _dt.date:
    return end_of_month(_dt.date(day.year, 3 * quarter_of(day), 1))


def quarter_start(year: int, quarter: int) -> _dt.date | None:
    """The first day of quarter `quarter` (1–4) of `year`; missing when out of range."""
    if not (1 <= quarter <= 4 and 1 <= year <= 9999):
        return None
    return _dt.date(year, 3 * (quarter - 1) + 1, 1)


def day_of_month(day: _dt.date, number: int) -> _dt.date | None:
    """The `number`-th day of `day`'s month; missing when the month has no such day."""
    if not 1 <= number <= _cal.monthrange(day.year, day.month)[1]:
        return None
    return day.replace(day=number)
