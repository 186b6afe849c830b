"""What a couple's week is.

A couple's homework week starts at local midnight on the weekday the counselor chose, in the
couple's own time zone. A week is named by the local date it starts on. All arithmetic on
weeks lives here so that daylight-saving changes and year boundaries are handled once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

WEEK = timedelta(days=7)
# Every date a person can type (sessions, homework, audit filters) or name in a URL (a
# week) lies in this range. Far-off dates such as 0001-01-01 or 9999-12-31 only broke
# the week arithmetic and the summaries; nobody's counseling happens there.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)
DAY_RANGE_MESSAGE = "Please choose a date between 1 January 2000 and 31 December 2099."
# A week can still be filled in for this long after it ends (a late Sunday, a busy Monday).
GRACE = timedelta(days=2)


def day_in_range(day: date) -> bool:
    """Is ``day`` one a person may enter or open (``EARLIEST_DAY`` to ``LATEST_DAY``)?"""
    return EARLIEST_DAY <= day <= LATEST_DAY


def week_start_for(day: date, week_starts_on: int) -> date:
    """The first day of the week that contains ``day`` (weekday 0 = Monday)."""
    return day - timedelta(days=(day.weekday() - week_starts_on) % 7)


def local_today(tz: str, now: datetime | None = None) -> date:
    """Today's date where the couple lives."""
    now = now or datetime.now(UTC)
    return now.astimezone(ZoneInfo(tz)).date()


def local_midnight(day: date, tz: str) -> datetime:
    """The instant ``day`` begins in ``tz``, in UTC (DST-aware: 23- and 25-hour days)."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)


@dataclass(frozen=True, order=True)
class Week:
    """One homework week of one couple: from ``start`` (a local date) for seven days."""

    start: date
    tz: str

    @property
    def end(self) -> date:
        """The last day of the week (inclusive)."""
        return self.start + timedelta(days=6)

    @property
    def starts_at(self) -> datetime:
        return local_midnight(self.start, self.tz)

    @property
    def ends_at(self) -> datetime:
        return local_midnight(self.start + WEEK, self.tz)

    @property
    def closes_at(self) -> datetime:
        """After this instant the week is read-only history."""
        return local_midnight(self.start + WEEK + GRACE, self.tz)

    def is_open(self, now: datetime | None = None) -> bool:
        """Can answers for this week still be written or changed?"""
        now = now or datetime.now(UTC)
        return self.starts_at <= now < self.closes_at

    def is_future(self, now: datetime | None = None) -> bool:
        now = now or datetime.now(UTC)
        return now < self.starts_at

    def contains(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at

    def previous(self) -> Week:
        return Week(self.start - WEEK, self.tz)

    def next(self) -> Week:
        return Week(self.start + WEEK, self.tz)

    def label(self) -> str:
        """ "17–23 Nov 2026", "28 Dec 2026 – 3 Jan 2027" (in the current language)."""
        from domain import dates

        return dates.week_span(self.start, self.end)


def current_week(tz: str, week_starts_on: int, now: datetime | None = None) -> Week:
    return Week(week_start_for(local_today(tz, now), week_starts_on), tz)


def week_of(day: date, tz: str, week_starts_on: int) -> Week:
    return Week(week_start_for(day, week_starts_on), tz)


def weeks_back(week: Week, count: int) -> list[Week]:
    """``count`` weeks ending with ``week``, oldest first."""
    return [Week(week.start - WEEK * i, week.tz) for i in range(count - 1, -1, -1)]


def weeks_from(first: Week, last: Week) -> Iterator[Week]:
    """Every week from ``first`` to ``last`` inclusive."""
    start = first.start
    while start <= last.start:
        yield Week(start, first.tz)
        start += WEEK


def week_number(first: date, week: date) -> int:
    """1 for the week starting on ``first``, 2 for the next, and so on."""
    return (week - first).days // 7 + 1
