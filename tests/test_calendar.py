"""Kazakhstan's working-day calendar (rules 11.3 and 13: "within N working days").

Real data throughout: the pinned `holidays` 0.108 and the shipped `engine/data/kz-calendar.yaml`;
broken or extra overrides are written to temporary files. Expected dates were worked out by hand
from the day-by-day calendar noted beside each assertion.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from pathlib import Path

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.calendar import DEFAULT_OVERRIDES, CalendarError, CalendarNote, WorkingCalendar

# Clearly fictitious; used only where a test needs some cited act in a temporary file.
FIXTURE_SOURCE = '{act: "Test fixture, not a real act", number: "T-1", date: "2026-01-01"}'

HEADER = """\
format: 1
package:
  name: holidays
  version: "0.108"
  transfers_confirmed: {first_year: 2000, last_year: 2025}
"""


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "kz-calendar.yaml"
    path.write_text(header + body, encoding="utf-8")
    return path


def kinds(notes: list[CalendarNote]) -> list[str]:
    return [note.kind for note in notes]


# --- deadlines across holidays, weekends and transfers -----------------------------------------


def test_ten_working_days_across_nauryz_2024(cal: WorkingCalendar) -> None:
    # 19 Mar 2024 (Tue). Off: Nauryz 21 (Thu), 22 (Fri), 23 (Sat), weekend 24, and 25 (Mon),
    # the weekday to which the law moves Nauryz's Saturday. Counted: 20, 26, 27, 28, 29,
    # 1, 2, 3, 4, 5 April. Weekdays alone would give 2 April.
    assert cal.add_working_days(date(2024, 3, 19), 10) == date(2024, 4, 5)
    assert not cal.is_working_day(date(2024, 3, 25))
    assert cal.working_days_between(date(2024, 3, 19), date(2024, 4, 5)) == 10


def test_deadline_across_independence_day_2025(cal: WorkingCalendar) -> None:
    # 16 Dec 2025 (Tue) is Independence Day. From 10 Dec: 11, 12, 15, 17, 18, 19, 22, 23, 24, 25.
    assert not cal.is_working_day(date(2025, 12, 16))
    assert cal.add_working_days(date(2025, 12, 10), 10) == date(2025, 12, 25)
    assert cal.add_working_days(date(2025, 12, 15), 1) == date(2025, 12, 17)


def test_deadline_across_a_weekend(cal: WorkingCalendar) -> None:
    # Friday 13 June 2025 -> Monday 16 June; the weekend is skipped.
    assert not cal.is_working_day(date(2025, 6, 14))
    assert not cal.is_working_day(date(2025, 6, 15))
    assert cal.add_working_days(date(2025, 6, 13), 1) == date(2025, 6, 16)
    assert cal.working_days_between(date(2025, 6, 13), date(2025, 6, 16)) == 1


def test_kurban_ait_2025_is_a_day_off_and_not_moved(cal: WorkingCalendar) -> None:
    # Kurban Ait fell on Friday 6 June 2025 (a confirmed date in the package): Thu 5 -> Mon 9.
    assert not cal.is_working_day(date(2025, 6, 6))
    assert cal.add_working_days(date(2025, 6, 5), 1) == date(2025, 6, 9)


def test_government_transfer_2024_saturday_4_may_worked_for_wednesday_8_may(
    cal: WorkingCalendar,
) -> None:
    # holidays 0.108: 2024 (MAY, 8, MAY, 4), resolution G24G0000109 on adilet.zan.kz.
    assert cal.is_working_day(date(2024, 5, 4))  # a Saturday
    assert not cal.is_working_day(date(2024, 5, 8))  # a Wednesday
    assert cal.add_working_days(date(2024, 5, 3), 1) == date(2024, 5, 4)
    # 4 May (1), 6 May (2); 7 Defender's Day, 8 transferred, 9 Victory Day; 10 May (3).
    assert cal.add_working_days(date(2024, 5, 3), 3) == date(2024, 5, 10)


def test_government_transfer_2025_sunday_5_january_worked_for_friday_3_january(
    cal: WorkingCalendar,
) -> None:
    # holidays 0.108: 2025 (JAN, 3, JAN, 5), resolution G24G0000436 on adilet.zan.kz.
    # From 31 Dec 2024: 1-2 Jan New Year, 3 Jan transferred, 4 Jan Saturday, 5 Jan worked.
    assert cal.add_working_days(date(2024, 12, 31), 1) == date(2025, 1, 5)


def test_transfer_across_new_year_2013_2014(cal: WorkingCalendar) -> None:
    # holidays 0.108: 2014 (JAN, 3, DEC, 28, 2013): the worked Saturday lies in the year before.
    assert cal.is_working_day(date(2013, 12, 28))
    assert not cal.is_working_day(date(2014, 1, 3))


def test_calendar_agrees_with_the_package_day_by_day(cal: WorkingCalendar) -> None:
    # The shipped overrides change no day in 0.108 (see the 30 August entry), so every day
    # from 2000 to 2030 must match the package's own is_working_day.
    package = holidays.KZ(years=range(2000, 2031), language="kk")
    day, mismatches = date(2000, 1, 1), []
    while day <= date(2030, 12, 31):
        if cal.is_working_day(day) != package.is_working_day(day):
            mismatches.append(day)
        day += timedelta(days=1)
    assert mismatches == []


def test_zero_working_days_is_the_start_itself(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2024, 3, 22), 0) == date(2024, 3, 22)  # even on Nauryz
    assert cal.working_days_between(date(2024, 3, 22), date(2024, 3, 22)) == 0


def test_counting_backwards_is_negative(cal: WorkingCalendar) -> None:
    assert cal.working_days_between(date(2024, 4, 5), date(2024, 3, 19)) == -10


def test_negative_n_is_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(CalendarError, match="n must be 0 or more, got -1"):
        cal.add_working_days(date(2024, 3, 19), -1)


def test_datetime_is_refused_not_silently_misread(cal: WorkingCalendar) -> None:
    with pytest.raises(TypeError, match=r"datetime\.date \(not a datetime\)"):
        cal.is_working_day(datetime(2024, 3, 22, 12, 0))


@settings(max_examples=200, deadline=None, database=None)
@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    n=st.integers(min_value=0, max_value=300),
)
def test_add_and_count_are_inverse(start: date, n: int) -> None:
    cal = _shared_calendar()
    end = cal.add_working_days(start, n)
    assert cal.working_days_between(start, end) == n
    if n:
        assert cal.is_working_day(end)
        # No earlier day would do: one day less holds one working day fewer.
        assert cal.working_days_between(start, end - timedelta(days=1)) == n - 1


_CALENDAR: list[WorkingCalendar] = []


def _shared_calendar() -> WorkingCalendar:
    if not _CALENDAR:
        _CALENDAR.append(WorkingCalendar())
    return _CALENDAR[0]


# --- coverage ------------------------------------------------------------------------------------


def test_coverage_is_2000_to_the_last_year_the_package_places_kurban_ait(
    cal: WorkingCalendar,
) -> None:
    assert cal.coverage == (date(2000, 1, 1), date(2077, 12, 31))
    names = {year: holidays.KZ(years=year, language="kk").values() for year in (2077, 2078)}
    assert any(name.startswith("Құрбан айт") for name in names[2077])
    assert not any(name.startswith("Құрбан айт") for name in names[2078])


def test_date_before_coverage_raises_with_the_range(cal: WorkingCalendar) -> None:
    with pytest.raises(CalendarError) as info:
        cal.is_working_day(date(1999, 12, 31))
    err = info.value
    assert "1999-12-31 is outside the working-day calendar's coverage" in str(err)
    assert "2000-01-01..2077-12-31" in str(err)
    assert err.day == date(1999, 12, 31)
    assert err.coverage == (date(2000, 1, 1), date(2077, 12, 31))


def test_date_after_coverage_raises(cal: WorkingCalendar) -> None:
    with pytest.raises(CalendarError, match=r"2078-01-02 .*2000-01-01\.\.2077-12-31"):
        cal.notes(date(2077, 12, 1), date(2078, 1, 2))


def test_deadline_running_past_coverage_raises(cal: WorkingCalendar) -> None:
    with pytest.raises(CalendarError, match=r"5 working days after 2077-12-29 run past the end"):
        cal.add_working_days(date(2077, 12, 29), 5)


# --- notes ---------------------------------------------------------------------------------------


def test_2026_span_notes_unconfirmed_transfers(cal: WorkingCalendar) -> None:
    notes = cal.notes(date(2026, 2, 2), date(2026, 2, 13))
    assert kinds(notes) == ["unconfirmed_transfers"]
    assert notes[0].date == date(2026, 2, 2)
    assert "transfers of days off for 2026 are not confirmed" in notes[0].message


def test_span_across_new_year_notes_only_the_unconfirmed_year(cal: WorkingCalendar) -> None:
    notes = cal.notes(date(2025, 12, 20), date(2026, 1, 15))
    assert [(n.kind, n.date) for n in notes] == [("unconfirmed_transfers", date(2026, 1, 1))]


def test_2025_span_has_no_notes(cal: WorkingCalendar) -> None:
    assert cal.notes(date(2025, 2, 3), date(2025, 2, 14)) == []


def test_estimated_kurban_ait_2026_gives_the_estimated_note(cal: WorkingCalendar) -> None:
    # holidays 0.108 places Kurban Ait 2026 on Wednesday 27 May, labelled estimated.
    assert not cal.is_working_day(date(2026, 5, 27))
    end = cal.add_working_days(date(2026, 5, 25), 5)  # 26, 28, 29, 1 June, 2 June
    assert end == date(2026, 6, 2)
    estimated = [n for n in cal.notes(date(2026, 5, 25), end) if n.kind == "estimated_holiday"]
    assert [n.date for n in estimated] == [date(2026, 5, 27)]
    assert "Құрбан айт (Eid al-Adha)" in estimated[0].message
    assert "estimated" in estimated[0].message


def test_estimate_a_day_outside_the_span_is_still_noted(cal: WorkingCalendar) -> None:
    # The official date may be a day earlier than the estimate, i.e. inside the span.
    assert "estimated_holiday" in kinds(cal.notes(date(2026, 5, 18), date(2026, 5, 26)))
    assert "estimated_holiday" not in kinds(cal.notes(date(2026, 5, 18), date(2026, 5, 25)))


def test_confirmed_kurban_ait_2024_gives_no_note(cal: WorkingCalendar) -> None:
    # Kurban Ait fell on Sunday 16 June 2024; a religious holiday is not moved to Monday.
    assert not cal.is_working_day(date(2024, 6, 16))
    assert cal.is_working_day(date(2024, 6, 17))
    assert cal.notes(date(2024, 6, 10), date(2024, 6, 21)) == []


def test_note_is_json_ready(cal: WorkingCalendar) -> None:
    note = cal.notes(date(2026, 2, 2), date(2026, 2, 3))[0]
    assert note.to_dict()["date"] == "2026-02-02"
    assert note.to_dict()["kind"] == "unconfirmed_transfers"


# --- the 30 August 2026 override -----------------------------------------------------------------


def test_constitution_day_2026_override_is_recorded_as_unconfirmed(cal: WorkingCalendar) -> None:
    [entry] = [o for o in cal.overrides if o.date == date(2026, 8, 30)]
    assert entry.action == "not_holiday"
    assert not entry.confirmed
    assert "15 March 2026" in (entry.description or "")


def test_constitution_day_2026_no_moved_day_off_and_the_answer_says_unconfirmed(
    cal: WorkingCalendar,
) -> None:
    # In 2025, 30 August (Saturday) gave Monday 1 September off; in 2026 30 August is a Sunday
    # and Monday 31 August is a working day.
    assert not cal.is_working_day(date(2025, 9, 1))
    assert cal.is_working_day(date(2026, 8, 31))
    end = cal.add_working_days(date(2026, 8, 28), 1)
    assert end == date(2026, 8, 31)
    notes = cal.notes(date(2026, 8, 28), end)
    overrides = [n for n in notes if n.kind == "unconfirmed_override"]
    assert [n.date for n in overrides] == [date(2026, 8, 30)]
    assert "unconfirmed" in overrides[0].message
    assert "Constitution Day" in overrides[0].message


# --- data version --------------------------------------------------------------------------------


def test_data_version_names_the_package_and_the_file_hash(cal: WorkingCalendar) -> None:
    digest = hashlib.sha256(DEFAULT_OVERRIDES.read_bytes()).hexdigest()[:12]
    assert cal.data_version == f"holidays 0.108 + kz-calendar.yaml sha256:{digest}"


def test_data_version_changes_with_the_file(tmp_path: Path, cal: WorkingCalendar) -> None:
    other = WorkingCalendar(write(tmp_path, "overrides: []\n"))
    assert other.data_version != cal.data_version


# --- overrides in a drafter's file ---------------------------------------------------------------


def test_not_holiday_override_makes_a_weekday_holiday_a_working_day(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""\
overrides:
  - date: "2025-12-16"
    action: not_holiday
    source: {FIXTURE_SOURCE}
""",
    )
    cal = WorkingCalendar(path)
    assert cal.is_working_day(date(2025, 12, 16))
    assert cal.notes(date(2025, 12, 15), date(2025, 12, 17)) == []  # cited: no note


def test_not_holiday_on_a_weekend_holiday_must_decide_the_moved_day(tmp_path: Path) -> None:
    body = """\
overrides:
  - date: "2025-08-30"
    action: not_holiday
    source_status: unconfirmed
    description: test
"""
    with pytest.raises(CalendarError) as info:
        WorkingCalendar(write(tmp_path, body))
    assert info.value.entry == "overrides[0] (2025-08-30)"
    assert "also gives 2025-09-01 off" in str(info.value)
    assert info.value.line == 7

    fixed = (
        body
        + """\
  - date: "2025-09-01"
    action: working_day
    source_status: unconfirmed
    description: test
"""
    )
    cal = WorkingCalendar(write(tmp_path, fixed))
    assert cal.is_working_day(date(2025, 9, 1))
    assert not cal.is_working_day(date(2025, 8, 30))  # still a Saturday
    assert kinds(cal.notes(date(2025, 8, 29), date(2025, 9, 2))) == [
        "unconfirmed_override",
        "unconfirmed_override",
    ]


def test_day_off_override_moves_a_deadline(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
overrides:
  - date: "2025-06-16"
    action: day_off
    source_status: unconfirmed
    description: test
""",
    )
    cal = WorkingCalendar(path)
    assert cal.add_working_days(date(2025, 6, 13), 1) == date(2025, 6, 17)


def test_a_recorded_transfer_year_removes_the_unconfirmed_note(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""\
transfer_years:
  - year: 2026
    source: {FIXTURE_SOURCE}
overrides: []
""",
    )
    cal = WorkingCalendar(path)
    assert cal.transfers_confirmed(2026)
    assert cal.notes(date(2026, 2, 2), date(2026, 2, 13)) == []
    assert kinds(cal.notes(date(2027, 2, 1), date(2027, 2, 12))) == ["unconfirmed_transfers"]


# --- malformed overrides files -------------------------------------------------------------------

OK_ENTRY = """\
overrides:
  - date: "2026-08-30"
    action: not_holiday
    source_status: unconfirmed
    description: reports
"""

# (id, body after HEADER, fragments the message must contain, entry, 1-based line)
BROKEN = [
    (
        "unknown-action",
        OK_ENTRY + '  - date: "2026-09-01"\n    action: holiday\n    source: ' + FIXTURE_SOURCE,
        ["action 'holiday' is not one of day_off, working_day, not_holiday"],
        "overrides[1] (2026-09-01)",
        12,
    ),
    (
        "no-source",
        OK_ENTRY + '  - date: "2026-09-01"\n    action: day_off\n',
        ["give exactly one of 'source'", "'source_status: unconfirmed'"],
        "overrides[1] (2026-09-01)",
        11,
    ),
    (
        "unconfirmed-without-description",
        'overrides:\n  - date: "2026-09-01"\n    action: day_off\n    source_status: unconfirmed\n',
        ["needs a 'description'"],
        "overrides[0] (2026-09-01)",
        7,
    ),
    (
        "bad-status",
        'overrides:\n  - date: "2026-09-01"\n    action: day_off\n'
        "    source_status: confirmed\n    description: x\n",
        ["source_status 'confirmed' is not allowed"],
        "overrides[0] (2026-09-01)",
        9,
    ),
    (
        "impossible-date",
        'overrides:\n  - date: "2026-02-30"\n    action: day_off\n'
        "    source_status: unconfirmed\n    description: x\n",
        ["date '2026-02-30' is not a calendar date"],
        "overrides[0]",
        7,
    ),
    (
        "date-not-iso",
        "overrides:\n  - date: 30.08.2026\n    action: day_off\n"
        "    source_status: unconfirmed\n    description: x\n",
        ['date must be a quoted date like "2026-08-30"', "'30.08.2026'"],
        "overrides[0]",
        7,
    ),
    (
        "typo-key",
        'overrides:\n  - date: "2026-09-01"\n    action: day_off\n    sorce: ' + FIXTURE_SOURCE,
        ["unknown key 'sorce'", "did you mean 'source'?"],
        "overrides[0]",
        9,
    ),
    (
        "unquoted-number",
        'overrides:\n  - date: "2026-09-01"\n    action: day_off\n'
        '    source: {act: "Test fixture, not a real act", number: 436, date: "2026-01-01"}\n',
        ["source.number must be a non-empty string, got 436"],
        "overrides[0] (2026-09-01)",
        9,
    ),
    (
        "duplicate-date",
        OK_ENTRY + OK_ENTRY.removeprefix("overrides:\n"),
        ["2026-08-30 already has an override (overrides[0], line 7)"],
        "overrides[1] (2026-08-30)",
        11,
    ),
    (
        "outside-coverage",
        'overrides:\n  - date: "1999-05-08"\n    action: day_off\n'
        "    source_status: unconfirmed\n    description: x\n",
        ["1999-05-08 is outside the calendar's coverage 2000-01-01..2077-12-31"],
        "overrides[0] (1999-05-08)",
        7,
    ),
    (
        "duplicate-key",
        'overrides:\n  - date: "2026-09-01"\n    action: day_off\n    action: working_day\n',
        ["duplicate key 'action' (the first is at line 8)"],
        None,
        9,
    ),
    (
        "alias",
        'overrides:\n  - &a {date: "2026-09-01", action: day_off}\n  - *a\n',
        ["anchors and aliases are not allowed"],
        None,
        7,
    ),
    (
        "bad-yaml",
        'overrides:\n  - date: "2026-09-01\n',
        ["malformed YAML"],
        None,
        None,
    ),
    (
        "overrides-not-a-list",
        "overrides: {}\n",
        ["overrides must be a list"],
        "overrides",
        6,
    ),
]


@pytest.mark.parametrize(
    ("body", "fragments", "entry", "line"),
    [pytest.param(*case[1:], id=case[0]) for case in BROKEN],
)
def test_malformed_overrides_name_the_entry(
    tmp_path: Path, body: str, fragments: list[str], entry: str | None, line: int | None
) -> None:
    path = write(tmp_path, body)
    with pytest.raises(CalendarError) as info:
        WorkingCalendar(path)
    err = info.value
    for fragment in fragments:
        assert fragment in str(err)
    assert err.file == str(path)
    assert err.entry == entry
    if line is not None:
        assert err.line == line
        assert str(err).startswith(f"{path}:{line}:")


def test_wrong_package_version_is_refused(tmp_path: Path) -> None:
    header = HEADER.replace('"0.108"', '"0.107"')
    with pytest.raises(CalendarError) as info:
        WorkingCalendar(write(tmp_path, "overrides: []\n", header=header))
    assert "reviewed against holidays 0.107 but holidays 0.108 is installed" in str(info.value)
    assert info.value.line == 4


def test_missing_file_is_a_calendar_error(tmp_path: Path) -> None:
    with pytest.raises(CalendarError, match="cannot read the overrides file"):
        WorkingCalendar(tmp_path / "absent.yaml")


def test_shipped_file_loads_and_every_entry_is_sourced_or_explained(
    cal: WorkingCalendar,
) -> None:
    assert cal.overrides  # the 30 August entry at least
    for override in cal.overrides:
        assert override.source is not None or override.description
