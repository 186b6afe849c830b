"""The connection plan's tables: the counselor's three numbers, and each planned time."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Time
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from extensions import db
from models.base import NOTE_MAX, VISIBILITY_CHECK, UTCDateTime, Visibility, utcnow

KEY = "plan"
WHAT_MAX = 200

# The three kinds of time together, in the order the card shows them.
DATE, AWAY, TRIP = "date", "away", "trip"
OCCASIONS = (DATE, AWAY, TRIP)
NAMES = {DATE: "Date", AWAY: "Night away", TRIP: "Trip"}
# "a date" / "a night away" / "a trip": for sentences.
A_NAME = {DATE: "a date", AWAY: "a night away", TRIP: "a trip"}
# The counselor's numbers: how often, in which unit, the default and the allowed range.
UNITS = {DATE: "days", AWAY: "weeks", TRIP: "months"}
DEFAULT = 7
RANGE = {DATE: (1, 31), AWAY: (1, 52), TRIP: (1, 24)}
# How long before one falls due it counts as "to plan" on the week.
LEAD = {DATE: timedelta(days=7), AWAY: timedelta(weeks=3), TRIP: timedelta(weeks=8)}

# Who arranges it, as the writer chooses (stored as a partner place id, or both).
ME, PARTNER, BOTH = "me", "partner", "both"


class PlanSettings(db.Model):
    """The counselor's three numbers for one assignment: a date every ``date_days`` days,
    a night away every ``away_weeks`` weeks, a trip every ``trip_months`` months."""

    __tablename__ = "plan_settings"
    __table_args__ = (
        CheckConstraint(f"date_days BETWEEN {RANGE[DATE][0]} AND {RANGE[DATE][1]}", "date_days"),
        CheckConstraint(f"away_weeks BETWEEN {RANGE[AWAY][0]} AND {RANGE[AWAY][1]}", "away_weeks"),
        CheckConstraint(
            f"trip_months BETWEEN {RANGE[TRIP][0]} AND {RANGE[TRIP][1]}", "trip_months"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), unique=True
    )
    date_days: Mapped[int] = mapped_column(Integer, default=DEFAULT)
    away_weeks: Mapped[int] = mapped_column(Integer, default=DEFAULT)
    trip_months: Mapped[int] = mapped_column(Integer, default=DEFAULT)

    assignment = relationship(
        "Assignment",
        backref=backref("plan_settings", uselist=False, cascade="all, delete-orphan"),
    )


def numbers(assignment) -> dict[str, int]:
    """The three numbers of ``assignment`` (the defaults when the counselor chose none)."""
    s = assignment.plan_settings
    if s is None:
        return dict.fromkeys(OCCASIONS, DEFAULT)
    return {DATE: s.date_days, AWAY: s.away_weeks, TRIP: s.trip_months}


def every_words(occasion: str, n: int) -> str:
    """ "every 7 days", "every week", "every 7 months"."""
    unit = UNITS[occasion]
    return f"every {unit[:-1]}" if n == 1 else f"every {n} {unit}"


def add_period(day: date, occasion: str, n: int) -> date:
    """``day`` plus ``n`` of the occasion's unit (months keep the day where they can)."""
    if occasion == DATE:
        return day + timedelta(days=n)
    if occasion == AWAY:
        return day + timedelta(weeks=n)
    month = day.month - 1 + n
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class PlannedTime(db.Model):
    """One date, night away or trip the couple planned: when, what, who arranges it.

    What is planned is the couple's joint plan, shown to both partners by nature (and never
    in a calendar feed, which says only "Date (planned together)"). Marking it done carries
    the marker's optional note, shared or for the counselor only (``visibility``).
    """

    __tablename__ = "planned_times"
    __table_args__ = (
        CheckConstraint("occasion IN ('date', 'away', 'trip')", name="occasion"),
        CheckConstraint(f"visibility {VISIBILITY_CHECK}", name="visibility"),
        Index("ix_planned_times_assignment_on", "assignment_id", "on_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    occasion: Mapped[str] = mapped_column(String(8))
    on_day: Mapped[date] = mapped_column(Date)
    at_time: Mapped[time | None] = mapped_column(Time)
    what: Mapped[str] = mapped_column(String(WHAT_MAX))
    # Who arranges it: a partner place, or None for both of them.
    arranger_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="SET NULL"))
    planned_by: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="SET NULL"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.SHARED)
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("confidentiality_policies.id", ondelete="SET NULL")
    )
    policy = relationship("ConfidentialityPolicy", lazy="joined")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def name(self) -> str:
        return NAMES[self.occasion]
