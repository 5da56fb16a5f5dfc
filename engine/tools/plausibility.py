"""What makes a generated case describe a person who could exist: ages, years of service, the
order of dates.

A case schema says what is *valid*; it cannot say that a sanction falls during service or that
nobody is hired at 15. An act states those assumptions in `examples/generation.yaml` (format in
that file's header; docs/casegen.md). `Plausibility.apply` draws the person's birth and hiring
days for one generated case, moves the case's dates inside their bounds and returns the drawn
days; `Plausibility.violations` lists what a case breaks, so tests (and a reader) can check any
case, generated or written by hand, against the same statement.

The assumptions are data next to the act, not code: they are not law, and a reader of an impact
count needs to see them to read the count as an estimate over this population.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..casecodec import parse_date
from ..errors import ErejeError
from ..timecalc import add_months
from ..yamlsafe import load_policy_yaml

HIRED = "hired"
FILE = Path("examples") / "generation.yaml"


class PlausibilityError(ErejeError, ValueError):
    """The act's generation.yaml is malformed."""


@dataclass(frozen=True)
class DateBound:
    fact: str  # "employee.sanctions[].imposed_on"
    after: tuple[str, ...] = ()
    before: tuple[str, ...] = ()


@dataclass
class DecisionRules:
    service_years: list[str] = field(default_factory=list)
    years_in_service: list[str] = field(default_factory=list)
    dates: list[DateBound] = field(default_factory=list)


@dataclass
class Plausibility:
    """An act's stated assumptions about the people its cases describe."""

    min_age_at_hiring: int = 18
    max_age_at_hiring: int = 30
    age_limit: int = 65
    decisions: dict[str, DecisionRules] = field(default_factory=dict)
    source: str | None = None

    # ---- drawing ---------------------------------------------------------------------------

    def apply(self, question: str, case: Any, as_of: dt.date, rng: random.Random) -> dict[str, str] | None:
        """Place `case` (changed in place) around a drawn birth and hiring day; return those days,
        or None when no placement respects every bound (the caller draws another case)."""
        if not isinstance(case, dict):
            return None
        rules = self.decisions.get(question, DecisionRules())
        hired = self._hiring_day(rules, case, as_of, rng)
        if hired is None:
            return None
        age = rng.randint(self.min_age_at_hiring, self.max_age_at_hiring)
        born = add_months(hired, -12 * age) - dt.timedelta(days=rng.randint(0, 364))
        if _years_between(born, as_of) > self.age_limit or hired > as_of:
            return None
        years = _years_between(hired, as_of)
        for path in rules.years_in_service:
            for parent, key in _slots(case, path):
                value = _whole(parent.get(key))
                if value is not None and value > years:
                    parent[key] = rng.randint(0, years)
        for bound in rules.dates:
            for parent, key, item in _date_slots(case, bound.fact):
                low, high = self._bounds(bound, case, item, hired, as_of)
                if low is None or high is None or low > high:
                    return None
                day = _day(parent.get(key))
                if day is None or not low <= day <= high:
                    parent[key] = (low + dt.timedelta(days=rng.randint(0, (high - low).days))).isoformat()
        return {"born_on": born.isoformat(), "hired_on": hired.isoformat()}

    def _hiring_day(
        self, rules: DecisionRules, case: dict[str, Any], as_of: dt.date, rng: random.Random
    ) -> dt.date | None:
        for path in rules.service_years:
            for parent, key in _slots(case, path):
                years = _whole(parent.get(key))
                if years is not None and years >= 0:
                    if years > self.age_limit - self.min_age_at_hiring:
                        return None
                    # whole years since hiring == years: hired in the year ending `years` years ago
                    latest = add_months(as_of, -12 * years)
                    earliest = add_months(as_of, -12 * (years + 1)) + dt.timedelta(days=1)
                    return earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
        # No fact counts the years: hired before every date that must follow the hiring, a few
        # years earlier at most, so the dates drawn near the rules' boundaries stay where they are.
        after_hiring = [
            d
            for bound in rules.dates
            if HIRED in bound.after
            for parent, key, _ in _date_slots(case, bound.fact)
            if (d := _day(parent.get(key))) is not None
        ]
        latest = min([as_of, *after_hiring])
        return latest - dt.timedelta(days=rng.randint(0, 8 * 365))

    def _bounds(
        self, bound: DateBound, case: dict[str, Any], item: tuple[int, ...], hired: dt.date, as_of: dt.date
    ) -> tuple[dt.date | None, dt.date | None]:
        lows = [hired if name == HIRED else _ref(case, name, bound.fact, item) for name in bound.after]
        highs = [
            as_of,
            *(hired if name == HIRED else _ref(case, name, bound.fact, item) for name in bound.before),
        ]
        low = max((d for d in lows if d is not None), default=dt.date.min)
        return low, min(d for d in highs if d is not None)

    # ---- checking ---------------------------------------------------------------------------

    def violations(
        self, question: str, case: Any, as_of: dt.date, assumed: dict[str, str] | None = None
    ) -> list[str]:
        """Every stated constraint `case` breaks (with `assumed` birth and hiring days, when known)."""
        out: list[str] = []
        if not isinstance(case, dict):
            return ["the case is not an object"]
        rules = self.decisions.get(question, DecisionRules())
        born = _day((assumed or {}).get("born_on"))
        hired = _day((assumed or {}).get("hired_on"))
        if born is not None and hired is not None:
            age = _years_between(born, hired)
            if not self.min_age_at_hiring <= age <= self.max_age_at_hiring:
                out.append(f"hired at {age}, outside {self.min_age_at_hiring}–{self.max_age_at_hiring}")
            if _years_between(born, as_of) > self.age_limit:
                out.append(f"older than {self.age_limit} on the decision date")
        if hired is not None:
            years = _years_between(hired, as_of)
            for path in rules.service_years:
                for parent, key in _slots(case, path):
                    if _whole(parent.get(key)) != years:
                        out.append(f"{path} is {parent.get(key)}, but {years} whole years since hiring")
            for path in rules.years_in_service:
                for parent, key in _slots(case, path):
                    value = _whole(parent.get(key))
                    if value is not None and value > years:
                        out.append(f"{path} is {value}, more than the {years} years since hiring")
        for bound in rules.dates:
            for parent, key, item in _date_slots(case, bound.fact):
                day = _day(parent.get(key))
                if day is None:
                    continue
                if day > as_of:
                    out.append(f"{bound.fact} {day} is after the decision date {as_of}")
                for name in bound.after:
                    other = hired if name == HIRED else _ref(case, name, bound.fact, item)
                    if other is not None and day < other:
                        out.append(f"{bound.fact} {day} is before {name} {other}")
                for name in bound.before:
                    other = hired if name == HIRED else _ref(case, name, bound.fact, item)
                    if other is not None and day > other:
                        out.append(f"{bound.fact} {day} is after {name} {other}")
        return out

    def describe(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "age_at_hiring": [self.min_age_at_hiring, self.max_age_at_hiring],
            "age_limit": self.age_limit,
            "decisions": {
                name: {
                    "service_years": r.service_years,
                    "years_in_service": r.years_in_service,
                    "dates": [
                        {"fact": b.fact, "after": list(b.after), "before": list(b.before)} for b in r.dates
                    ],
                }
                for name, r in sorted(self.decisions.items())
            },
        }


# ---- reading ------------------------------------------------------------------------------------


def load_plausibility(act_directory: str | Path) -> Plausibility:
    """The act's `examples/generation.yaml`, or the defaults (ages only) when it has none."""
    path = Path(act_directory) / FILE
    if not path.is_file():
        return Plausibility()
    loaded, issues = load_policy_yaml(path)
    if loaded is None or not isinstance(loaded.data, dict):
        detail = "; ".join(i.message for i in issues) or "not a mapping"
        raise PlausibilityError(f"{path}: {detail}")
    data = loaded.data
    person = data.get("person") or {}
    ages = person.get("age_at_hiring") or {}
    out = Plausibility(source=str(path))
    try:
        out.min_age_at_hiring = int(ages.get("min", 18))
        out.max_age_at_hiring = int(ages.get("max", 30))
        out.age_limit = int(person.get("age_limit", 65))
        for name, entry in (data.get("decisions") or {}).items():
            rules = DecisionRules(
                service_years=[str(p) for p in entry.get("service_years") or []],
                years_in_service=[str(p) for p in entry.get("years_in_service") or []],
                dates=[
                    DateBound(
                        str(b["fact"]),
                        tuple(str(x) for x in b.get("after") or []),
                        tuple(str(x) for x in b.get("before") or []),
                    )
                    for b in entry.get("dates") or []
                ],
            )
            out.decisions[str(name)] = rules
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise PlausibilityError(
            f"{path}: malformed ({exc!r}); see the file's header for the format"
        ) from None
    if not 0 < out.min_age_at_hiring <= out.max_age_at_hiring < out.age_limit:
        raise PlausibilityError(f"{path}: ages must satisfy 0 < age_at_hiring.min <= max < age_limit")
    return out


# ---- paths --------------------------------------------------------------------------------------

_PART = re.compile(r"[^.\[\]]+(?:\[\])?")


def _parts(path: str) -> list[str]:
    return _PART.findall(path)


def _date_slots(case: Any, path: str) -> list[tuple[dict[str, Any], str, tuple[int, ...]]]:
    """(parent object, key, list indices on the way) of every value at `path` present in `case`."""
    parts = _parts(path)
    out: list[tuple[dict[str, Any], str, tuple[int, ...]]] = []

    def walk(node: Any, k: int, item: tuple[int, ...]) -> None:
        if not isinstance(node, dict):
            return
        part = parts[k]
        many = part.endswith("[]")
        key = part[:-2] if many else part
        if key not in node:
            return
        if k == len(parts) - 1:
            if not many:
                out.append((node, key, item))
            return
        value = node[key]
        if many:
            if isinstance(value, list):
                for n, sub in enumerate(value):
                    walk(sub, k + 1, (*item, n))
        else:
            walk(value, k + 1, item)

    if parts:
        walk(case, 0, ())
    return out


def _slots(case: Any, path: str) -> list[tuple[dict[str, Any], str]]:
    return [(p, k) for p, k, _ in _date_slots(case, path)]


def _ref(case: Any, name: str, fact: str, item: tuple[int, ...]) -> dt.date | None:
    """The date `name` refers to for the occurrence of `fact` at list indices `item`: a path that
    shares the fact's list prefix means the same item; otherwise the path holds one value."""
    slots = _date_slots(case, name)
    shared = _shared_lists(name, fact)
    for parent, key, other_item in slots:
        if other_item[:shared] == item[:shared]:
            return _day(parent.get(key))
    return None


def _shared_lists(a: str, b: str) -> int:
    n = 0
    for x, y in zip(_parts(a), _parts(b), strict=False):
        if x != y:
            break
        n += x.endswith("[]")
    return n


def _whole(value: Any) -> int | None:
    """The whole years of a number of years (10.5 -> 10); None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return int(value)


def _day(value: Any) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


def _years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from `start` to `end` (an age, or years of service)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years
