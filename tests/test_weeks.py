"""Week arithmetic: daylight saving, year boundaries, far-apart time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.weeks import (
    Week,
    current_week,
    local_today,
    week_number,
    week_of,
    week_start_for,
    weeks_back,
    weeks_from,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


@pytest.mark.parametrize(
    ("day", "starts_on", "expected"),
    [
        (date(2026, 11, 22), MON, date(2026, 11, 16)),  # a Sunday, Monday weeks
        (date(2026, 11, 23), MON, date(2026, 11, 23)),  # the Monday itself
        (date(2026, 11, 22), SUN, date(2026, 11, 22)),
        (date(2026, 11, 21), SUN, date(2026, 11, 15)),
        (date(2026, 11, 20), WED, date(2026, 11, 18)),
        (date(2027, 1, 2), MON, date(2026, 12, 28)),  # across the new year
        (date(2024, 3, 1), THU, date(2024, 2, 29)),  # a leap day
    ],
)
def test_week_start_for(day, starts_on, expected):
    assert week_start_for(day, starts_on) == expected
    assert expected.weekday() == starts_on


def test_a_week_that_spans_the_new_year():
    week = week_of(date(2026, 12, 31), "Europe/Berlin", MON)
    assert week.start == date(2026, 12, 28)
    assert week.end == date(2027, 1, 3)
    assert week.label() == "28 Dec 2026 – 3 Jan 2027"
    assert week.next().start == date(2027, 1, 4)


def test_labels():
    assert Week(date(2026, 11, 16), "UTC").label() == "16–22 Nov 2026"
    assert Week(date(2026, 11, 30), "UTC").label() == "30 Nov – 6 Dec 2026"


def test_a_week_with_the_spring_dst_change_is_an_hour_short():
    # Europe/London moves to summer time on Sunday 29 March 2026.
    week = Week(date(2026, 3, 23), "Europe/London")
    assert week.ends_at - week.starts_at == timedelta(days=7, hours=-1)
    assert week.starts_at == datetime(2026, 3, 23, 0, 0, tzinfo=UTC)
    assert week.ends_at == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)


def test_a_week_with_the_autumn_dst_change_is_an_hour_long():
    # America/New_York moves back to standard time on Sunday 1 November 2026.
    week = Week(date(2026, 10, 26), "America/New_York")
    assert week.ends_at - week.starts_at == timedelta(days=7, hours=1)


def test_the_night_of_a_dst_change_belongs_to_the_right_week():
    # 01:30 local on the Sunday the clocks go back happens twice; both are in the same week.
    week = week_of(date(2026, 11, 1), "America/New_York", MON)
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST
    assert week.contains(first) and week.contains(second)


def test_utc_plus_13_is_already_in_next_week():
    # Sunday 22 Nov 2026, 12:00 UTC is Monday 01:00 in Tonga (UTC+13).
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert local_today("Pacific/Tongatapu", now) == date(2026, 11, 23)
    assert current_week("Pacific/Tongatapu", MON, now).start == date(2026, 11, 23)
    assert current_week("Europe/London", MON, now).start == date(2026, 11, 16)


def test_utc_minus_10_is_still_in_last_week():
    # Monday 23 Nov 2026, 08:00 UTC is Sunday 22:00 in Honolulu (UTC-10).
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert local_today("Pacific/Honolulu", now) == date(2026, 11, 22)
    assert current_week("Pacific/Honolulu", MON, now).start == date(2026, 11, 16)
    assert current_week("UTC", MON, now).start == date(2026, 11, 23)


def test_a_week_stays_open_two_days_after_it_ends():
    week = Week(date(2026, 11, 16), "Pacific/Honolulu")  # ends Sunday 22 Nov local
    tuesday_late = datetime(2026, 11, 25, 9, 59, tzinfo=UTC)  # Tue 23:59 in Honolulu
    wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # Wed 00:00 in Honolulu
    assert week.is_open(tuesday_late)
    assert not week.is_open(wednesday)
    assert not week.is_open(datetime(2026, 11, 16, 9, 59, tzinfo=UTC))  # not begun yet
    assert week.is_future(datetime(2026, 11, 16, 9, 59, tzinfo=UTC))


def test_an_assignment_starting_mid_week_counts_that_week_as_its_first():
    start = date(2026, 11, 19)  # a Thursday
    first = week_of(start, "Europe/London", MON)
    assert first.start == date(2026, 11, 16)
    assert week_number(first.start, first.start) == 1
    assert week_number(first.start, date(2026, 11, 30)) == 3


def test_weeks_back_and_weeks_from():
    week = Week(date(2027, 1, 4), "UTC")
    eight = weeks_back(week, 8)
    assert len(eight) == 8 and eight[-1] == week
    assert eight[0].start == date(2026, 11, 16)
    assert [w.start for w in weeks_from(eight[5], week)] == [
        date(2026, 12, 21),
        date(2026, 12, 28),
        date(2027, 1, 4),
    ]
