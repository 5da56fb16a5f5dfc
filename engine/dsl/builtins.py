"""The fixed set of functions a rule may call. Nothing else is callable from the language."""

from __future__ import annotations

from dataclasses import dataclass

from ..timecalc import (
    day_of_month,
    end_of_month,
    end_of_quarter,
    quarter_of,
    quarter_start,
    start_of_month,
    start_of_quarter,
)
from .types import DATE, INT, LIST, T_DATE, T_INT, Ty


@dataclass(frozen=True)
class Builtin:
    name: str
    params: tuple[str, ...]  # kinds
    result: Ty
    impl: object
    may_be_missing: bool = False  # the function itself can answer "missing"
    doc: str = ""


BUILTINS: dict[str, Builtin] = {
    b.name: b
    for b in [
        Builtin(
            "start_of_month",
            (DATE,),
            T_DATE,
            start_of_month,
            doc="the first day of the date's month",
        ),
        Builtin(
            "end_of_month", (DATE,), T_DATE, end_of_month, doc="the last day of the date's month"
        ),
        Builtin(
            "start_of_quarter",
            (DATE,),
            T_DATE,
            start_of_quarter,
            doc="the first day of the date's calendar quarter",
        ),
        Builtin(
            "end_of_quarter",
            (DATE,),
            T_DATE,
            end_of_quarter,
            doc="the last day of the date's calendar quarter",
        ),
        Builtin(
            "start_of_last_month_of_quarter",
            (DATE,),
            T_DATE,
            lambda d: start_of_month(end_of_quarter(d)),
            doc="the 1st day of the last month of the date's quarter",
        ),
        Builtin(
            "quarter_of", (DATE,), T_INT, quarter_of, doc="the quarter number (1–4) of the date"
        ),
        Builtin("year_of", (DATE,), T_INT, lambda d: d.year, doc="the year of the date"),
        Builtin(
            "quarter_start",
            (INT, INT),
            T_DATE,
            quarter_start,
            may_be_missing=True,
            doc="the first day of quarter Q of year Y: quarter_start(2025, 3) = 2025-07-01",
        ),
        Builtin(
            "day_of_month",
            (DATE, INT),
            T_DATE,
            day_of_month,
            may_be_missing=True,
            doc="the N-th day of the date's month; missing if the month is shorter",
        ),
        Builtin("size", (LIST,), T_INT, len, doc="the number of elements of a list"),
    ]
}
