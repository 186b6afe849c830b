"""What each person wants: which kinds, at what time of day, and their quiet hours.

Times are in the person's own time zone: a partner's is their couple's, a counselor's is
their own setting (the practice's default until they choose). Nothing is sent in quiet
hours; a message due then waits until they end.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from extensions import db
from models import MailChoice, MailSettings, MailSuppression, User

DEFAULT_SEND_AT = time(9, 0)
DEFAULT_QUIET_FROM = time(21, 0)
DEFAULT_QUIET_UNTIL = time(8, 0)
DEFAULT_PRACTICE = "Hearth"


def settings_for(user: User) -> MailSettings:
    """The person's settings row, or an unsaved one holding the defaults."""
    found = db.session.get(MailSettings, user.id) if user.id else None
    return found if found is not None else defaults(user.id)


def defaults(user_id: int | None) -> MailSettings:
    """Settings nobody chose yet: 09:00, quiet from 21:00 to 08:00 (not in the session)."""
    return MailSettings(
        user_id=user_id,
        send_at=DEFAULT_SEND_AT,
        quiet_from=DEFAULT_QUIET_FROM,
        quiet_until=DEFAULT_QUIET_UNTIL,
        timezone=None,
        practice_name="",
    )


def editable_settings(user: User) -> MailSettings:
    """The settings row to change, added to the session when it is new."""
    found = db.session.get(MailSettings, user.id)
    if found is None:
        found = settings_for(user)
        db.session.add(found)
    return found


def timezone_of(user: User, settings: MailSettings | None = None) -> str:
    if user.is_partner and user.partner_place is not None:
        return user.partner_place.couple.timezone
    settings = settings or settings_for(user)
    return settings.timezone or current_app.config["DEFAULT_TIMEZONE"]


def practice_name(counselor: User | None) -> str:
    """The name messages come from: the counselor's practice, else "Hearth"."""
    if counselor is None:
        return DEFAULT_PRACTICE
    return settings_for(counselor).practice_name.strip() or DEFAULT_PRACTICE


def practice_of(user: User) -> str:
    """The practice a person hears from: a counselor's own, a partner's counselor's."""
    if user.is_partner and user.partner_place is not None:
        return practice_name(user.partner_place.couple.counselor)
    return practice_name(user if user.is_counselor else None)


def choices_of(user: User) -> dict[str, bool]:
    rows = db.session.scalars(select(MailChoice).where(MailChoice.user_id == user.id))
    return {row.kind: row.wanted for row in rows}


def wants(user: User, kind) -> bool:
    """Does ``user`` want messages of ``kind`` (a ``kinds.Kind``)?"""
    chosen = db.session.scalar(
        select(MailChoice.wanted).where(MailChoice.user_id == user.id, MailChoice.kind == kind.name)
    )
    return kind.default_on if chosen is None else bool(chosen)


def choose(user: User, kind: str, wanted: bool) -> None:
    row = db.session.scalar(
        select(MailChoice).where(MailChoice.user_id == user.id, MailChoice.kind == kind)
    )
    if row is None:
        db.session.add(MailChoice(user_id=user.id, kind=kind, wanted=wanted))
    else:
        row.wanted = wanted


def suppressed(digest: str, kind: str) -> bool:
    return (
        db.session.scalar(
            select(MailSuppression.id).where(
                MailSuppression.address_digest == digest, MailSuppression.kind == kind
            )
        )
        is not None
    )


def in_quiet_hours(local: time, quiet_from: time, quiet_until: time) -> bool:
    """Is the local clock time inside quiet hours (which may run over midnight)?"""
    if quiet_from == quiet_until:
        return False  # no quiet hours
    if quiet_from < quiet_until:
        return quiet_from <= local < quiet_until
    return local >= quiet_from or local < quiet_until


def local_moment(day: date, at: time, tz: str) -> datetime:
    """``at`` o'clock on ``day`` in ``tz``, in UTC. A time the clocks skip (spring
    forward) falls on the same wall time an hour later, as ``zoneinfo`` folds it."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def after_quiet_hours(moment: datetime, settings: MailSettings, tz: str) -> datetime:
    """``moment`` itself when it is outside quiet hours, else the moment they end."""
    local = moment.astimezone(ZoneInfo(tz))
    if not in_quiet_hours(local.time(), settings.quiet_from, settings.quiet_until):
        return moment
    day = local.date()
    if local.time() >= settings.quiet_until:  # the evening part: they end tomorrow
        day += timedelta(days=1)
    return max(moment, local_moment(day, settings.quiet_until, tz))
