"""Helpers for the e-mail tests: couples with homework running since long ago, moments."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from urllib.parse import urlsplit

from extensions import db
from models import MailSettings
from tests import factories

LONG_AGO = date(2025, 12, 29)


def at(text: str) -> datetime:
    """'2026-10-26 09:00' (UTC) as an aware moment."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def couple_with_homework(
    counselor, timezone="Europe/London", week_starts_on=0, digest=False, **kwargs
):
    """A couple, both joined, with all three kinds running since the end of 2025.

    The counselor's daily digest is off unless ``digest``: such a couple is "worth a
    look" (nothing done for weeks), and most tests count the partners' messages.
    """
    from domain.mail import prefs

    if not digest:
        prefs.choose(counselor, "digest", False)
    couple = factories.couple(counselor, timezone=timezone, **kwargs)
    couple.week_starts_on = week_starts_on
    made = factories.homework(couple)
    for kind in ("rhythm", "needs", "checkin"):
        made[kind].starts_on = LONG_AGO
        made[kind].created_at = at("2025-12-29 00:00")
    db.session.commit()
    return couple, made


def no_quiet_hours(user) -> None:
    db.session.merge(
        MailSettings(
            user_id=user.id,
            send_at=time(9, 0),
            quiet_from=time(0, 0),
            quiet_until=time(0, 0),
            practice_name="",
        )
    )
    db.session.commit()


def set_mail_settings(user, **values) -> None:
    """Save these of ``user``'s message settings (``send_at=time(18, 30)``, quiet hours...)."""
    from domain.mail import prefs

    row = prefs.editable_settings(user)
    for name, value in values.items():
        setattr(row, name, value)
    db.session.commit()


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"]+", text)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
