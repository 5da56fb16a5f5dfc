"""Dates as day numbers, and the calendar arithmetic of the clause language on them.

A date is its proleptic Gregorian ordinal (`datetime.date.toordinal()`), an integer term. Month
arithmetic, month and quarter boundaries and `day_of_month` need the year, month and day of a
date: `Gregorian.split` introduces them as integer unknowns tied to the day number by the exact
count of days, which is linear integer arithmetic with one division by a constant. The count is
written for the years 1901-2199 (leap years every fourth year, 2100 not), so the encoding is exact
there, and that is the range of dates the solver's results speak of: the case's own dates lie in
the working-day calendar's coverage (2000-2077), and every date the rules compute from them (a
term of years, a quarter of a year the case names) must fall in 1901-2199; a case whose computed
dates leave it is outside the domain of a proof. `2025-01-31 + 1 month` is 2025-02-28,
`2024-02-29 + 1 year` is 2025-02-28, as `engine.timecalc` computes them.
"""

from __future__ import annotations

import datetime as dt

import z3

# Days before each month in a common year, and the months' lengths.
_BEFORE = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
_LENGTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

FIRST_ORDINAL = dt.date(1, 1, 1).toordinal()
LAST_ORDINAL = dt.date(9999, 12, 31).toordinal()


def ordinal(day: dt.date) -> int:
    return day.toordinal()


def from_ordinal(number: int) -> dt.date:
    return dt.date.fromordinal(number)


def _pick(index: z3.ArithRef, table: tuple[int, ...], base: int = 1) -> z3.ArithRef:
    """table[index - base] as a term (index is known to lie in range)."""
    term: z3.ArithRef = z3.IntVal(table[-1])
    for k in range(len(table) - 2, -1, -1):
        term = z3.If(index == k + base, table[k], term)
    return term


FIRST_YEAR, LAST_YEAR = 1901, 2199
_BEFORE_1901 = dt.date(1901, 1, 1).toordinal() - 1


def leap(year: z3.ArithRef) -> z3.BoolRef:
    """Leap years of 1901-2199: every fourth year except 2100."""
    return z3.And(year % 4 == 0, year != 2100)


def days_before_year(year: z3.ArithRef) -> z3.ArithRef:
    offset = year - FIRST_YEAR
    return _BEFORE_1901 + 365 * offset + offset / 4 - z3.If(year > 2100, 1, 0)


def days_before_month(year: z3.ArithRef, month: z3.ArithRef) -> z3.ArithRef:
    return _pick(month, _BEFORE) + z3.If(z3.And(month > 2, leap(year)), 1, 0)


def month_length(year: z3.ArithRef, month: z3.ArithRef) -> z3.ArithRef:
    return z3.If(month == 2, z3.If(leap(year), 29, 28), _pick(month, _LENGTH))


def compose(year: z3.ArithRef, month: z3.ArithRef, day: z3.ArithRef) -> z3.ArithRef:
    """The day number of year-month-day (month 1-12, day within the month)."""
    return days_before_year(year) + days_before_month(year, month) + day


class Gregorian:
    """Splits day-number terms into (year, month, day), once per distinct term.

    The unknowns and the constraints that pin them down go to `constraints`; they are
    functionally determined by the day number, so adding them excludes no date of the
    encoded years (1901-2199).
    """

    def __init__(self, constraints: list[z3.BoolRef], prefix: str = "g") -> None:
        self.constraints = constraints
        self.prefix = prefix
        self._split: dict[tuple[int, int], tuple[z3.ArithRef, z3.ArithRef, z3.ArithRef]] = {}

    def split(
        self, day: z3.ArithRef, present: z3.BoolRef | None = None
    ) -> tuple[z3.ArithRef, z3.ArithRef, z3.ArithRef]:
        """Year, month and day of `day`, pinned down wherever `present` holds (a missing
        value is never split: its term is arbitrary and must not restrict the case)."""
        day = z3.simplify(day)
        if z3.is_int_value(day):
            number = day.as_long()
            d = from_ordinal(number) if FIRST_ORDINAL <= number <= LAST_ORDINAL else None
            if d is not None:
                return z3.IntVal(d.year), z3.IntVal(d.month), z3.IntVal(d.day)
        present = z3.BoolVal(True) if present is None else present
        key = (day.get_id(), present.get_id())
        known = self._split.get(key)
        if known is not None:
            return known
        k = len(self._split)
        y, m, d = (z3.Int(f"{self.prefix}{k}_{part}") for part in ("y", "m", "d"))
        pinned = z3.And(
            y >= FIRST_YEAR,
            y <= LAST_YEAR,
            m >= 1,
            m <= 12,
            d >= 1,
            d <= month_length(y, m),
            day == compose(y, m, d),
        )
        self.constraints.append(pinned if z3.is_true(present) else z3.Implies(present, pinned))
        self._split[key] = (y, m, d)
        return y, m, d

    # ---- the functions of the language ---------------------------------------------------

    def add_months(self, day: z3.ArithRef, months: int, present: z3.BoolRef | None = None) -> z3.ArithRef:
        """`engine.timecalc.add_months`: keep the day, clamp to a shorter month's last day."""
        if months == 0:
            return day
        y, m, d = self.split(day, present)
        index = y * 12 + (m - 1) + months
        y2 = index / 12
        m2 = index % 12 + 1
        length = month_length(y2, m2)
        return compose(y2, m2, z3.If(d <= length, d, length))

    def start_of_month(self, day: z3.ArithRef, present: z3.BoolRef | None = None) -> z3.ArithRef:
        _, _, d = self.split(day, present)
        return day - d + 1

    def end_of_month(self, day: z3.ArithRef, present: z3.BoolRef | None = None) -> z3.ArithRef:
        y, m, d = self.split(day, present)
        return day - d + month_length(y, m)

    def quarter_of(self, day: z3.ArithRef, present: z3.BoolRef | None = None) -> z3.ArithRef:
        _, m, _ = self.split(day, present)
        return (m - 1) / 3 + 1

    def start_of_quarter(self, day: z3.ArithRef, present: z3.BoolRef | None = None) -> z3.ArithRef:
        y, m, _ = self.split(day, present)
        return compose(y, ((m - 1) / 3) * 3 + 1, z3.IntVal(1))

    def end_of_quarter(self, day: z3.ArithRef, present: z3.BoolRef | None = None) -> z3.ArithRef:
        y, m, _ = self.split(day, present)
        last = ((m - 1) / 3) * 3 + 3
        return compose(y, last, month_length(y, last))

    def start_of_last_month_of_quarter(
        self, day: z3.ArithRef, present: z3.BoolRef | None = None
    ) -> z3.ArithRef:
        y, m, _ = self.split(day, present)
        return compose(y, ((m - 1) / 3) * 3 + 3, z3.IntVal(1))

    def year_of(self, day: z3.ArithRef, present: z3.BoolRef | None = None) -> z3.ArithRef:
        y, _, _ = self.split(day, present)
        return y

    def day_of_month(
        self, day: z3.ArithRef, number: z3.ArithRef, present: z3.BoolRef | None = None
    ) -> tuple[z3.BoolRef, z3.ArithRef]:
        """(defined, value): missing when the month has no such day."""
        y, m, d = self.split(day, present)
        return z3.And(number >= 1, number <= month_length(y, m)), day - d + number

    @staticmethod
    def quarter_start(year: z3.ArithRef, quarter: z3.ArithRef) -> tuple[z3.BoolRef, z3.ArithRef, z3.BoolRef]:
        """(defined, value, domain): missing unless the quarter is 1-4 (and the year 1-9999);
        the domain keeps the year within the encoded years."""
        defined = z3.And(quarter >= 1, quarter <= 4, year >= 1, year <= 9999)
        domain = z3.And(year >= FIRST_YEAR, year <= LAST_YEAR)
        return defined, compose(year, 3 * (quarter - 1) + 1, z3.IntVal(1)), domain
