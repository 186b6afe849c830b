"""A couple's next session as a real appointment.

The appointment is where "when is the next session" lives. The session record's "next
session" (``CounselingSession.next_session_at``) and the appointment are kept in step both
ways: recording a session with a next date books (or moves) the appointment, and setting,
moving or cancelling the appointment from the couple's page updates the latest session
record.

Times are stored in UTC and read in the couple's own time zone. Others who need "who has a
session when" (reminders, the counselor's digest) call :func:`sessions_tomorrow` or
:func:`sessions_on`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from domain.weeks import local_midnight, local_today
from extensions import db
from models import (
    Appointment,
    AppointmentStatus,
    CounselingSession,
    Couple,
    CoupleStatus,
    Partner,
    utcnow,
)
from models.calendar import DEFAULT_MINUTES

# How far ahead a session can be booked: further than this is almost surely a typo.
MAX_AHEAD = timedelta(days=2 * 366)
LENGTHS = (30, 45, 50, 60, 75, 90, 120)
# The longest a session can last: an appointment that started less than this long ago may
# still be going on.
LONGEST = timedelta(minutes=240)
# An appointment this close after a recorded session's start is that session itself.
SAME_SESSION = timedelta(hours=2)


class AppointmentProblem(ValueError):
    """Why a date and time cannot be booked, in words for the counselor; ``field`` says
    whether the date ("day") or the time ("time") is the one to change."""

    def __init__(self, message: str, field: str = "day"):
        super().__init__(message)
        self.field = field


def local_start(day: date | None, at: time | None, tz: str, now: datetime | None = None):
    """The UTC instant of ``day`` at ``at`` where the couple lives, checked for booking.

    Raises AppointmentProblem when there is no date, the moment has passed, it is more
    than two years ahead, or the clocks skip that hour there (a daylight-saving change).
    """
    now = now or utcnow()
    if day is None:
        raise AppointmentProblem("Please pick the date of the next session.")
    if at is None:
        raise AppointmentProblem("Please give the time too, e.g. 18:00.", "time")
    zone = ZoneInfo(tz)
    local = datetime.combine(day, at, tzinfo=zone)
    moment = local.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise AppointmentProblem(
            f"The clocks change that night in {tz.replace('_', ' ')}, so {at:%H:%M} doesn't "
            "exist that day. Please pick another time.",
            "time",
        )
    if moment <= now:
        raise AppointmentProblem("That moment has already passed. Please pick a later date.")
    if moment > now + MAX_AHEAD:
        raise AppointmentProblem("That is more than two years away. Please check the year.")
    return moment


def local(moment: datetime, tz: str) -> datetime:
    """``moment`` on the couple's clock."""
    return moment.astimezone(ZoneInfo(tz))


def ends_at(appointment: Appointment) -> datetime:
    return appointment.starts_at + timedelta(minutes=appointment.minutes)


def upcoming(couple: Couple | int, now: datetime | None = None) -> Appointment | None:
    """The couple's next booked session: the first one that has not ended yet."""
    now = now or utcnow()
    couple_id = couple if isinstance(couple, int) else couple.id
    candidates = db.session.scalars(
        select(Appointment)
        .where(
            Appointment.couple_id == couple_id,
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.starts_at > now - LONGEST,
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(4)
    )
    return next((a for a in candidates if ends_at(a) > now), None)


def _first_after(couple: Couple, after: datetime) -> Appointment | None:
    return db.session.scalar(
        select(Appointment)
        .where(
            Appointment.couple_id == couple.id,
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.starts_at > after,
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(1)
    )


def _latest_session(couple: Couple) -> CounselingSession | None:
    return db.session.scalar(
        select(CounselingSession)
        .where(CounselingSession.couple_id == couple.id)
        .order_by(CounselingSession.number.desc())
        .limit(1)
    )


def _book(couple: Couple, starts_at: datetime, minutes: int, after: datetime) -> Appointment:
    appointment = _first_after(couple, after)
    if appointment is None:
        appointment = Appointment(
            couple=couple,
            uid=f"session-{secrets.token_hex(12)}@hearth",
            starts_at=starts_at,
            minutes=minutes,
            status=AppointmentStatus.SCHEDULED,
            sequence=0,
        )
        db.session.add(appointment)
    elif appointment.starts_at != starts_at or appointment.minutes != minutes:
        appointment.starts_at = starts_at
        appointment.minutes = minutes
        appointment.sequence += 1
    return appointment


def schedule(
    couple: Couple, starts_at: datetime, minutes: int | None = None, now: datetime | None = None
) -> Appointment:
    """Set the couple's next session: move the booked one, or book one if there is none.

    The latest session record's "next session" follows. The caller commits.
    """
    now = now or utcnow()
    current = _first_after(couple, now)
    appointment = _book(
        couple, starts_at, minutes or (current.minutes if current else DEFAULT_MINUTES), now
    )
    latest = _latest_session(couple)
    if latest is not None and latest.held_at < starts_at:
        latest.next_session_at = starts_at
    db.session.flush()
    return appointment


def cancel(couple: Couple, now: datetime | None = None) -> Appointment | None:
    """Cancel the couple's next session (it stays, marked cancelled, for calendars).

    Returns the cancelled appointment, or None when nothing was booked. The caller commits.
    """
    now = now or utcnow()
    appointment = _first_after(couple, now)
    if appointment is None:
        return None
    appointment.status = AppointmentStatus.CANCELLED
    appointment.sequence += 1
    latest = _latest_session(couple)
    if latest is not None and latest.next_session_at == appointment.starts_at:
        latest.next_session_at = None
    db.session.flush()
    return appointment


def follow_session(
    session: CounselingSession, before: datetime | None, now: datetime | None = None
) -> Appointment | None:
    """After a session record was saved: its "next session" books the appointment.

    Only the couple's latest record speaks for what comes next, and only a next session
    still ahead is booked. Clearing the date on the record cancels the appointment that
    was booked for it. ``before`` is what the record said before this save.
    """
    now = now or utcnow()
    couple = session.couple
    latest = _latest_session(couple)
    if latest is None or latest.id != session.id:
        return None
    after = max(now, session.held_at + SAME_SESSION)
    nxt = session.next_session_at
    if nxt is not None and nxt > now:
        current = _first_after(couple, after)
        minutes = current.minutes if current else DEFAULT_MINUTES
        appointment = _book(couple, nxt, minutes, after)
        db.session.flush()
        return appointment
    if nxt is None and before is not None:
        current = _first_after(couple, after)
        if current is not None and current.starts_at == before:
            current.status = AppointmentStatus.CANCELLED
            current.sequence += 1
            db.session.flush()
            return current
    return None


def recording_start(couple: Couple, now: datetime | None = None) -> datetime:
    """When a session being recorded now most likely began, on the couple's clock: the
    form's first guess, which the counselor can change.

    The appointment booked since the latest record, today's or else the most recent one
    before; otherwise today at the time of day of the latest session; for a first session
    with nothing booked, now to the quarter hour. A booking on a later day is not this
    session: it stays the next one.
    """
    now = now or utcnow()
    zone = ZoneInfo(couple.timezone)
    today = now.astimezone(zone).date()
    latest = _latest_session(couple)
    after = latest.held_at + SAME_SESSION if latest else datetime.min.replace(tzinfo=UTC)
    booked = db.session.scalar(
        select(Appointment)
        .where(
            Appointment.couple_id == couple.id,
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.starts_at > after,
            Appointment.starts_at < local_midnight(today + timedelta(days=1), couple.timezone),
        )
        .order_by(Appointment.starts_at.desc(), Appointment.id.desc())
        .limit(1)
    )
    if booked is not None:
        return booked.starts_at.astimezone(zone)
    if latest is not None:
        at = latest.held_at.astimezone(zone).time().replace(second=0, microsecond=0)
        return datetime.combine(today, at, tzinfo=zone)
    local = now.astimezone(zone)
    return local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)


# --- Who has a session when -------------------------------------------------------------


@cache
def _booked(people: bool, one_counselor: bool):
    """Booked sessions from ``start`` to ``end`` (bound parameters; with ``one_counselor``,
    ``counselor_id`` too), each with its couple, earliest first. Built once, with its cache
    key: the dashboard's agenda asks it on every showing."""
    query = (
        select(Appointment)
        .join(Couple, Couple.id == Appointment.couple_id)
        .where(
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.starts_at >= bindparam("start"),
            Appointment.starts_at < bindparam("end"),
            Couple.status != CoupleStatus.ARCHIVED,
        )
        .options(joinedload(Appointment.couple))
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if people:  # messages name the counselor and both partners; the agenda names no one
        query = query.options(
            joinedload(Appointment.couple).joinedload(Couple.counselor),
            joinedload(Appointment.couple).selectinload(Couple.partners).joinedload(Partner.user),
        )
    if one_counselor:
        query = query.where(Couple.counselor_id == bindparam("counselor_id"))
    return query


def _on_local_days(
    offsets: tuple[int, ...], now: datetime | None, counselor_id: int | None, people: bool = True
) -> list[tuple[int, Appointment]]:
    now = now or utcnow()
    # Wide enough in UTC for every zone's "today" and "tomorrow"; each is then checked in
    # its couple's own zone.
    bounds = {"start": now - timedelta(days=2), "end": now + timedelta(days=max(offsets) + 2)}
    if counselor_id is not None:
        bounds["counselor_id"] = counselor_id
    query = _booked(people, counselor_id is not None)
    found = []
    for appointment in db.session.scalars(query, bounds).unique():
        tz = appointment.couple.timezone
        day = appointment.starts_at.astimezone(ZoneInfo(tz)).date()
        offset = (day - local_today(tz, now)).days
        if offset in offsets:
            found.append((offset, appointment))
    return found


def sessions_on(
    offset: int, now: datetime | None = None, *, counselor_id: int | None = None
) -> list[Appointment]:
    """Booked (not cancelled) sessions on the day ``offset`` days from today, each day
    read in its couple's own time zone (0 = today, 1 = tomorrow), earliest first.

    Each appointment comes with its couple, the couple's counselor and both partner
    places with their accounts loaded. Archived couples are left out. With
    ``counselor_id``, only that counselor's couples.
    """
    return [a for _, a in _on_local_days((offset,), now, counselor_id)]


def sessions_tomorrow(
    now: datetime | None = None, *, counselor_id: int | None = None
) -> list[Appointment]:
    """Sessions happening tomorrow where each couple lives: for "next session tomorrow"
    reminders and the counselor's digest. See :func:`sessions_on`.

    ``(appointment.id, appointment.sequence)`` names one booking exactly: a reminder
    sent for it need not be sent again unless the session was moved.
    """
    return sessions_on(1, now, counselor_id=counselor_id)


@dataclass(frozen=True)
class AgendaDay:
    label: str  # "Today" or "Tomorrow"
    appointments: list[Appointment]


def agenda(counselor_id: int, now: datetime | None = None) -> list[AgendaDay]:
    """The counselor's sessions today and tomorrow, in one query."""
    found = _on_local_days((0, 1), now, counselor_id, people=False)
    return [
        AgendaDay(label, [a for offset, a in found if offset == n])
        for n, label in ((0, "Today"), (1, "Tomorrow"))
    ]


def of_couple(couple_id: int) -> list[Appointment]:
    """Every appointment the couple ever had, earliest first."""
    return list(
        db.session.scalars(
            select(Appointment)
            .where(Appointment.couple_id == couple_id)
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def window(couple_ids: list[int], start: datetime, end: datetime) -> list[Appointment]:
    """Every appointment of these couples starting in [start, end), cancelled ones too."""
    if not couple_ids:
        return []
    return list(
        db.session.scalars(
            select(Appointment)
            .where(
                Appointment.couple_id.in_(couple_ids),
                Appointment.starts_at >= start,
                Appointment.starts_at < end,
            )
            .options(selectinload(Appointment.couple))
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def long_day_time(moment: datetime, tz: str, now: datetime | None = None) -> str:
    """ "Tuesday 8 December, 18:00" where the couple lives (the year when it is not this
    year's)."""
    from domain import dates

    local = moment.astimezone(ZoneInfo(tz))
    this_year = local.year == (now or utcnow()).astimezone(ZoneInfo(tz)).year
    day = dates.write(local, "long_day" if this_year else "long_day_year")
    return f"{day}, {dates.write(local, 'clock')}"
