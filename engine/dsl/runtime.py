"""Helpers the generated decision functions call.

Each `*3` helper implements three-valued ("Kleene") logic over a missing value (`None`): the
compiler emits them only where the case schema allows a fact to be missing. See docs/dsl.md,
"Missing facts".
"""

from __future__ import annotations

import datetime as _dt
import operator as _op
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from ..timecalc import add_days, add_months

_date = _dt.date.fromisoformat


def _date3(value: str | None) -> _dt.date | None:
    return None if value is None else _date(value)


def _get(obj: dict[str, Any] | None, key: str) -> Any:
    return None if obj is None else obj.get(key)


def _and3(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _or3(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def _not3(a: bool | None) -> bool | None:
    return None if a is None else not a


def _neg3(a: Any) -> Any:
    return None if a is None else -a


_CMP: dict[str, Callable[[Any, Any], bool]] = {"==": _op.eq, "!=": _op.ne, "<": _op.lt, "<=": _op.le, ">": _op.gt, ">=": _op.ge}


def _cmp3(op: str, a: Any, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    return _CMP[op](a, b)


def _arith3(op: str, a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    return a + b if op == "+" else a - b


def _mul3(a: Any, b: Any) -> Any:
    return None if a is None or b is None else a * b


def _in3(value: Any, collection: Iterable[Any] | None, negate: bool) -> bool | None:
    if value is None or collection is None:
        return None
    return (value in collection) != negate


class _Ordered(Protocol):
    """What `between` compares: numbers with numbers, dates with dates, strings with strings."""

    def __le__(self, other: Any, /) -> bool: ...


def _between3(value: _Ordered | None, low: _Ordered | None, high: _Ordered | None) -> bool | None:
    if value is None or low is None or high is None:
        return None
    return low <= value <= high


def _ite3(cond: bool | None, then: Any, otherwise: Any) -> Any:
    if cond is None:
        return None
    return then if cond else otherwise


def _call3(fn: Callable[..., Any], *args: Any) -> Any:
    if any(a is None for a in args):
        return None
    return fn(*args)


def _q3(kind: str, items: Iterable[Any] | None, body: Callable[[Any], bool | None]) -> int | None:
    """any / all / count over a list, where the list or a condition may be missing."""
    if items is None:
        return None
    values = [body(item) for item in items]
    if kind == "any":
        return True if True in values else (None if None in values else False)
    if kind == "all":
        return False if False in values else (None if None in values else True)
    return None if None in values else sum(1 for v in values if v)


def _any3(items: Iterable[Any] | None, body: Callable[[Any], bool | None]) -> bool | None:
    if items is None:
        return None
    unknown = False
    for item in items:
        value = body(item)
        if value:
            return True
        if value is None:
            unknown = True
    return None if unknown else False


def _all3(items: Iterable[Any] | None, body: Callable[[Any], bool | None]) -> bool | None:
    if items is None:
        return None
    unknown = False
    for item in items:
        value = body(item)
        if value is False:
            return False
        if value is None:
            unknown = True
    return None if unknown else True


def _count3(items: Iterable[Any] | None, body: Callable[[Any], bool | None]) -> int | None:
    return _q3("count", items, body)


RUNTIME: dict[str, Any] = {
    "_any3": _any3,
    "_all3": _all3,
    "_count3": _count3,
    "_date": _date,
    "_date3": _date3,
    "_get": _get,
    "_and3": _and3,
    "_or3": _or3,
    "_not3": _not3,
    "_neg3": _neg3,
    "_cmp3": _cmp3,
    "_arith3": _arith3,
    "_mul3": _mul3,
    "_in3": _in3,
    "_between3": _between3,
    "_ite3": _ite3,
    "_call3": _call3,
    "_q3": _q3,
    "_addm": add_months,
    "_addd": add_days,
    "__builtins__": {"any": any, "all": all, "sum": sum, "frozenset": frozenset, "len": len},
}
