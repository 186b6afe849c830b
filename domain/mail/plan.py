"""Which timed messages have become due at a moment: the periodic pass's first half.

- ``week_started``: each joined partner, on their couple's week-start day, at their time.
- ``checkin_reminder``: each joined partner with a running check-in, on the week's last
  day at their time (whether they have checked in is looked at when it is sent).
- ``session_reminder``: each joined partner, the day before a booked session (that day
  read in their couple's time zone), at their time; its period names the booking
  (appointment id and sequence), so a moved session is reminded of again.
- ``digest``: each counselor, Monday to Friday in their time zone, at their time (sent
  only when a couple is worth a look).

Each is planned only on its own local day, from the person's time onward, so a pass at
any moment of that day queues it (once: its key names the period), and a pass on another
day does not send a stale one. A due moment in quiet hours moves to their end.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from domain.appointments import sessions_tomorrow
from domain.homework import covering
from domain.mail import prefs
from domain.mail.delivery import message_key, queue
from domain.mail.kinds import BY_NAME
from domain.weeks import current_week
from extensions import db
from kinds.checkin.models import KEY as CHECKIN
from models import (
    AssignmentStatus,
    Couple,
    CoupleStatus,
    MailChoice,
    MailSettings,
    Message,
    Partner,
    Role,
    User,
)

WORKING_DAYS = range(0, 5)  # Monday to Friday


def _candidates(now: datetime) -> list[dict]:
    couples = db.session.scalars(
        select(Couple)
        .where(Couple.status == CoupleStatus.ACTIVE)
        .options(
            selectinload(Couple.partners).selectinload(Partner.user),
            selectinload(Couple.assignments),
        )
    ).all()
    found = []
    for couple in couples:
        week = current_week(couple.timezone, couple.week_starts_on, now)
        running = [
            a
            for a in couple.assignments
            if a.status == AssignmentStatus.ACTIVE and a.covers(week.start)
        ]
        if not running:
            continue
        today = now.astimezone(ZoneInfo(couple.timezone)).date()
        checkin = covering(running, CHECKIN, week.start)
        for partner in couple.partners:
            user = partner.user
            if user is None or not user.active:
                continue
            base = {"user": user, "couple_id": couple.id, "tz": couple.timezone, "day": today}
            if today == week.start:
                found.append({**base, "kind": "week_started", "period": week.start.isoformat()})
            if checkin is not None and today == week.end:
                found.append({**base, "kind": "checkin_reminder", "period": week.start.isoformat()})
    for appointment in sessions_tomorrow(now):
        couple = appointment.couple
        today = now.astimezone(ZoneInfo(couple.timezone)).date()
        for partner in couple.partners:
            user = partner.user
            if user is None or not user.active:
                continue
            found.append(
                {
                    "user": user,
                    "couple_id": couple.id,
                    "tz": couple.timezone,
                    "day": today,
                    "kind": "session_reminder",
                    "period": f"{appointment.id}-{appointment.sequence}",
                    "ref_id": appointment.id,
                }
            )
    counselors = db.session.scalars(
        select(User).where(User.role == Role.COUNSELOR, User.active.is_(True))
    ).all()
    settings = _settings([c.id for c in counselors])
    for counselor in counselors:
        chosen = settings.get(counselor.id)
        tz = prefs.timezone_of(counselor, chosen or prefs.defaults(counselor.id))
        today = now.astimezone(ZoneInfo(tz)).date()
        if today.weekday() in WORKING_DAYS:
            found.append(
                {
                    "user": counselor,
                    "couple_id": None,
                    "tz": tz,
                    "day": today,
                    "kind": "digest",
                    "period": today.isoformat(),
                }
            )
    return found


def _settings(user_ids: list[int]) -> dict[int, MailSettings]:
    if not user_ids:
        return {}
    rows = db.session.scalars(select(MailSettings).where(MailSettings.user_id.in_(user_ids)))
    return {row.user_id: row for row in rows}


def plan(now: datetime) -> int:
    """Queue every timed message due by ``now``; returns how many were added."""
    candidates = _candidates(now)
    if not candidates:
        return 0
    keys = {
        id(c): message_key(c["kind"], user=c["user"], to_address="", period=c["period"])
        for c in candidates
    }
    existing = set(
        db.session.scalars(select(Message.key).where(Message.key.in_(list(keys.values()))))
    )
    user_ids = list({c["user"].id for c in candidates})
    settings = _settings(user_ids)
    choices = {
        (row.user_id, row.kind): row.wanted
        for row in db.session.scalars(select(MailChoice).where(MailChoice.user_id.in_(user_ids)))
    }
    added = 0
    for c in candidates:
        if keys[id(c)] in existing:
            continue
        user, kind = c["user"], BY_NAME[c["kind"]]
        if not choices.get((user.id, kind.name), kind.default_on):
            continue
        chosen = settings.get(user.id) or prefs.defaults(user.id)
        moment = prefs.local_moment(c["day"], chosen.send_at, c["tz"])
        if moment > now:
            continue  # later today
        due = prefs.after_quiet_hours(moment, chosen, c["tz"])
        if queue(
            kind.name,
            user=user,
            couple_id=c["couple_id"],
            period=c["period"],
            ref_id=c.get("ref_id"),
            due_at=due,
        ):
            added += 1
    return added
