"""Kazakhstan's working-day calendar for deadlines such as "within ten working days".

Rules 11.3 and 13 of the act count working days, so a deadline depends on the public holidays,
on the law's moves of a holiday that falls on a weekend to the next working day, and on the
government's yearly transfers of days off (a weekday made a day off, a Saturday made a working
day). The pinned `holidays` package (`holidays.KZ`) supplies all three for the years it knows;
`engine/data/kz-calendar.yaml` adds what the package lacks, each entry with its source. Where the
answer rests on something uncertain (a lunar holiday the package only estimates, a year whose
transfers nobody has recorded, an override backed only by public reports), `notes()` says so,
so that a decision can carry the warning instead of a false certainty.

The engine has no clock: every date is an input. See docs/calendar.md.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NoReturn

import holidays
import yaml

from .errors import CalendarError as _CalendarErrorBase
from .i18n import N_
from .i18n import text as translate

__all__ = [
    "DEFAULT_OVERRIDES",
    "CalendarError",
    "CalendarNote",
    "NoteKind",
    "Override",
    "Source",
    "WorkingCalendar",
]

DEFAULT_OVERRIDES = Path(__file__).with_name("data") / "kz-calendar.yaml"
"""The overrides file shipped with the engine."""

MAX_OVERRIDES_BYTES = 256_000
"""The overrides file is a short, hand-kept list; anything larger is a mistake or an attack."""

ACTIONS = ("day_off", "working_day", "not_holiday")
_ACTION_MEANING = {
    "day_off": "a day off",
    "working_day": "a working day",
    "not_holiday": "not a public holiday",
}

# The catalogue messages of the notes (CalendarNote.text), keyed by kind and action.
NOTE_MESSAGES = (
    N_("cal.estimated_holiday"),
    N_("cal.unconfirmed_transfers"),
    N_("cal.unconfirmed_override"),
    N_("cal.meaning.day_off"),
    N_("cal.meaning.working_day"),
    N_("cal.meaning.not_holiday"),
)

NoteKind = Literal["estimated_holiday", "unconfirmed_transfers", "unconfirmed_override"]

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5

# The official date of Kurban Ait can differ from the package's lunar estimate by a day, so an
# estimate just outside a span may in fact fall inside it.
_ESTIMATE_MARGIN = timedelta(days=1)

# The package's own (Kazakh) name of Eid al-Adha. The calendar's coverage ends with the last
# year for which the package can place it: after that year a public holiday would be silently
# missing.
_KURBAN_AIT = "Құрбан айт"

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _label_pattern(label: str) -> re.Pattern[str]:
    """A regex matching names built from one of the package's `%s (…)` labels."""
    return re.compile(re.escape(label).replace("%s", "(?P<base>.+)", 1))


# Names are read in the package's default language (Kazakh): those are the literal strings of
# its source, so the labels below match without depending on translation files.
_ESTIMATED_NAME = (
    _label_pattern(holidays.KZ.estimated_label),
    _label_pattern(holidays.KZ.observed_estimated_label),
)


class CalendarError(_CalendarErrorBase):
    """A calendar question cannot be answered, or the overrides file is wrong.

    Data first: `file`, `line`, `column` (1-based) and `entry` (e.g. ``overrides[2]``) locate a
    problem in the overrides file; `day` and `coverage` say which date fell outside the range
    the calendar answers. `message` is the bare explanation; ``str(error)`` adds the location.

    A subclass of `engine.errors.CalendarError`, so callers catch every calendar problem there.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        entry: str | None = None,
        day: date | None = None,
        coverage: tuple[date, date] | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.entry = entry
        self.day = day
        self.coverage = coverage
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        """`file:line:col: entry: message (hint)`, omitting what is unknown."""
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        if self.entry:
            where += f"{self.entry}: "
        text = where + self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


@dataclass(frozen=True)
class CalendarNote:
    """Why an answer over some span may be uncertain; a decision shows these as warnings.

    `kind` is one of ``estimated_holiday`` (a lunar holiday whose date the package estimates),
    ``unconfirmed_transfers`` (a year whose government transfers of days off are not recorded)
    and ``unconfirmed_override`` (an override backed only by public reports).
    """

    date: date
    kind: NoteKind
    message: str
    # The message's variable parts, so that it can be said in the reader's language
    # (`text(lang)`; the catalogue key is "cal.<kind>").
    fields: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str | None = None) -> str:
        """The note in `lang` (Kazakh by default), from the gettext catalogues."""
        values = dict(self.fields)
        if self.kind == "unconfirmed_override":
            values["meaning"] = translate(f"cal.meaning.{values.get('action', '')}", lang)
        return translate(f"cal.{self.kind}", lang, **values)

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form, for a decision's warnings."""
        return {"date": self.date.isoformat(), "kind": self.kind, "message": self.message}


@dataclass(frozen=True)
class Source:
    """The act an override rests on, so a reviewer can check it."""

    act: str
    number: str
    date: date
    url: str | None = None

    def cite(self) -> str:
        """A short citation, e.g. for a decision's explanation."""
        return f"{self.act} No. {self.number} of {self.date.isoformat()}"


@dataclass(frozen=True)
class Override:
    """One date the repo decides differently from (or in addition to) the package.

    `source` is None exactly when the entry is `source_status: unconfirmed`.
    """

    date: date
    action: str
    source: Source | None
    description: str | None
    entry: str
    line: int

    @property
    def confirmed(self) -> bool:
        """True when an act is cited; unconfirmed overrides produce notes."""
        return self.source is not None


@dataclass(frozen=True)
class _Year:
    """Everything the calendar needs about one year, built once and then only looked up."""

    non_working: frozenset[date]
    estimated: tuple[tuple[date, str], ...]  # (date, name) of holidays the package estimates


# --------------------------------------------------------------------------------------------
# Package facts (depend only on the installed `holidays`, so cached per process)


def _package(year: int, language: str = "kk", estimated_label: bool = True) -> holidays.HolidayBase:
    return holidays.KZ(years=year, language=language, islamic_show_estimated=estimated_label)


@lru_cache(maxsize=1)
def _last_year_with_kurban_ait() -> int:
    """The last year the package can place Kurban Ait: the end of the calendar's coverage."""
    first = holidays.KZ.start_year
    for year in range(holidays.KZ.end_year, first - 1, -1):
        if any(_base_name(name) == _KURBAN_AIT for name in _package(year).values()):
            return year
    raise CalendarError(  # pragma: no cover - guards a future package release
        f"holidays {holidays.__version__} names no {_KURBAN_AIT!r} in any year; "
        "engine/calendar.py must be re-checked against this release"
    )


def _base_name(name: str) -> str:
    """A holiday's name without the package's "(estimated)" label."""
    for pattern in _ESTIMATED_NAME:
        match = pattern.fullmatch(name)
        if match:
            return match["base"]
    return name


def _is_estimated(name: str) -> bool:
    return any(pattern.fullmatch(name) for pattern in _ESTIMATED_NAME)


def _is_weekend(day: date) -> bool:
    return day.weekday() >= _SATURDAY


# --------------------------------------------------------------------------------------------
# Reading the overrides file


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings and takes only `true`/`false` as booleans.

    PyYAML would turn `2026-08-30` into a date and `no` into False; the file's dates are
    checked by hand instead, so that a wrong one is reported with its entry.
    """


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


@dataclass(frozen=True)
class _Node:
    """A loaded value with its 1-based position, so every error can point at the file."""

    value: Any
    line: int
    column: int


class _Reader:
    """Turns the composed YAML tree into `_Node`s; rejects duplicate keys and aliases."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text

    def read(self) -> _Node:
        loader = _Loader(self.text)
        try:
            root = self._compose(loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise CalendarError(
                f"malformed YAML: {exc.problem or exc.context}",
                file=self.file,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            ) from None
        finally:
            loader.dispose()
        if root is None:
            raise CalendarError("the overrides file is empty", file=self.file)
        return self._build(loader, root)

    def _compose(self, loader: _Loader) -> yaml.Node | None:
        """Compose the single document, refusing anchors and aliases (no alias bombs)."""
        original = loader.compose_node

        def compose_node(parent: Any, index: Any) -> Any:
            event = loader.peek_event()  # type: ignore[no-untyped-call]  # PyYAML's stubs leave peek_event unannotated
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise CalendarError(
                    "YAML anchors and aliases are not allowed in the overrides file",
                    file=self.file,
                    line=event.start_mark.line + 1,
                    column=event.start_mark.column + 1,
                    hint="write each entry out in full",
                )
            return original(parent, index)

        loader.compose_node = compose_node  # type: ignore[method-assign]  # this one loader's composer, wrapped
        return loader.get_single_node()

    def _build(self, loader: _Loader, node: yaml.Node) -> _Node:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        if isinstance(node, yaml.MappingNode):
            result: dict[str, _Node] = {}
            for key_node, value_node in node.value:
                key = loader.construct_object(key_node)
                if not isinstance(key, str):
                    self._fail(key_node, f"a key must be a string, got {key!r}")
                if key in result:
                    self._fail(
                        key_node,
                        f"duplicate key {key!r} (the first is at line {result[key].line})",
                    )
                result[key] = self._build(loader, value_node)
            return _Node(result, line, column)
        if isinstance(node, yaml.SequenceNode):
            return _Node([self._build(loader, item) for item in node.value], line, column)
        try:
            return _Node(loader.construct_object(node), line, column)
        except yaml.constructor.ConstructorError as exc:
            self._fail(node, f"unsupported YAML value: {exc.problem}")

    def _fail(self, node: yaml.Node, message: str) -> NoReturn:
        raise CalendarError(
            message,
            file=self.file,
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
        )


@dataclass(frozen=True)
class _Data:
    """The validated content of an overrides file."""

    package_version: str
    package_years: tuple[int, int]
    transfer_years: dict[int, Source]
    overrides: dict[date, Override]


class _Validator:
    """Checks the overrides file and names the entry (and its line) in every complaint."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, node: _Node, entry: str | None, message: str, hint: str | None = None) -> NoReturn:
        raise CalendarError(
            message, file=self.file, line=node.line, column=node.column, entry=entry, hint=hint
        )

    def mapping(
        self,
        node: _Node,
        entry: str | None,
        what: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> dict[str, _Node]:
        if not isinstance(node.value, dict):
            self.fail(node, entry, f"{what} must be a mapping, got {_kind(node.value)}")
        allowed = required + optional
        for key, value in node.value.items():
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                self.fail(
                    value,
                    entry,
                    f"unknown key {key!r} in {what}; allowed keys: {', '.join(allowed)}",
                    hint=f"did you mean {close[0]!r}?" if close else None,
                )
        for key in required:
            if key not in node.value:
                self.fail(node, entry, f"{what} lacks the required key {key!r}")
        return node.value

    def string(self, node: _Node, entry: str | None, what: str) -> str:
        if not isinstance(node.value, str) or not node.value.strip():
            self.fail(
                node,
                entry,
                f"{what} must be a non-empty string, got {node.value!r}",
                hint='quote numbers and dates: "0436", "2026-08-30"',
            )
        return node.value

    def integer(self, node: _Node, entry: str | None, what: str) -> int:
        if not isinstance(node.value, int) or isinstance(node.value, bool):
            self.fail(node, entry, f"{what} must be an integer, got {node.value!r}")
        return node.value

    def iso_date(self, node: _Node, entry: str | None, what: str) -> date:
        text = node.value
        if isinstance(text, str) and _ISO_DATE.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError as exc:
                self.fail(node, entry, f"{what} {text!r} is not a calendar date ({exc})")
        self.fail(node, entry, f'{what} must be a quoted date like "2026-08-30", got {text!r}')

    def source(self, node: _Node, entry: str) -> Source:
        fields = self.mapping(node, entry, "source", ("act", "number", "date"), ("url",))
        url = fields.get("url")
        return Source(
            act=self.string(fields["act"], entry, "source.act"),
            number=self.string(fields["number"], entry, "source.number"),
            date=self.iso_date(fields["date"], entry, "source.date"),
            url=self.string(url, entry, "source.url") if url is not None else None,
        )


_KINDS: dict[type[Any], str] = {dict: "a mapping", list: "a list", str: "a string"}


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), repr(value))


def _read_overrides(path: Path) -> tuple[_Data, bytes]:
    """Load and validate the overrides file; every error names the file, line and entry."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CalendarError(f"cannot read the overrides file: {exc.strerror}", file=file) from None
    if len(raw) > MAX_OVERRIDES_BYTES:
        raise CalendarError(
            f"the overrides file is {len(raw):,} bytes, over the {MAX_OVERRIDES_BYTES:,} limit",
            file=file,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CalendarError(f"the overrides file is not UTF-8 (byte {exc.start})", file=file) from None

    root = _Reader(file, text).read()
    check = _Validator(file)
    top = check.mapping(root, None, "the file", ("format", "package", "overrides"), ("transfer_years",))
    if top["format"].value != 1:
        check.fail(top["format"], "format", f"unsupported format {top['format'].value!r}; use 1")

    package = check.mapping(top["package"], "package", "package", ("name", "version", "transfers_confirmed"))
    if package["name"].value != "holidays":
        check.fail(package["name"], "package", "package.name must be 'holidays'")
    version = check.string(package["version"], "package", "package.version")
    if version != holidays.__version__:
        check.fail(
            package["version"],
            "package",
            f"this file was reviewed against holidays {version} but holidays "
            f"{holidays.__version__} is installed",
            hint="re-check the package's years and every override, then update package.version",
        )
    span = check.mapping(
        package["transfers_confirmed"],
        "package",
        "package.transfers_confirmed",
        ("first_year", "last_year"),
    )
    first = check.integer(span["first_year"], "package", "transfers_confirmed.first_year")
    last = check.integer(span["last_year"], "package", "transfers_confirmed.last_year")
    if not holidays.KZ.start_year <= first <= last <= _last_year_with_kurban_ait():
        check.fail(
            package["transfers_confirmed"],
            "package",
            f"transfers_confirmed {first}..{last} is not a range of years the package covers",
        )
    coverage = (date(first, 1, 1), date(_last_year_with_kurban_ait(), 12, 31))

    transfer_years: dict[int, Source] = {}
    years_node = top.get("transfer_years", _Node([], root.line, root.column))
    if not isinstance(years_node.value, list):
        check.fail(years_node, "transfer_years", "transfer_years must be a list (or [])")
    for index, item in enumerate(years_node.value):
        entry = f"transfer_years[{index}]"
        fields = check.mapping(item, entry, "a transfer year", ("year", "source"))
        year = check.integer(fields["year"], entry, "year")
        if year <= last or year > coverage[1].year:
            check.fail(
                fields["year"],
                entry,
                f"year {year} must be after {last} (the package's last year) and no later "
                f"than {coverage[1].year} (the end of coverage)",
            )
        if year in transfer_years:
            check.fail(fields["year"], entry, f"year {year} is listed twice")
        transfer_years[year] = check.source(fields["source"], entry)

    overrides: dict[date, Override] = {}
    nodes: dict[date, _Node] = {}
    overrides_node = top["overrides"]
    if not isinstance(overrides_node.value, list):
        check.fail(overrides_node, "overrides", "overrides must be a list (or [])")
    for index, item in enumerate(overrides_node.value):
        override = _read_override(check, item, f"overrides[{index}]", coverage)
        if override.date in overrides:
            earlier = overrides[override.date]
            check.fail(
                item,
                f"{override.entry} ({override.date})",
                f"{override.date} already has an override ({earlier.entry}, line {earlier.line})",
                hint="one entry per date",
            )
        overrides[override.date] = override
        nodes[override.date] = item
    _check_moved_days(check, overrides, nodes)
    return _Data(version, (first, last), transfer_years, overrides), raw


def _read_override(check: _Validator, item: _Node, entry: str, coverage: tuple[date, date]) -> Override:
    fields = check.mapping(
        item,
        entry,
        "an override",
        ("date", "action"),
        ("source", "source_status", "description"),
    )
    day = check.iso_date(fields["date"], entry, "date")
    index, entry = entry, f"{entry} ({day.isoformat()})"
    if not coverage[0] <= day <= coverage[1]:
        check.fail(
            fields["date"],
            entry,
            f"{day} is outside the calendar's coverage {coverage[0]}..{coverage[1]}",
        )
    action = fields["action"].value
    if action not in ACTIONS:
        check.fail(
            fields["action"],
            entry,
            f"action {action!r} is not one of {', '.join(ACTIONS)}",
            hint="day_off: a weekday made a day off; working_day: a day made a working day; "
            "not_holiday: a package holiday that no longer applies",
        )
    description = fields.get("description")
    text = check.string(description, entry, "description") if description else None
    has_source, status = "source" in fields, fields.get("source_status")
    if has_source == (status is not None):
        check.fail(
            item,
            entry,
            "give exactly one of 'source' (act, number, date) or "
            "'source_status: unconfirmed' with a 'description'",
        )
    source = None
    if status is None:
        source = check.source(fields["source"], entry)
    else:
        if status.value != "unconfirmed":
            check.fail(
                status,
                entry,
                f"source_status {status.value!r} is not allowed; the only value is 'unconfirmed' "
                "(a confirmed entry cites its act under 'source')",
            )
        if text is None:
            check.fail(
                item,
                entry,
                "an unconfirmed override needs a 'description' of the public reports it rests on",
            )
    return Override(day, action, source, text, index, item.line)


def _check_moved_days(check: _Validator, overrides: dict[date, Override], nodes: dict[date, _Node]) -> None:
    """A `not_holiday` on a weekend holiday must also decide the weekday the law moved it to.

    The package turns a holiday falling on a weekend into a day off on the next working day
    (an entry labelled "observed"). Dropping the holiday alone would keep that moved day off,
    so the drafter must add an override for it too (usually `working_day`).
    """
    observed = _label_pattern(holidays.KZ.observed_label)
    for override in overrides.values():
        if override.action != "not_holiday" or not _is_weekend(override.date):
            continue
        package = _package(override.date.year)
        name = package.get(override.date)
        if name is None:
            continue
        moved = sorted(
            day
            for day, other in package.items()
            if timedelta(0) < day - override.date <= timedelta(days=7)
            and (match := observed.fullmatch(other))
            and match["base"] == name
            and day not in overrides
        )
        if moved:
            days = ", ".join(day.isoformat() for day in moved)
            check.fail(
                nodes[override.date],
                f"{override.entry} ({override.date})",
                f"the package also gives {days} off as the weekday to which {name!r} "
                f"on {override.date} was moved; add an override for {days} as well",
                hint="working_day if the moved day off lapses with the holiday",
            )


# --------------------------------------------------------------------------------------------
# The calendar


class WorkingCalendar:
    """Kazakhstan's working days: `holidays.KZ` (pinned) plus the repo's overrides.

    A day is a working day unless it is a Saturday or Sunday, a public holiday, a weekday to
    which the law moved a holiday that fell on a weekend, or a weekday the government made a
    day off; a Saturday or Sunday the government made a working day is a working day. Overrides
    from the data file are applied last.

    Each year's non-working days are built the first time the year is asked about and then only
    looked up, so counting working days is a short loop of set lookups. (Two threads asking
    about a new year at once may both build it; the results are equal.)
    """

    def __init__(self, overrides: Path | None = None) -> None:
        """Load and validate the overrides file (default: the shipped `kz-calendar.yaml`).

        Raises CalendarError naming the file, line and entry when the data is wrong, and when
        the installed `holidays` is not the release the file was reviewed against.
        """
        path = DEFAULT_OVERRIDES if overrides is None else Path(overrides)
        data, raw = _read_overrides(path)
        self._data = data
        first, last = data.package_years
        self._confirmed_years = frozenset(range(first, last + 1)) | frozenset(data.transfer_years)
        self._coverage = (date(first, 1, 1), date(_last_year_with_kurban_ait(), 12, 31))
        self._years: dict[int, _Year] = {}
        digest = hashlib.sha256(raw).hexdigest()[:12]
        self._file_name = path.name
        self._data_version = f"holidays {holidays.__version__} + {path.name} sha256:{digest}"

    @property
    def coverage(self) -> tuple[date, date]:
        """First and last date the calendar answers at all; outside it, CalendarError.

        It starts with the first year whose government transfers the package records (2000 for
        holidays 0.108) and ends with the last year for which the package can place Kurban Ait
        (a lunar holiday): beyond that a public holiday would be silently missing.
        """
        return self._coverage

    @property
    def data_version(self) -> str:
        """Which calendar answered, for the decision's record: package release + file hash."""
        return self._data_version

    @property
    def overrides(self) -> tuple[Override, ...]:
        """The overrides in effect, in date order."""
        return tuple(sorted(self._data.overrides.values(), key=lambda o: o.date))

    def transfers_confirmed(self, year: int) -> bool:
        """Whether the government's transfers of days off for `year` are recorded in full."""
        return year in self._confirmed_years

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a working day in Kazakhstan (see the class docstring)."""
        self._check(day, "day")
        return day not in self._year(day.year).non_working

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start`; `start` itself is not counted, and n=0 gives it.

        This is the usual reading of "within N working days from the day of X": the period
        begins the day after X, so the result is the last working day on time. The result of
        n >= 1 is always a working day. Call `notes(start, result)` for the warnings.
        """
        self._check(start, "start")
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"n must be an int, got {type(n).__name__}")
        if n < 0:
            raise CalendarError(
                f"n must be 0 or more, got {n}",
                hint="count backwards with working_days_between instead",
            )
        day, remaining = start, n
        year, non_working = start.year, self._year(start.year).non_working
        while remaining:
            day += _ONE_DAY
            if day.year != year:
                if day > self._coverage[1]:
                    raise CalendarError(
                        f"{n} working days after {start} run past the end of the calendar's "
                        f"coverage {self._coverage[0]}..{self._coverage[1]}",
                        day=start,
                        coverage=self._coverage,
                    )
                year, non_working = day.year, self._year(day.year).non_working
            if day not in non_working:
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days after `start` up to and including `end`.

        The inverse of `add_working_days`: ``working_days_between(s, add_working_days(s, n))``
        is n. When `end` is before `start` the count is negative (the same days, counted back),
        so "was it done within N working days" is ``working_days_between(x, done) <= N``.
        """
        self._check(start, "start")
        self._check(end, "end")
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += _ONE_DAY
            if day not in self._year(day.year).non_working:
                count += 1
        return count

    def notes(self, start: date, end: date) -> list[CalendarNote]:
        """Why a result over `start`..`end` (inclusive, either order) may be uncertain.

        - ``estimated_holiday``: a lunar holiday whose date the package only estimates lies in
          the span or a day from it (the official date can differ by a day);
        - ``unconfirmed_transfers``: a year of the span whose government transfers of days off
          are not recorded, so a transferred day off may be missing;
        - ``unconfirmed_override``: an override resting only on public reports applies.

        An empty list means the span rests on confirmed data only.
        """
        self._check(start, "start")
        self._check(end, "end")
        start, end = min(start, end), max(start, end)
        notes: list[CalendarNote] = []
        for year in range(start.year, end.year + 1):
            if year not in self._confirmed_years:
                notes.append(
                    CalendarNote(
                        max(start, date(year, 1, 1)),
                        "unconfirmed_transfers",
                        f"transfers of days off for {year} are not confirmed: holidays "
                        f"{holidays.__version__} records the government's transfers for "
                        f"{self._data.package_years[0]}-{self._data.package_years[1]} only and "
                        f"no resolution for {year} is recorded in the calendar data; public "
                        "holidays and the law's weekend moves are applied",
                        (
                            ("year", str(year)),
                            ("version", holidays.__version__),
                            ("first", str(self._data.package_years[0])),
                            ("last", str(self._data.package_years[1])),
                        ),
                    )
                )
        low = max(start - _ESTIMATE_MARGIN, self._coverage[0])
        high = min(end + _ESTIMATE_MARGIN, self._coverage[1])
        for year in range(low.year, high.year + 1):
            for day, name in self._year(year).estimated:
                if low <= day <= high:
                    notes.append(
                        CalendarNote(
                            day,
                            "estimated_holiday",
                            f"{name} on {day} is an estimated date (holidays "
                            f"{holidays.__version__} marks it so); the official date is set "
                            "each year and may differ by a day",
                            (("name", str(name)), ("day", day.isoformat()), ("version", holidays.__version__)),
                        )
                    )
        for override in self.overrides:
            if start <= override.date <= end and not override.confirmed:
                notes.append(
                    CalendarNote(
                        override.date,
                        "unconfirmed_override",
                        f"{override.date} is treated as {_ACTION_MEANING[override.action]} on "
                        f"unconfirmed grounds ({self._file_name}, {override.entry}): "
                        f"{override.description}",
                        (
                            ("day", override.date.isoformat()),
                            ("action", override.action),
                            ("file", str(self._file_name)),
                            ("entry", str(override.entry)),
                            ("description", str(override.description)),
                        ),
                    )
                )
        return sorted(notes, key=lambda note: (note.date, note.kind))

    # ----------------------------------------------------------------------------------------

    def _check(self, day: date, what: str) -> None:
        """Refuse non-dates and dates outside coverage with a message naming the range."""
        if isinstance(day, datetime) or not isinstance(day, date):
            raise TypeError(f"{what} must be a datetime.date (not a datetime), got {type(day).__name__}")
        first, last = self._coverage
        if not first <= day <= last:
            raise CalendarError(
                f"{what} {day} is outside the working-day calendar's coverage {first}..{last}",
                day=day,
                coverage=self._coverage,
                hint=f"the calendar starts with the first year of recorded transfers ({first.year})"
                if day < first
                else f"holidays {holidays.__version__} cannot place Kurban Ait after {last.year}",
            )

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._build_year(year)
        return cached

    def _build_year(self, year: int) -> _Year:
        """Weekends, minus the package's working weekends, plus its holidays; then overrides."""
        package = _package(year)
        english = _package(year, "en_US", estimated_label=False)
        day, last = date(year, 1, 1), date(year, 12, 31)
        weekend: set[date] = set()
        while day <= last:
            if _is_weekend(day):
                weekend.add(day)
            day += _ONE_DAY
        # `weekend_workdays` also holds other years' dates (a transfer can cross New Year).
        working_weekend = {d for d in package.weekend_workdays if d.year == year}
        holiday_days = {d for d in package if d.year == year}
        non_working = (weekend - working_weekend) | holiday_days
        for override in self._data.overrides.values():
            if override.date.year != year:
                continue
            if override.action == "day_off":
                non_working.add(override.date)
            elif override.action == "working_day":
                non_working.discard(override.date)
            elif _is_weekend(override.date) and override.date not in working_weekend:
                non_working.add(override.date)  # not_holiday: a weekend day stays a day off
            else:
                non_working.discard(override.date)
        estimated = tuple(
            (d, f"{_base_name(name)} ({english.get(d, 'no English name')})")
            for d, name in sorted(package.items())
            if d.year == year and _is_estimated(name)
        )
        return _Year(frozenset(non_working), estimated)
